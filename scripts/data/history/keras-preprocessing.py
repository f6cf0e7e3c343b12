"""keras-preprocessing history pack: the fitted preprocessing objects (text Tokenizer, ImageDataGenerator,
TimeseriesGenerator) as keras_preprocessing's released versions define them, read by scripts/data/derive-history.py.
The pack of the installed version (Debian's 1.1.0) names ImageDataGenerator where 1.0.6 and later define it
(keras_preprocessing.image.image_data_generator); 1.0.1 - 1.0.5 define it in the single module keras_preprocessing.image,
which is the name their pickles carry. REVIEW keys are owner.hook@hash of the hook's syntax tree."""

LIB = "keras-preprocessing"
PACK = "keras-preprocessing"
TITLE = "Keras preprocessing objects (text Tokenizer, ImageDataGenerator, TimeseriesGenerator) as keras_preprocessing's releases define them"
PACKAGE = "keras_preprocessing"
SAVED_BASES = ()
SAVED_WHAT = "a fitted preprocessing object, pickled through its __dict__"
_TOKENIZER = "the text Tokenizer users pickle beside a text model (word counts and the word index, plain data)"
_IMAGES = "the ImageDataGenerator users pickle with its fitted statistics (numbers and arrays)"
_SERIES = "the TimeseriesGenerator users pickle with the series it batches (arrays and numbers)"
HELD = {
    "keras_preprocessing.text.Tokenizer": _TOKENIZER,
    "keras_preprocessing.image.ImageDataGenerator": _IMAGES,
    "keras_preprocessing.image.image_data_generator.ImageDataGenerator": _IMAGES,
    "keras_preprocessing.sequence.TimeseriesGenerator": _SERIES,
}
EXTRA_NAMES = {}
EXTERNAL_BASES = {
    # 1.0.1's TimeseriesGenerator derives from the Sequence of the Keras that set keras_preprocessing's submodules
    # (Keras 2.2.0, released with it: keras-team/keras keras/utils/data_utils.py at tag 2.2.0, commit
    # 632560d91286bf278228de72e7ce64f6c5aa530c): a plain object subclass whose methods
    # (__getitem__, __len__, on_epoch_end, __iter__) a load never runs.
    "keras_utils.Sequence": {"why": "Keras 2.2's utils.Sequence: object subclass, no rebuild hook (its __getitem__, "
                                    "__len__, on_epoch_end and __iter__ run only when a model iterates it)",
                             "hooks": {}},
}
REVIEW = {}
NOT_ADMITTED = {}
# Only the modules that define these classes are read.
PATHS = (
    "keras_preprocessing/text.py",
    "keras_preprocessing/image.py",
    "keras_preprocessing/image/__init__.py",
    "keras_preprocessing/image/image_data_generator.py",
    "keras_preprocessing/sequence.py",
)
