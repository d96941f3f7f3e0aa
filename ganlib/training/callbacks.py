"""Keras callbacks for GAN training: live samples, checkpoints, a NaN guard, stop signals.

Each callback writes only where it is told. They expect a ``ganlib.training.GAN`` (they
read its ``generator``, ``discriminator``, optimizers and ``steps_done``).
"""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

import keras
import numpy as np

from ganlib import _checks, _files, viz
from ganlib.training.checkpoints import CheckpointFolder

__all__ = ["CheckpointSaver", "LearningRateDecay", "LiveSamples", "NonFiniteGuard", "StepProgress",
           "StopAfterSeconds", "StopAtStep", "StopOnEvent"]


class _StepCounting(keras.callbacks.Callback):
    """Keeps ``self.step`` equal to the GAN's generator updates without reading variables."""

    def on_train_begin(self, logs=None):
        self.step = self.model.steps_done

    def on_train_batch_end(self, batch, logs=None):
        self.step += 1


class StopAtStep(_StepCounting):
    """Stops ``fit`` once the GAN has made ``total_steps`` generator updates."""

    def __init__(self, total_steps: int):
        super().__init__()
        self.total_steps = int(total_steps)

    def on_train_batch_end(self, batch, logs=None):
        super().on_train_batch_end(batch, logs)
        if self.step >= self.total_steps:
            self.model.stop_training = True


class LearningRateDecay(_StepCounting):
    """Lowers a GAN's two learning rates linearly to 0 over the last ``share`` of training.

    Progress is the GAN's generator updates over ``total_steps`` or, for a time budget,
    the wall time since the end of the first step (which carries the tracing) over
    ``seconds``. Until ``1 - share`` of it the rates are the GAN's ``base_learning_rates``
    (those it was compiled with), then ``base * (1 - progress) / share``; as the bases are
    kept on the GAN and progress counts its steps, a resumed run continues the schedule.
    Training past ``total_steps`` later would raise the rates again: give the final total.
    """

    def __init__(self, share: float, total_steps: int | None = None,
                 seconds: float | None = None):
        super().__init__()
        self.share = _checks.number(share, "share", above=0, maximum=1,
                                    hint=" (the last share of training, e.g. 0.5)")
        if (total_steps is None) == (seconds is None):
            raise ValueError("Give LearningRateDecay either total_steps or seconds, not both.")
        self.total_steps = None if total_steps is None else \
            _checks.whole_number(total_steps, "total_steps")
        self.seconds = None if seconds is None else _checks.number(seconds, "seconds", above=0)
        self.start = None

    def on_train_begin(self, logs=None):
        super().on_train_begin(logs)
        if not self.model.base_learning_rates:
            raise ValueError("LearningRateDecay needs a GAN compiled with lr_decay > 0 (it "
                             "keeps the learning rates to lower in base_learning_rates).")
        self.start = None
        self._apply(self._progress())

    def on_train_batch_end(self, batch, logs=None):
        super().on_train_batch_end(batch, logs)
        if self.start is None:
            self.start = time.perf_counter()
        self._apply(self._progress())

    def _progress(self) -> float:
        if self.total_steps is not None:
            return self.step / self.total_steps
        return 0.0 if self.start is None else (time.perf_counter() - self.start) / self.seconds

    def _apply(self, progress):
        factor = min(1.0, max(0.0, (1.0 - progress) / self.share))
        for optimizer, base in zip((self.model.d_optimizer, self.model.g_optimizer),
                                   self.model.base_learning_rates, strict=True):
            optimizer.learning_rate = base * factor


class StepProgress(_StepCounting):
    """Prints one self-updating progress line while a GAN trains towards ``total_steps``.

    The line shows a bar, the step, images per second, the time elapsed and the time left,
    refreshed at most every ``every_seconds`` and once more at the end (with a newline).
    """

    def __init__(self, total_steps: int, label: str = "training", batch_size: int | None = None,
                 every_seconds: float = 2.0):
        super().__init__()
        self.total_steps, self.label = int(total_steps), label
        self.batch_size, self.every_seconds = batch_size, float(every_seconds)

    def on_train_begin(self, logs=None):
        super().on_train_begin(logs)
        self.first_step, self.start, self.last = self.step, time.monotonic(), time.monotonic()

    def on_train_batch_end(self, batch, logs=None):
        super().on_train_batch_end(batch, logs)
        if time.monotonic() - self.last >= self.every_seconds:
            self.last = time.monotonic()
            self._show(end="")

    def on_train_end(self, logs=None):
        self._show(end="\n")

    def _show(self, end):
        elapsed = time.monotonic() - self.start
        done, todo = self.step - self.first_step, self.total_steps - self.first_step
        what = f"step {self.step:,} / {self.total_steps:,}"
        if self.batch_size and elapsed > 0:
            what += f", {done * self.batch_size / elapsed:,.0f} images/s"
        line = viz.progress_text(f"{self.label}:", done, max(todo, 1), elapsed, what)
        print(f"\r{line}   ", end=end, flush=True)


