"""A control panel (ipywidgets) to train a DCGAN live: hyperparameters, Start, Stop, Resume.

Training runs in a background thread so that Stop is heard between steps; the sample grid
and the curves refresh in place while it runs. The panel has no training logic of its
own: it validates values with ``ganlib.training.recipes.DCGANRecipe`` and trains with
``ganlib.training.train_gan``.
"""

from __future__ import annotations

import html
import time

import ipywidgets as widgets
import numpy as np

from ganlib import _checks, data, losses, training
from ganlib.training import callbacks, monitor, recipes
from ganlib.ui.background import BackgroundTask, Panel, status_html

__all__ = ["TrainingPanel"]


class _PanelProgress(callbacks.StopAtStep):
    """Moves the panel's progress bar and shows images/s and the time left."""

    def __init__(self, total_steps, bar, label, batch_size):
        super().__init__(total_steps)
        self.bar, self.label, self.batch_size = bar, label, batch_size

    def on_train_begin(self, logs=None):
        super().on_train_begin(logs)
        self.first_step, self.start = self.step, time.perf_counter()
        self.bar.max, self.bar.value = self.total_steps, self.step

    def on_train_batch_end(self, batch, logs=None):
        super().on_train_batch_end(batch, logs)
        if (self.step - self.first_step) % 5 == 0 or self.step >= self.total_steps:
            self._show()

    def on_train_end(self, logs=None):
        super().on_train_end(logs)
        self._show()  # the last steps before a Stop, too

    def _show(self):
        done = self.step - self.first_step
        elapsed = time.perf_counter() - self.start
        rate = done / elapsed if elapsed > 0 else 0.0
        left = (self.total_steps - self.step) / rate if rate else float("nan")
        self.bar.value = min(self.step, self.total_steps)
        self.label.value = (f"step {self.step:,} / {self.total_steps:,} · "
                            f"{rate * self.batch_size:,.0f} images/s · about {left:,.0f} s left")


