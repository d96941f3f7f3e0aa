"""What the denoiser predicts, and how its output becomes a guess of the clean image.

With x_t = sqrt(alpha_bar) x_0 + sqrt(1 - alpha_bar) eps, the network can be taught either

- ``"eps"``, the added noise (Ho et al. 2020): x0_hat = (x_t - sqrt(1 - alpha_bar) eps_hat)
  / sqrt(alpha_bar). Near pure noise alpha_bar is tiny, so a small error in eps_hat becomes
  a large error in x0_hat;
- ``"v"``, the velocity v = sqrt(alpha_bar) eps - sqrt(1 - alpha_bar) x_0 (Salimans & Ho
  2022): x0_hat = sqrt(alpha_bar) x_t - sqrt(1 - alpha_bar) v_hat. Near pure noise v is
  about -x_0, so the network then predicts the image itself, and the target has unit
  variance at every step. The squared error in v is the squared error in eps divided by
  alpha_bar: it weighs the noisiest steps more.

Both describe the same x_0 and eps, so every sampler works with either once the output is
turned into x0_hat (``clean_image``).
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from ganlib import _checks

__all__ = ["PREDICTIONS", "check_prediction", "clean_image", "training_target"]

#: What a denoiser can predict: the noise or the velocity.
PREDICTIONS = ("eps", "v")


def check_prediction(prediction) -> str:
    """``prediction`` if it is one of ``PREDICTIONS``, else a ValueError naming it."""
    return _checks.choice(prediction, "prediction", PREDICTIONS)


def training_target(x0, noise, alpha_bar, prediction: str):
    """The network's target for clean images ``x0`` noised with ``noise``: eps or v.

    ``alpha_bar`` holds each image's alpha_bar_t, shaped to broadcast over ``x0``
    (e.g. (N, 1, 1, 1)).
    """
    if check_prediction(prediction) == "eps":
        return noise
    return tf.sqrt(alpha_bar) * noise - tf.sqrt(1.0 - alpha_bar) * x0


def clean_image(x_t, output, alpha_bar, prediction: str):
    """x0_hat from the network's ``output`` at noisy images ``x_t`` (numpy, not clipped)."""
    if check_prediction(prediction) == "eps":
        return (x_t - np.sqrt(1.0 - alpha_bar) * output) / np.sqrt(alpha_bar)
    return np.sqrt(alpha_bar) * x_t - np.sqrt(1.0 - alpha_bar) * output
