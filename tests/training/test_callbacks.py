"""Tests of ganlib.training.callbacks: NaN guard, stop signals, live samples, checkpoint saving."""

import json
import threading

import keras
import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from ganlib import training
from ganlib.training.callbacks import (
    CheckpointSaver,
    LiveSamples,
    NonFiniteGuard,
    StepProgress,
    StopAfterSeconds,
    StopAtStep,
    StopOnEvent,
)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class WeightsPerStep(keras.callbacks.Callback):
    """Records a copy of both networks' weights after every batch."""

    def __init__(self):
        super().__init__()
        self.weights = []

    def on_train_batch_end(self, batch, logs=None):
        gan = self.model
        self.weights.append([v.numpy().copy() for v in gan.generator.variables
                             + gan.discriminator.variables])


def all_weights(gan):
    return [v.numpy() for v in gan.generator.variables + gan.discriminator.variables]


# --------------------------------------------------------------------------- NonFiniteGuard


def test_non_finite_guard_stops_and_restores_the_last_good_weights(make_gan, random_images,
                                                                   fit_quietly, capsys):
    # Batches of 8 in order: steps 1-4 see clean images, step 5 a batch full of NaN.
    images = np.concatenate([random_images, np.full((16, 28, 28, 1), np.nan, np.float32)])
    dataset = tf.data.Dataset.from_tensor_slices(images).batch(8).repeat()
    gan = make_gan()
    recorder, guard = WeightsPerStep(), NonFiniteGuard(snapshot_every=2)

    fit_quietly(gan, dataset, steps_per_epoch=6, callbacks=[recorder, guard])

    assert len(recorder.weights) == 5, "training went on after the NaN step"
    assert not all(np.isfinite(w).all() for w in recorder.weights[4])  # step 5 broke it
    assert "Training stopped at step 5" in guard.message
    assert "d_loss=nan" in guard.message
    assert "weights from step 4 (the last good snapshot) were restored" in guard.message
    assert guard.message in capsys.readouterr().out
    for restored, snapshot in zip(all_weights(gan), recorder.weights[3], strict=True):
        np.testing.assert_array_equal(restored, snapshot)
        assert np.isfinite(restored).all()
    assert gan.steps_done == 4  # the optimizer state was rolled back too


def test_non_finite_guard_stays_quiet_on_finite_training(make_gan, tiny_dataset, fit_quietly):
    gan, guard = make_gan(), NonFiniteGuard(snapshot_every=1, verbose=False)
    fit_quietly(gan, tiny_dataset, steps_per_epoch=3, callbacks=[guard])
    assert guard.message is None
    assert gan.steps_done == 3


# --------------------------------------------------------------------------- stop signals


@pytest.mark.parametrize("event_set, expected_steps", [(True, 1), (False, 4)])
def test_stop_on_event(make_gan, tiny_dataset, fit_quietly, event_set, expected_steps):
    event = threading.Event()
    if event_set:
        event.set()
    gan = make_gan()
    fit_quietly(gan, tiny_dataset, steps_per_epoch=4, callbacks=[StopOnEvent(event)])
    assert gan.steps_done == expected_steps


def test_stop_at_step_stops_at_exactly_n_across_epochs(make_gan, tiny_dataset, fit_quietly):
    gan = make_gan()
    fit_quietly(gan, tiny_dataset, steps_per_epoch=2, epochs=10, callbacks=[StopAtStep(3)])
    assert gan.steps_done == 3


def test_stop_at_step_counts_from_the_steps_already_done(make_gan, tiny_dataset, fit_quietly):
    gan = make_gan()
    fit_quietly(gan, tiny_dataset, steps_per_epoch=2)
    fit_quietly(gan, tiny_dataset, steps_per_epoch=5, callbacks=[StopAtStep(3)])
    assert gan.steps_done == 3


@pytest.mark.parametrize(("seconds", "expected_steps"), [(1e-9, 1), (1e9, 4)])
def test_stop_after_seconds_stops_after_the_step_that_uses_up_the_budget(
        make_gan, tiny_dataset, fit_quietly, seconds, expected_steps):
    gan, budget = make_gan(), StopAfterSeconds(seconds)
    fit_quietly(gan, tiny_dataset, steps_per_epoch=2, epochs=2, callbacks=[budget])
    assert gan.steps_done == expected_steps
    assert budget.elapsed > 0
    with pytest.raises(ValueError, match="seconds must be a finite number > 0, got 0"):
        StopAfterSeconds(0)


# --------------------------------------------------------------------------- LiveSamples


