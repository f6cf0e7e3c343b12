"""keras-preprocessing pack: the fitted preprocessing objects users pickle beside text, image and sequence models
(Tokenizer, ImageDataGenerator, TimeseriesGenerator) as keras_preprocessing defines them."""

import keras_preprocessing
import numpy as np
from keras_preprocessing.image import ImageDataGenerator
from keras_preprocessing.sequence import TimeseriesGenerator
from keras_preprocessing.text import Tokenizer

PACK = "keras-preprocessing"
TITLE = "Keras preprocessing objects (text Tokenizer, ImageDataGenerator, TimeseriesGenerator)"
MODULES = ("keras_preprocessing",)
TEXTS = ["the cat sat on the mat", "the dog ate my homework", "a cat and a dog", "mat and homework"]


def versions():
    return {"keras_preprocessing": keras_preprocessing.__version__}


def _tokenizer(**kw):
    t = Tokenizer(**kw)
    t.fit_on_texts(TEXTS)
    return t


def objects():
    images = np.arange(2 * 4 * 4 * 3, dtype="float32").reshape(2, 4, 4, 3)
    fitted = ImageDataGenerator(featurewise_center=True, featurewise_std_normalization=True, rotation_range=10)
    fitted.fit(images)
    series = np.arange(20, dtype="float32").reshape(10, 2)
    return [
        ("Tokenizer", _tokenizer()),
        ("Tokenizer oov num_words", _tokenizer(num_words=5, oov_token="<unk>")),
        ("Tokenizer char_level", _tokenizer(char_level=True, lower=False)),
        ("Tokenizer fitted on sequences", Tokenizer().__class__()),
        ("ImageDataGenerator", ImageDataGenerator(rescale=1 / 255.0, horizontal_flip=True)),
        ("ImageDataGenerator fitted", fitted),
        ("TimeseriesGenerator", TimeseriesGenerator(series, series[:, 0], length=3, batch_size=2)),
    ]


def streams():
    return []


FUNCTIONS = {}
REVIEW = {}
