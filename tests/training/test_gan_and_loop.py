"""Tests of ganlib.training: the GAN model, fit, checkpoints, resume, distribution, a kill."""

import json
import math
import re
import signal
import subprocess
import sys
import textwrap
import time

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganlib import data, nets, training
from ganlib.training import recipes

# --------------------------------------------------------------------------- helpers


def write_script(tmp_path, name, body):
    path = tmp_path / name
    path.write_text(textwrap.dedent(body))
    return path


def latest_step(checkpoint_dir):
    """Step number of the newest complete checkpoint (0 when there is none)."""
    latest = tf.train.latest_checkpoint(str(checkpoint_dir))
    return int(latest.rsplit("-", 1)[1]) if latest else 0


def fixed_latent(n=6, latent_dim=8):
    return np.random.default_rng(123).standard_normal((n, latent_dim)).astype(np.float32)


# --------------------------------------------------------------------------- construction


def test_gan_rejects_mismatched_image_shapes():
    generator = nets.dcgan_generator(8, (28, 28, 1), width=8)
    discriminator = nets.dcgan_discriminator((32, 32, 3), width=8)
    with pytest.raises(ValueError, match=r"\(28, 28, 1\).*\(32, 32, 3\)"):
        training.GAN(generator, discriminator)


def test_gan_rejects_a_latent_dim_the_generator_does_not_take():
    generator = nets.dcgan_generator(8, (28, 28, 1), width=8)
    discriminator = nets.dcgan_discriminator((28, 28, 1), width=8)
    with pytest.raises(ValueError, match="latent_dim=16"):
        training.GAN(generator, discriminator, latent_dim=16)


@pytest.mark.parametrize("seed", [2**63, -1, 1.5])
def test_gan_refuses_a_seed_outside_what_keras_seeds_take(seed):
    with pytest.raises(ValueError, match=r"^seed must be a whole number >= 0 and <= 4294967295 "
                                         rf".*got {seed!r}\.$"):
        training.GAN(nets.dcgan_generator(8, (28, 28, 1), width=8),
                     nets.dcgan_discriminator((28, 28, 1), width=8), seed=seed)


def test_gan_reads_latent_dim_from_the_generator(make_gan):
    assert make_gan(latent_dim=12).latent_dim == 12


def test_compile_refuses_one_optimizer_for_both_networks():
    gan = training.GAN(nets.dcgan_generator(8, (28, 28, 1), width=8),
                       nets.dcgan_discriminator((28, 28, 1), width=8))
    optimizer = keras.optimizers.Adam(2e-4)
    with pytest.raises(ValueError, match="two separate optimizer objects"):
        gan.compile(d_optimizer=optimizer, g_optimizer=optimizer)


def test_compile_refuses_an_unknown_loss():
    gan = training.GAN(nets.dcgan_generator(8, (28, 28, 1), width=8),
                       nets.dcgan_discriminator((28, 28, 1), width=8))
    with pytest.raises(ValueError, match=r"loss must be one of \[.*\], got 'wgan'"):
        gan.compile(keras.optimizers.Adam(), keras.optimizers.Adam(), loss="wgan")


@pytest.mark.parametrize("which", ["d_optimizer", "g_optimizer"])
@pytest.mark.parametrize("rate", [float("nan"), float("inf"), 0.0, -2e-4])
def test_compile_refuses_a_nan_or_non_positive_learning_rate_naming_the_optimizer(which, rate):
    gan = training.GAN(nets.dcgan_generator(8, (28, 28, 1), width=8),
                       nets.dcgan_discriminator((28, 28, 1), width=8))
    optimizers = {"d_optimizer": keras.optimizers.Adam(2e-4),
                  "g_optimizer": keras.optimizers.Adam(2e-4), which: keras.optimizers.Adam(rate)}
    with pytest.raises(ValueError, match=rf"^{which}'s learning rate must be a finite number > 0 "
                                         rf"and < 1 \(typically 1e-4 to 1e-3\), got {rate!r}\.$"):
        gan.compile(**optimizers)
    assert not hasattr(gan, "d_optimizer")  # refused before anything was set


