"""Tests of ganlib.training.monitor: health rules on synthetic records, the callback."""

import json
import math
import os

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganlib import data, training
from ganlib.evaluation.classifier import train_feature_classifier
from ganlib.training import monitor

# --------------------------------------------------------------------------- health rules


def _records(**series):
    """Records at steps 0, 100, 200, ... from equal-length value lists per key."""
    length = len(next(iter(series.values())))
    return [{"step": 100 * i, **{k: v[i] for k, v in series.items() if v[i] is not None}}
            for i in range(length)]


def _warnings(records, **rules):
    return monitor.health_warnings(records, monitor.HealthRules(**rules))


def test_a_healthy_run_has_no_warnings():
    records = _records(d_loss=[1.3, 1.2, 1.25, 1.1], g_loss=[0.8, 0.9, 1.0, 0.95],
                       d_acc_real=[0.5, 0.7, 0.8, 0.75], d_acc_fake=[0.5, 0.8, 0.7, 0.8],
                       modes_covered=[3, 8, 10, 9], diversity=[0.2, 0.6, 0.9, 0.8])
    for end in range(1, len(records) + 1):
        assert _warnings(records[:end]) == []
    assert monitor.health_warnings([]) == []


def test_non_finite_losses_and_images_are_divergence():
    found = _warnings([{"step": 0}, {"step": 100, "nonfinite_steps": 7}])
    assert len(found) == 1 and found[0].startswith("DIVERGED: non-finite losses at 7 step(s)")
    found = _warnings([{"step": 100, "nonfinite_images": 40}])
    assert found == ["DIVERGED: the generator made 40 NaN/Inf image(s) at step 100."]


@pytest.mark.parametrize("last, fires", [
    (80.0, True),     # above 10 and above 100 x 0.5
    (-80.0, True),    # a Wasserstein critic loss exploding downwards
    (40.0, False),    # below 100 x the smallest mean size
    (None, False),    # no loss in the last record
])
def test_an_exploding_loss_is_divergence(last, fires):
    records = _records(d_loss=[0.7, 0.5, 0.6, last])
    found = _warnings(records)
    assert bool(found) == fires
    if fires:
        assert found[0].startswith("DIVERGED: d_loss is exploding (mean size 80, 160x")


def test_a_small_loss_growing_a_hundredfold_stays_below_the_floor():
    assert _warnings(_records(g_loss=[0.01, 0.02, 5.0])) == []
    assert _warnings(_records(g_loss=[0.01, 0.02, 5.0]), explode_floor=1.0) != []


@pytest.mark.parametrize("accuracies, fires", [
    ([0.6, 0.995, 1.0, 0.99], True),
    ([0.6, 0.6, 1.0, 1.0], False),           # only two in a row
    ([1.0, 1.0, 0.98, 1.0], False),          # interrupted
])
def test_a_winning_discriminator_is_collapse(accuracies, fires):
    records = _records(d_acc_real=accuracies, d_acc_fake=[1.0] * 4)
    found = _warnings(records)
    assert bool(found) == fires
    if fires:
        assert found[0].startswith("COLLAPSE: the discriminator wins (accuracy >= 99%")
    # Only on real images is not winning.
    assert _warnings(_records(d_acc_real=[1.0] * 4, d_acc_fake=[0.7] * 4)) == []
    assert bool(_warnings(records[-1:], d_wins_patience=1)) == (accuracies[-1] >= 0.99)


@pytest.mark.parametrize("modes, fires", [([6, 10, 9, 8], True), ([6, 10, 9, 9], False),
                                          ([6, 7, 8, 10], False)])
def test_dropping_coverage_is_collapse(modes, fires):
    found = _warnings(_records(modes_covered=modes))
    assert bool(found) == fires
    if fires:
        assert found == ["COLLAPSE: modes covered dropped from 10 to 8 classes (mode "
                         "collapse)."]


@pytest.mark.parametrize("diversity, fires", [([0.3, 0.9, 0.4], True), ([0.3, 0.9, 0.5], False),
                                              ([0.1, 0.2, 0.3], False)])
