"""Diffusion: a denoising diffusion model (DDPM) trained and sampled on CPU, to set beside
the GANs.

- ``schedule``: the forward process: ``NoiseSchedule`` (linear or cosine betas,
  ``alphas_cumprod``), ``make_schedule`` and ``add_noise``, a draw of q(x_t | x_0);
- ``unet``: ``build_denoiser``, a small U-Net with a sinusoidal step embedding that
  predicts the added noise;
- ``sampling``: the reverse process: ``ddpm_sample`` (all T steps, ancestral),
  ``ddim_sample`` (a few deterministic steps) and ``dpm_solver_sample`` (the same path,
  second order);
- ``model``: ``DiffusionModel`` (a ``keras.Model`` whose ``train_step`` is the noise-
  prediction loss, with ``generate`` like the GAN's), ``build_diffusion`` and
  ``train_diffusion``, a wall-clock or step budget.

Ho, Jain & Abbeel 2020 (DDPM); Song, Meng & Ermon 2021 (DDIM); Nichol & Dhariwal 2021
(the cosine schedule); Lu et al. 2022 (DPM-Solver++).
"""

from ganlib.diffusion.model import SAMPLERS, DiffusionModel, build_diffusion, train_diffusion
from ganlib.diffusion.sampling import (
    ddim_sample,
    ddim_timesteps,
    ddpm_sample,
    dpm_solver_sample,
    predicted_clean_image,
)
from ganlib.diffusion.schedule import (
    KINDS,
    MAX_TIMESTEPS,
    NoiseSchedule,
    add_noise,
    cosine_schedule,
    linear_schedule,
    make_schedule,
)
from ganlib.diffusion.unet import SinusoidalEmbedding, build_denoiser, sinusoidal_embedding

__all__ = [
    "KINDS",
    "MAX_TIMESTEPS",
    "NoiseSchedule",
    "SAMPLERS",
    "DiffusionModel",
    "SinusoidalEmbedding",
    "add_noise",
    "build_denoiser",
    "build_diffusion",
    "cosine_schedule",
    "ddim_sample",
    "ddim_timesteps",
    "ddpm_sample",
    "dpm_solver_sample",
    "linear_schedule",
    "make_schedule",
    "predicted_clean_image",
    "sinusoidal_embedding",
    "train_diffusion",
]