def test_live_samples_frames_gif_figure_and_history(make_gan, tiny_dataset, fit_quietly,
                                                    tmp_path):
    gan, pngs = make_gan(), []
    latent = np.random.default_rng(0).standard_normal((6, 8)).astype(np.float32)
    live = LiveSamples(latent, every_n_steps=2, log_every=1, on_frame=pngs.append,
                       gif_path=tmp_path / "out" / "progress.gif",
                       figure_path=tmp_path / "out" / "last.png",
                       history_path=tmp_path / "out" / "history.json", show=False)

    fit_quietly(gan, tiny_dataset, steps_per_epoch=4, callbacks=[live])

    # frames at the start (step 0) and after steps 2 and 4
    assert len(pngs) == len(live.frames) == 3
    assert all(png.startswith(PNG_MAGIC) for png in pngs)
    # six 28x28 samples in 2 rows of 3, 1-pixel padding, grey
    assert all(frame.shape == (2 * 29 - 1, 3 * 29 - 1) for frame in live.frames)
    assert not np.array_equal(live.frames[0], live.frames[-1])  # training changed them
    with Image.open(tmp_path / "out" / "progress.gif") as gif:
        assert gif.n_frames == 3
        assert gif.size == (2 * (3 * 29 - 1), 2 * (2 * 29 - 1))  # (width, height), scale 2
    assert (tmp_path / "out" / "last.png").read_bytes() == pngs[-1]

    assert [record["step"] for record in live.history] == [1, 2, 3, 4]
    for record in live.history:
        assert set(record) >= {"step", "d_loss", "g_loss", "real_score", "fake_score"}
        assert np.isfinite(record["d_loss"])
    saved = json.loads((tmp_path / "out" / "history.json").read_text())
    assert saved == live.history


def test_live_samples_reloads_history_up_to_the_current_step(make_gan, tiny_dataset,
                                                             fit_quietly, tmp_path):
    gan = make_gan()
    fit_quietly(gan, tiny_dataset, steps_per_epoch=2)
    # a history from an earlier, longer run that crashed after its step-2 checkpoint
    path = tmp_path / "history.json"
    path.write_text(json.dumps([{"step": s, "d_loss": 10.0 + s} for s in range(1, 9)]))
    live = LiveSamples(np.zeros((4, 8), np.float32), every_n_steps=100, log_every=1,
                       history_path=path, on_frame=lambda png: None, show=False)

    fit_quietly(gan, tiny_dataset, steps_per_epoch=1, callbacks=[live])

    assert [record["step"] for record in live.history] == [1, 2, 3]
    assert [record["d_loss"] for record in live.history[:2]] == [11.0, 12.0]
    assert [record["step"] for record in json.loads(path.read_text())] == [1, 2, 3]


@pytest.mark.parametrize("content", ['[{"step": 1, "d_', "[1, 2]", "{}"])
def test_a_garbage_history_file_is_reported_and_written_anew(make_gan, tiny_dataset,
                                                             fit_quietly, tmp_path, capsys,
                                                             content):
    """Before: a history.json cut short by a crash stopped training with a JSONDecodeError
    that did not name the file."""
    path = tmp_path / "history.json"
    path.write_text(content)
    live = LiveSamples(np.zeros((4, 8), np.float32), every_n_steps=100, log_every=1,
                       history_path=path, on_frame=lambda png: None, show=False)
    fit_quietly(make_gan(), tiny_dataset, steps_per_epoch=2, callbacks=[live])
    assert f"NOTICE: {path} is not a readable history" in capsys.readouterr().out
    assert [record["step"] for record in json.loads(path.read_text())] == [1, 2]


def test_live_samples_refreshes_at_the_end_off_the_grid(make_gan, tiny_dataset, fit_quietly):
    gan, pngs = make_gan(), []
    live = LiveSamples(np.zeros((4, 8), np.float32), every_n_steps=2, on_frame=pngs.append,
                       show=False)
    fit_quietly(gan, tiny_dataset, steps_per_epoch=3, callbacks=[live])
    assert len(pngs) == 3  # steps 0 and 2, and the end at step 3


# --------------------------------------------------------------------------- CheckpointSaver


def checkpoint_steps(directory):
    return sorted(int(p.name[len("ckpt-"):-len(".index")]) for p in directory.glob("*.index"))


def test_checkpoint_saver_every_n_steps_numbers_by_step(make_gan, tiny_dataset, fit_quietly,
                                                        tmp_path):
    gan = make_gan()
    saver = CheckpointSaver(training.gan_checkpoint(gan), tmp_path, every_n_steps=2,
                            max_to_keep=10)
    fit_quietly(gan, tiny_dataset, steps_per_epoch=5, callbacks=[saver])
    assert checkpoint_steps(tmp_path) == [2, 4, 5]  # every 2 steps and at the end
    assert tf.train.latest_checkpoint(str(tmp_path)) == str(tmp_path / "ckpt-5")