def test_falling_diversity_is_collapse(diversity, fires):
    found = _warnings(_records(diversity=diversity))
    assert bool(found) == fires
    if fires:
        assert found[0].startswith("COLLAPSE: diversity fell to 0.4 from its best 0.9")


# --------------------------------------------------------------------------- probe


def _linear_gan(loss="non_saturating", weight=1.0 / 784):
    """Generator: latent -> 28x28x1 tanh; discriminator: weight * sum of the pixels."""
    generator = keras.Sequential([keras.Input((4,)), keras.layers.Dense(784, activation="tanh"),
                                  keras.layers.Reshape((28, 28, 1))])
    discriminator = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(),
                                      keras.layers.Dense(1)])
    discriminator.layers[-1].set_weights([np.full((784, 1), weight, np.float32),
                                          np.zeros(1, np.float32)])
    gan = training.GAN(generator, discriminator)
    gan.compile(keras.optimizers.Adam(), keras.optimizers.Adam(), loss=loss)
    return gan


def _flat(values):
    return np.concatenate([np.full((1, 28, 28, 1), v, np.float32) for v in values])


@pytest.mark.parametrize("loss, acc_fake", [("non_saturating", 0.5), ("least_squares", 1.0),
                                            ("wasserstein", 1.0)])
def test_probe_accuracy_uses_the_loss_threshold(loss, acc_fake):
    # D outputs the mean pixel: real 0.8; fake -0.5 and 0.3. Thresholds: 0 for logits, 0.5
    # for least squares, midway (0.35) for the Wasserstein critic.
    gan = _linear_gan(loss)
    probe = monitor.probe_discriminator(gan, _flat([0.8, 0.8]), _flat([-0.5, 0.3]))
    assert probe["d_acc_real"] == 1.0
    assert probe["d_acc_fake"] == acc_fake


def test_probe_gradient_norm_of_the_discriminator_matches_the_hand_computed_one():
    # Minimax D loss mean softplus(-l_r) + mean softplus(l_f) with l = mean pixel = x:
    # dL/dw_i = mean_r[-(1 - s(l_r)) x_r] + mean_f[s(l_f) x_f] for each pixel, and the same
    # without x for the bias.
    gan = _linear_gan()
    real, fake = np.array([0.8, 0.2]), np.array([-0.5, 0.3])
    sigmoid = 1.0 / (1.0 + np.exp(-np.concatenate([real, fake])))
    per_pixel = np.mean(-(1 - sigmoid[:2]) * real) + np.mean(sigmoid[2:] * fake)
    bias = np.mean(-(1 - sigmoid[:2])) + np.mean(sigmoid[2:])
    expected = math.sqrt(784 * per_pixel ** 2 + bias ** 2)
    probe = monitor.probe_discriminator(gan, _flat(real), _flat(fake))
    assert probe["d_grad_norm"] == pytest.approx(expected, rel=1e-4)
    assert probe["g_grad_norm"] > 0


def test_probe_generator_gradient_vanishes_when_d_ignores_its_input():
    probe = monitor.probe_discriminator(_linear_gan(weight=0.0), _flat([0.5]), _flat([0.1]))
    assert probe["g_grad_norm"] == 0.0


# --------------------------------------------------------------------------- the callback


@pytest.fixture(scope="module")
def small_classifier():
    digits = data.load_dataset("digits", split="train", verbose=False)
    return train_feature_classifier(digits.images[:300], digits.labels[:300], epochs=1,
                                        seed=0)


@pytest.fixture
def make_monitor(small_classifier, tmp_path):
    def factory(**kwargs):
        settings = {"every_n_steps": 2, "n_samples": 40, "probe_size": 16,
                    "classifier": small_classifier, "json_path": tmp_path / "run.json",
                    "verbose": False}
        settings.update(kwargs)
        return monitor.MetricsMonitor("digits", **settings)
    return factory


def _tensorboard_values(log_dir):
    """{(tag, step): (plugin, value)} of every summary in the event files under log_dir."""
    found = {}
    for path in log_dir.rglob("events.out.tfevents.*"):
        for raw in tf.data.TFRecordDataset(str(path)):
            event = tf.compat.v1.Event.FromString(raw.numpy())
            for value in event.summary.value:
                found[value.tag, event.step] = (value.metadata.plugin_data.plugin_name,
                                                tf.make_ndarray(value.tensor))
    return found