class StopOnEvent(keras.callbacks.Callback):
    """Stops ``fit`` cleanly after the current step once ``event`` (a threading.Event) is set."""

    def __init__(self, event):
        super().__init__()
        self.event = event

    def on_train_batch_end(self, batch, logs=None):
        if self.event.is_set():
            self.model.stop_training = True


class StopAfterSeconds(keras.callbacks.Callback):
    """Stops ``fit`` after the first step that ends ``seconds`` after ``fit`` began.

    The clock includes tracing the first step, so any model (a GAN, a VAE) gets the same
    wall-clock budget; ``elapsed`` holds the time used.
    """

    def __init__(self, seconds: float):
        super().__init__()
        self.seconds = _checks.number(seconds, "seconds", above=0)
        self.start, self.elapsed = None, 0.0

    def on_train_begin(self, logs=None):
        self.start = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        self.elapsed = time.perf_counter() - self.start
        if self.elapsed >= self.seconds:
            self.model.stop_training = True


class CheckpointSaver(_StepCounting):
    """Saves a ``tf.train.Checkpoint`` every ``every_n_steps`` (default: each epoch) and at the end.

    Each save is read back before the oldest checkpoints beyond ``max_to_keep`` go
    (``ganlib.training.checkpoints.CheckpointFolder``), so a crash loses at most the steps
    since the last save and never an older checkpoint.
    """

    def __init__(self, checkpoint, directory, every_n_steps=None, max_to_keep=2):
        super().__init__()
        self.checkpoint = checkpoint
        self.folder = CheckpointFolder(directory, keep=max_to_keep)
        self.directory = self.folder.directory
        self.every_n_steps = every_n_steps
        self.last_saved_step = None

    def save(self):
        """Write a checkpoint now, numbered by the step the GAN has reached."""
        step = self.model.steps_done  # not self.step: a NaN guard may have rolled it back
        if step != self.last_saved_step:
            self.folder.save(self.checkpoint, step)
            self.last_saved_step = step

    def on_train_begin(self, logs=None):
        super().on_train_begin(logs)
        self.last_saved_step = self.step

    def on_train_batch_end(self, batch, logs=None):
        super().on_train_batch_end(batch, logs)
        if self.every_n_steps and self.step % self.every_n_steps == 0:
            self.save()

    def on_epoch_end(self, epoch, logs=None):
        if not self.every_n_steps:
            self.save()

    def on_train_end(self, logs=None):
        self.save()


class NonFiniteGuard(_StepCounting):
    """Stops training when a loss becomes NaN or Inf and restores the last good weights.

    Weights (and optimizer states) are copied every ``snapshot_every`` steps while the
    losses are finite. After a stop, ``message`` says what happened and what to try.
    """

    def __init__(self, snapshot_every: int = 50, verbose: bool = True):
        super().__init__()
        self.snapshot_every = int(snapshot_every)
        self.verbose = verbose
        self.message = None
        self._snapshot = None

    def _take_snapshot(self):
        """Copy the weights and optimizer states, unless an update already made them NaN."""
        gan = self.model
        values = [[v.numpy() for v in obj.variables] for obj in gan.state_objects().values()]
        if all(np.isfinite(array).all() for group in values for array in group
               if np.issubdtype(np.asarray(array).dtype, np.floating)):
            self._snapshot = (self.step, values)

    def _restore_snapshot(self):
        gan = self.model
        for obj, values in zip(gan.state_objects().values(), self._snapshot[1], strict=True):
            for variable, value in zip(obj.variables, values, strict=True):
                variable.assign(value)

    def on_train_begin(self, logs=None):
        super().on_train_begin(logs)
        self.message = None
        self._snapshot = None
        self._take_snapshot()

    def on_train_batch_end(self, batch, logs=None):
        super().on_train_batch_end(batch, logs)
        bad = {k: float(v) for k, v in (logs or {}).items()
               if np.ndim(v) == 0 and not math.isfinite(float(v))}
        if bad:
            self.model.stop_training = True
            names = ", ".join(f"{k}={v}" for k, v in bad.items())
            if self._snapshot is None:
                restored = "No finite weights were ever seen, so nothing was restored."
            else:
                self._restore_snapshot()
                restored = (f"The weights from step {self._snapshot[0]} (the last good "
                            "snapshot) were restored.")
            self.message = (
                f"Training stopped at step {self.step}: {names}. {restored} Try a smaller "
                "learning rate, a larger Adam beta2, or check the data for NaN."
            )
            if self.verbose:
                print("\n" + self.message, flush=True)
        elif self.step % self.snapshot_every == 0:
            self._take_snapshot()


