"""Tests of ganlib.diffusion's network, model and samplers: shapes, a training step moves
every weight, DDIM is deterministic and DDPM is DDIM with eta = 1, bad input refused."""

import keras
import numpy as np
import pytest

from ganlib import diffusion
from ganlib.diffusion import sampling, unet


@pytest.fixture(scope="module")
def tiny():
    return diffusion.build_diffusion(width=8, channel_multipliers=(1, 2), timesteps=20,
                                     sampling_steps=4, ema_decay=0.99, seed=0)


@pytest.fixture(scope="module")
def trained(tiny):
    images = np.random.default_rng(0).uniform(-1, 1, (16, 28, 28, 1)).astype("float32")
    before = [w.numpy().copy() for w in tiny.network.trainable_weights]
    ema_before = [w.numpy().copy() for w in tiny.ema_network.weights]
    tiny.fit(images, batch_size=8, epochs=1, verbose=0)
    return tiny, before, ema_before


def test_sinusoidal_embedding_is_sines_then_cosines_of_geometric_frequencies():
    emb = unet.sinusoidal_embedding(np.array([0.0, 3.0]), 6).numpy()
    frequencies = 10_000.0 ** (-np.arange(3) / 3)
    np.testing.assert_allclose(emb[0], [0, 0, 0, 1, 1, 1], atol=1e-7)
    np.testing.assert_allclose(emb[1], np.concatenate([np.sin(3 * frequencies),
                                                       np.cos(3 * frequencies)]), rtol=1e-5)


@pytest.mark.parametrize("shape", [(28, 28, 1), (32, 32, 3)])
@pytest.mark.parametrize("attention", [True, False])
def test_denoiser_predicts_noise_of_the_image_shape(shape, attention):
    network = unet.build_denoiser(shape, width=8, middle_attention=attention)
    x = np.zeros((2, *shape), "float32")
    assert network([x, np.array([0.0, 5.0], "float32")]).shape == (2, *shape)
    has_attention = any(isinstance(layer, keras.layers.MultiHeadAttention)
                        for layer in network.layers)
    assert has_attention == attention


def test_a_training_step_moves_every_weight_and_the_average(trained):
    model, before, ema_before = trained
    assert model.steps_done == 2
    for weight, old in zip(model.network.trainable_weights, before, strict=True):
        assert not np.allclose(weight.numpy(), old), weight.path
    moved = [not np.allclose(w.numpy(), old) for w, old in
             zip(model.ema_network.weights, ema_before, strict=True)]
    assert all(moved)


def test_generate_gives_images_in_range_and_ddim_is_deterministic(trained):
    model = trained[0]
    first = model.generate(3, seed=5)
    assert first.shape == (3, 28, 28, 1) and first.dtype == np.float32
    assert first.min() >= -1 and first.max() <= 1
    np.testing.assert_array_equal(model.generate(3, seed=5), first)
    full = model.generate(2, seed=5, steps=20)
    np.testing.assert_array_equal(model.generate(2, seed=5, steps=20), full)
    assert not np.allclose(model.generate(3, seed=6), first)


def test_ddpm_is_ddim_with_eta_one_over_every_step(trained):
    model = trained[0]
    ddpm = model.generate(2, seed=1, sampler="ddpm")
    ddim = model.generate(2, seed=1, steps=20, sampler="ddim", eta=1.0)
    np.testing.assert_allclose(ddpm, ddim, atol=1e-5)


def test_one_ddpm_step_is_ho_et_al_s_posterior():
    """A fake network that always predicts eps = 0.3: one step from x_t by the posterior
    mean and variance of Ho et al. (2020), eq. 7, with x0_hat from eq. 15."""
    noise_schedule = diffusion.make_schedule("linear", 10)

    images, steps = keras.Input((2, 2, 1)), keras.Input(())
    constant = keras.layers.Lambda(lambda xs: 0.0 * xs[0] + 0.3 + 0.0 * xs[1][:, None, None, None])
    network = keras.Model([images, steps], constant([images, steps]))
    start = np.random.default_rng(0).standard_normal((1, 2, 2, 1)).astype("float32") * 0.1
    _, path = sampling.ddpm_sample(network, noise_schedule, noise=start, seed=0,
                                   return_path=True)
    t, bar, beta = 9, noise_schedule.alphas_cumprod, noise_schedule.betas
    x0 = np.clip((start - np.sqrt(1 - bar[t]) * 0.3) / np.sqrt(bar[t]), -1, 1)
    mean = (beta[t] * np.sqrt(bar[t - 1]) / (1 - bar[t]) * x0
            + (1 - bar[t - 1]) * np.sqrt(1 - beta[t]) / (1 - bar[t]) * start)
    std = np.sqrt(beta[t] * (1 - bar[t - 1]) / (1 - bar[t]))
    z = np.random.default_rng(0)                       # x_T is given: the first draw is z_T
    np.testing.assert_allclose(path[1], mean + std * z.standard_normal(start.shape), rtol=1e-4,
                               atol=1e-5)
    assert len(path) == 11