class TrainingPanel(Panel):
    """Widgets for the DCGAN hyperparameters with Start, Stop and Resume buttons.

    Args:
        recipe: the starting values (usually the notebook's parameters).
        data_limit: use at most this many training images (None: all).
        refresh_every: steps between two refreshes of the sample grid.
        checkpoint_dir: where training checkpoints go; Start clears nothing there but
            writes a fresh sub-folder per run, so earlier runs are never overwritten.
        metrics_every: steps between two evaluations by ``ganlib.training.monitor.MetricsMonitor``
            (FID, modes, precision/recall, D accuracy) shown under the grid, with its
            collapse and divergence warnings in red; 0 switches them off. The first
            evaluation on a dataset trains its feature classifier if none is cached.
        allow_download: passed to ``ganlib.data.load_dataset``.
    """

    def __init__(self, recipe=None, data_limit=None, refresh_every=50, checkpoint_dir=None,
                 allow_download=True, metrics_every=500):
        self.recipe = recipe or recipes.DCGANRecipe()
        self.metrics_every = _checks.whole_number(metrics_every, "metrics_every", 0,
                                                  hint=" (0 switches the metrics off)")
        self.monitor = None
        self.data_limit = data_limit
        self.refresh_every = int(refresh_every)
        self.checkpoint_dir = checkpoint_dir
        self.allow_download = allow_download
        self.gan = None
        self.image_data = None
        self.run_number = 0
        self.last_error = None
        self._task = BackgroundTask("gan-training")
        self._stop_event = self._task.stop_event
        self._build_widgets()

    # ----------------------------------------------------------------- layout
    def _build_widgets(self):
        r, style = self.recipe, {"description_width": "150px"}
        layout = widgets.Layout(width="300px")

        def number(kind, value, description):
            return kind(value=value, description=description, style=style, layout=layout)

        self.inputs = {
            "dataset": widgets.Dropdown(options=sorted(data.DATASETS), value=r.dataset,
                                        description="dataset", style=style, layout=layout),
            "d_learning_rate": number(widgets.FloatText, r.d_learning_rate, "D learning rate"),
            "g_learning_rate": number(widgets.FloatText, r.g_learning_rate, "G learning rate"),
            "beta1": number(widgets.FloatText, r.beta1, "Adam beta1"),
            "batch_size": number(widgets.IntText, r.batch_size, "batch size"),
            "latent_dim": number(widgets.IntText, r.latent_dim, "latent size"),
            "width": number(widgets.IntText, r.width, "model width"),
            "steps": number(widgets.IntText, r.steps, "steps"),
            "loss": widgets.Dropdown(options=sorted(losses.LOSSES), value=r.loss,
                                     description="loss", style=style, layout=layout),
            "ema_decay": number(widgets.FloatText, r.ema_decay, "EMA of G (0: off)"),
        }
        self.start_button = widgets.Button(description="Start", button_style="success",
                                           icon="play", tooltip="Build a new GAN and train it")
        self.stop_button = widgets.Button(description="Stop", button_style="danger",
                                          icon="stop", tooltip="Stop after the current step")
        self.resume_button = widgets.Button(description="Resume", button_style="info",
                                            icon="forward",
                                            tooltip="Continue the same GAN (new learning "
                                                    "rates apply)")
        self.start_button.on_click(lambda _: self.start())
        self.stop_button.on_click(lambda _: self.stop())
        self.resume_button.on_click(lambda _: self.resume())
        self.status = widgets.HTML(value="Set the values, then press <b>Start</b>.")
        self.progress = widgets.IntProgress(value=0, min=0, max=1, description="progress")
        self.progress_label = widgets.Label(value="")
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="760px"))
        self.health = widgets.HTML(value="")
        controls = widgets.VBox(list(self.inputs.values()) + [
            widgets.HBox([self.start_button, self.stop_button, self.resume_button])])
        self.widget = widgets.VBox([
            widgets.HBox([controls, self.image]),
            widgets.HBox([self.progress, self.progress_label]),
            self.health,
            self.status,
        ])
        self._set_running(False)

    def _set_running(self, running):
        self.start_button.disabled = running
        self.resume_button.disabled = running or self.gan is None
        self.stop_button.disabled = not running
        for box in self.inputs.values():
            box.disabled = running

    # ----------------------------------------------------------------- actions
    def read_recipe(self):
        """The recipe from the current widget values, or None (with a message) if invalid."""
        values = {name: box.value for name, box in self.inputs.items()}
        try:
            return self.recipe.replace(**values)
        except ValueError as exc:
            self._say(f"Refused: {exc}", error=True)
            return None

    def start(self):
        """Build a new GAN from the widget values and train it in the background."""
        if self.running:
            self._say("Training is already running; press Stop first.", error=True)
            return
        recipe = self.read_recipe()
        if recipe is None:
            return
        if self.image_data is None or self.image_data.requested != recipe.dataset:
            self._say(f"Loading {recipe.dataset} ...")
            self.image_data = data.load_dataset(recipe.dataset, limit=self.data_limit,
                                                allow_download=self.allow_download)
        self.recipe = recipe
        self.gan = recipes.build_dcgan(recipe, self.image_data.images.shape[1:])
        self.latent = np.random.default_rng(recipe.seed).standard_normal(
            (36, recipe.latent_dim)).astype(np.float32)
        self.run_number += 1
        self._launch(recipe.steps)

    def resume(self):
        """Continue training the current GAN: up to its step target, or that many steps more.

        New learning rates from the panel apply; the other values need Start.
        """
        if self.gan is None:
            self._say("Nothing to resume yet: press Start first.", error=True)
            return
        if self.running:
            self._say("Training is already running.", error=True)
            return
        recipe = self.read_recipe()
        if recipe is None:
            return
        structural = [name for name in ("dataset", "batch_size", "latent_dim", "width", "beta1",
                                        "loss", "ema_decay")
                      if getattr(recipe, name) != getattr(self.recipe, name)]
        if structural:
            self._say(f"Resume keeps the model: {', '.join(structural)} changed, press Start "
                      "to train a new GAN with those values.", error=True)
            return
        self.gan.d_optimizer.learning_rate.assign(recipe.d_learning_rate)
        self.gan.g_optimizer.learning_rate.assign(recipe.g_learning_rate)
        self.recipe = recipe
        done = self.gan.steps_done
        target = recipe.steps if done < recipe.steps else done + recipe.steps
        self._launch(target)

    def stop(self):
        """Ask the training thread to stop after the current step (the model is kept)."""
        if not self.running:
            self._say("Not training.")
            return
        self._task.stop()
        self._say("Stopping after the current step ...")

    def _launch(self, target_steps):
        recipe = self.recipe
        dataset = data.make_dataset(self.image_data.images, recipe.batch_size,
                                    seed=recipe.seed)
        guard = callbacks.NonFiniteGuard(verbose=False)
        progress = _PanelProgress(target_steps, self.progress, self.progress_label,
                                  recipe.batch_size)
        live = callbacks.LiveSamples(self.latent, every_n_steps=self.refresh_every,
                                     on_frame=self._show_frame, title=self.image_data.name)
        checkpoint_dir = None
        if self.checkpoint_dir is not None:
            checkpoint_dir = f"{self.checkpoint_dir}/panel_run_{self.run_number}"
        steps_per_epoch = max(1, min(self.refresh_every * 2, target_steps))
        watchers = []
        if self.metrics_every:
            if self.monitor is None or self.monitor.model is not self.gan:
                self.monitor = monitor.MetricsMonitor(
                    self.image_data.name, every_n_steps=self.metrics_every,
                    n_samples=256, seed=recipe.seed, evaluate_at_start=False,
                    verbose=False, on_record=self._show_health)
            watchers.append(self.monitor)

        def work():
            self.last_error = None
            try:
                training.train_gan(self.gan, dataset, target_steps,
                                   steps_per_epoch=steps_per_epoch,
                                   checkpoint_dir=checkpoint_dir,
                                   callbacks=[guard, progress, live, *watchers,
                                              callbacks.StopOnEvent(self._stop_event)],
                                   verbose=0)
            except Exception as exc:  # shown in the panel; the thread must not die silently
                self.last_error = exc
                self._say(f"Training failed: {type(exc).__name__}: {exc}", error=True)
            else:
                if guard.message:
                    self._say(guard.message, error=True)
                elif self._stop_event.is_set():
                    self._say(f"Stopped at step {self.gan.steps_done:,}. The model is kept: "
                              "press Resume to continue or Start for a new one.")
                else:
                    self._say(f"Done: {self.gan.steps_done:,} steps. Press Resume to train "
                              "further.")
            finally:
                self._set_running(False)

        self._set_running(True)
        self._say(f"Training {recipe.dataset} to step {target_steps:,} ...")
        self._task.start(work)

    def _show_frame(self, png):
        self.image.value = png

    def _show_health(self, record):
        lines = [html.escape(self.monitor.summary(record))]
        lines += [status_html(f"WARNING: {text}", error=True)
                  for text in record.get("warnings", [])]
        self.health.value = "<br>".join(lines)
