"""Tests of ganlib.vae: the KL term, the reparameterisation trick, the ELBO, bad input."""

import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganlib import data, nets, vae


@pytest.fixture(scope="module")
def digits():
    return data.load_dataset("digits", limit=256, verbose=False).images


@pytest.fixture
def tiny_vae():
    return vae.build_vae(latent_dim=4, width=8, seed=0)


@pytest.mark.parametrize(("mean", "log_var", "expected"), [
    ([0.0, 0.0], [0.0, 0.0], 0.0),                            # q is the prior
    ([1.0, 0.0], [0.0, 0.0], 0.5),                            # 0.5 * mean^2
    ([0.0], [math.log(2.0)], 0.5 * (2.0 - 1.0 - math.log(2.0))),
    ([1.0, 2.0], [0.0, math.log(0.25)], 0.5 * (1.0 + 0.25 + 4.0 - 1.0 - math.log(0.25))),
])
def test_kl_matches_its_closed_form_on_hand_computed_values(mean, log_var, expected):
    kl = vae.kl_divergence(np.array([mean]), np.array([log_var])).numpy()
    assert kl.shape == (1,)
    assert kl[0] == pytest.approx(expected, abs=1e-6)


def test_kl_agrees_with_a_monte_carlo_estimate_of_the_log_density_ratio():
    mean, std = 0.7, 0.4
    z = np.random.default_rng(0).normal(mean, std, 400_000)
    log_q = -0.5 * ((z - mean) / std) ** 2 - math.log(std)
    log_p = -0.5 * z ** 2
    kl = vae.kl_divergence(np.array([[mean]]), np.array([[2 * math.log(std)]])).numpy()[0]
    assert kl == pytest.approx(np.mean(log_q - log_p), abs=0.01)


def test_reparameterised_sample_has_the_right_mean_and_std():
    mean = np.tile([[1.0, -2.0]], (200_000, 1)).astype(np.float32)
    log_var = np.tile(np.log([[4.0, 0.25]]), (200_000, 1)).astype(np.float32)
    z = vae.reparameterise(mean, log_var, seed=0).numpy()
    np.testing.assert_allclose(z.mean(axis=0), [1.0, -2.0], atol=0.02)
    np.testing.assert_allclose(z.std(axis=0), [2.0, 0.5], rtol=0.01)


def test_reparameterised_sample_is_differentiable_and_seeded():
    mean = tf.Variable([[0.5, -0.5]])
    log_var = tf.Variable([[0.0, math.log(4.0)]])
    with tf.GradientTape() as tape:
        z = vae.reparameterise(mean, log_var, seed=3)
        total = tf.reduce_sum(z)
    grad_mean, grad_log_var = tape.gradient(total, [mean, log_var])
    np.testing.assert_allclose(grad_mean.numpy(), [[1.0, 1.0]])
    # d z / d log_var = 0.5 * (z - mean)
    np.testing.assert_allclose(grad_log_var.numpy(), 0.5 * (z - mean).numpy(), rtol=1e-5)
    again = vae.reparameterise(mean, log_var, seed=3).numpy()
    np.testing.assert_array_equal(again, z.numpy())


def test_reconstruction_loss_is_summed_pixel_cross_entropy():
    black = -np.ones((2, 28, 28, 1), np.float32)               # targets 0
    loss = vae.bernoulli_reconstruction_loss(black, np.zeros_like(black)).numpy()
    np.testing.assert_allclose(loss, 784 * math.log(2.0), rtol=1e-6)
    sure = vae.bernoulli_reconstruction_loss(black, np.full_like(black, -30.0)).numpy()
    assert (sure < 1e-6 * 784).all()


def test_encoder_and_decoder_are_the_dcgan_networks(tiny_vae):
    assert tiny_vae.encoder.output_shape == (None, 8)
    assert tiny_vae.decoder.output_shape == (None, 28, 28, 1)
    assert tiny_vae.decoder.layers[-1].activation.__name__ == "linear"
    reference = nets.dcgan_generator(4, width=8)
    assert tiny_vae.decoder.count_params() == reference.count_params()


def test_elbo_decreases_on_a_tiny_training_run(tiny_vae, digits):
    before = tiny_vae.elbo_terms(digits, seed=0)
    records = vae.train_vae(tiny_vae, data.make_dataset(digits, 32, seed=0), 300,
                            steps_per_epoch=50)
    after = tiny_vae.elbo_terms(digits, seed=0)
    assert [r["step"] for r in records] == [50, 100, 150, 200, 250, 300]
    assert records[-1]["loss"] < 0.8 * records[0]["loss"]
    assert after["elbo"].mean() > before["elbo"].mean() + 50   # nats per image
    assert records[-1]["loss"] == pytest.approx(
        records[-1]["reconstruction"] + records[-1]["kl"], rel=1e-4)
    np.testing.assert_allclose(after["elbo"], -(after["reconstruction"] + after["kl"]),
                               rtol=1e-5)
    assert (after["kl"] >= 0).all()


