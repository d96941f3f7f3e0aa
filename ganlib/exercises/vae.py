"""VAE exercise: the reparameterisation trick z = mean + exp(log_var / 2) * noise.

Known values come from hand computation in NumPy.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from ganlib.exercises import compare
from ganlib.exercises.registry import register

__all__ = ["reparameterize"]


def reparameterize(mean, log_var, noise):
    """z = mean + sigma * noise with sigma = exp(log_var / 2): differentiable in both."""
    mean = tf.convert_to_tensor(mean, tf.float32)
    log_var = tf.convert_to_tensor(log_var, tf.float32)
    std = tf.exp(0.5 * log_var)        # sigma = sqrt(exp(log sigma^2))
    return mean + std * noise          # z ~ N(mean, sigma^2), a function of mean and log_var


def _check_reparameterize(function):
    rng = np.random.default_rng(11)
    cases = []
    for shape, as_tensor in (((3, 2), False), ((4, 3), True)):
        arrays = [rng.normal(0, 1, shape), rng.uniform(-3, 2, shape), rng.normal(0, 1, shape)]
        arrays = [a.astype(np.float32) for a in arrays]
        cases.append([tf.constant(a) for a in arrays] if as_tensor else arrays)
    for arguments in cases:
        mean, log_var, noise = (np.asarray(a, np.float64) for a in arguments)
        kind = "tensors" if tf.is_tensor(arguments[0]) else "NumPy arrays"
        got = compare.as_array(compare.call(function, *arguments), "the sample z")
        if got.shape != mean.shape:
            raise compare.Mismatch(f"The sample z has shape {got.shape}; it must have the shape "
                                   f"of mean {mean.shape}, one value per latent dimension.")
        std = np.exp(0.5 * log_var)
        expected = mean + std * noise
        again = compare.as_array(compare.call(function, *arguments), "the sample z")
        if not np.allclose(got, expected, rtol=1e-4, atol=1e-5) and not np.allclose(
                got, again, atol=1e-6, equal_nan=True):
            raise compare.Mismatch("Your function gives a different z each time it is called "
                                   "on the same inputs: it draws its own random numbers. Use "
                                   "the `noise` it is given (epsilon).")
        with np.errstate(invalid="ignore"):
            root = np.sqrt(log_var)
        compare.compare(got, expected, "the sample z", on=f" ({kind} of shape {mean.shape})",
                        hint="z = mean + exp(0.5 * log_var) * noise (log_var may be "
                             "negative: it is a logarithm).", wrong=[
            (mean + np.exp(log_var) * noise,
             "That uses the variance exp(log_var); the standard deviation is "
             "exp(0.5 * log_var)."),
            (mean + log_var * noise, "log_var is the log of the variance, not the standard "
                                     "deviation: sigma = exp(0.5 * log_var)."),
            (mean + root * noise, "sqrt(log_var) is not the standard deviation: sigma = "
                                  "exp(0.5 * log_var)."),
            (mean + np.exp(-0.5 * log_var) * noise,
             "The exponent's sign is flipped: sigma = exp(+0.5 * log_var)."),
            (std * noise, "The mean is missing: z = mean + sigma * noise."),
            (std * mean + noise, "Scale the noise by sigma and shift it by the mean: "
                                 "z = mean + sigma * noise."),
            (mean - std * noise, "The sign of the noise term is flipped: z = mean + "
                                 "sigma * noise."),
            (mean, "The noise term is missing: z = mean + sigma * noise."),
        ])
    compare.require_gradients(function, cases[0], {0: "mean", 1: "log_var"}, what="the sample z",
                              why="The trick exists so that gradients reach the encoder.")
    return ("z = mean + exp(0.5 * log_var) * noise on NumPy arrays and tensors, and that "
            "gradients reach mean and log_var")


register(reparameterize, _check_reparameterize, task="""
Write `reparameterize(mean, log_var, noise)`: the reparameterisation trick of the VAE
(Kingma & Welling 2014). A sample of N(mean, sigma^2) written as a function of mean and
log_var, so that gradients reach the encoder that made them:

    sigma = exp(0.5 * log_var)          (log_var is the log of the variance sigma^2)
    z     = mean + sigma * noise        (noise ~ N(0, I) is given, not drawn here)

Args:
    mean: the encoder's means, shape (N, latent_dim).
    log_var: the encoder's log-variances, same shape.
    noise: standard normal noise, same shape.
Returns:
    z, shape (N, latent_dim).

NumPy arrays and tensors are both accepted. Use TensorFlow operations (tf.exp), so that
gradients reach mean and log_var.
""")