def test_compile_accepts_a_learning_rate_schedule():
    gan = training.GAN(nets.dcgan_generator(8, (28, 28, 1), width=8),
                       nets.dcgan_discriminator((28, 28, 1), width=8))
    schedule = keras.optimizers.schedules.ExponentialDecay(1e-3, decay_steps=10, decay_rate=0.5)
    gan.compile(keras.optimizers.Adam(schedule), keras.optimizers.Adam(2e-4))
    assert gan.d_optimizer.learning_rate.numpy() == pytest.approx(1e-3)


# --------------------------------------------------------------------------- training


def test_two_step_fit_changes_every_weight_of_both_networks(make_gan, tiny_dataset, weights_of,
                                                            fit_quietly):
    """Adam moves a weight only if its gradient is non-zero, so every weight must change."""
    gan = make_gan()
    g_before, d_before = weights_of(gan.generator), weights_of(gan.discriminator)
    history = fit_quietly(gan, tiny_dataset, steps_per_epoch=2)

    assert gan.steps_done == 2
    assert int(gan.d_optimizer.iterations.numpy()) == 2
    for before, variable in zip(g_before + d_before,
                                gan.generator.trainable_variables
                                + gan.discriminator.trainable_variables, strict=True):
        assert not np.array_equal(before, variable.numpy()), variable.path
        assert np.isfinite(variable.numpy()).all()
    assert sorted(history.history) == ["d_loss", "fake_score", "g_loss", "real_score"]
    # at initialisation D is unsure: losses near the values at logit 0
    assert history.history["d_loss"][0] == pytest.approx(2 * math.log(2), abs=0.2)
    assert history.history["g_loss"][0] == pytest.approx(math.log(2), abs=0.2)
    for key in ("real_score", "fake_score"):
        assert 0.0 < history.history[key][0] < 1.0


def test_each_update_moves_only_its_own_network(make_gan, random_images, weights_of):
    """``discriminator_update`` and ``generator_update``, the two halves of ``train_step``
    (timed apart by bench/step_profile.py), each change every weight of one network only."""
    gan = make_gan()
    real = tf.constant(random_images[:8])
    g_before, d_before = weights_of(gan.generator), weights_of(gan.discriminator)
    real_logits, fake_logits = gan.discriminator_update(real)
    assert real_logits.shape == fake_logits.shape == (8, 1)
    for before, after in zip(g_before, weights_of(gan.generator), strict=True):
        np.testing.assert_array_equal(before, after)
    for before, after in zip(d_before, weights_of(gan.discriminator), strict=True):
        assert not np.array_equal(before, after)
    d_after = weights_of(gan.discriminator)
    g_loss = gan.generator_update(8)
    assert g_loss.shape == () and np.isfinite(float(g_loss))
    for before, after in zip(d_after, weights_of(gan.discriminator), strict=True):
        np.testing.assert_array_equal(before, after)
    for before, after in zip(g_before, weights_of(gan.generator), strict=True):
        assert not np.array_equal(before, after)
    assert gan.steps_done == 1 and int(gan.d_optimizer.iterations.numpy()) == 1


def test_train_gan_reaches_the_step_budget_and_writes_checkpoints(make_gan, tiny_dataset,
                                                                   tmp_path, weights_of):
    gan = make_gan()
    d_before = weights_of(gan.discriminator)
    training.train_gan(gan, tiny_dataset, steps=5, steps_per_epoch=2,
                       checkpoint_dir=tmp_path / "ckpt", verbose=0)
    assert gan.steps_done == 5
    # one checkpoint per epoch (steps 2, 4) and one at the end (5); two are kept
    assert latest_step(tmp_path / "ckpt") == 5
    assert sorted(p.name for p in (tmp_path / "ckpt").glob("*.index")) == ["ckpt-4.index",
                                                                          "ckpt-5.index"]
    assert not np.array_equal(d_before[0], gan.discriminator.trainable_variables[0].numpy())


