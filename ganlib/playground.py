"""A 2-D GAN playground (GAN Lab in Python): an engine that trains in small chunks, a live
figure, and an ipywidgets panel with play / pause / one step / reset.

The engine builds its GAN from ``ganlib.models.mlp_generator`` / ``mlp_discriminator`` and
trains it with ``ganlib.training.GAN.train_step``; it has no training logic of its own.
For networks this small the cost of a step is mostly per-call overhead, so the engine runs
a chunk of ``k`` steps inside one compiled ``tf.function`` loop (one Python call per chunk)
instead of calling ``fit`` or ``train_on_batch``: measured on 2 CPU cores (bench/README.md),
about 3 times faster than ``fit`` for a width-64 MLP.

The figure shows the real points, the generated ones, the discriminator's belief
sigmoid(D(x)) as a heat map, arrows of the generator's gradient on a few fakes (minus the
gradient of the generator loss with respect to each fake point: where the loss pushes it;
the generator's weight update moves the points roughly that way), and curves of the losses and of
the VEEGAN/PacGAN mode metrics (``ganlib.toy``). Its artists are created once and updated
in place, so a refresh costs one render.

Used in: notebooks/03_gan_playground_2d.ipynb, bench/toy_modes.py.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
import time
from dataclasses import dataclass

import keras
import numpy as np
import tensorflow as tf
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ganlib import losses, models, toy, viz
from ganlib.training import GAN

__all__ = ["OPTIMIZERS", "PRESETS", "PRESET_VARIANTS", "Playground", "PlaygroundFigure",
           "PlaygroundPanel", "PlaygroundSettings", "preset", "snapshots_figure", "train_run"]

#: Optimizer names the playground accepts.
OPTIMIZERS = ("adam", "rmsprop", "sgd")
#: Name of the user-defined distribution in settings and in the panel.
USER_POINTS = "my points"
#: Real points kept in memory and shuffled into batches.
POOL_SIZE = 65_536


@dataclass(frozen=True)
class PlaygroundSettings:
    """Every knob of a playground GAN, checked on creation (a ValueError names the bad one).

    The learning-rate decay is linear, from the learning rate to 1% of it over
    ``lr_decay_steps`` generator steps, then constant (0 switches it off).
    """

    distribution: str = "ring8"           # a name in ganlib.toy.DISTRIBUTIONS, or "my points"
    loss: str = "non_saturating"          # a name in ganlib.losses.LOSSES
    optimizer: str = "adam"               # "adam", "rmsprop" or "sgd"
    d_learning_rate: float = 1e-3         # discriminator learning rate, > 0
    g_learning_rate: float = 1e-3         # generator learning rate, > 0
    beta1: float = 0.5                    # Adam's beta1 (ignored by rmsprop and sgd)
    lr_decay_steps: int = 0               # linear decay to 1% over this many steps; 0: off
    d_steps: int = 1                      # discriminator updates per generator update
    gradient_penalty_weight: float = 0.0  # WGAN-GP weight (10 in Gulrajani et al.); 0: off
    r1_weight: float = 0.0                # R1 penalty gamma on real points; 0: off
    latent_dim: int = 2                   # noise dimension
    g_width: int = 64                     # units per hidden layer of the generator
    d_width: int = 64                     # units per hidden layer of the discriminator
    depth: int = 2                        # hidden layers of each network
    batch_size: int = 128                 # real (and fake) points per step
    steps: int = 6000                     # generator steps of a full run (bench, notebook)
    seed: int = 0                         # seeds weights, noise and data

    def __post_init__(self):
        if self.distribution not in (*toy.DISTRIBUTIONS, USER_POINTS):
            raise ValueError(f"distribution={self.distribution!r} is unknown; choose one of "
                             f"{[*toy.DISTRIBUTIONS, USER_POINTS]}.")
        if self.loss not in losses.LOSSES:
            raise ValueError(f"loss={self.loss!r} is unknown; choose one of "
                             f"{sorted(losses.LOSSES)}.")
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"optimizer={self.optimizer!r} is unknown; choose one of "
                             f"{list(OPTIMIZERS)}.")
        for name in ("d_learning_rate", "g_learning_rate"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, numbers.Real) \
                    or not math.isfinite(value) or value <= 0:
                raise ValueError(f"{name}={value!r}: a learning rate must be a number > 0, "
                                 "e.g. 0.001.")
        if isinstance(self.beta1, bool) or not isinstance(self.beta1, numbers.Real) \
                or not 0 <= self.beta1 < 1:
            raise ValueError(f"beta1={self.beta1!r} must be a number in [0, 1), e.g. 0.5.")
        for name, usual in (("gradient_penalty_weight", "10 is WGAN-GP's"),
                            ("r1_weight", "0.1 to 10 are usual")):
            weight = getattr(self, name)
            if isinstance(weight, bool) or not isinstance(weight, numbers.Real) \
                    or not math.isfinite(weight) or weight < 0:
                raise ValueError(f"{name}={weight!r} must be a number >= 0 "
                                 f"(0 switches it off, {usual}).")
        for name, lowest in (("d_steps", 1), ("latent_dim", 1), ("g_width", 1),
                             ("d_width", 1), ("depth", 1), ("batch_size", 1), ("steps", 1),
                             ("lr_decay_steps", 0), ("seed", 0)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, numbers.Integral) \
                    or value < lowest:
                raise ValueError(f"{name}={value!r} must be a whole number >= {lowest}.")

    def replace(self, **changes) -> PlaygroundSettings:
        """A copy with some values changed (checked again)."""
        return dataclasses.replace(self, **changes)


#: Named settings, measured in bench/toy_modes.py (figures in bench/README.md).
#: "vanilla": the non-saturating GAN of Goodfellow et al. 2014 at the playground's default
#: size, constant learning rates. "best": the built-in remedy on ring8: twice the width in
#: both networks, batches of 256, and learning rates decaying linearly to 1% over the run
#: (so the generator settles instead of hopping between modes). "best_grid": the remedy on
#: grid25, which needs depth and a gentler discriminator: "best" with 4 hidden layers per
#: network, batches of 512 (fewer, larger steps keep the run within the time budget) and
#: an R1 penalty of gamma 1 (without it, half of the seeds stall at 17 to 23 modes).
PRESETS = {
    "vanilla": PlaygroundSettings(steps=6000),
    "best": PlaygroundSettings(g_width=128, d_width=128, batch_size=256, steps=10000,
                               lr_decay_steps=10000),
    "best_grid": PlaygroundSettings(distribution="grid25", g_width=128, d_width=128, depth=4,
                                    batch_size=512, r1_weight=1.0, steps=7000,
                                    lr_decay_steps=7000),
}
#: Per-distribution variants of a preset, used by ``preset``: (name, distribution) -> key.
PRESET_VARIANTS = {("best", "grid25"): "best_grid"}


def preset(name, distribution) -> PlaygroundSettings:
    """The preset ``name`` for ``distribution``, with that distribution set.

    Takes the distribution's own variant when there is one (``preset("best", "grid25")``
    is ``PRESETS["best_grid"]``), else ``PRESETS[name]``.
    """
    if name not in PRESETS:
        raise ValueError(f"preset {name!r} is unknown; choose one of {sorted(PRESETS)}.")
    key = PRESET_VARIANTS.get((name, distribution), name)
    return PRESETS[key].replace(distribution=distribution)


def _optimizer(settings, learning_rate, updates_per_step):
    rate = learning_rate
    if settings.lr_decay_steps:
        rate = keras.optimizers.schedules.PolynomialDecay(
            learning_rate, settings.lr_decay_steps * updates_per_step, learning_rate * 0.01)
    if settings.optimizer == "adam":
        return keras.optimizers.Adam(rate, beta_1=settings.beta1)
    if settings.optimizer == "rmsprop":
        return keras.optimizers.RMSprop(rate)
    return keras.optimizers.SGD(rate)


class Playground:
    """A GAN on 2-D points that trains in chunks: ``train(k)`` makes k generator steps.

    Args:
        settings: a ``PlaygroundSettings``.
        points: the user's points (array (N, 2) or text with one "x, y" per line), needed
            when ``settings.distribution`` is "my points".
        eval_samples: generated points used for the metrics (2,500 as in PacGAN).
        arrows: fakes on which the generator's gradient is drawn.
    """

    def __init__(self, settings=None, points=None, eval_samples=2500, arrows=40):
        self.settings = settings = settings or PlaygroundSettings()
        if settings.distribution == USER_POINTS:
            if points is None:
                raise ValueError("distribution 'my points' needs points: one 'x, y' per line.")
            self.distribution = toy.points_distribution(points, name=USER_POINTS)
        else:
            self.distribution = toy.get_distribution(settings.distribution)
        keras.utils.set_random_seed(settings.seed)
        generator = models.mlp_generator(settings.latent_dim, 2, width=settings.g_width,
                                         depth=settings.depth)
        discriminator = models.mlp_discriminator(2, width=settings.d_width, depth=settings.depth)
        self.gan = GAN(generator, discriminator, seed=settings.seed)
        self.gan.compile(_optimizer(settings, settings.d_learning_rate, settings.d_steps),
                         _optimizer(settings, settings.g_learning_rate, 1),
                         loss=settings.loss, d_steps=settings.d_steps,
                         gradient_penalty_weight=settings.gradient_penalty_weight,
                         r1_weight=settings.r1_weight)
        self.real_pool = self.distribution.sample(POOL_SIZE, seed=settings.seed)
        self.real_shown = self.real_pool[:eval_samples]
        dataset = (tf.data.Dataset.from_tensor_slices(self.real_pool)
                   .shuffle(POOL_SIZE, seed=settings.seed, reshuffle_each_iteration=True)
                   .repeat().batch(settings.batch_size, drop_remainder=True).prefetch(4))
        self._batches = iter(dataset)
        rng = np.random.default_rng(settings.seed + 10_000)
        self.eval_latent = rng.standard_normal((eval_samples, settings.latent_dim)) \
            .astype(np.float32)
        self.arrow_latent = self.eval_latent[:arrows]
        self.history = []
        self.train_seconds = 0.0
        self._train_chunk = tf.function(self._chunk, jit_compile=False)

    def _chunk(self, steps):
        for metric in self.gan.metrics:
            metric.reset_state()
        for _ in tf.range(steps):
            self.gan.train_step(next(self._batches))
        return {metric.name: metric.result() for metric in self.gan.metrics}

    @property
    def step(self) -> int:
        """Generator updates made so far."""
        return self.gan.steps_done

    def train(self, steps=1) -> dict:
        """Make ``steps`` generator updates (each after ``d_steps`` discriminator updates).

        Returns and records in ``history`` the mean losses over the chunk, with the mode
        metrics of the generator at its end.
        """
        if isinstance(steps, bool) or not isinstance(steps, numbers.Integral) or steps < 1:
            raise ValueError(f"steps must be a whole number >= 1, got {steps!r}.")
        start = time.perf_counter()
        logs = {name: float(value) for name, value in
                self._train_chunk(tf.constant(int(steps), tf.int64)).items()}
        self.train_seconds += time.perf_counter() - start
        record = {"step": self.step, **logs, **self.evaluate()}
        self.history.append(record)
        return record

    def samples(self, latent=None) -> np.ndarray:
        """Generated points (float32, (N, 2)) for ``latent`` (default: the fixed eval batch)."""
        latent = self.eval_latent if latent is None else np.asarray(latent, np.float32)
        return self.gan.generator(latent, training=False).numpy()

    def evaluate(self, samples=None) -> dict:
        """Modes covered and high-quality share of ``samples`` (default: the eval batch).

        Empty for continuous distributions (spiral, moons), which have no modes.
        """
        if not self.distribution.has_modes:
            return {}
        samples = self.samples() if samples is None else samples
        centres, std = self.distribution.centres, self.distribution.std
        return {"modes_covered": toy.modes_covered(samples, centres, std),
                "high_quality_share": toy.high_quality_share(samples, centres, std)}

    def decision_surface(self, grid) -> np.ndarray:
        """sigmoid(D(x)) at the points ``grid`` (M, 2): the discriminator's belief "real"."""
        logits = self.gan.discriminator(np.asarray(grid, np.float32), training=False)
        return tf.sigmoid(logits).numpy()[:, 0]

    def generator_gradient(self, fakes) -> np.ndarray:
        """The direction the generator loss pushes each fake point: -d loss / d x, (N, 2).

        The loss is the settings' generator loss on the discriminator's logits, summed over
        the points (so each point's arrow does not shrink with N).
        """
        points = tf.convert_to_tensor(np.asarray(fakes, np.float32))
        with tf.GradientTape() as tape:
            tape.watch(points)
            logits = self.gan.discriminator(points, training=False)
            loss = self.gan.g_loss_fn(logits) * tf.cast(tf.shape(points)[0], tf.float32)
        return -tape.gradient(loss, points).numpy()

    def extent(self) -> float:
        """Half-width of the square the figure shows, from the real points."""
        return float(np.ceil(np.abs(self.real_shown).max() * 1.25 + 0.25))


