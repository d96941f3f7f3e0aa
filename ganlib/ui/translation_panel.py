"""A control panel (ipywidgets) to retrain a translation model with other loss weights.

Sliders set the loss weights and the training length; Train builds a new model with the
notebook's own builder and trains it in the background (Stop is heard between steps) while
the before/after grid refreshes in place; at the end the panel shows the model's scores
next to the baselines. The panel has no training logic of its own: it calls
``ganlib.training.train_gan`` with ``ganlib.translation.TranslationSamples``.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from ganlib import training, translation
from ganlib.training import callbacks
from ganlib.ui.background import BackgroundTask, Panel

__all__ = ["TranslationPanel"]


class TranslationPanel(Panel):
    """Sliders for loss weights and steps, Train and Stop, a live grid and a score table.

    Args:
        build: a function ``build(**weights)`` returning a compiled translation model
            (``Pix2Pix`` or ``CycleGAN``).
        weights: {name: (value, min, max)} for one float slider per loss weight; the names
            are the keyword arguments of ``build``.
        dataset: the repeating ``tf.data`` pipeline to train on.
        preview: the fixed inputs of the live grid (and ``preview_targets``, if any).
        evaluate: a function ``evaluate(model)`` returning the score table as text.
        steps: (value, max) of the steps slider.
        refresh_every: steps between two refreshes of the grid.
    """

    def __init__(self, build, weights, dataset, preview, evaluate, steps=(300, 3000),
                 preview_targets=None, refresh_every=50):
        self.build, self.dataset, self.evaluate = build, dataset, evaluate
        self.preview, self.preview_targets = preview, preview_targets
        self.refresh_every = int(refresh_every)
        self.model = None
        self.last_error = None
        self._task = BackgroundTask("translation-training")
        layout, style = widgets.Layout(width="360px"), {"description_width": "140px"}
        self.sliders = {
            name: widgets.FloatSlider(value=value, min=low, max=high,
                                      step=(high - low) / 100, description=name,
                                      style=style, layout=layout, continuous_update=False)
            for name, (value, low, high) in weights.items()}
        self.steps = widgets.IntSlider(value=steps[0], min=10, max=steps[1], step=10,
                                       description="steps", style=style, layout=layout,
                                       continuous_update=False)
        self.train_button = widgets.Button(description="Train", button_style="success",
                                           icon="play", tooltip="Build a new model and train it")
        self.stop_button = widgets.Button(description="Stop", button_style="danger",
                                          icon="stop", tooltip="Stop after the current step")
        self.train_button.on_click(lambda _: self.train())
        self.stop_button.on_click(lambda _: self.stop())
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="760px"))
        self.scores = widgets.HTML(value="")
        self.status = widgets.HTML(value="Set the weights and the steps, then press "
                                         "<b>Train</b>.")
        controls = widgets.VBox([*self.sliders.values(), self.steps,
                                 widgets.HBox([self.train_button, self.stop_button])])
        self.widget = widgets.VBox([widgets.HBox([controls, self.image]), self.scores,
                                    self.status])
        self._set_running(False)

    def _set_running(self, running):
        self.train_button.disabled = running
        self.stop_button.disabled = not running
        for slider in [*self.sliders.values(), self.steps]:
            slider.disabled = running

    def train(self):
        """Build a new model with the slider values and train it in the background."""
        if self.running:
            self._say("Training is already running; press Stop first.", error=True)
            return
        values = {name: slider.value for name, slider in self.sliders.items()}
        try:
            self.model = self.build(**values)
        except ValueError as error:
            self._say(f"Refused: {error}", error=True)
            return
        steps = int(self.steps.value)
        live = translation.TranslationSamples(
            self.preview, self.preview_targets, every_n_steps=self.refresh_every,
            on_frame=self._show_frame, title=", ".join(f"{k}={v:g}" for k, v in values.items()))

        def work():
            self.last_error = None
            try:
                training.train_gan(self.model, self.dataset, steps,
                                   steps_per_epoch=max(1, min(steps, 100)),
                                   callbacks=[live, callbacks.StopOnEvent(self._task.stop_event)],
                                   verbose=0)
                self.scores.value = f"<pre>{html.escape(self.evaluate(self.model))}</pre>"
            except Exception as error:  # shown in the panel; the thread must not die silently
                self.last_error = error
                self._say(f"Training failed: {type(error).__name__}: {error}", error=True)
            else:
                self._say(f"Done: {self.model.steps_done:,} steps.")
            finally:
                self._set_running(False)

        self._set_running(True)
        self._say(f"Training for {steps:,} steps ...")
        self._task.start(work)

    def stop(self):
        """Ask the training thread to stop after the current step."""
        if self.running:
            self._task.stop()
            self._say("Stopping after the current step ...")

    def _show_frame(self, png):
        self.image.value = png