def test_train_vae_stops_at_the_wall_clock_budget(tiny_vae, digits):
    records = vae.train_vae(tiny_vae, data.make_dataset(digits, 32), 10_000, seconds=1e-9,
                            steps_per_epoch=50)
    assert [r["step"] for r in records] == [1]


def test_encode_decode_sample_shapes_and_range(tiny_vae, digits):
    mean, log_var = tiny_vae.encode(digits[:5])
    assert mean.shape == log_var.shape == (5, 4)
    for images in (tiny_vae.decode(mean), tiny_vae.reconstruct(digits[:5]),
                   tiny_vae.sample(5, seed=1)):
        assert images.shape == (5, 28, 28, 1)
        assert images.min() >= -1.0 and images.max() <= 1.0
    np.testing.assert_array_equal(tiny_vae.sample(3, seed=1), tiny_vae.sample(3, seed=1))
    assert not np.array_equal(tiny_vae.sample(3, seed=1), tiny_vae.sample(3, seed=2))


def test_latent_grid_spans_two_coordinates_row_by_row(tiny_vae):
    images, values = vae.latent_grid(tiny_vae, n=3, limit=2.0, dims=(1, 3))
    np.testing.assert_allclose(values, [-2.0, 0.0, 2.0])
    assert images.shape == (9, 28, 28, 1)
    corners = tiny_vae.decode(np.array([[0, -2, 0, 2], [0, 2, 0, -2]], np.float32))
    np.testing.assert_allclose(images[0], corners[0], atol=1e-6)    # top left
    np.testing.assert_allclose(images[8], corners[1], atol=1e-6)    # bottom right


def test_bad_input_is_refused_with_a_clear_message(tiny_vae, digits):
    with pytest.raises(TypeError, match="uint8"):
        tiny_vae.encode(data.to_uint8(digits[:2]))
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        tiny_vae.encode(digits[:2] * 3)
    with pytest.raises(ValueError, match=r"was built for \(28, 28, 1\)"):
        tiny_vae.encode(np.zeros((2, 32, 32, 1), np.float32))
    with pytest.raises(ValueError, match=r"z must have shape \(N, 4\)"):
        tiny_vae.decode(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="NaN"):
        tiny_vae.decode(np.full((1, 4), np.nan))
    with pytest.raises(ValueError, match="n must be a whole number >= 1"):
        tiny_vae.sample(0)
    with pytest.raises(ValueError, match="dims must be two different"):
        vae.latent_grid(tiny_vae, dims=(0, 0))
    with pytest.raises(ValueError, match="steps must be a whole number >= 1"):
        vae.train_vae(tiny_vae, data.make_dataset(digits, 8), 0)
    with pytest.raises(TypeError, match="must be a ganlib.vae.VAE"):
        vae.train_vae(keras.Sequential(), data.make_dataset(digits, 8), 5)


def test_mismatched_networks_and_bad_settings_are_refused():
    encoder = nets.dcgan_discriminator(width=8, output_units=6)
    decoder = nets.dcgan_generator(4, width=8, output_activation=None)
    with pytest.raises(ValueError, match="2 \\* latent_dim = 8"):
        vae.VAE(encoder, decoder)
    encoder = nets.dcgan_discriminator((32, 32, 1), width=8, output_units=8)
    with pytest.raises(ValueError, match="same image_shape"):
        vae.VAE(encoder, decoder)
    with pytest.raises(ValueError, match="beta must be"):
        vae.VAE(nets.dcgan_discriminator(width=8, output_units=8), decoder, beta=0)
    with pytest.raises(ValueError, match="learning_rate"):
        vae.build_vae(learning_rate=5)
    with pytest.raises(ValueError, match="latent_dim"):
        vae.build_vae(latent_dim=0)


def test_vae_compile_refuses_an_optimizer_with_a_nan_learning_rate(tiny_vae):
    with pytest.raises(ValueError, match=r"^optimizer's learning rate must be a finite number "
                                         r"> 0 and < 1 .*got nan\.$"):
        tiny_vae.compile(optimizer=keras.optimizers.Adam(float("nan")))
    tiny_vae.compile(optimizer="adam")  # a name gives Keras' default optimizer
    assert isinstance(tiny_vae.optimizer, keras.optimizers.Adam)


def test_build_vae_refuses_a_seed_keras_refuses():
    with pytest.raises(ValueError, match=r"^seed must be a whole number >= 0 and <= 4294967295"):
        vae.build_vae(seed=2**32)
