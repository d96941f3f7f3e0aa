"""Tests of ganlib.evaluation.classifier: the feature classifier, its outputs, cache, progress."""

import re

import keras
import numpy as np
import pytest

from ganlib import data
from ganlib.evaluation import scores
from ganlib.evaluation.classifier import (
    build_feature_classifier,
    classifier_features,
    classifier_outputs,
    classifier_probabilities,
    feature_classifier,
    feature_network,
    train_feature_classifier,
)


@pytest.fixture(scope="module")
def digits():
    return data.load_dataset("digits", split="train", verbose=False)


@pytest.fixture(scope="module")
def classifier(digits):
    return train_feature_classifier(digits.images, digits.labels, epochs=4, seed=0)


def test_classifier_learns_the_digits(classifier):
    test = data.load_dataset("digits", split="test", verbose=False)
    probabilities = classifier_probabilities(classifier, test.images)
    assert probabilities.shape == (len(test.images), 10)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)
    assert np.mean(probabilities.argmax(axis=1) == test.labels) > 0.8


def test_features_have_the_penultimate_layer_size(classifier, digits):
    features = classifier_features(classifier, digits.images[:7])
    assert features.shape == (7, 128)
    assert features.dtype == np.float32


def test_one_pass_gives_the_same_outputs_as_the_two_functions(classifier, digits):
    features, probabilities = classifier_outputs(classifier, digits.images[:600])
    np.testing.assert_allclose(features, classifier_features(classifier,
                                                                 digits.images[:600]))
    np.testing.assert_allclose(probabilities,
                               classifier.predict(digits.images[:600], verbose=0),
                               rtol=1e-4, atol=1e-6)


def test_the_feature_network_gives_the_features_and_their_gradient(classifier, digits):
    import tensorflow as tf

    network = feature_network(classifier)
    images = tf.constant(digits.images[:5])
    with tf.GradientTape() as tape:
        tape.watch(images)
        features = network(images)
    np.testing.assert_allclose(features, classifier_features(classifier, digits.images[:5]),
                               rtol=1e-5, atol=1e-6)
    assert tape.gradient(features, images) is not None
    with pytest.raises(TypeError, match="keras.Model"):
        feature_network("classifier.keras")
    other = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(),
                              keras.layers.Dense(10, activation="softmax")])
    with pytest.raises(ValueError, match="no layer named 'features'"):
        feature_network(other)


def test_real_vs_real_is_much_smaller_than_real_vs_noise(classifier, digits):
    half = len(digits.images) // 2
    first = classifier_features(classifier, digits.images[:half])
    second = classifier_features(classifier, digits.images[half:2 * half])
    noise_images = np.random.default_rng(0).uniform(-1, 1, digits.images[:half].shape)
    noise = classifier_features(classifier, noise_images.astype(np.float32))
    real_vs_real = scores.frechet_distance(first, second)
    real_vs_noise = scores.frechet_distance(first, noise)
    assert real_vs_noise > 10 * real_vs_real


def test_uint8_and_model_range_images_give_the_same_features(classifier, digits):
    as_uint8 = data.to_uint8(digits.images[:50])
    from_uint8 = classifier_features(classifier, as_uint8)
    from_float = classifier_features(classifier, data.to_model_range(as_uint8))
    np.testing.assert_allclose(from_uint8, from_float, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("images, error", [
    (np.full((4, 28, 28, 1), 200.0, np.float32), ValueError),  # floats in [0, 255]
    (np.zeros((4, 28, 28), np.uint8), ValueError),              # channel axis missing
    (np.zeros((4, 32, 32, 3), np.float32), ValueError),         # not the classifier's shape
    (np.zeros((4, 28, 28, 1), np.int64), TypeError),            # neither uint8 nor float
    (np.full((4, 28, 28, 1), np.nan, np.float32), ValueError),
])
def test_classifier_functions_reject_bad_images(classifier, images, error):
    with pytest.raises(error):
        classifier_features(classifier, images)
    with pytest.raises(error):
        classifier_probabilities(classifier, images)


def test_classifier_functions_reject_a_model_without_features_layer():
    import keras

    other = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(),
                              keras.layers.Dense(10, activation="softmax")])
    with pytest.raises(ValueError, match="no layer named 'features'"):
        classifier_features(other, np.zeros((2, 28, 28, 1), np.float32))
    with pytest.raises(TypeError, match="keras.Model"):
        classifier_features("classifier.keras", np.zeros((2, 28, 28, 1), np.float32))


@pytest.mark.parametrize("image_shape, shown", [
    ((28.5, 28, 1), "(28.5, 28, 1)"), (("28", 28, 1), "('28', 28, 1)"),
    ((40000, 40000, 1), "(40000, 40000, 1)"),
])
def test_build_feature_classifier_refuses_a_bad_image_shape(image_shape, shown):
    with pytest.raises(ValueError) as excinfo:
        build_feature_classifier(image_shape)
    assert str(excinfo.value) == ("image_shape must be (height, width, channels) of whole "
                                  "numbers, height and width 1 to 1024, channels 1 or 3, got "
                                  f"{shown}.")