def train_run(settings, points=None, chunk=500, on_chunk=None) -> Playground:
    """Train a new ``Playground`` for ``settings.steps`` generator steps; return it.

    Trains in chunks of ``chunk`` steps and calls ``on_chunk(playground)`` after each (to
    draw, for example). Used by the notebook and bench/toy_modes.py.
    """
    playground = Playground(settings, points=points)
    while playground.step < settings.steps:
        playground.train(min(chunk, settings.steps - playground.step))
        if on_chunk is not None:
            on_chunk(playground)
    return playground


def snapshots_figure(snapshots, real, title="", max_panels=6) -> Figure:
    """A row of scatter plots: real points (pale green discs) and generated ones (purple).

    ``snapshots``: a list of (step, points (N, 2)) pairs, e.g. collected with
    ``train_run(..., on_chunk=lambda p: snapshots.append((p.step, p.samples())))``; at most
    ``max_panels`` of them, evenly spaced and always the last, are drawn.
    """
    if not snapshots:
        raise ValueError("snapshots is empty: pass (step, points) pairs.")
    chosen = np.unique(np.linspace(0, len(snapshots) - 1, min(max_panels, len(snapshots)))
                       .round().astype(int))
    real = np.asarray(real)
    half = float(np.ceil(np.abs(real).max() * 1.25 + 0.25))
    figure = Figure(figsize=(2.6 * len(chosen), 2.9))
    axes = np.atleast_1d(figure.subplots(1, len(chosen)))
    for axis, index in zip(axes, chosen, strict=True):
        step, points = snapshots[index]
        axis.scatter(real[:, 0], real[:, 1], s=30, c="#66bb6a", alpha=0.25, linewidths=0)
        axis.scatter(points[:, 0], points[:, 1], s=2, c="#4a148c", alpha=0.5)
        axis.set_xlim(-half, half)
        axis.set_ylim(-half, half)
        axis.set_aspect("equal")
        axis.set_xticks([])
        axis.set_yticks([])
        axis.set_title(f"step {step:,}", fontsize="small")
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    return figure