class GaussianDenoiser(keras.layers.Layer):
    """The exact E[eps | x_t] when the data are N(0, scale^2 I): x_t is then
    N(0, (alpha_bar scale^2 + 1 - alpha_bar) I), and eps_hat = sqrt(1 - alpha_bar) x_t / that
    variance; with ``prediction="v"`` the same denoiser's v_hat,
    (eps_hat - sqrt(1 - alpha_bar) x_t) / sqrt(alpha_bar)."""

    def __init__(self, alphas_cumprod, scale, prediction="eps", **kwargs):
        super().__init__(**kwargs)
        self.alphas_cumprod, self.scale = alphas_cumprod.astype("float32"), scale
        self.prediction = prediction

    def call(self, inputs):
        x, t = inputs
        alpha_bar = keras.ops.take(self.alphas_cumprod, keras.ops.cast(t, "int32"))
        alpha_bar = keras.ops.reshape(alpha_bar, (-1, 1, 1, 1))
        eps = keras.ops.sqrt(1 - alpha_bar) * x / (alpha_bar * self.scale**2 + 1 - alpha_bar)
        if self.prediction == "eps":
            return eps
        return (eps - keras.ops.sqrt(1 - alpha_bar) * x) / keras.ops.sqrt(alpha_bar)


def gaussian_denoiser(noise_schedule, scale, prediction="eps"):
    images, steps = keras.Input((3, 3, 1)), keras.Input(())
    output = GaussianDenoiser(noise_schedule.alphas_cumprod, scale, prediction)([images, steps])
    return keras.Model([images, steps], output)


def test_dpm_solver_is_second_order_where_ddim_is_first_order():
    """For Gaussian data the deterministic path is known in closed form: it keeps
    x_t / std(x_t), so x_T ends at scale * x_T / std(x_T). Four times the steps cut DDIM's
    error about four times (first order) and DPM-Solver++(2M)'s about sixteen (second
    order); with many steps both arrive, DPM-Solver++ nearer."""
    noise_schedule, scale = diffusion.make_schedule("cosine", 1000), 0.3
    network = gaussian_denoiser(noise_schedule, scale)
    x_T = np.random.default_rng(0).uniform(-2, 2, (4, 3, 3, 1)).astype("float32")
    bar_T = noise_schedule.alphas_cumprod[-1]
    exact = scale * x_T / np.sqrt(bar_T * scale**2 + 1 - bar_T)
    errors = {(name, steps): np.abs(sample(network, noise_schedule, steps, noise=x_T)
                                    - exact).max()
              for name, sample in [("ddim", sampling.ddim_sample),
                                   ("dpm", sampling.dpm_solver_sample)]
              for steps in (50, 200)}
    ddim_gain = errors["ddim", 50] / errors["ddim", 200]
    dpm_gain = errors["dpm", 50] / errors["dpm", 200]
    assert 3 < ddim_gain < 5 and dpm_gain > 10, errors
    assert errors["dpm", 200] < errors["ddim", 200] / 3 and errors["ddim", 200] < 0.01


