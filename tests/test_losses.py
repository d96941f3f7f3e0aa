"""Tests of ganlib.losses: hand-computed values on fixed logits, stability, label convention."""

import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganlib import losses

LOG2 = math.log(2.0)


def softplus(x):
    """log(1 + e^x), written out in numpy for the expected values."""
    return np.log1p(np.exp(np.asarray(x, np.float64)))


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-np.asarray(x, np.float64)))


def value(tensor):
    return float(tensor.numpy())


# --------------------------------------------------------------------------- known values


def test_minimax_discriminator_loss_at_zero_logits_is_two_log_two():
    # D(x) = D(G(z)) = 1/2: -log(1/2) - log(1 - 1/2) = 2 log 2.
    assert value(losses.minimax_discriminator_loss([0.0], [0.0])) == pytest.approx(
        2 * LOG2, abs=1e-6)


def test_minimax_discriminator_loss_on_fixed_logits():
    real, fake = [1.0, -2.0, 3.0], [0.5, -1.0]
    # -mean(log sigmoid(real)) - mean(log(1 - sigmoid(fake)))
    expected = (-np.mean(np.log(sigmoid(real))) - np.mean(np.log(1.0 - sigmoid(fake))))
    assert expected == pytest.approx(np.mean(softplus(-np.array(real)))
                                     + np.mean(softplus(fake)))
    assert value(losses.minimax_discriminator_loss(real, fake)) == pytest.approx(
        expected, abs=1e-6)


def test_non_saturating_generator_loss_at_zero_logit_is_log_two():
    assert value(losses.non_saturating_generator_loss([0.0])) == pytest.approx(LOG2, abs=1e-6)


def test_non_saturating_generator_loss_on_fixed_logits():
    fake = [2.0, -1.0, 0.5]
    expected = -np.mean(np.log(sigmoid(fake)))  # -E[log D(G(z))]
    assert value(losses.non_saturating_generator_loss(fake)) == pytest.approx(expected,
                                                                              abs=1e-6)


def test_minimax_generator_loss_at_zero_logit_is_minus_log_two():
    # E[log(1 - D(G(z)))] with D = 1/2 is log(1/2).
    assert value(losses.minimax_generator_loss([0.0])) == pytest.approx(-LOG2, abs=1e-6)


def test_minimax_generator_loss_on_fixed_logits():
    fake = [2.0, -1.0, 0.5]
    expected = np.mean(np.log(1.0 - sigmoid(fake)))
    assert value(losses.minimax_generator_loss(fake)) == pytest.approx(expected, abs=1e-6)


def test_losses_accept_n_by_one_logits_like_the_discriminator_gives():
    real = np.array([[1.0], [-2.0]], np.float32)
    fake = np.array([[0.5], [3.0]], np.float32)
    expected = np.mean(softplus(-real)) + np.mean(softplus(fake))
    assert value(losses.minimax_discriminator_loss(real, fake)) == pytest.approx(expected,
                                                                                 abs=1e-6)


# --------------------------------------------------------------------------- conventions


def test_label_convention_real_is_one_fake_is_zero():
    confident_right = value(losses.minimax_discriminator_loss([10.0, 12.0], [-10.0, -12.0]))
    confident_wrong = value(losses.minimax_discriminator_loss([-10.0, -12.0], [10.0, 12.0]))
    assert confident_right == pytest.approx(softplus(-10.0) + softplus(-12.0), abs=1e-6)
    assert confident_right < 1e-4
    assert confident_wrong == pytest.approx(softplus(10.0) + softplus(12.0), abs=1e-4)
    assert confident_wrong > 22.0
    # the generator's loss is low when D calls its fakes real (large logits)
    fooled = value(losses.non_saturating_generator_loss([10.0]))
    caught = value(losses.non_saturating_generator_loss([-10.0]))
    assert fooled == pytest.approx(softplus(-10.0), abs=1e-6)
    assert caught == pytest.approx(softplus(10.0), abs=1e-4)


def test_minimax_generator_gradient_vanishes_where_non_saturating_does_not():
    # A fake that D rejects confidently: logit -10, D(G(z)) = sigmoid(-10) ~ 4.5e-5.
    logits = tf.Variable([-10.0])
    with tf.GradientTape(persistent=True) as tape:
        minimax = losses.minimax_generator_loss(logits)
        non_saturating = losses.non_saturating_generator_loss(logits)
    # d/dl [-softplus(l)] = -sigmoid(l); d/dl [softplus(-l)] = -(1 - sigmoid(l))
    assert tape.gradient(minimax, logits).numpy()[0] == pytest.approx(-sigmoid(-10.0),
                                                                     rel=1e-4)
    assert tape.gradient(non_saturating, logits).numpy()[0] == pytest.approx(
        -(1.0 - sigmoid(-10.0)), rel=1e-6)