@pytest.mark.parametrize("steps", [0, -1, 2.5, True])
def test_train_gan_refuses_bad_steps(make_gan, tiny_dataset, steps):
    with pytest.raises(ValueError, match=f"steps must be a whole number >= 1, got {steps!r}"):
        training.train_gan(make_gan(), tiny_dataset, steps=steps)


def test_train_gan_refuses_bad_steps_per_epoch(make_gan, tiny_dataset):
    with pytest.raises(ValueError, match="steps_per_epoch must be a whole number >= 1"):
        training.train_gan(make_gan(), tiny_dataset, steps=4, steps_per_epoch=0)


def test_train_gan_needs_a_compiled_gan(tiny_dataset):
    gan = training.GAN(nets.dcgan_generator(8, (28, 28, 1), width=8),
                       nets.dcgan_discriminator((28, 28, 1), width=8))
    with pytest.raises(RuntimeError, match="compile"):
        training.train_gan(gan, tiny_dataset, steps=2)


def test_generate_is_deterministic_and_checks_its_input(make_gan):
    gan = make_gan()
    images = gan.generate(n=3, seed=7)
    assert images.shape == (3, 28, 28, 1)
    np.testing.assert_array_equal(images, gan.generate(n=3, seed=7))
    z = np.random.default_rng(7).standard_normal((3, 8))
    np.testing.assert_array_equal(images, gan.generate(z))
    with pytest.raises(ValueError, match="positive number n"):
        gan.generate(n=0)
    with pytest.raises(ValueError, match=r"latent must have shape \(N, 8\)"):
        gan.generate(np.zeros((3, 5)))


# ------------------------------------------------- loss choice, critic steps, penalty


def tiny_dcgan(seed=0):
    """An uncompiled tiny DCGAN whose weights depend only on ``seed``."""
    keras.utils.set_random_seed(seed)
    return training.GAN(nets.dcgan_generator(8, (28, 28, 1), width=8),
                        nets.dcgan_discriminator((28, 28, 1), width=8), seed=seed)


@pytest.fixture
def fixed_dataset(random_images):
    """Batches of 8 in a fixed order: every fit call sees the same first batch."""
    return data.make_dataset(random_images, 8, shuffle=False)


def adam_pair():
    return {"d_optimizer": keras.optimizers.Adam(2e-4, beta_1=0.5),
            "g_optimizer": keras.optimizers.Adam(2e-4, beta_1=0.5)}


def test_compile_defaults_to_one_discriminator_step_and_no_penalty():
    gan = tiny_dcgan()
    gan.compile(**adam_pair())
    assert gan.d_steps == 1 and gan.gradient_penalty_weight == 0.0
    assert [m.name for m in gan.metrics] == ["d_loss", "g_loss", "real_score", "fake_score"]


def test_three_discriminator_steps_per_generator_step(tiny_dataset, fit_quietly):
    gan = tiny_dcgan()
    gan.compile(**adam_pair(), d_steps=3)
    fit_quietly(gan, tiny_dataset, steps_per_epoch=2)
    assert int(gan.d_optimizer.iterations.numpy()) == 6
    assert int(gan.g_optimizer.iterations.numpy()) == 2
    assert gan.steps_done == 2


def test_gradient_penalty_changes_the_discriminator_update(fixed_dataset, fit_quietly,
                                                          weights_of):
    """Same seed, same data, same noise for the first D update: only the penalty differs."""
    plain, penalised = tiny_dcgan(), tiny_dcgan()
    for a, b in zip(weights_of(plain.discriminator), weights_of(penalised.discriminator),
                    strict=True):
        np.testing.assert_array_equal(a, b)
    plain.compile(**adam_pair(), loss="wasserstein")
    penalised.compile(**adam_pair(), loss="wasserstein", gradient_penalty_weight=10.0)
    fit_quietly(plain, fixed_dataset, steps_per_epoch=1)
    history = fit_quietly(penalised, fixed_dataset, steps_per_epoch=1)

    changed = [not np.allclose(a, b) for a, b in zip(
        weights_of(plain.discriminator), weights_of(penalised.discriminator), strict=True)]
    assert any(changed)
    assert sorted(history.history) == ["d_loss", "fake_score", "g_loss", "gradient_penalty",
                                       "real_score"]
    penalty = history.history["gradient_penalty"][0]
    assert math.isfinite(penalty) and penalty > 0


