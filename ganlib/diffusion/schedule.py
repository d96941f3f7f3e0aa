"""The forward (noising) process of a diffusion model: a beta schedule and q(x_t | x_0).

Ho, Jain & Abbeel 2020, "Denoising Diffusion Probabilistic Models" (DDPM). Over T steps a
little Gaussian noise is added to an image x_0, step t with variance beta_t:

    q(x_t | x_{t-1}) = N(sqrt(1 - beta_t) x_{t-1}, beta_t I)

With alpha_t = 1 - beta_t and alpha_bar_t = alpha_1 ... alpha_t (``alphas_cumprod``), the
noisy image at any step can be drawn in one go from x_0:

    q(x_t | x_0) = N(sqrt(alpha_bar_t) x_0, (1 - alpha_bar_t) I)
    x_t = sqrt(alpha_bar_t) x_0 + sqrt(1 - alpha_bar_t) eps,   eps ~ N(0, I)   (``add_noise``)

alpha_bar_t falls from almost 1 (x_1 is nearly x_0) to almost 0 (x_T is nearly pure noise).
Steps are numbered 0 .. T-1 in the arrays here (index t is the paper's step t + 1).

Two schedules: ``linear`` (Ho et al.: beta from 1e-4 to 0.02 over 1000 steps, stretched
so that a shorter T adds as much noise in total) and ``cosine`` (Nichol & Dhariwal 2021,
"Improved Denoising Diffusion Probabilistic Models": alpha_bar_t follows a squared cosine,
which destroys small images less abruptly at the start).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import tensorflow as tf

from ganlib import _checks

__all__ = ["KINDS", "MAX_TIMESTEPS", "NoiseSchedule", "add_noise", "cosine_schedule",
           "linear_schedule", "make_schedule"]

#: The schedules ``make_schedule`` knows.
KINDS = ("cosine", "linear")
#: The longest schedule accepted (Ho et al. use 1000 steps; 4000 in Nichol & Dhariwal).
MAX_TIMESTEPS = 4000


@dataclass(frozen=True, eq=False)
class NoiseSchedule:
    """The betas of the T noising steps and what follows from them (float64 numpy).

    ``alphas`` = 1 - betas; ``alphas_cumprod`` = their running product alpha_bar_t, falling
    from near 1 to near 0.
    """

    kind: str
    betas: np.ndarray

    @property
    def timesteps(self) -> int:
        """T, the number of noising steps."""
        return len(self.betas)

    @property
    def alphas(self) -> np.ndarray:
        return 1.0 - self.betas

    @property
    def alphas_cumprod(self) -> np.ndarray:
        return np.cumprod(self.alphas)

    def __repr__(self) -> str:
        return f"NoiseSchedule({self.kind!r}, timesteps={self.timesteps})"


def _check_timesteps(timesteps) -> int:
    return _checks.whole_number(timesteps, "timesteps", minimum=2, maximum=MAX_TIMESTEPS,
                                hint=" (1000 in Ho et al. 2020)")


def linear_schedule(timesteps=1000, beta_start=1e-4, beta_end=0.02) -> NoiseSchedule:
    """Betas rising linearly (Ho et al. 2020), scaled by 1000 / T so that any T adds about
    the noise of the paper's 1000 steps."""
    timesteps = _check_timesteps(timesteps)
    scale = 1000.0 / timesteps
    start = _checks.number(beta_start, "beta_start", above=0, below=1)
    end = _checks.number(beta_end, "beta_end", above=0, below=1)
    betas = np.linspace(start * scale, min(end * scale, 0.999), timesteps, dtype=np.float64)
    return NoiseSchedule("linear", betas)


def cosine_schedule(timesteps=1000, offset=0.008) -> NoiseSchedule:
    """alpha_bar_t = f(t) / f(0), f(t) = cos((t / T + s) / (1 + s) * pi / 2)^2 (Nichol &
    Dhariwal 2021, s = ``offset``), with each beta capped at 0.999."""
    timesteps = _check_timesteps(timesteps)
    offset = _checks.number(offset, "offset", minimum=0, below=1)
    steps = np.arange(timesteps + 1, dtype=np.float64) / timesteps
    f = np.cos((steps + offset) / (1.0 + offset) * np.pi / 2.0) ** 2
    betas = np.clip(1.0 - f[1:] / f[:-1], 0.0, 0.999)
    return NoiseSchedule("cosine", betas)


def make_schedule(kind="cosine", timesteps=1000) -> NoiseSchedule:
    """The schedule named ``kind`` ("cosine" or "linear") with ``timesteps`` steps."""
    _checks.choice(kind, "schedule", KINDS)
    return cosine_schedule(timesteps) if kind == "cosine" else linear_schedule(timesteps)


def add_noise(x0, t, noise, alphas_cumprod):
    """x_t = sqrt(alpha_bar_t) x_0 + sqrt(1 - alpha_bar_t) noise, per image: a draw of
    q(x_t | x_0) with the given ``noise``.

    Args:
        x0: clean images (N, H, W, C) in [-1, 1].
        t: step index of each image, (N,) whole numbers in 0 .. T-1.
        noise: standard normal noise, the shape of ``x0``.
        alphas_cumprod: alpha_bar of the schedule, (T,).
    Returns:
        x_t, the shape of ``x0`` (a float32 tensor).
    """
    x0 = tf.convert_to_tensor(x0, tf.float32)
    alpha_bar = tf.gather(tf.cast(alphas_cumprod, tf.float32), tf.cast(t, tf.int32))
    alpha_bar = tf.reshape(alpha_bar, (-1, 1, 1, 1))      # one value per image, broadcast
    return tf.sqrt(alpha_bar) * x0 + tf.sqrt(1.0 - alpha_bar) * tf.cast(noise, tf.float32)