def test_train_feature_classifier_rejects_bad_labels(digits):
    with pytest.raises(ValueError, match="labels"):
        train_feature_classifier(digits.images[:10], digits.labels[:9], epochs=1)
    with pytest.raises(ValueError, match="labels"):
        train_feature_classifier(digits.images[:10], np.full(10, 12), epochs=1)


def test_training_shows_a_progress_line_with_the_time_left(capsys, digits):
    train_feature_classifier(digits.images[:256], digits.labels[:256], epochs=2,
                                 batch_size=64, progress="digits classifier")
    out = capsys.readouterr().out
    last = out.split("\r")[-1]
    assert last.startswith("digits classifier: epoch 2/2 [####################] 100%")
    assert "elapsed, ~0 s left, train accuracy" in last
    assert "epoch 1/2" in out          # the line was updated during the first epoch
    assert out.endswith("\n")           # and finished with a line break


def test_training_is_silent_without_progress(capsys, digits):
    train_feature_classifier(digits.images[:64], digits.labels[:64], epochs=1)
    assert capsys.readouterr().out == ""


def test_feature_classifier_trains_once_then_loads_the_cache(tmp_path, capsys, digits,
                                                             monkeypatch):
    first = feature_classifier("digits", data_dir=tmp_path, epochs=1)
    out = capsys.readouterr().out
    assert "training on 1,500 digits train images" in out
    assert "digits classifier: epoch 1/1" in out and "left" in out
    assert "trained (test accuracy" in out
    assert (tmp_path / "classifiers" / "digits.keras").exists()
    # In the same process the classifier comes from memory, silently.
    assert feature_classifier("digits", data_dir=tmp_path) is first
    assert capsys.readouterr().out == ""
    # A new process (an empty memory cache) loads the file.
    monkeypatch.setattr("ganlib.evaluation.classifier._LOADED", {})
    second = feature_classifier("digits", data_dir=tmp_path)
    assert second is not first
    assert "loaded from" in capsys.readouterr().out
    np.testing.assert_allclose(classifier_features(first, digits.images[:20]),
                               classifier_features(second, digits.images[:20]),
                               rtol=1e-5, atol=1e-5)


def test_feature_classifier_refuses_an_unwritable_data_folder_before_training(tmp_path,
                                                                            monkeypatch):
    from ganlib.evaluation import classifier as module

    monkeypatch.setattr(module, "train_feature_classifier",
                        lambda *args, **kwargs: pytest.fail("trained before the folder check"))
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(OSError, match=re.escape(
            "the data folder must be a folder you can write to with 20 MB free, got "
            f"'{tmp_path / 'file' / 'classifiers'}' (not a directory). Fix: ")):
        feature_classifier("digits", tmp_path / "file")


def test_feature_classifier_rejects_unknown_dataset(tmp_path):
    with pytest.raises(ValueError, match=r"dataset must be one of \['cifar10'.*got 'imagenet'"):
        feature_classifier("imagenet", data_dir=tmp_path)


def test_feature_classifier_does_not_fall_back_to_another_dataset(tmp_path):
    # Offline with no files: fashion_mnist is unavailable, and digits must not stand in.
    with pytest.raises(data.DatasetUnavailableError):
        feature_classifier("fashion_mnist", data_dir=tmp_path, allow_download=False)
    assert not (tmp_path / "classifiers" / "fashion_mnist.keras").exists()


@pytest.fixture
def untrained(monkeypatch):
    """feature_classifier "trains" in no time: an untrained network stands in."""
    def build(images, labels, num_classes=10, **_):
        return build_feature_classifier(np.asarray(images).shape[1:], num_classes)

    monkeypatch.setattr("ganlib.evaluation.classifier.train_feature_classifier", build)
    monkeypatch.setattr("ganlib.evaluation.classifier._LOADED", {})


def test_a_truncated_classifier_cache_is_moved_aside_and_retrained(tmp_path, capsys,
                                                                   untrained):
    # Keras reported "File not found" for the existing, cut-short file, and nothing retrained.
    path = tmp_path / "classifiers" / "digits.keras"
    path.parent.mkdir()
    build_feature_classifier((28, 28, 1)).save(path)
    truncated = path.read_bytes()[:5000]
    path.write_bytes(truncated)
    with pytest.warns(UserWarning, match=f"The feature classifier cache {re.escape(str(path))} "
                                         r"is corrupt \(ValueError.*moved it to "
                                         r".*digits\.keras\.corrupt and training a new one"):
        classifier = feature_classifier("digits", data_dir=tmp_path)
    assert "trained (test accuracy" in capsys.readouterr().out
    assert (tmp_path / "classifiers" / "digits.keras.corrupt").read_bytes() == truncated
    assert keras.models.load_model(path).input_shape == classifier.input_shape == (None, 28,
                                                                                   28, 1)


def test_a_kill_during_the_classifier_cache_write_leaves_no_cache_and_no_temporary_file(
        tmp_path, monkeypatch, untrained):
    def killed_midway(model, filepath, *args, **kwargs):
        with open(filepath, "wb") as handle:
            handle.write(b"PK\x03\x04 half a zip")
        raise KeyboardInterrupt

    monkeypatch.setattr(keras.Model, "save", killed_midway)
    with pytest.raises(KeyboardInterrupt):
        feature_classifier("digits", data_dir=tmp_path)
    assert list((tmp_path / "classifiers").iterdir()) == []