class LiveSamples(_StepCounting):
    """Refreshes a sample grid (from a fixed latent batch) and loss curves while ``fit`` runs.

    Every ``every_n_steps`` steps the figure is redrawn and handed to ``on_frame`` (a
    function taking PNG bytes); by default it is shown in the notebook and updated in
    place. Every ``log_every`` steps, the mean of each loss over those steps is recorded in
    ``history`` (Keras reports running means since the epoch began; they are turned back
    into per-step values, so the curves have no jumps at epoch boundaries). At the end the
    frames are saved as a GIF (``gif_path``) and the last figure as a PNG (``figure_path``).
    With ``history_path`` the curves survive a restart: earlier points are read back.
    """

    def __init__(self, latent, every_n_steps=100, log_every=10, on_frame=None,
                 gif_path=None, figure_path=None, history_path=None, show=True, title=""):
        super().__init__()
        self.latent = np.asarray(latent, np.float32)
        self.every_n_steps = max(1, int(every_n_steps))
        self.log_every = max(1, int(log_every))
        self.on_frame = on_frame
        self.gif_path = gif_path
        self.figure_path = figure_path
        self.history_path = Path(history_path) if history_path else None
        self.show = show
        self.title = title
        self.history = []
        self.frames = []
        self._display_handle = None
        self._previous_totals = {}
        self._interval_sums = {}
        self._interval_steps = 0

    def _load_history(self):
        if not (self.history_path and self.history_path.exists()):
            return
        records = _files.read_json(self.history_path)
        if not (isinstance(records, list) and all(
                isinstance(r, dict) and isinstance(r.get("step"), int) for r in records)):
            print(f"NOTICE: {self.history_path} is not a readable history (a crash while it "
                  "was written?); the curves restart at this run and the file is written "
                  "anew. Training itself is not affected.", flush=True)
            return
        self.history = [r for r in records if r["step"] <= self.step]

    def _emit(self, png: bytes):
        if self.on_frame is not None:
            self.on_frame(png)
        elif self.show:
            from IPython.display import Image, display

            if self._display_handle is None:
                self._display_handle = display(Image(png), display_id=True)
            else:
                self._display_handle.update(Image(png))

    def sample_grid(self):
        """The picture on the left of the figure: a grid of the model's current samples."""
        return viz.image_grid(self.model.sampler.predict(self.latent, verbose=0))

    def refresh(self):
        """Draw the current samples and curves now; return the PNG bytes."""
        grid = self.sample_grid()
        self.frames.append(grid)
        figure = viz.training_figure(grid, self.history, step=self.step, title=self.title)
        png = viz.figure_to_png(figure)
        self._emit(png)
        if self.history_path:
            _files.write_text_atomically(self.history_path, json.dumps(self.history))
        self._last_png = png
        return png

    def on_train_begin(self, logs=None):
        super().on_train_begin(logs)
        self._load_history()
        self.refresh()

    def _accumulate(self, batch, logs):
        """Add this step's own value of each metric (from Keras' running means)."""
        for key, value in logs.items():
            if np.ndim(value) != 0:
                continue
            total = (batch + 1) * float(value)  # sum since the epoch began
            previous = self._previous_totals.get(key, 0.0) if batch > 0 else 0.0
            self._previous_totals[key] = total
            self._interval_sums[key] = self._interval_sums.get(key, 0.0) + total - previous
        self._interval_steps += 1

    def on_train_batch_end(self, batch, logs=None):
        super().on_train_batch_end(batch, logs)
        if logs:
            self._accumulate(batch, logs)
        if self.step % self.log_every == 0 and self._interval_steps:
            record = {"step": self.step}
            record.update({k: v / self._interval_steps for k, v in self._interval_sums.items()})
            self.history.append(record)
            self._interval_sums, self._interval_steps = {}, 0
        if self.step % self.every_n_steps == 0:
            self.refresh()

    def on_train_end(self, logs=None):
        if not self.frames or self.step % self.every_n_steps:
            self.refresh()
        if self.gif_path:
            viz.save_gif(self.frames, self.gif_path)
        if self.figure_path:
            Path(self.figure_path).parent.mkdir(parents=True, exist_ok=True)
            Path(self.figure_path).write_bytes(self._last_png)