def test_monitor_evaluates_every_n_steps_and_writes_json_and_tensorboard(
        make_gan, tiny_dataset, fit_quietly, make_monitor, tmp_path):
    seen = []
    watcher = make_monitor(log_dir=tmp_path / "tb", on_record=seen.append)
    gan = make_gan()
    fit_quietly(gan, tiny_dataset, steps_per_epoch=3, epochs=2, callbacks=[watcher])
    steps = [r["step"] for r in watcher.records]
    assert steps == [0, 2, 4, 6]
    assert seen == watcher.records and watcher.latest is watcher.records[-1]
    last = watcher.latest
    for key in ("fid", "kid", "classifier_score", "modes_covered", "precision", "recall",
                "diversity", "d_acc_real", "d_acc_fake", "d_grad_norm", "g_grad_norm",
                "d_loss", "g_loss", "real_score", "fake_score", "warnings", "class_shares"):
        assert key in last, key
    assert "d_loss" not in watcher.records[0]   # no training steps before the first one
    stored = json.loads((tmp_path / "run.json").read_text())
    assert stored["dataset"] == "digits" and "NOT Inception" in stored["note"]
    assert stored["records"] == json.loads(json.dumps(watcher.records))
    written = _tensorboard_values(tmp_path / "tb")
    assert {("metrics/fid", 0), ("metrics/fid", 6), ("health/d_acc_real", 4),
            ("losses/g_loss", 2), ("metrics/recall", 6)} <= set(written)
    plugin, value = written["metrics/fid", 6]
    assert plugin == "scalars" and value == pytest.approx(last["fid"], rel=1e-6)
    assert watcher.summary().startswith("step 6 | FID ")
    assert len(watcher.figure().axes) == 6


def test_loss_means_are_exact_per_interval_across_epoch_boundaries(make_gan, make_monitor):
    # Keras logs running means since the epoch began; the record holds the mean of the
    # steps since the previous evaluation. Steps' own values: 1, 3 | 5, 7 (two epochs).
    watcher = make_monitor(every_n_steps=100, evaluate_at_start=False, json_path=None)
    watcher.set_model(make_gan())
    watcher.on_train_begin()
    for batch, running_mean in [(0, 1.0), (1, 2.0)]:
        watcher.on_train_batch_end(batch, {"d_loss": running_mean, "g_loss": -running_mean})
    watcher.on_train_batch_end(0, {"d_loss": 5.0, "g_loss": -5.0})
    watcher.on_train_batch_end(1, {"d_loss": 6.0, "g_loss": -6.0})
    record = watcher.evaluate()
    assert record["d_loss"] == pytest.approx(4.0) and record["g_loss"] == pytest.approx(-4.0)
    assert record["step"] == 4


def test_a_nan_loss_is_reported_at_once_and_recorded(make_gan, make_monitor, capsys):
    watcher = make_monitor(every_n_steps=3, evaluate_at_start=False, json_path=None)
    watcher.set_model(make_gan())
    watcher.on_train_begin()
    watcher.on_train_batch_end(0, {"d_loss": 1.0, "g_loss": 1.0})
    watcher.on_train_batch_end(1, {"d_loss": float("nan"), "g_loss": 1.0})
    assert "WARNING step 2: DIVERGED: non-finite d_loss=nan" in capsys.readouterr().out
    watcher.on_train_batch_end(2, {"d_loss": float("nan"), "g_loss": 1.0})  # evaluates
    record = watcher.latest
    assert record["step"] == 3 and record["nonfinite_steps"] == 2
    assert record["d_loss"] == 1.0          # the mean of the finite steps
    assert "DIVERGED: non-finite losses at 2 step(s) before step 3" in record["warnings"][0]
    assert "WARNING step 3: DIVERGED" in capsys.readouterr().out


def _poison(model):
    last = model.layers[-1]
    last.set_weights([np.full_like(w, np.nan) for w in last.get_weights()])


