"""The VAE exercise: the reparameterisation trick."""

import numpy as np
import tensorflow as tf


def test_the_variance_used_for_the_standard_deviation_is_named(failure):
    def reparameterize(mean, log_var, noise):
        return mean + tf.exp(log_var) * noise

    assert "That uses the variance exp(log_var); the standard deviation is " \
           "exp(0.5 * log_var)." in failure("reparameterize", reparameterize)


def test_log_var_used_as_the_standard_deviation_is_named(failure):
    def reparameterize(mean, log_var, noise):
        return mean + log_var * noise

    assert "log_var is the log of the variance, not the standard deviation: sigma = " \
           "exp(0.5 * log_var)." in failure("reparameterize", reparameterize)


def test_noise_drawn_inside_instead_of_the_given_noise_is_named(failure):
    def reparameterize(mean, log_var, noise):
        return mean + tf.exp(0.5 * log_var) * tf.random.normal(tf.shape(mean))

    assert "Your function gives a different z each time it is called on the same inputs: it " \
           "draws its own random numbers. Use the `noise` it is given (epsilon)." in \
        failure("reparameterize", reparameterize)


def test_the_square_root_of_a_negative_log_var_is_named_as_not_finite(failure):
    def reparameterize(mean, log_var, noise):
        return mean + tf.sqrt(log_var) * noise

    message = failure("reparameterize", reparameterize)
    assert "The sample z (NumPy arrays of shape (3, 2)) is not finite ([[nan, nan]" in message
    assert "z = mean + exp(0.5 * log_var) * noise (log_var may be negative: it is a " \
           "logarithm)." in message


def test_a_numpy_sample_passes_no_gradient_to_the_encoder(failure):
    def reparameterize(mean, log_var, noise):
        return np.asarray(mean) + np.exp(0.5 * np.asarray(log_var)) * np.asarray(noise)

    assert "The trick exists so that gradients reach the encoder. But the sample z is a NumPy " \
           "ndarray, not a TensorFlow tensor, so no gradient can flow back to mean and " \
           "log_var." in failure("reparameterize", reparameterize)


def test_a_missing_mean_is_named(failure):
    def reparameterize(mean, log_var, noise):
        return tf.exp(0.5 * log_var) * noise

    assert "The mean is missing: z = mean + sigma * noise." in \
        failure("reparameterize", reparameterize)
