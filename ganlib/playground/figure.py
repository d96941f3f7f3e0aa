"""The playground's figures: the live view of a training GAN and rows of snapshots.

The live figure shows the real points, the generated ones, the discriminator's belief
sigmoid(D(x)) as a heat map, arrows of the generator's gradient on a few fakes (minus the
gradient of the generator loss with respect to each fake point: where the loss pushes it;
the generator's weight update moves the points roughly that way), and curves of the losses
and of the VEEGAN/PacGAN mode metrics (``ganlib.data.toy``). Its artists are created once
and updated in place, so a refresh costs one render.
"""

from __future__ import annotations

import time

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ganlib import viz

__all__ = ["PlaygroundFigure", "snapshots_figure"]


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
