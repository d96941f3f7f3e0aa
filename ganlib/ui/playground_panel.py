"""The 2-D playground as an ipywidgets panel: settings, Play / Pause / Step / Reset, live figure."""

from __future__ import annotations

import dataclasses
import math

import ipywidgets as widgets

from ganlib import losses
from ganlib.data import toy
from ganlib.playground.engine import Playground
from ganlib.playground.figure import PlaygroundFigure
from ganlib.playground.settings import OPTIMIZERS, USER_POINTS, PlaygroundSettings
from ganlib.ui.background import BackgroundTask, Panel

__all__ = ["PlaygroundPanel"]


class PlaygroundPanel(Panel):
    """The playground as a control panel: settings, Play / Pause / Step / Reset, live figure.

    Play trains in a background thread, ``steps_per_frame`` generator steps per chunk,
    and redraws the figure after a chunk unless drawing would take more than a fifth of
    the time (``PlaygroundFigure.due``); Pause stops after the current chunk; Step
    makes exactly one generator step; Reset builds a new GAN from the current values.
    Invalid values (a learning rate <= 0, a width of 0, a negative penalty, unreadable
    points) are refused in the status line and nothing changes. Learning rates apply at
    once when the GAN has no decay schedule; other changes need Reset.

    Args:
        settings: starting values (a ``PlaygroundSettings``).
        points: starting text of the "my points" box (one "x, y" per line).
        steps_per_frame: generator steps per chunk while playing (at most one redraw each).
    """

    def __init__(self, settings=None, points=None, steps_per_frame=100):
        self.settings = settings or PlaygroundSettings()
        self.steps_per_frame = int(steps_per_frame)
        self.playground = None
        self.live_figure = None
        self.last_error = None
        self._task = BackgroundTask("playground")
        style, layout = {"description_width": "130px"}, widgets.Layout(width="270px")
        s = self.settings

        def box(kind, value, description, **extra):
            return kind(value=value, description=description, style=style, layout=layout,
                        **extra)

        self.inputs = {
            "distribution": box(widgets.Dropdown, s.distribution, "data",
                                options=[*toy.DISTRIBUTIONS, USER_POINTS]),
            "loss": box(widgets.Dropdown, s.loss, "loss", options=sorted(losses.LOSSES)),
            "optimizer": box(widgets.Dropdown, s.optimizer, "optimizer", options=OPTIMIZERS),
            "d_learning_rate": box(widgets.FloatText, s.d_learning_rate, "D learning rate"),
            "g_learning_rate": box(widgets.FloatText, s.g_learning_rate, "G learning rate"),
            "lr_decay_steps": box(widgets.IntText, s.lr_decay_steps, "LR decay steps"),
            "d_steps": box(widgets.IntText, s.d_steps, "D steps per G step"),
            "gradient_penalty_weight": box(widgets.FloatText, s.gradient_penalty_weight,
                                           "gradient penalty"),
            "r1_weight": box(widgets.FloatText, s.r1_weight, "R1 penalty"),
            "latent_dim": box(widgets.IntText, s.latent_dim, "noise dimension"),
            "g_width": box(widgets.IntText, s.g_width, "G width"),
            "d_width": box(widgets.IntText, s.d_width, "D width"),
            "depth": box(widgets.IntText, s.depth, "hidden layers"),
            "batch_size": box(widgets.IntText, s.batch_size, "batch size"),
            "seed": box(widgets.IntText, s.seed, "seed"),
        }
        self.points_box = widgets.Textarea(
            value=points or "0, 0\n1.5, 1.5\n-1.5, 1.5\n0, -2", description="my points",
            placeholder="one 'x, y' per line", style=style,
            layout=widgets.Layout(width="270px", height="90px"))
        self.buttons = {
            "play": widgets.Button(description="Play", icon="play", button_style="success"),
            "pause": widgets.Button(description="Pause", icon="pause", button_style="warning"),
            "step": widgets.Button(description="Step", icon="step-forward",
                                   tooltip="one generator step"),
            "reset": widgets.Button(description="Reset", icon="refresh", button_style="info",
                                    tooltip="a new GAN from the values above"),
        }
        for name, button in self.buttons.items():
            button.layout = widgets.Layout(width="auto")
            button.on_click(self._handler(name))
        self.status = widgets.HTML(value="")
        self.image = widgets.Image(format="png", layout=widgets.Layout(
            max_width="900px", height="auto", object_fit="contain", min_width="0"))
        controls = widgets.VBox([*self.inputs.values(), self.points_box,
                                 widgets.HBox(list(self.buttons.values()))],
                                layout=widgets.Layout(flex="0 0 auto"))
        self.widget = widgets.VBox([widgets.HBox([controls, self.image]), self.status])
        self._set_running(False)
        self.reset()

    # ----------------------------------------------------------------- helpers
    def _handler(self, name):
        def clicked(_button):
            getattr(self, name)()

        return clicked

    def _set_running(self, running):
        self.buttons["pause"].disabled = not running
        for name in ("play", "step", "reset"):
            self.buttons[name].disabled = running
        for box in (*self.inputs.values(), self.points_box):
            box.disabled = running

    def read_settings(self):
        """Settings from the widget values, or None (with a message) if a value is refused."""
        values = {name: box.value for name, box in self.inputs.items()}
        try:
            settings = self.settings.replace(**values)
            if settings.distribution == USER_POINTS:
                toy.points_distribution(self.points_box.value)
        except (ValueError, TypeError) as exc:
            self._say(f"Refused: {exc}", error=True)
            return None
        return settings

    def _draw(self):
        self.image.value = self.live_figure.render()

    def _ready_to_train(self):
        """Check the values; apply new learning rates. False (with a message) if not ready."""
        if self.running:
            self._say("Already playing: press Pause first.", error=True)
            return False
        settings = self.read_settings()
        if settings is None:
            return False
        if self.playground is None:
            self._say("No GAN yet: fix the values, then press Reset.", error=True)
            return False
        current = self.playground.settings
        changed = [f.name for f in dataclasses.fields(settings)
                   if getattr(settings, f.name) != getattr(current, f.name)
                   and f.name not in ("d_learning_rate", "g_learning_rate")]
        if settings.distribution == USER_POINTS and \
                self.points_box.value != self._points_text:
            changed.append("my points")
        if changed:
            self._say(f"Changed: {', '.join(changed)}. Press Reset to build a GAN with these "
                      "values (or set them back).", error=True)
            return False
        rates = (settings.d_learning_rate, settings.g_learning_rate)
        if rates != (current.d_learning_rate, current.g_learning_rate):
            if settings.lr_decay_steps:
                self._say("Learning rates cannot change during a decay schedule: press Reset.",
                          error=True)
                return False
            self.playground.gan.d_optimizer.learning_rate.assign(rates[0])
            self.playground.gan.g_optimizer.learning_rate.assign(rates[1])
            self.playground.settings = current.replace(d_learning_rate=rates[0],
                                                       g_learning_rate=rates[1])
        return True

    # ----------------------------------------------------------------- actions
    @property
    def step_count(self) -> int:
        """Generator steps made by the current GAN."""
        return self.playground.step if self.playground else 0

    def reset(self):
        """Build a new GAN from the current values and draw it (refused while playing)."""
        if self.running:
            self._say("Pause before Reset.", error=True)
            return
        settings = self.read_settings()
        if settings is None:
            return
        self._points_text = self.points_box.value
        self.playground = Playground(settings, points=self._points_text)
        self.live_figure = PlaygroundFigure(self.playground)
        self.settings = settings
        self._draw()
        self._say(f"New GAN on {self.playground.distribution.name}: press Play or Step.")

    def step(self):
        """Make exactly one generator step (after d_steps discriminator steps) and redraw."""
        if not self._ready_to_train():
            return
        self.playground.train(1)
        self._draw()
        self._say(f"Step {self.step_count:,}.")

    def play(self):
        """Train in the background, redrawing every ``steps_per_frame`` steps, until Pause."""
        if not self._ready_to_train():
            return

        def work():
            self.last_error = None
            try:
                while not self._task.stop_event.is_set():
                    record = self.playground.train(self.steps_per_frame)
                    if not all(math.isfinite(v) for v in record.values()):
                        self._say(f"Stopped at step {self.step_count:,}: a loss is not "
                                  "finite. Try smaller learning rates, then Reset.", error=True)
                        break
                    if self.live_figure.due():
                        self._draw()
                else:
                    self._draw()
                    self._say(f"Paused at step {self.step_count:,}.")
            except Exception as exc:  # shown in the panel; the thread must not die silently
                self.last_error = exc
                self._say(f"Training failed: {type(exc).__name__}: {exc}", error=True)
            finally:
                self._set_running(False)

        self._set_running(True)
        self._say("Playing ...")
        self._task.start(work)

    def pause(self):
        """Stop playing after the current chunk (the GAN is kept)."""
        if not self.running:
            self._say("Not playing.")
            return
        self._task.stop()
