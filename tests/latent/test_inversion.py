"""GAN inversion: the loss falls, the best start is kept, the losses are those asked for."""

import keras
import numpy as np
import pytest

from ganlib.latent import inversion


@pytest.fixture
def generator(make_gan):
    return make_gan().generator  # tiny, untrained: its range is still a set of images


@pytest.fixture
def drawn(generator):
    """Six images the generator can draw, and their codes."""
    latent = np.random.default_rng(5).standard_normal((6, 8)).astype(np.float32)
    return np.asarray(generator(latent)), latent


def test_inversion_reduces_the_reconstruction_loss_on_a_tiny_generator(generator, drawn):
    targets, _ = drawn
    found = inversion.invert(generator, targets, restarts=3, steps=60, seed=1)
    assert found.images.shape == targets.shape and found.latent.shape == (6, 8)
    assert found.losses.shape == (61, 6, 3)
    assert found.errors.mean() < 0.5 * found.start_errors.mean()
    kept = found.losses[-1].min(axis=1)  # the kept start ends lowest
    np.testing.assert_allclose(found.errors, kept, rtol=1e-5)
    np.testing.assert_allclose(found.losses[0].min(axis=1), found.start_errors, rtol=1e-5)
    on_unit_scale = np.mean(((np.asarray(generator(found.latent)) - targets) / 2) ** 2,
                            axis=(1, 2, 3))
    np.testing.assert_allclose(found.errors, on_unit_scale, rtol=1e-4, atol=1e-7)
    np.testing.assert_allclose(found.images, np.asarray(generator(found.latent)), atol=1e-5)


def test_the_l1_loss_is_the_mean_absolute_pixel_difference(generator, drawn):
    targets, latent = drawn
    found = inversion.invert(generator, targets, restarts=1, steps=0, loss="l1",
                             initial_latent=latent + 0.5)
    expected = np.mean(np.abs(np.asarray(generator(latent + 0.5)) - targets) / 2,
                       axis=(1, 2, 3))
    np.testing.assert_allclose(found.losses[0, :, 0], expected, rtol=1e-5)
    np.testing.assert_allclose(found.latent, latent + 0.5)  # no step: the start is kept


def test_a_feature_loss_adds_the_weighted_squared_feature_difference(generator, drawn):
    targets, latent = drawn
    features = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(),
                                 keras.layers.Dense(5, kernel_initializer="glorot_uniform")])
    start = latent + 0.5
    plain = inversion.invert(generator, targets, restarts=1, steps=0, initial_latent=start)
    both = inversion.invert(generator, targets, restarts=1, steps=0, initial_latent=start,
                            feature_model=features, feature_weight=2.0)
    gap = np.mean((np.asarray(features(generator(start))) - np.asarray(features(targets))) ** 2,
                  axis=1)
    np.testing.assert_allclose(both.losses[0, :, 0], plain.losses[0, :, 0] + 2.0 * gap,
                               rtol=1e-4)
    np.testing.assert_allclose(both.errors, plain.errors, rtol=1e-6)  # errors stay in pixels


def test_bad_input_is_refused_by_name(generator, drawn):
    targets, _ = drawn
    with pytest.raises(ValueError, match=r"^steps must be a whole number >= 0"):
        inversion.invert(generator, targets, steps=-1)
    with pytest.raises(ValueError, match=r"^restarts must be a whole number >= 1"):
        inversion.invert(generator, targets, restarts=0)
    with pytest.raises(ValueError, match=r"^learning_rate must be a finite number > 0"):
        inversion.invert(generator, targets, learning_rate=0)
    with pytest.raises(ValueError, match=r"^loss must be one of \['l2', 'l1'\]"):
        inversion.invert(generator, targets, loss="perceptual")
    with pytest.raises(ValueError, match=r"^feature_weight must be a finite number >= 0"):
        inversion.invert(generator, targets, feature_weight=-1)
    with pytest.raises(TypeError, match="^feature_model must be"):
        inversion.invert(generator, targets, feature_model="features")
    with pytest.raises(ValueError, match="shape"):
        inversion.invert(generator, np.zeros((2, 32, 32, 3), np.float32))
    with pytest.raises(TypeError, match="uint8"):
        inversion.invert(generator, np.zeros((2, 28, 28, 1), np.uint8))
    with pytest.raises(TypeError, match="generator must be a keras.Model"):
        inversion.invert(lambda z: z, targets)