def test_zero_penalty_weight_gives_the_same_update_as_the_default(fixed_dataset, fit_quietly,
                                                                  weights_of):
    default, explicit = tiny_dcgan(), tiny_dcgan()
    default.compile(**adam_pair())
    explicit.compile(**adam_pair(), d_steps=1, gradient_penalty_weight=0.0)
    fit_quietly(default, fixed_dataset, steps_per_epoch=1)
    fit_quietly(explicit, fixed_dataset, steps_per_epoch=1)
    for a, b in zip(weights_of(default), weights_of(explicit), strict=True):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-7)


@pytest.mark.parametrize("loss, d_steps, weight", [
    ("least_squares", 1, 0.0), ("hinge", 2, 0.0), ("wasserstein", 2, 10.0),
    ("non_saturating", 1, 1.0),
])
def test_every_loss_trains_a_1d_gan_with_finite_values(loss, d_steps, weight, fit_quietly):
    keras.utils.set_random_seed(0)
    gan = training.GAN(nets.mlp_generator(latent_dim=2, output_dim=1, width=8),
                       nets.mlp_discriminator(input_dim=1, width=8))
    gan.compile(**adam_pair(), loss=loss, d_steps=d_steps, gradient_penalty_weight=weight)
    points = np.random.default_rng(0).normal(1.0, 0.5, (64, 1)).astype(np.float32)
    dataset = tf.data.Dataset.from_tensor_slices(points).repeat().batch(16)
    before = [np.array(v.numpy()) for v in gan.generator.trainable_variables]
    history = fit_quietly(gan, dataset, steps_per_epoch=3)
    assert gan.steps_done == 3
    assert int(gan.d_optimizer.iterations.numpy()) == 3 * d_steps
    assert all(math.isfinite(v[0]) for v in history.history.values())
    assert any(not np.array_equal(b, v.numpy())
               for b, v in zip(before, gan.generator.trainable_variables, strict=True))


@pytest.mark.parametrize("d_steps", [0, -2, 2.5, True, "3", None])
def test_compile_refuses_bad_d_steps(d_steps):
    with pytest.raises(ValueError, match=rf"d_steps must be a whole number >= 1 .*got "
                                         rf"{re.escape(repr(d_steps))}"):
        tiny_dcgan().compile(**adam_pair(), d_steps=d_steps)


@pytest.mark.parametrize("weight", [-1.0, float("nan"), float("inf"), True, "10"])
def test_compile_refuses_bad_gradient_penalty_weight(weight):
    with pytest.raises(ValueError, match=rf"gradient_penalty_weight must be a finite number "
                                         rf">= 0 .*got {re.escape(repr(weight))}"):
        tiny_dcgan().compile(**adam_pair(), gradient_penalty_weight=weight)


def test_r1_penalty_is_reported_and_changes_the_discriminator_update(fixed_dataset,
                                                                    fit_quietly, weights_of):
    plain, penalised = tiny_dcgan(), tiny_dcgan()
    plain.compile(**adam_pair())
    penalised.compile(**adam_pair(), r1_weight=10.0)
    fit_quietly(plain, fixed_dataset, steps_per_epoch=1)
    history = fit_quietly(penalised, fixed_dataset, steps_per_epoch=1)
    assert "r1_penalty" in history.history and history.history["r1_penalty"][0] > 0
    assert any(not np.allclose(a, b) for a, b in zip(
        weights_of(plain.discriminator), weights_of(penalised.discriminator), strict=True))


@pytest.mark.parametrize("weight", [-0.1, float("nan"), False, "1"])
def test_compile_refuses_bad_r1_weight(weight):
    with pytest.raises(ValueError, match=r"r1_weight must be a finite number >= 0"):
        tiny_dcgan().compile(**adam_pair(), r1_weight=weight)


