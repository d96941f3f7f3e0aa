"""The diffusion exercise: the forward process q(x_t | x_0)."""

import numpy as np
import tensorflow as tf


def test_variances_used_as_weights_are_named(failure):
    def add_noise(x0, t, noise, alphas_cumprod):
        alpha_bar = tf.reshape(tf.gather(alphas_cumprod, t), (-1, 1, 1, 1))
        return alpha_bar * x0 + (1 - alpha_bar) * noise

    assert "Those are alpha_bar and 1 - alpha_bar, the variances" in \
        failure("add_noise", add_noise)


def test_one_step_for_the_whole_batch_is_named(failure):
    def add_noise(x0, t, noise, alphas_cumprod):
        alpha_bar = tf.cast(alphas_cumprod, tf.float32)[t[0]]
        return tf.sqrt(alpha_bar) * x0 + tf.sqrt(1 - alpha_bar) * noise

    assert "Every image got the alpha_bar of the first step t[0]" in \
        failure("add_noise", add_noise)


def test_counting_steps_from_one_is_named(failure):
    def add_noise(x0, t, noise, alphas_cumprod):
        alpha_bar = tf.gather(alphas_cumprod, tf.maximum(tf.cast(t, tf.int32) - 1, 0))
        alpha_bar = tf.reshape(alpha_bar, (-1, 1, 1, 1))
        return tf.sqrt(alpha_bar) * x0 + tf.sqrt(1 - alpha_bar) * noise

    assert "That uses alpha_bar[t - 1]: the steps are numbered from 0 here" in \
        failure("add_noise", add_noise)


def test_swapped_weights_are_named(failure):
    def add_noise(x0, t, noise, alphas_cumprod):
        alpha_bar = tf.reshape(tf.gather(alphas_cumprod, t), (-1, 1, 1, 1))
        return tf.sqrt(1 - alpha_bar) * x0 + tf.sqrt(alpha_bar) * noise

    assert "The two weights are swapped" in failure("add_noise", add_noise)


def test_a_numpy_answer_passes_no_gradient(failure):
    def add_noise(x0, t, noise, alphas_cumprod):
        alpha_bar = np.asarray(alphas_cumprod)[np.asarray(t)][:, None, None, None]
        return np.sqrt(alpha_bar) * np.asarray(x0) + np.sqrt(1 - alpha_bar) * np.asarray(noise)

    assert "The denoiser is trained through x_t. But x_t is a NumPy ndarray" in \
        failure("add_noise", add_noise)