def test_checkpoint_saver_default_saves_each_epoch_and_keeps_the_newest(
        make_gan, tiny_dataset, fit_quietly, tmp_path):
    gan = make_gan()
    saver = CheckpointSaver(training.gan_checkpoint(gan), tmp_path, max_to_keep=2)
    fit_quietly(gan, tiny_dataset, steps_per_epoch=2, epochs=3, callbacks=[saver])
    assert checkpoint_steps(tmp_path) == [4, 6]  # 2 was deleted; the end added nothing new


def test_checkpoint_saver_continues_numbering_after_a_restore(make_gan, tiny_dataset,
                                                              fit_quietly, tmp_path):
    gan = make_gan()
    fit_quietly(gan, tiny_dataset, steps_per_epoch=3)
    saver = CheckpointSaver(training.gan_checkpoint(gan), tmp_path, every_n_steps=2,
                            max_to_keep=10)
    fit_quietly(gan, tiny_dataset, steps_per_epoch=2, callbacks=[saver])
    assert checkpoint_steps(tmp_path) == [4, 5]


class PoisonGeneratorAt(keras.callbacks.Callback):
    """Sets one generator weight to NaN after step ``step`` (the loss of that step was fine)."""

    def __init__(self, step):
        super().__init__()
        self.step, self.seen = step, 0

    def on_train_batch_end(self, batch, logs=None):
        self.seen += 1
        if self.seen == self.step:
            kernel = self.model.generator.trainable_variables[0]
            kernel.assign(tf.fill(kernel.shape, float("nan")))


def test_non_finite_guard_never_snapshots_weights_that_are_already_nan(
        make_gan, tiny_dataset, fit_quietly):
    gan = make_gan()
    initial = all_weights(gan)
    guard = NonFiniteGuard(snapshot_every=2, verbose=False)
    # Step 2's losses are finite but the weights after it are not: no snapshot may be taken.
    fit_quietly(gan, tiny_dataset, steps_per_epoch=6, callbacks=[PoisonGeneratorAt(2), guard])
    assert "Training stopped at step 3" in guard.message
    assert "weights from step 0" in guard.message
    for restored, before in zip(all_weights(gan), initial, strict=True):
        np.testing.assert_array_equal(restored, before)


def test_checkpoint_after_a_nan_rollback_is_numbered_by_the_restored_step(
        make_gan, random_images, tmp_path, capsys):
    images = np.concatenate([random_images, np.full((16, 28, 28, 1), np.nan, np.float32)])
    dataset = tf.data.Dataset.from_tensor_slices(images).batch(8).repeat()
    gan = make_gan()
    guard = NonFiniteGuard(snapshot_every=2, verbose=False)
    training.train_gan(gan, dataset, 10, steps_per_epoch=10, checkpoint_dir=tmp_path,
                       callbacks=[guard], verbose=0)
    assert gan.steps_done == 4
    assert tf.train.latest_checkpoint(str(tmp_path)).endswith("ckpt-4")
    fresh = make_gan()
    assert training.restore_latest_checkpoint(fresh, tmp_path) == 4
    for restored, kept in zip(all_weights(fresh), all_weights(gan), strict=True):
        np.testing.assert_array_equal(restored, kept)


def test_live_samples_records_per_interval_means_across_epoch_boundaries():
    """Keras logs running means since the epoch began; history holds exact interval means."""
    live = LiveSamples(np.zeros((1, 8), np.float32), every_n_steps=10**6, log_every=2)
    live.step = 0  # as on_train_begin would set it for a fresh GAN
    # per-step losses 1, 2, 3 in epoch one, then 4, 6 in epoch two
    running_means = [(0, 1.0), (1, 1.5), (2, 2.0), (0, 4.0), (1, 5.0)]
    for batch, mean in running_means:
        live.on_train_batch_end(batch, {"d_loss": mean})
    assert [r["step"] for r in live.history] == [2, 4]
    assert live.history[0]["d_loss"] == pytest.approx(1.5)  # mean of 1 and 2
    assert live.history[1]["d_loss"] == pytest.approx(3.5)  # mean of 3 and 4 (epoch change)


def test_step_progress_prints_a_line_that_ends_at_the_total(make_gan, tiny_dataset, capsys):
    gan = make_gan()
    progress = StepProgress(4, label="tiny", batch_size=8, every_seconds=0.0)
    training.train_gan(gan, tiny_dataset, 4, steps_per_epoch=2, callbacks=[progress],
                       verbose=0)
    text = capsys.readouterr().out
    last = text.rstrip("\n").split("\r")[-1]
    assert last.startswith("tiny: [####################] 100%, step 4 / 4, ")
    assert "images/s" in last and "~0 s left" in last and text.endswith("\n")
    assert text.count("\r") >= 4  # one refresh per step, plus the final line