@pytest.mark.parametrize("decay", [-0.5, 1.0, 1.5, True, "0.999", float("nan")])
def test_compile_refuses_bad_ema_decay(decay):
    with pytest.raises(ValueError, match=r"ema_decay must be a finite number >= 0 and < 1"):
        tiny_dcgan().compile(**adam_pair(), ema_decay=decay)


def test_without_ema_the_sampler_is_the_generator():
    gan = tiny_dcgan()
    gan.compile(**adam_pair())
    assert gan.ema_generator is None and gan.sampler is gan.generator
    assert "ema_generator" not in gan.state_objects()


def test_ema_generator_is_the_running_average_of_the_generator_weights(fixed_dataset,
                                                                       fit_quietly):
    gan = tiny_dcgan()
    gan.compile(**adam_pair(), ema_decay=0.999)
    assert gan.sampler is gan.ema_generator
    start = [w.numpy().copy() for w in gan.generator.weights]
    for ema, w in zip(gan.ema_generator.weights, start, strict=True):
        np.testing.assert_array_equal(ema.numpy(), w)
    fit_quietly(gan, fixed_dataset, steps_per_epoch=1)
    # step t = 0: decay = min(0.999, 1 / 10) = 0.1, so ema = 0.1 start + 0.9 new
    for ema, old, new in zip(gan.ema_generator.weights, start, gan.generator.weights,
                             strict=True):
        np.testing.assert_allclose(ema.numpy(), 0.1 * old + 0.9 * new.numpy(),
                                   rtol=1e-5, atol=1e-6)
    fit_quietly(gan, fixed_dataset, steps_per_epoch=3)
    moved = [not np.allclose(e.numpy(), w.numpy())
             for e, w in zip(gan.ema_generator.trainable_weights,
                             gan.generator.trainable_weights, strict=True)]
    assert any(moved)  # the average lags behind the generator
    latent = fixed_latent()
    np.testing.assert_allclose(gan.generate(latent),
                               gan.ema_generator.predict(latent, verbose=0), atol=1e-6)


def test_ema_generator_is_saved_and_restored(tiny_dataset, tmp_path):
    trained = tiny_dcgan()
    trained.compile(**adam_pair(), ema_decay=0.99)
    training.train_gan(trained, tiny_dataset, steps=3, steps_per_epoch=3,
                       checkpoint_dir=tmp_path, verbose=0)
    restored = tiny_dcgan(seed=5)
    restored.compile(**adam_pair(), ema_decay=0.99)
    assert training.restore_latest_checkpoint(restored, tmp_path) == 3
    latent = fixed_latent()
    np.testing.assert_allclose(restored.generate(latent), trained.generate(latent), atol=1e-6)


# --------------------------------------------------------------------------- learning-rate decay


class RatesUsed(keras.callbacks.Callback):
    """Records the two learning rates each step is about to use."""

    def __init__(self):
        super().__init__()
        self.rates = []

    def on_train_batch_begin(self, batch, logs=None):
        self.rates.append((float(self.model.d_optimizer.learning_rate),
                           float(self.model.g_optimizer.learning_rate)))


def decaying_gan(d_rate=4e-4, g_rate=2e-4, seed=0):
    gan = tiny_dcgan(seed)
    gan.compile(d_optimizer=keras.optimizers.Adam(d_rate, beta_1=0.5),
                g_optimizer=keras.optimizers.Adam(g_rate, beta_1=0.5), lr_decay=0.5)
    return gan


@pytest.mark.parametrize("share", [-0.1, 1.5, float("nan"), True, "0.5"])
def test_compile_refuses_bad_lr_decay(share):
    with pytest.raises(ValueError, match=r"^lr_decay must be a finite number >= 0 and <= 1 "
                                         r".*0 switches it off"):
        tiny_dcgan().compile(**adam_pair(), lr_decay=share)


def test_lr_decay_needs_fixed_learning_rates():
    schedule = keras.optimizers.schedules.ExponentialDecay(2e-4, 100, 0.5)
    with pytest.raises(ValueError, match=r"lr_decay needs g_optimizer with a fixed learning "
                                         r"rate, got a schedule"):
        tiny_dcgan().compile(d_optimizer=keras.optimizers.Adam(2e-4),
                             g_optimizer=keras.optimizers.Adam(schedule), lr_decay=0.5)