def test_nan_images_are_recorded_as_divergence(make_gan, make_monitor, tmp_path):
    gan = make_gan(ema_decay=0.0)        # no average: the generator itself is scored
    watcher = make_monitor(json_path=None, log_dir=tmp_path / "tb")
    watcher.set_model(gan)
    _poison(gan.generator)
    watcher.on_train_begin()
    record = watcher.latest
    assert record["nonfinite_images"] == 40 and "fid" not in record
    assert record["warnings"][0].startswith("DIVERGED: the generator made 40 NaN/Inf")
    plugin, text = _tensorboard_values(tmp_path / "tb")["health/warnings", 0]
    assert plugin == "text" and text.item().startswith(b"DIVERGED: the generator made 40")


def test_the_moving_average_generator_is_the_one_scored(make_gan, make_monitor):
    gan = make_gan(ema_decay=0.9)
    assert gan.ema_generator is not None
    _poison(gan.ema_generator)           # only the averaged copy makes NaN images
    watcher = make_monitor(json_path=None)
    watcher.set_model(gan)
    watcher.on_train_begin()
    assert watcher.latest["nonfinite_images"] == 40


def test_a_resumed_run_keeps_earlier_records_and_drops_later_ones(
        make_gan, tiny_dataset, fit_quietly, make_monitor, tmp_path):
    gan = make_gan()
    fit_quietly(gan, tiny_dataset, steps_per_epoch=4, callbacks=[make_monitor()])
    content = json.loads((tmp_path / "run.json").read_text())
    content["records"].append({"step": 100, "fid": 1.0})   # from a run that went further
    (tmp_path / "run.json").write_text(json.dumps(content))
    resumed = make_monitor()
    fit_quietly(gan, tiny_dataset, steps_per_epoch=2, callbacks=[resumed])
    assert [r["step"] for r in resumed.records] == [0, 2, 4, 6]   # 4 is not evaluated again
    assert [r["step"] for r in monitor.load_records(tmp_path / "run.json")] == [0, 2, 4, 6]
    seconds = [r["train_seconds"] for r in resumed.records]
    assert seconds == sorted(seconds) and seconds[0] == 0.0   # training time goes on


def test_an_interrupted_write_keeps_the_previous_file(make_gan, make_monitor, tmp_path,
                                                      monkeypatch):
    watcher = make_monitor()
    watcher.set_model(make_gan())
    watcher.on_train_begin()     # the record of step 0 is written
    before = (tmp_path / "run.json").read_text()

    def crash(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        watcher.evaluate()
    assert (tmp_path / "run.json").read_text() == before
    assert [p.name for p in tmp_path.iterdir()] == ["run.json"]   # no temporary file left


def test_the_monitor_refuses_bad_settings(make_monitor, make_gan):
    with pytest.raises(ValueError, match=r"dataset must be one of \[.*\], got 'imagenet'"):
        monitor.MetricsMonitor("imagenet")
    with pytest.raises(ValueError, match=r"metrics must be one or more of \['fid', 'kid'"):
        make_monitor(metrics=("fid", "inception_score"))
    with pytest.raises(ValueError, match="every_n_steps must be a whole number >= 1"):
        make_monitor(every_n_steps=0)
    with pytest.raises(TypeError, match="HealthRules"):
        make_monitor(rules={"d_accuracy": 0.9})
    watcher = make_monitor()
    watcher.set_model(make_gan(image_shape=(32, 32, 3)))
    with pytest.raises(ValueError, match="shape \\(32, 32, 3\\) but digits images are"):
        watcher.on_train_begin()
    watcher.set_model(keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)]))
    with pytest.raises(TypeError, match="needs a ganlib.training.GAN"):
        watcher.on_train_begin()


def test_load_records_refuses_other_files(tmp_path):
    (tmp_path / "other.json").write_text("[1, 2]")
    with pytest.raises(ValueError, match="no 'records' list"):
        monitor.load_records(tmp_path / "other.json")
    (tmp_path / "broken.json").write_text('{"records": [')
    with pytest.raises(ValueError, match="not a readable metrics file"):
        monitor.load_records(tmp_path / "broken.json")
