"""The reverse process: from pure noise x_T to an image x_0, one denoising step at a time.

Every sampler asks the network for its prediction at (x_t, t) and turns it into a guess of
the clean image, clipped to the data's range [-1, 1]; for a network that predicts the noise
eps_hat (``prediction="eps"``; ``"v"``: ``ganlib.diffusion.targets``)

    x0_hat = (x_t - sqrt(1 - alpha_bar_t) eps_hat) / sqrt(alpha_bar_t)

- ``ddpm_sample`` (Ho et al. 2020, ancestral sampling): all T steps, each a draw of the
  posterior q(x_{t-1} | x_t, x0_hat), a Gaussian with

      mean = beta_t sqrt(alpha_bar_{t-1}) / (1 - alpha_bar_t) x0_hat
             + (1 - alpha_bar_{t-1}) sqrt(alpha_t) / (1 - alpha_bar_t) x_t
      var  = beta_t (1 - alpha_bar_{t-1}) / (1 - alpha_bar_t)

  (no noise is added at the last step);
- ``ddim_sample`` (Song, Meng & Ermon 2021, DDIM): a subsequence of ``steps`` of the T
  steps, each jumping from step t to the earlier step s

      x_s = sqrt(alpha_bar_s) x0_hat + sqrt(1 - alpha_bar_s - sigma^2) eps_hat + sigma z,
      sigma = eta sqrt((1 - alpha_bar_s) / (1 - alpha_bar_t)) sqrt(1 - alpha_bar_t / alpha_bar_s)

  With eta = 0 (the default) it is deterministic: the same x_T always gives the same
  image, and 10 to 50 steps already give good samples from a network trained for T. With
  eta = 1 and all T steps it is exactly ``ddpm_sample``;
- ``dpm_solver_sample`` (Lu et al. 2022, DPM-Solver++(2M)): DDIM's deterministic path,
  followed more accurately for the same number of network calls by extrapolating from the
  last two guesses of the clean image (a second-order multistep method).

Noise comes from ``numpy.random.default_rng(seed)`` (x_T first, then one draw per step
that adds noise), so a seed gives the same images on every run.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from ganlib import _checks
from ganlib.diffusion import targets

__all__ = ["ddim_sample", "ddim_timesteps", "ddpm_sample", "dpm_solver_sample",
           "predicted_clean_image"]


def _denoiser_call(network):
    """eps_theta(x_t, t) as a compiled function of (images, steps) float32 tensors."""

    @tf.function(reduce_retracing=True)
    def predict(images, steps):
        return network([images, steps], training=False)

    return predict


def predicted_clean_image(x_t, output, alpha_bar, prediction="eps"):
    """x0_hat from the network's ``output`` (eps_hat, or v_hat for ``prediction="v"``),
    clipped to [-1, 1]; for eps: (x_t - sqrt(1 - alpha_bar) eps_hat) / sqrt(alpha_bar)."""
    return np.clip(targets.clean_image(x_t, output, alpha_bar, prediction), -1.0, 1.0)


def ddim_timesteps(timesteps: int, steps: int) -> np.ndarray:
    """The ``steps`` step indices DDIM visits, from T-1 down to 0, evenly spread."""
    steps = _checks.whole_number(steps, "steps", minimum=1, maximum=timesteps,
                                 hint=f" (the schedule has {timesteps} steps)")
    return np.unique(np.round(np.linspace(timesteps - 1, 0, steps)).astype(int))[::-1]


def _clean_image_guesser(network, batch_size, prediction):
    """x0_hat(x_t, t): the network's guess of the clean images, asked in batches."""
    targets.check_prediction(prediction)
    predict = _denoiser_call(network)

    def guess(x, t, alpha_bar_t):
        chunks = [x[j:j + batch_size] for j in range(0, len(x), batch_size)]
        output = np.concatenate([predict(tf.constant(chunk), tf.fill((len(chunk),), float(t)))
                                 .numpy() for chunk in chunks])
        return predicted_clean_image(x, output, alpha_bar_t, prediction)

    return guess


def _walk(network, schedule, start, visits, eta, rng, keep_path, batch_size, prediction):
    """The reverse walk over the step indices ``visits`` (descending), from ``start``."""
    guess = _clean_image_guesser(network, batch_size, prediction)
    alpha_bar = schedule.alphas_cumprod
    x = start.astype(np.float32)
    path = [x.copy()] if keep_path else None
    for i, t in enumerate(visits):
        s = visits[i + 1] if i + 1 < len(visits) else -1          # the step we jump to
        x0_hat = guess(x, t, alpha_bar[t])
        eps_hat = (x - np.sqrt(alpha_bar[t]) * x0_hat) / np.sqrt(1.0 - alpha_bar[t])
        bar_s = alpha_bar[s] if s >= 0 else 1.0
        sigma = eta * np.sqrt((1.0 - bar_s) / (1.0 - alpha_bar[t]) * (1.0 - alpha_bar[t] / bar_s))
        x = np.sqrt(bar_s) * x0_hat + np.sqrt(max(1.0 - bar_s - sigma**2, 0.0)) * eps_hat
        if sigma > 0:
            x = x + sigma * rng.standard_normal(x.shape)
        x = x.astype(np.float32)
        if keep_path:
            path.append(x.copy())
    return (x, np.stack(path)) if keep_path else x