def test_train_gan_lowers_both_learning_rates_linearly_to_zero_over_the_last_share(
        tiny_dataset):
    gan = decaying_gan()
    assert gan.lr_decay == 0.5 and gan.base_learning_rates == (4e-4, 2e-4)
    rates = RatesUsed()
    training.train_gan(gan, tiny_dataset, steps=8, steps_per_epoch=4, callbacks=[rates],
                       verbose=0)
    # after k of 8 steps the rates are base * min(1, (1 - k / 8) / 0.5)
    factors = [1, 1, 1, 1, 1, 0.75, 0.5, 0.25]
    np.testing.assert_allclose(rates.rates, [(4e-4 * f, 2e-4 * f) for f in factors],
                               rtol=1e-5)
    assert float(gan.d_optimizer.learning_rate) == 0.0 == float(gan.g_optimizer.learning_rate)


def test_a_resumed_run_continues_the_learning_rate_decay(tiny_dataset, tmp_path, capsys):
    interrupted = decaying_gan()
    training.train_gan(interrupted, tiny_dataset, steps=8, steps_per_epoch=1,
                       checkpoint_dir=tmp_path, callbacks=[training.StopAtStep(5)], verbose=0)
    assert interrupted.steps_done == 5
    resumed, rates = decaying_gan(seed=1), RatesUsed()
    training.train_gan(resumed, tiny_dataset, steps=8, steps_per_epoch=1,
                       checkpoint_dir=tmp_path, callbacks=[rates], verbose=0)
    assert "at step 5." in capsys.readouterr().out
    np.testing.assert_allclose([d for d, _ in rates.rates], [3e-4, 2e-4, 1e-4], rtol=1e-5)


def test_learning_rate_decay_on_a_time_budget_counts_from_the_end_of_the_first_step(
        monkeypatch):
    gan = decaying_gan()
    clock = [100.0]
    monkeypatch.setattr(training.callbacks.time, "perf_counter", lambda: clock[0])
    decay = training.LearningRateDecay(0.5, seconds=60)
    decay.set_model(gan)
    decay.on_train_begin()
    clock[0] = 130.0  # the first step (tracing) took 30 s: not part of the budget
    decay.on_train_batch_end(0)
    assert float(gan.d_optimizer.learning_rate) == pytest.approx(4e-4)
    for elapsed, factor in [(30, 1.0), (45, 0.5), (60, 0.0), (75, 0.0)]:
        clock[0] = 130.0 + elapsed
        decay.on_train_batch_end(1)
        assert float(gan.d_optimizer.learning_rate) == pytest.approx(4e-4 * factor)
        assert float(gan.g_optimizer.learning_rate) == pytest.approx(2e-4 * factor)


@pytest.mark.parametrize("kwargs, message", [
    ({"share": 0.5}, "either total_steps or seconds"),
    ({"share": 0.5, "total_steps": 10, "seconds": 60}, "either total_steps or seconds"),
    ({"share": 0, "total_steps": 10}, "share must be a finite number > 0 and <= 1"),
    ({"share": 0.5, "total_steps": 0}, "total_steps must be a whole number >= 1"),
    ({"share": 0.5, "seconds": -1}, "seconds must be a finite number > 0"),
])
def test_learning_rate_decay_refuses_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        training.LearningRateDecay(**kwargs)


def test_learning_rate_decay_needs_a_gan_compiled_with_lr_decay(tiny_dataset, fit_quietly):
    gan = tiny_dcgan()
    gan.compile(**adam_pair())
    with pytest.raises(ValueError, match="compiled with lr_decay > 0"):
        fit_quietly(gan, tiny_dataset, steps_per_epoch=1,
                    callbacks=[training.LearningRateDecay(0.5, total_steps=4)])


# --------------------------------------------------------------------------- checkpoints