@pytest.mark.parametrize("sample", [sampling.ddim_sample, sampling.dpm_solver_sample])
def test_a_v_network_samples_what_the_eps_network_of_the_same_denoiser_samples(sample):
    """Told which one it reads, every sampler turns eps_hat or v_hat into the same x0_hat."""
    noise_schedule = diffusion.make_schedule("cosine", 50)
    x_T = np.random.default_rng(1).standard_normal((4, 3, 3, 1)).astype("float32")
    by_eps = sample(gaussian_denoiser(noise_schedule, 0.3), noise_schedule, 10, noise=x_T)
    by_v = sample(gaussian_denoiser(noise_schedule, 0.3, "v"), noise_schedule, 10, noise=x_T,
                  prediction="v")
    np.testing.assert_allclose(by_v, by_eps, atol=1e-4)
    read_as_eps = sample(gaussian_denoiser(noise_schedule, 0.3, "v"), noise_schedule, 10,
                         noise=x_T)
    assert np.abs(read_as_eps - by_eps).max() > 0.1      # the wrong reading is far off


def test_ddpm_with_a_v_network_is_the_eps_network_s_ddpm():
    noise_schedule = diffusion.make_schedule("linear", 30)
    x_T = np.random.default_rng(2).standard_normal((2, 3, 3, 1)).astype("float32")
    np.testing.assert_allclose(
        sampling.ddpm_sample(gaussian_denoiser(noise_schedule, 0.5, "v"), noise_schedule,
                             noise=x_T, seed=3, prediction="v"),
        sampling.ddpm_sample(gaussian_denoiser(noise_schedule, 0.5), noise_schedule,
                             noise=x_T, seed=3), atol=1e-4)


def test_the_model_predicts_v_by_default_and_trains_on_eps_when_asked():
    """The default model learns v; an eps model trains too (two steps: the blocks' second
    convolutions start at zero), and both sample through their own reading of the output."""
    v_model = diffusion.build_diffusion(width=8, channel_multipliers=(1, 2), timesteps=10,
                                        sampling_steps=3, ema_decay=0)
    assert v_model.prediction == "v"
    eps_model = diffusion.build_diffusion(width=8, channel_multipliers=(1, 2), timesteps=10,
                                          sampling_steps=3, ema_decay=0, prediction="eps")
    images = np.random.default_rng(0).uniform(-1, 1, (16, 28, 28, 1)).astype("float32")
    before = [w.numpy().copy() for w in eps_model.network.trainable_weights]
    eps_model.fit(images, batch_size=8, epochs=1, verbose=0)
    assert all(not np.allclose(w.numpy(), old)
               for w, old in zip(eps_model.network.trainable_weights, before, strict=True))
    for model in (v_model, eps_model):
        np.testing.assert_array_equal(
            model.generate(2, seed=4, sampler="ddim"),
            sampling.ddim_sample(model.network, model.schedule, 3, n=2, seed=4,
                                 prediction=model.prediction))
    with pytest.raises(ValueError, match=r"^prediction must be one of \['eps', 'v'\], got 'x0'"):
        diffusion.build_diffusion(width=8, channel_multipliers=(1, 2), timesteps=10,
                                  sampling_steps=3, prediction="x0")


def test_dpm_solver_with_two_steps_is_ddim_and_keeps_its_path(trained):
    """Its first step is DDIM's and its last returns x0_hat, so two steps are DDIM's two;
    the path has steps + 1 entries, ending at the images."""
    model = trained[0]
    np.testing.assert_allclose(model.generate(3, seed=2, steps=2, sampler="dpm_solver"),
                               model.generate(3, seed=2, steps=2), atol=1e-6)
    images, path = model.generate(2, seed=2, steps=4, sampler="dpm_solver", return_path=True)
    assert path.shape == (5, 2, 28, 28, 1)
    np.testing.assert_array_equal(path[-1], images)
    assert images.min() >= -1 and images.max() <= 1


def test_ddim_visits_evenly_spread_steps_down_to_zero():
    np.testing.assert_array_equal(sampling.ddim_timesteps(1000, 5), [999, 749, 500, 250, 0])
    assert list(sampling.ddim_timesteps(10, 10)) == list(range(9, -1, -1))
    assert list(sampling.ddim_timesteps(10, 1)) == [9]      # one step: from pure noise


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"steps": 0}, "steps must be a whole number >= 1 and <= 20 (the schedule has 20 steps), "
                   "got 0."),
    ({"steps": 21}, "steps must be a whole number >= 1 and <= 20"),
    ({"steps": 5, "sampler": "ddpm"}, "steps must be None or 20 for sampler='ddpm'"),
    ({"sampler": "euler"}, "sampler must be one of ['ddim', 'ddpm', 'dpm_solver']"),
    ({"sampler": "dpm_solver", "eta": 0.5}, "eta must be 0 for sampler='dpm_solver'"),
    ({"sampler": "dpm_solver", "steps": 21}, "steps must be a whole number >= 1 and <= 20"),
    ({"sampler": "ddim", "eta": 2.0}, "eta must be a finite number >= 0 and <= 1"),
    ({"n": 0}, "n must be a whole number >= 1"),
])
def test_bad_sampling_settings_are_refused_by_name(trained, kwargs, message):
    kwargs = {"n": 1, **kwargs}
    with pytest.raises(ValueError, match="^" + message.replace("[", r"\[").replace("]", r"\]")
                       .replace("(", r"\(").replace(")", r"\)")):
        trained[0].generate(**kwargs)


