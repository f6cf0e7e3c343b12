"""Keras history pack: the fitted preprocessing objects (text Tokenizer, ImageDataGenerator) as Keras' released
versions define them inside Keras itself (keras.preprocessing in 2.9-2.12, keras.src.preprocessing in 2.13-2.15,
keras.src.legacy.preprocessing in 3.x: the module names of the released wheels, WHEEL_MOVE), read by
scripts/data/derive-history.py. Before 2.9 these names re-export keras_preprocessing's classes (the
keras-preprocessing pack). REVIEW keys are owner.hook@hash of the hook's syntax
tree."""

LIB = "keras"
PACK = "keras"
TITLE = "Keras preprocessing objects (text Tokenizer, ImageDataGenerator) as released Keras versions define them"
PACKAGE = "keras"
SAVED_BASES = ()
SAVED_WHAT = "a fitted preprocessing object, pickled through its __dict__"
_TOKENIZER = "the text Tokenizer users pickle beside a text model (word counts and the word index, plain data)"
_IMAGES = "the ImageDataGenerator users pickle with its fitted statistics (numbers and arrays)"
HELD = {
    "keras.preprocessing.text.Tokenizer": _TOKENIZER,
    "keras.src.preprocessing.text.Tokenizer": _TOKENIZER,
    "keras.src.legacy.preprocessing.text.Tokenizer": _TOKENIZER,
    "keras.preprocessing.image.ImageDataGenerator": _IMAGES,
    "keras.src.preprocessing.image.ImageDataGenerator": _IMAGES,
    "keras.src.legacy.preprocessing.image.ImageDataGenerator": _IMAGES,
}
EXTRA_NAMES = {}
EXTERNAL_BASES = {}
REVIEW = {}
NOT_ADMITTED = {}
# How a release's wheel lays the modules out (derive-history.py wheel_layout). The repository holds the package as
# keras/ up to 3.2, but the pip build of 2.13 - 2.15 (pip_build.py: SRC_DIRNAME = "src") and of 3.0 - 3.2
# (namex.convert_codebase(..., code_directory="src")) copies it to keras/src/, rewrites its own imports to keras.src
# and generates the public keras/... modules that import each @keras_export name from there: the class is defined
# in (and pickled as) keras.src.<module>, and its exported name resolves to it. From 3.3 the repository itself holds
# keras/src (and the build no longer moves it); up to 2.12 the wheel keeps the repository's layout.
WHEEL_MOVE = {
    "script": "pip_build.py",
    "marker": r'^SRC_DIRNAME = "src"$|convert_codebase\([^)]*code_directory="src"',
    "to": "keras.src",
    "export": "keras_export",
}
# Only the modules that define these classes are read (a release's whole package is ~1,000 modules).
PATHS = (
    "keras/preprocessing/text.py",
    "keras/preprocessing/image.py",
    "keras/legacy/preprocessing/text.py",
    "keras/legacy/preprocessing/image.py",
    "keras/src/preprocessing/text.py",
    "keras/src/preprocessing/image.py",
    "keras/src/legacy/preprocessing/text.py",
    "keras/src/legacy/preprocessing/image.py",
)
