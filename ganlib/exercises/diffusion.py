"""Diffusion exercise: the forward process, a draw of q(x_t | x_0) in one line.

Known values come from hand computation in NumPy.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from ganlib.exercises import compare
from ganlib.exercises.registry import register

__all__ = ["add_noise"]


def add_noise(x0, t, noise, alphas_cumprod):
    """x_t = sqrt(alpha_bar_t) x0 + sqrt(1 - alpha_bar_t) noise, each image at its own t."""
    alpha_bar = tf.gather(tf.cast(alphas_cumprod, tf.float32), t)   # (N,): alpha_bar of each t
    alpha_bar = tf.reshape(alpha_bar, (-1, 1, 1, 1))               # broadcast over H, W, C
    return tf.sqrt(alpha_bar) * x0 + tf.sqrt(1.0 - alpha_bar) * noise


def _check_add_noise(function):
    rng = np.random.default_rng(13)
    bar = np.cumprod(1.0 - np.linspace(0.05, 0.5, 6))               # alpha_bar of T = 6 steps
    for t, as_tensor in (([0, 3, 5], False), ([4, 4, 1, 2], True)):
        t = np.array(t)
        x0 = rng.uniform(-1, 1, (len(t), 3, 2, 1)).astype(np.float32)
        noise = rng.standard_normal(x0.shape).astype(np.float32)
        arguments = [x0, t, noise, bar.astype(np.float32)]
        if as_tensor:
            arguments = [tf.constant(a) for a in arguments]
        kind = "tensors" if as_tensor else "NumPy arrays"
        got = compare.as_array(compare.call(function, *arguments), "x_t")
        a = bar[t][:, None, None, None]
        expected = np.sqrt(a) * x0 + np.sqrt(1 - a) * noise
        one = bar[t[0]]
        previous = bar[np.maximum(t - 1, 0)][:, None, None, None]
        compare.compare(got, expected, "x_t", on=f" ({kind}, steps t = {t.tolist()})",
                        hint="x_t = sqrt(alpha_bar[t]) * x0 + sqrt(1 - alpha_bar[t]) * noise, "
                             "with alpha_bar[t] reshaped to (N, 1, 1, 1).", wrong=[
            (a * x0 + (1 - a) * noise, "Those are alpha_bar and 1 - alpha_bar, the variances; "
                                       "the image and the noise are scaled by their square "
                                       "roots."),
            (np.sqrt(a) * x0 + np.sqrt(a) * noise, "The noise is scaled by sqrt(alpha_bar); it "
                                                   "should be sqrt(1 - alpha_bar)."),
            (np.sqrt(1 - a) * x0 + np.sqrt(a) * noise, "The two weights are swapped: the image "
                                                       "gets sqrt(alpha_bar), the noise "
                                                       "sqrt(1 - alpha_bar)."),
            (np.sqrt(one) * x0 + np.sqrt(1 - one) * noise,
             "Every image got the alpha_bar of the first step t[0]: gather one alpha_bar per "
             "image, alpha_bar[t], not alpha_bar[t[0]]."),
            (np.sqrt(previous) * x0 + np.sqrt(1 - previous) * noise,
             "That uses alpha_bar[t - 1]: the steps are numbered from 0 here, so image i uses "
             "alpha_bar[t[i]]."),
            (x0 + noise, "The weights are missing: x_t = sqrt(alpha_bar) x0 + "
                         "sqrt(1 - alpha_bar) noise."),
        ])
    compare.require_gradients(function, [x0, t, noise, bar.astype(np.float32)],
                              {0: "x0", 2: "noise"}, what="x_t",
                              why="The denoiser is trained through x_t.")
    return ("x_t = sqrt(alpha_bar[t]) x0 + sqrt(1 - alpha_bar[t]) noise, one step per image, "
            "on NumPy arrays and tensors, and that gradients reach x0 and noise")


register(add_noise, _check_add_noise, task="""
Write `add_noise(x0, t, noise, alphas_cumprod)`: the forward process of a diffusion model
(Ho et al. 2020), a draw of q(x_t | x_0) in one go. Each image i is noised to its own step
t[i]:

    alpha_bar = alphas_cumprod[t]                              (one value per image)
    x_t       = sqrt(alpha_bar) * x0 + sqrt(1 - alpha_bar) * noise

Args:
    x0: clean images, shape (N, H, W, C).
    t: the step of each image, shape (N,), whole numbers from 0 to T - 1.
    noise: standard normal noise, the shape of x0.
    alphas_cumprod: alpha_bar of the schedule, shape (T,), falling from near 1 to near 0.
Returns:
    x_t, the shape of x0.

NumPy arrays and tensors are both accepted. Pick alpha_bar with tf.gather and reshape it
to (N, 1, 1, 1) so that it multiplies every pixel of its image; use TensorFlow
operations, so that gradients reach x0 and noise.
""")