def test_restored_checkpoint_gives_identical_samples(make_gan, tiny_dataset, tmp_path):
    trained = make_gan(seed=0)
    training.train_gan(trained, tiny_dataset, steps=3, steps_per_epoch=3,
                       checkpoint_dir=tmp_path, verbose=0)
    latent = fixed_latent()
    expected = trained.generate(latent)

    other = make_gan(seed=1)  # different initial weights
    assert not np.allclose(other.generate(latent), expected)
    assert training.restore_latest_checkpoint(other, tmp_path) == 3
    assert other.steps_done == 3
    np.testing.assert_array_equal(other.generate(latent), expected)
    for a, b in zip(trained.discriminator.variables, other.discriminator.variables,
                    strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_restore_from_an_empty_folder_is_step_zero(make_gan, tmp_path):
    assert training.restore_latest_checkpoint(make_gan(), tmp_path) == 0


def test_reuse_trained_takes_the_first_folder_whose_checkpoint_fits(make_gan, tiny_dataset,
                                                                     tmp_path, capsys):
    trained = make_gan(seed=0)
    training.train_gan(trained, tiny_dataset, steps=3, steps_per_epoch=3,
                       checkpoint_dir=tmp_path / "run", verbose=0)
    capsys.readouterr()
    gan, used = training.reuse_trained(lambda: make_gan(seed=1),
                                       [tmp_path / "missing", tmp_path / "run"])
    assert used == tmp_path / "run" and gan.steps_done == 3
    np.testing.assert_array_equal(gan.generate(fixed_latent()), trained.generate(fixed_latent()))
    printed = capsys.readouterr().out
    assert f"No checkpoint in {tmp_path / 'missing'}." in printed
    assert f"Reused the GAN trained in {tmp_path / 'run'}: step 3." in printed


def test_reuse_trained_builds_afresh_after_a_checkpoint_of_another_model(make_gan, tiny_dataset,
                                                                        tmp_path, capsys):
    training.train_gan(make_gan(width=16), tiny_dataset, steps=2, steps_per_epoch=2,
                       checkpoint_dir=tmp_path, verbose=0)
    capsys.readouterr()
    gan, used = training.reuse_trained(lambda: make_gan(seed=1), [tmp_path])
    assert used is None and gan.steps_done == 0
    np.testing.assert_array_equal(gan.generate(fixed_latent()),
                                  make_gan(seed=1).generate(fixed_latent()))  # untouched
    assert f"Not reused: the checkpoint in {tmp_path} holds another model than this one " \
           "(other sizes or settings); a fresh one is built." in capsys.readouterr().out
    assert training.reuse_trained(lambda: make_gan(seed=1), [])[1] is None


def test_resume_continues_the_step_count(make_gan, tiny_dataset, tmp_path, capsys):
    first = make_gan()
    training.train_gan(first, tiny_dataset, steps=4, steps_per_epoch=2,
                       checkpoint_dir=tmp_path, verbose=0)
    assert first.steps_done == 4
    capsys.readouterr()

    fresh = make_gan(seed=1)
    training.train_gan(fresh, tiny_dataset, steps=6, steps_per_epoch=2,
                       checkpoint_dir=tmp_path, verbose=0)
    assert f"Resumed from the checkpoint in {tmp_path} at step 4." in capsys.readouterr().out
    assert fresh.steps_done == 6
    assert latest_step(tmp_path) == 6


def test_train_gan_with_nothing_left_to_do_returns_none(make_gan, tiny_dataset, tmp_path,
                                                        capsys):
    gan = make_gan()
    training.train_gan(gan, tiny_dataset, steps=2, steps_per_epoch=2, checkpoint_dir=tmp_path,
                       verbose=0)
    again = make_gan()
    assert training.train_gan(again, tiny_dataset, steps=2, checkpoint_dir=tmp_path) is None
    assert "Nothing to do: 2 of 2 steps are already done." in capsys.readouterr().out
    assert again.steps_done == 2


# --------------------------------------------------------------------------- subprocesses


def run_python(script, *args):
    """Run ``script`` with this interpreter; return its stdout, failing with its output."""
    result = subprocess.run([sys.executable, str(script), *map(str, args)],
                            capture_output=True, text=True, cwd=script.parent)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_mirrored_strategy_over_two_logical_cpus(tmp_path, tiny_recipe_kwargs):
    """Devices must be split before TensorFlow starts, hence a fresh interpreter."""
    script = write_script(tmp_path, "mirrored.py", f"""
        import json

        import numpy as np
        import tensorflow as tf

        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

        from ganlib import data, training
        from ganlib.training import recipes

        devices = [d.name for d in tf.config.list_logical_devices("CPU")]
        strategy = tf.distribute.MirroredStrategy(devices)
        with strategy.scope():
            gan = recipes.build_dcgan(recipes.DCGANRecipe(**{tiny_recipe_kwargs!r}))
        images = np.random.default_rng(0).uniform(-1, 1, (32, 28, 28, 1)).astype("float32")
        history = training.train_gan(gan, data.make_dataset(images, 8), steps=4,
                                     steps_per_epoch=2, verbose=0)
        print(json.dumps({{"replicas": strategy.num_replicas_in_sync,
                          "steps_done": gan.steps_done, **history.history}}))
    """)
    report = json.loads(run_python(script).strip().splitlines()[-1])
    assert report["replicas"] == 2
    assert report["steps_done"] == 4
    for key in ("d_loss", "g_loss", "real_score", "fake_score"):
        assert len(report[key]) == 2
        assert all(math.isfinite(v) for v in report[key])
    assert report["d_loss"][0] == pytest.approx(2 * math.log(2), abs=0.2)


def test_killed_run_resumes_from_its_last_checkpoint(tmp_path, tiny_recipe, tiny_recipe_kwargs,
                                                     capsys):
    """SIGKILL a training process after a checkpoint appears, then resume here to the end."""
    checkpoint_dir, target = tmp_path / "ckpt", 40
    script = write_script(tmp_path, "train.py", f"""
        import sys
        import time

        import keras

        from ganlib import data, training
        from ganlib.training import recipes


        class LikeASlowerMachine(keras.callbacks.Callback):
            def on_train_batch_end(self, batch, logs=None):
                time.sleep(0.2)


        gan = recipes.build_dcgan(recipes.DCGANRecipe(**{tiny_recipe_kwargs!r}))
        images = data.load_dataset("digits", limit=64, verbose=False).images
        training.train_gan(gan, data.make_dataset(images, 8), steps=int(sys.argv[2]),
                           steps_per_epoch=3, checkpoint_dir=sys.argv[1],
                           callbacks=[LikeASlowerMachine()], verbose=0)
        print("finished all steps", flush=True)
    """)
    log = tmp_path / "train.log"
    with open(log, "w") as output:
        process = subprocess.Popen([sys.executable, str(script), str(checkpoint_dir),
                                    str(target)], stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 600  # generous: only guards against a hung child
        while latest_step(checkpoint_dir) == 0:
            assert process.poll() is None, f"training ended early:\n{log.read_text()}"
            assert time.monotonic() < deadline, f"no checkpoint appeared:\n{log.read_text()}"
            time.sleep(0.05)
        assert process.poll() is None, "training finished before it could be killed"
        process.send_signal(signal.SIGKILL)
        process.wait()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == -signal.SIGKILL
    assert "finished all steps" not in log.read_text()
    last_seen = latest_step(checkpoint_dir)
    assert 3 <= last_seen < target

    gan = recipes.build_dcgan(tiny_recipe)  # resume in this process, same recipe
    images = data.load_dataset("digits", limit=64, verbose=False).images
    training.train_gan(gan, data.make_dataset(images, 8), steps=target, steps_per_epoch=3,
                       checkpoint_dir=checkpoint_dir, verbose=0)
    resumed = re.search(r"Resumed from the checkpoint in .* at step (\d+)\.",
                        capsys.readouterr().out)
    assert resumed, "train_gan did not say it resumed"
    assert int(resumed.group(1)) >= last_seen
    assert gan.steps_done == target
    assert latest_step(checkpoint_dir) == target
