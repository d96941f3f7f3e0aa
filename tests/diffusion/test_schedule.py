"""Tests of ganlib.diffusion.schedule: known values of the schedules and of q(x_t | x_0)."""

import numpy as np
import pytest
import tensorflow as tf

from ganlib.diffusion import schedule


@pytest.mark.parametrize("kind", schedule.KINDS)
def test_alpha_bar_falls_from_near_one_to_near_zero(kind):
    noise = schedule.make_schedule(kind, 200)
    bar = noise.alphas_cumprod
    assert noise.timesteps == 200 and bar.shape == (200,)
    assert np.all(np.diff(bar) < 0)                    # strictly decreasing
    assert bar[0] > 0.99 and bar[-1] < 1e-3
    assert np.all((noise.betas > 0) & (noise.betas < 1))
    np.testing.assert_allclose(bar, np.cumprod(1 - noise.betas))


def test_linear_schedule_has_ho_et_al_s_ends_at_1000_steps_and_stretches_for_fewer():
    betas = schedule.linear_schedule(1000).betas
    assert betas[0] == pytest.approx(1e-4) and betas[-1] == pytest.approx(0.02)
    short = schedule.linear_schedule(250).betas
    assert short[0] == pytest.approx(4e-4) and short[-1] == pytest.approx(0.08)
    # about the same total noise: alpha_bar at the end is tiny in both
    assert schedule.linear_schedule(250).alphas_cumprod[-1] < 1e-4


def test_cosine_schedule_follows_its_formula():
    noise = schedule.cosine_schedule(100, offset=0.008)
    f = np.cos((np.arange(101) / 100 + 0.008) / 1.008 * np.pi / 2) ** 2
    np.testing.assert_allclose(noise.alphas_cumprod[:50], (f[1:] / f[0])[:50], rtol=1e-10)


def test_add_noise_is_the_closed_form_of_q_xt_given_x0():
    rng = np.random.default_rng(0)
    x0 = rng.uniform(-1, 1, (3, 4, 4, 1)).astype("float32")
    noise = rng.standard_normal(x0.shape).astype("float32")
    bar = schedule.cosine_schedule(50).alphas_cumprod
    t = np.array([0, 25, 49])
    x_t = schedule.add_noise(x0, t, noise, bar).numpy()
    expected = (np.sqrt(bar[t])[:, None, None, None] * x0
                + np.sqrt(1 - bar[t])[:, None, None, None] * noise)
    np.testing.assert_allclose(x_t, expected, rtol=1e-5, atol=1e-6)
    assert np.sqrt(1 - bar[0]) < 0.05                   # t = 0: almost the image itself
    assert np.abs(x_t[0] - x0[0]).max() < 4 * np.sqrt(1 - bar[0])
    assert np.corrcoef(x_t[2].ravel(), noise[2].ravel())[0, 1] > 0.999  # t = T-1: the noise


def test_add_noise_keeps_unit_variance_for_unit_variance_images():
    rng = np.random.default_rng(1)
    x0 = rng.standard_normal((2000, 2, 2, 1)).astype("float32")
    t = rng.integers(0, 100, 2000)
    x_t = schedule.add_noise(tf.constant(x0), t, rng.standard_normal(x0.shape),
                             schedule.linear_schedule(100).alphas_cumprod).numpy()
    assert x_t.std() == pytest.approx(1.0, abs=0.03)


@pytest.mark.parametrize(("call", "message"), [
    (lambda: schedule.make_schedule("quadratic", 10), "schedule must be one of ['cosine', "
                                                      "'linear']"),
    (lambda: schedule.make_schedule("cosine", 1), "timesteps must be a whole number >= 2 and "
                                                  "<= 4000"),
    (lambda: schedule.linear_schedule(10, beta_end=1.5), "beta_end must be a finite number > 0"),
])
def test_bad_settings_are_refused_by_name(call, message):
    with pytest.raises(ValueError, match="^" + message.replace("[", r"\[").replace("]", r"\]")):
        call()