def _start(noise, shape, n, seed):
    rng = np.random.default_rng(seed)
    if noise is None:
        n = _checks.whole_number(n, "n", hint=" (images to sample)")
        return rng.standard_normal((n, *shape)).astype(np.float32), rng
    noise = _checks.finite_array(noise, "noise", ndim=len(shape) + 1)
    if tuple(noise.shape[1:]) != tuple(shape) or not len(noise):
        raise ValueError(f"noise must have shape (N, {', '.join(map(str, shape))}) with N >= 1, "
                         f"got {noise.shape}.")
    return noise.astype(np.float32), rng


def ddpm_sample(network, schedule, n=None, seed=0, noise=None, return_path=False,
                batch_size=500, prediction="eps"):
    """Images in [-1, 1] by DDPM's ancestral sampling over all T steps of ``schedule``.

    Args:
        network: the denoiser, (x_t, t) -> eps_hat (or v_hat with ``prediction="v"``).
        schedule: the ``NoiseSchedule`` it was trained with.
        n, seed: how many images, and the seed of x_T and of each step's noise.
        noise: x_T itself (N, H, W, C), instead of drawing it.
        return_path: also return x_T, ..., x_0 as (T + 1, N, H, W, C).
        prediction: what the network predicts, "eps" or "v" (``targets.PREDICTIONS``).
    """
    shape = tuple(network.inputs[0].shape[1:])
    start, rng = _start(noise, shape, n, seed)
    visits = np.arange(schedule.timesteps)[::-1]
    return _walk(network, schedule, start, visits, 1.0, rng, return_path, batch_size,
                 prediction)


def ddim_sample(network, schedule, steps=20, n=None, seed=0, noise=None, eta=0.0,
                return_path=False, batch_size=500, prediction="eps"):
    """Images in [-1, 1] by DDIM over ``steps`` of the T steps (1 <= steps <= T).

    ``eta`` = 0 (default): deterministic given x_T; 1: as much noise as DDPM. The other
    arguments are those of ``ddpm_sample``; the path has ``steps`` + 1 entries.
    """
    visits = ddim_timesteps(schedule.timesteps, steps)
    eta = _checks.number(eta, "eta", minimum=0, maximum=1, hint=" (0: deterministic DDIM)")
    shape = tuple(network.inputs[0].shape[1:])
    start, rng = _start(noise, shape, n, seed)
    return _walk(network, schedule, start, visits, eta, rng, return_path, batch_size,
                 prediction)


def dpm_solver_sample(network, schedule, steps=20, n=None, seed=0, noise=None,
                      return_path=False, batch_size=500, prediction="eps"):
    """Images in [-1, 1] by DPM-Solver++(2M) over ``steps`` of the T steps (Lu et al. 2022).

    It follows the same deterministic path as DDIM with eta = 0, more accurately for the
    same number of network calls: each step extrapolates from this step's x0_hat and the
    previous one's, in lam = log(sqrt(alpha_bar) / sqrt(1 - alpha_bar)) (half the log
    signal-to-noise ratio). From step t to s, with h = lam_s - lam_t and r = h_prev / h:

        D   = (1 + 1 / (2 r)) x0_hat_t - 1 / (2 r) x0_hat_prev   (D = x0_hat_t at first)
        x_s = sqrt(1 - alpha_bar_s) / sqrt(1 - alpha_bar_t) x_t
              - sqrt(alpha_bar_s) (exp(-h) - 1) D

    With D = x0_hat_t this is exactly the DDIM step; the last step returns x0_hat. The
    arguments are those of ``ddim_sample``; x_T comes from ``seed`` as there.
    """
    visits = ddim_timesteps(schedule.timesteps, steps)
    shape = tuple(network.inputs[0].shape[1:])
    start, _ = _start(noise, shape, n, seed)
    guess = _clean_image_guesser(network, batch_size, prediction)
    alpha_bar = schedule.alphas_cumprod
    half_log_snr = 0.5 * np.log(alpha_bar / (1.0 - alpha_bar))
    x = start.astype(np.float32)
    path = [x.copy()] if return_path else None
    previous = None                                    # (x0_hat, h) of the step before
    for i, t in enumerate(visits):
        x0_hat = guess(x, t, alpha_bar[t])
        if i + 1 == len(visits):
            x = x0_hat                                 # the jump to alpha_bar = 1
        else:
            s = visits[i + 1]
            h = half_log_snr[s] - half_log_snr[t]
            blend = x0_hat
            if previous is not None:
                ratio = previous[1] / h
                blend = (1 + 0.5 / ratio) * x0_hat - (0.5 / ratio) * previous[0]
            x = (np.sqrt((1.0 - alpha_bar[s]) / (1.0 - alpha_bar[t])) * x
                 - np.sqrt(alpha_bar[s]) * np.expm1(-h) * blend)
            previous = (x0_hat, h)
        x = x.astype(np.float32)
        if return_path:
            path.append(x.copy())
    return (x, np.stack(path)) if return_path else x