_CURVE_KEYS = (("d_loss", "D loss"), ("g_loss", "G loss"))


class PlaygroundFigure:
    """The live figure of a ``Playground``; artists are made once and updated in place.

    ``render()`` redraws from the playground's current state and returns PNG bytes.
    ``due()`` says whether a redraw now keeps drawing within its share of the wall time:
    it is True once the time since the last render is at least ``pace`` times that
    render's duration, so drawing takes at most about 1 / (1 + pace) of the time (20% with
    the default pace of 4) whatever the speed of the machine and the size of the networks.
    """

    def __init__(self, playground, grid_size=64, dpi=72, pace=4.0):
        self.playground, self.dpi, self.pace = playground, dpi, float(pace)
        self.draw_seconds = 0.0
        self.frames = 0
        self._last_duration, self._last_end = 0.0, None
        self.figure = Figure(figsize=(12, 4.2))
        FigureCanvasAgg(self.figure)
        self.field_axis, self.loss_axis, self.metric_axis = self.figure.subplots(
            1, 3, gridspec_kw={"width_ratios": [1.15, 1, 1]})
        half = playground.extent()
        axis_values = np.linspace(-half, half, grid_size)
        xx, yy = np.meshgrid(axis_values, axis_values)
        self.grid = np.stack([xx.ravel(), yy.ravel()], axis=1).astype(np.float32)
        self.grid_size = grid_size
        ax = self.field_axis
        self.surface = ax.imshow(np.full((grid_size, grid_size), 0.5), origin="lower",
                                 extent=(-half, half, -half, half), cmap="RdYlGn",
                                 vmin=0, vmax=1, alpha=0.55, interpolation="bilinear")
        real = playground.real_shown[:1000]
        # Real points as wide pale discs underneath, fakes as small dark dots on top, so
        # that fakes sitting on a mode stay visible.
        ax.scatter(real[:, 0], real[:, 1], s=40, c="#2e7d32", alpha=0.2, linewidths=0,
                   label="real", zorder=2)
        self.fakes = ax.scatter([], [], s=3, c="#4a148c", alpha=0.6, label="generated",
                                zorder=3)
        zeros = np.zeros(len(playground.arrow_latent))
        self.arrows = ax.quiver(zeros, zeros, zeros, zeros, color="black", angles="xy",
                                scale_units="xy", scale=1, width=0.004)
        ax.set_xlim(-half, half)
        ax.set_ylim(-half, half)
        ax.set_aspect("equal")
        ax.legend(loc="upper right", fontsize="small", markerscale=3, framealpha=0.9)
        ax.set_xlabel(f"data: {playground.distribution.name}")
        self.field_title = ax.set_title("step 000,000 · 00/00 modes · 100% high quality",
                                        fontsize="medium")
        self.figure.colorbar(self.surface, ax=ax, fraction=0.046, pad=0.02,
                             label="sigmoid(D(x)): D's belief 'real'")
        self.loss_lines = {key: self.loss_axis.plot([], [], label=label)[0]
                           for key, label in _CURVE_KEYS}
        self.loss_axis.set_title("losses (mean per chunk)")
        self.loss_axis.set_xlabel("generator step")
        self.loss_axis.legend(loc="upper right", fontsize="small")
        self.loss_axis.grid(alpha=0.3)
        ax = self.metric_axis
        if playground.distribution.has_modes:
            modes = len(playground.distribution.centres)
            self.metric_lines = {
                "modes_covered": ax.plot([], [], label=f"modes covered / {modes}")[0],
                "high_quality_share": ax.plot([], [], label="high-quality share")[0]}
            ax.set_title("mode metrics (2,500 samples)")
            ax.legend(loc="lower right", fontsize="small")
        else:
            self.metric_lines = {}
            ax.text(0.5, 0.5, f"{playground.distribution.name} has no discrete modes:\n"
                    "no mode metrics", ha="center", va="center", transform=ax.transAxes)
        ax.set_ylim(-0.02, 1.05)
        ax.set_xlabel("generator step")
        ax.grid(alpha=0.3)
        self.figure.tight_layout()

    def render(self) -> bytes:
        """Update every artist from the playground and return the figure as PNG bytes."""
        start = time.perf_counter()
        playground = self.playground
        surface = playground.decision_surface(self.grid)
        self.surface.set_data(surface.reshape(self.grid_size, self.grid_size))
        fakes = playground.samples()
        self.fakes.set_offsets(fakes[:1000])
        arrow_points = fakes[:len(playground.arrow_latent)]
        gradient = playground.generator_gradient(arrow_points)
        length = np.linalg.norm(gradient, axis=1).max()
        scale = 0.12 * playground.extent() / length if length > 0 else 0.0
        self.arrows.set_offsets(arrow_points)
        self.arrows.set_UVC(gradient[:, 0] * scale, gradient[:, 1] * scale)
        history = playground.history
        steps = [record["step"] for record in history]
        text = f"step {playground.step:,}"
        if history and "modes_covered" in history[-1]:
            last = history[-1]
            modes = len(playground.distribution.centres)
            text += (f" · {last['modes_covered']}/{modes} modes · "
                     f"{last['high_quality_share']:.0%} high quality")
        self.field_title.set_text(text)
        for key, line in self.loss_lines.items():
            line.set_data(steps, [record.get(key, np.nan) for record in history])
        for key, line in self.metric_lines.items():
            values = [record[key] for record in history]
            if key == "modes_covered":
                values = np.array(values, float) / len(playground.distribution.centres)
            line.set_data(steps, values)
        for axis in (self.loss_axis, self.metric_axis):
            axis.relim()
            axis.autoscale_view(scaley=axis is self.loss_axis)
        png = viz.figure_to_png(self.figure, dpi=self.dpi, tight=False)
        self._last_end = time.perf_counter()
        self._last_duration = self._last_end - start
        self.draw_seconds += self._last_duration
        self.frames += 1
        return png

    def due(self) -> bool:
        """True when a render now keeps drawing under 1 / (1 + pace) of the wall time."""
        if self._last_end is None:
            return True
        return time.perf_counter() - self._last_end >= self.pace * self._last_duration


class PlaygroundPanel:
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
        import ipywidgets as widgets

        from ganlib.widgets import BackgroundTask

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

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)

    # ----------------------------------------------------------------- helpers
    def _handler(self, name):
        def clicked(_button):
            getattr(self, name)()

        return clicked

    def _say(self, message, error=False):
        from ganlib.widgets import status_html

        self.status.value = status_html(message, error)

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
    def running(self) -> bool:
        """True while the training thread is alive."""
        return self._task.running

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

    def wait(self, timeout=None):
        """Block until the training thread has finished (for scripts and tests)."""
        self._task.wait(timeout)
