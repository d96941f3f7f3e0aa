"""Diffusion: a denoising diffusion model (DDPM) trained and sampled on CPU, to set beside
the GANs.

- ``schedule``: the forward process: ``NoiseSchedule`` (linear or cosine betas,
  ``alphas_cumprod``), ``make_schedule`` and ``add_noise``, a draw of q(x_t | x_0);
- ``unet``: ``build_denoiser``, a small U-Net with a sinusoidal step embedding that
  predicts the added noise or the velocity;
- ``targets``: what it predicts (``PREDICTIONS``: "eps" or "v"), its training target and
  the clean image its output implies;
- ``sampling``: the reverse process: ``ddpm_sample`` (all T steps, ancestral),
  ``ddim_sample`` (a few deterministic steps) and ``dpm_solver_sample`` (the same path,
  second order);
- ``model``: ``DiffusionModel`` (a ``keras.Model`` whose ``train_step`` is the squared
  error of that prediction at steps drawn by ``draw_timesteps``, with ``generate`` like
  the GAN's), ``build_diffusion`` and ``train_diffusion``, a wall-clock or step budget.

Ho, Jain & Abbeel 2020 (DDPM); Song, Meng & Ermon 2021 (DDIM); Nichol & Dhariwal 2021
(the cosine schedule); Salimans & Ho 2022 (v-prediction); Lu et al. 2022 (DPM-Solver++);
Esser et al. 2024 (logit-normal steps).
"""

from ganlib.diffusion.model import (
    SAMPLERS,
    TIMESTEP_SAMPLING,
    DiffusionModel,
    build_diffusion,
    draw_timesteps,
    train_diffusion,
)
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
from ganlib.diffusion.targets import PREDICTIONS, clean_image, training_target
from ganlib.diffusion.unet import SinusoidalEmbedding, build_denoiser, sinusoidal_embedding

__all__ = [
    "KINDS",
    "MAX_TIMESTEPS",
    "NoiseSchedule",
    "PREDICTIONS",
    "SAMPLERS",
    "TIMESTEP_SAMPLING",
    "DiffusionModel",
    "SinusoidalEmbedding",
    "add_noise",
    "build_denoiser",
    "build_diffusion",
    "clean_image",
    "cosine_schedule",
    "ddim_sample",
    "ddim_timesteps",
    "ddpm_sample",
    "draw_timesteps",
    "dpm_solver_sample",
    "linear_schedule",
    "make_schedule",
    "predicted_clean_image",
    "sinusoidal_embedding",
    "training_target",
    "train_diffusion",
]