@pytest.mark.parametrize("real, fake, expected", [
    (1e4, -1e4, 0.0),       # perfectly right discriminator
    (-1e4, 1e4, 2e4),       # perfectly wrong discriminator
])
def test_discriminator_loss_is_finite_at_extreme_logits(real, fake, expected):
    real_logits, fake_logits = tf.Variable([real]), tf.Variable([fake])
    with tf.GradientTape() as tape:
        loss = losses.minimax_discriminator_loss(real_logits, fake_logits)
    grads = tape.gradient(loss, [real_logits, fake_logits])
    assert value(loss) == pytest.approx(expected, abs=1e-3)
    assert all(np.all(np.isfinite(g.numpy())) for g in grads)


@pytest.mark.parametrize("loss_fn, logit, expected", [
    (losses.non_saturating_generator_loss, -1e4, 1e4),
    (losses.non_saturating_generator_loss, 1e4, 0.0),
    (losses.minimax_generator_loss, 1e4, -1e4),
    (losses.minimax_generator_loss, -1e4, 0.0),
])
def test_generator_losses_are_finite_at_extreme_logits(loss_fn, logit, expected):
    logits = tf.Variable([logit])
    with tf.GradientTape() as tape:
        loss = loss_fn(logits)
    assert value(loss) == pytest.approx(expected, abs=1e-3)
    assert np.isfinite(tape.gradient(loss, logits).numpy()).all()


# ------------------------------------------------------------ the seed-tutorial mistake


def test_feeding_probabilities_to_a_from_logits_loss_gives_the_wrong_value():
    """Applying sigmoid before BinaryCrossentropy(from_logits=True) squashes the logits twice."""
    logits = np.array([[8.0], [5.0], [3.0]], np.float32)  # D is fairly sure: real
    ones = np.ones_like(logits)
    bce = keras.losses.BinaryCrossentropy(from_logits=True)

    right = float(bce(ones, logits))
    wrong = float(bce(ones, sigmoid(logits).astype(np.float32)))

    # Our loss on logits equals Keras' from-logits BCE on logits: -mean(log sigmoid(l)).
    assert right == pytest.approx(-np.mean(np.log(sigmoid(logits))), abs=1e-6)
    assert value(losses.non_saturating_generator_loss(logits)) == pytest.approx(right, abs=1e-6)
    # The mistake computes -mean(log sigmoid(sigmoid(l))) instead ...
    assert wrong == pytest.approx(-np.mean(np.log(sigmoid(sigmoid(logits)))), abs=1e-6)
    assert right < 0.03 and wrong > 0.3  # ten times too large
    # ... which can never drop below softplus(-1) = 0.3133, however sure D is.
    assert wrong > softplus(-1.0) - 1e-6
    assert value(losses.non_saturating_generator_loss([10.0])) < 1e-4


# ------------------------------------------------------------ registry and input checks


@pytest.mark.parametrize("name, d_loss, g_loss", [
    ("minimax", losses.minimax_discriminator_loss, losses.minimax_generator_loss),
    ("non_saturating", losses.minimax_discriminator_loss,
     losses.non_saturating_generator_loss),
])
def test_get_loss_pair_returns_the_registered_pair(name, d_loss, g_loss):
    assert losses.get_loss_pair(name) == (d_loss, g_loss)


def test_get_loss_pair_unknown_name_lists_the_choices():
    with pytest.raises(ValueError, match=r"Unknown loss 'wgan'.*'minimax', 'non_saturating'"):
        losses.get_loss_pair("wgan")


@pytest.mark.parametrize("call, name", [
    (lambda: losses.minimax_discriminator_loss([1, 2], [0.0, 1.0]), "real_logits"),
    (lambda: losses.minimax_discriminator_loss([1.0], np.array([0, 1])), "fake_logits"),
    (lambda: losses.minimax_generator_loss([1]), "fake_logits"),
    (lambda: losses.non_saturating_generator_loss(np.array([1], np.int64)), "fake_logits"),
])
def test_integer_logits_raise_type_error(call, name):
    with pytest.raises(TypeError, match=f"{name} must be floating-point logits"):
        call()
