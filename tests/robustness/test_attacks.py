"""FGSM and PGD: the epsilon ball, the valid pixel range, known gradient signs, and the
refusal of bad epsilons, bad images and models that give neither logits nor probabilities."""

import keras
import numpy as np
import pytest

from ganlib import data
from ganlib.evaluation import classifier
from ganlib.robustness import attacks


def linear_model(weights, activation=None):
    """Two classes, logits (s, -s) with s = sum(w * x): the input gradient's sign is known."""
    inputs = keras.Input(weights.shape)
    flat = keras.layers.Flatten()(inputs)
    layer = keras.layers.Dense(2, activation=activation, use_bias=False)
    model = keras.Model(inputs, layer(flat))
    w = weights.reshape(-1, 1)
    layer.set_weights([np.concatenate([w, -w], axis=1).astype(np.float32)])
    return model


@pytest.fixture(scope="module")
def trained():
    """A small classifier trained on the bundled digits, and 200 test pixels with labels."""
    keras.utils.set_random_seed(0)
    train = data.load_dataset("digits", split="train", verbose=False)
    test = data.load_dataset("digits", split="test", verbose=False)
    model = classifier.train_feature_classifier(train.images, train.labels, epochs=4)
    return model, attacks.to_pixels(test.images[:200]), test.labels[:200]


@pytest.fixture
def weights():
    return np.random.default_rng(1).standard_normal((6, 6, 1)).astype(np.float32)


@pytest.fixture
def pixels():
    return np.random.default_rng(2).uniform(0, 1, (5, 6, 6, 1)).astype(np.float32)


@pytest.mark.parametrize("epsilon", [0.0, 0.05, 0.3, 1.0])
def test_fgsm_never_moves_a_pixel_more_than_epsilon_nor_out_of_range(trained, epsilon):
    model, images, labels = trained
    adversarial = attacks.fgsm(model, images, labels, epsilon)
    assert adversarial.dtype == np.float32 and adversarial.shape == images.shape
    assert np.abs(adversarial - images).max() <= epsilon + 1e-6
    assert adversarial.min() >= 0.0 and adversarial.max() <= 1.0
    if 0 < epsilon < 0.5:  # pixels not stopped by the range move by exactly epsilon
        inside = (images > epsilon) & (images < 1 - epsilon)
        moved = np.abs(adversarial - images)[inside]
        assert np.mean(np.isclose(moved, epsilon, atol=1e-6)) > 0.9


def test_fgsm_steps_against_the_sign_of_a_known_gradient(weights, pixels):
    """True class 0 has logit s = w.x: the loss falls as s grows, so FGSM moves x by
    -epsilon * sign(w) (where the range allows)."""
    model = linear_model(weights)
    labels = np.zeros(len(pixels), np.int64)
    adversarial = attacks.fgsm(model, pixels, labels, 0.1)
    expected = np.clip(pixels - 0.1 * np.sign(weights), 0, 1)
    np.testing.assert_allclose(adversarial, expected, atol=1e-6)


def test_a_softmax_model_is_attacked_through_its_logits(weights, pixels):
    """Same network ending in softmax: detected, and its logits give the same examples."""
    logits_model, softmax_model = linear_model(weights), linear_model(weights, "softmax")
    assert attacks.output_kind(logits_model, pixels) == "logits"
    assert attacks.output_kind(softmax_model, pixels) == "probabilities"
    labels = np.array([0, 1, 0, 1, 0])
    np.testing.assert_allclose(attacks.input_gradient(softmax_model, pixels, labels),
                               attacks.input_gradient(logits_model, pixels, labels),
                               rtol=1e-4, atol=1e-7)


@pytest.mark.parametrize("epsilon", [0.1, 0.3])
def test_pgd_stays_in_the_epsilon_ball_and_the_pixel_range(trained, epsilon):
    model, images, labels = trained
    adversarial = attacks.pgd(model, images, labels, epsilon, steps=5, seed=3)
    assert np.abs(adversarial - images).max() <= epsilon + 1e-6
    assert adversarial.min() >= 0.0 and adversarial.max() <= 1.0
    again = attacks.pgd(model, images, labels, epsilon, steps=5, seed=3)
    np.testing.assert_array_equal(adversarial, again)  # the random start is seeded


def test_attacks_lower_the_accuracy_of_a_trained_model(trained):
    model, images, labels = trained
    clean = attacks.accuracy(model, images, labels)
    fgsm = attacks.accuracy_vs_epsilon(model, images, labels, [0.0, 0.1, 0.2])
    pgd = attacks.accuracy_vs_epsilon(model, images, labels, [0.1, 0.2], attack="pgd")
    assert clean > 0.7
    assert fgsm[0.0] == clean
    assert fgsm[0.1] < clean - 0.2 and fgsm[0.2] < fgsm[0.1]
    assert pgd[0.1] <= fgsm[0.1] + 0.02 and pgd[0.2] < 0.1  # the iterated attack is stronger


@pytest.mark.parametrize(("epsilon", "error", "words"), [
    (1.5, ValueError, "outside [0, 1]"),
    (-0.1, ValueError, "outside [0, 1]"),
    (8, ValueError, "8 / 255"),
    (True, ValueError, "a finite number in [0, 1], got True"),
    (float("nan"), ValueError, "a finite number in [0, 1], got nan"),
])
def test_bad_epsilon_is_refused(weights, pixels, epsilon, error, words):
    with pytest.raises(error, match="epsilon") as caught:
        attacks.fgsm(linear_model(weights), pixels, np.zeros(5, np.int64), epsilon)
    assert words in str(caught.value)


@pytest.mark.parametrize(("change", "error", "words"), [
    (lambda x: x * 2 - 1, ValueError, "to_pixels"),
    (lambda x: x * 255, ValueError, "[0, 1]"),
    (lambda x: (x * 255).astype(np.uint8), TypeError, "images / 255"),
    (lambda x: x[..., 0], ValueError, "(N, height, width, channels)"),
])
def test_images_outside_the_valid_range_are_refused(weights, pixels, change, error, words):
    with pytest.raises(error, match="images") as caught:
        attacks.pgd(linear_model(weights), change(pixels), np.zeros(5, np.int64), 0.1)
    assert words in str(caught.value)


def test_a_model_giving_neither_logits_nor_probabilities_is_refused_with_the_reason(pixels):
    inputs = keras.Input((6, 6, 1))
    flat = keras.layers.Flatten()(inputs)
    sigmoid = keras.Model(inputs, keras.layers.Dense(3, activation="sigmoid")(flat))
    single = keras.Model(inputs, keras.layers.Dense(1)(flat))
    labels = np.zeros(5, np.int64)
    with pytest.raises(ValueError, match="neither logits nor probabilities") as caught:
        attacks.fgsm(sigmoid, pixels, labels, 0.1)
    assert "sum to" in str(caught.value) and "sigmoid" in str(caught.value)
    with pytest.raises(ValueError, match=r"shape \(5, 1\): neither logits nor probabilities"):
        attacks.fgsm(single, pixels, labels, 0.1)
    with pytest.raises(TypeError, match="model must be a Keras model"):
        attacks.fgsm("classifier", pixels, labels, 0.1)


def test_the_model_input_range_is_applied(weights, pixels):
    """A model trained on [0, 1] inputs gets them unchanged with input_range=(0, 1)."""
    model = linear_model(weights)
    direct = np.asarray(model(pixels)).argmax(1)
    np.testing.assert_array_equal(attacks.predict(model, pixels, input_range=(0, 1)), direct)
    with pytest.raises(ValueError, match="input_range"):
        attacks.predict(model, pixels, input_range=(1, 0))