def test_the_default_sampler_is_dpm_solver_and_a_bad_one_is_refused_by_name():
    noise_schedule = diffusion.make_schedule("cosine", 10)
    network = unet.build_denoiser(width=8, channel_multipliers=(1, 2))
    model = diffusion.DiffusionModel(network, noise_schedule, sampling_steps=3, ema_decay=0)
    assert model.sampler == "dpm_solver" and model.sampling_steps == 3
    np.testing.assert_array_equal(
        model.generate(2, seed=4),
        sampling.dpm_solver_sample(network, noise_schedule, 3, n=2, seed=4, prediction="v"))
    with pytest.raises(ValueError, match=r"^sampler must be one of \['ddim', 'ddpm', "
                                         r"'dpm_solver'\], got 'euler'"):
        diffusion.build_diffusion(width=8, channel_multipliers=(1, 2), timesteps=10,
                                  sampling_steps=3, sampler="euler")


def test_bad_networks_and_shapes_are_refused():
    with pytest.raises(ValueError, match="^image_shape must be a height and width divisible "
                                         "by 4"):
        unet.build_denoiser((30, 30, 1), channel_multipliers=(1, 2, 2))
    with pytest.raises(ValueError, match="^middle_attention must be True or False"):
        unet.build_denoiser(middle_attention="yes")
    with pytest.raises(TypeError, match="network must be a keras Model reading"):
        diffusion.DiffusionModel(keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)]),
                                 diffusion.make_schedule("cosine", 10))


def test_logit_normal_steps_favour_the_middle_and_uniform_ones_do_not():
    """t = floor(T sigmoid(u)), u ~ N(0, 1): P(|u| < log 3) = 73% of the draws land in the
    middle half of the steps (uniform: 50%), and every draw is a valid step."""
    seed = keras.random.SeedGenerator(0)
    middle = {}
    for kind in diffusion.TIMESTEP_SAMPLING:
        t = np.asarray(diffusion.draw_timesteps(20_000, 100, kind, seed=seed))
        assert t.dtype == np.int32 and t.min() >= 0 and t.max() <= 99
        middle[kind] = np.mean((t >= 25) & (t < 75))
    assert abs(middle["logit_normal"] - 0.729) < 0.02, middle
    assert abs(middle["uniform"] - 0.5) < 0.02, middle


def test_the_model_draws_logit_normal_steps_by_default_and_names_a_wrong_law():
    model = diffusion.build_diffusion(width=8, channel_multipliers=(1, 2), timesteps=10,
                                      sampling_steps=3, ema_decay=0)
    assert model.timestep_sampling == "logit_normal"
    uniform = diffusion.build_diffusion(width=8, channel_multipliers=(1, 2), timesteps=10,
                                        sampling_steps=3, ema_decay=0,
                                        timestep_sampling="uniform")
    images = np.random.default_rng(1).uniform(-1, 1, (16, 28, 28, 1)).astype("float32")
    before = [w.numpy().copy() for w in uniform.network.trainable_weights]
    uniform.fit(images, batch_size=8, epochs=1, verbose=0)
    assert all(not np.allclose(w.numpy(), old)
               for w, old in zip(uniform.network.trainable_weights, before, strict=True))
    with pytest.raises(ValueError, match=r"^timestep_sampling must be one of "
                                         r"\['logit_normal', 'uniform'\], got 'normal'"):
        diffusion.build_diffusion(width=8, channel_multipliers=(1, 2), timesteps=10,
                                  sampling_steps=3, timestep_sampling="normal")
