"""Curves: training losses and scores against steps, accuracy against attack strength, and
side-by-side panels of any measured curves."""

from __future__ import annotations

import math

import numpy as np
from matplotlib.figure import Figure

from ganlib.viz.grids import _show_grid

__all__ = ["plot_accuracy_curves", "plot_curves", "plot_losses", "plot_panels",
           "training_figure"]


_CURVES = (("d_loss", "discriminator loss"), ("g_loss", "generator loss"),
           ("real_score", "D(x) on real"), ("fake_score", "D(G(z)) on fakes"))


def _draw_curves(axis, history):
    steps = [record["step"] for record in history]
    for key, label in _CURVES:
        values = [record.get(key, np.nan) for record in history]
        if steps and not all(np.isnan(values)):
            axis.plot(steps, values, label=label, linestyle="--" if "score" in key else "-")
    axis.set_xlabel("generator step")
    axis.axhline(0.5, color="grey", linewidth=0.5)
    axis.grid(alpha=0.3)
    if steps:
        axis.legend(loc="upper right", fontsize="small")


def training_figure(grid, history, step=0, title="") -> Figure:
    """Samples on the left, loss and score curves on the right."""
    figure = Figure(figsize=(10, 4.4))
    left, right = figure.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.3]})
    _show_grid(left, grid, f"{title} samples at step {step}".strip())
    _draw_curves(right, history)
    right.set_title("losses and discriminator scores")
    figure.tight_layout()
    return figure


def plot_losses(history, title="Training curves") -> Figure:
    """Loss and score curves from ``LiveSamples.history`` records."""
    figure = Figure(figsize=(7, 3.5))
    axis = figure.subplots()
    _draw_curves(axis, history)
    axis.set_title(title)
    figure.tight_layout()
    return figure


def plot_curves(named_records, key, title="", ylabel=None) -> Figure:
    """One line per name of ``record[key]`` against ``record["step"]``.

    ``named_records``: ``{name: [record, ...]}``, e.g. the ``records`` of several
    ``ganlib.training.monitor.MetricsMonitor`` runs; records without a finite ``key`` are skipped.
    """
    figure = Figure(figsize=(7, 3.8))
    axis = figure.subplots()
    for name, records in named_records.items():
        points = [(r["step"], r[key]) for r in records
                  if isinstance(r.get(key), (int, float)) and math.isfinite(r[key])]
        if points:
            steps, values = zip(*points, strict=True)
            axis.plot(steps, values, marker="o", markersize=3, label=name)
    axis.set_xlabel("generator step")
    axis.set_ylabel(ylabel or key)
    axis.grid(alpha=0.3)
    if axis.lines:
        axis.legend(fontsize="small", ncols=2)
    if title:
        axis.set_title(title)
    figure.tight_layout()
    return figure


def plot_accuracy_curves(named_curves, title="", xlabel="epsilon (pixels in [0, 1])") -> Figure:
    """Accuracy against attack strength: one line per name of ``{epsilon: accuracy}``."""
    return plot_panels({"accuracy": named_curves}, xlabel, title=title,
                       limits={"accuracy": (-0.02, 1.02)})


def plot_panels(panels, xlabel, title="", limits=None, log_scale=()) -> Figure:
    """Side-by-side panels of curves against one x axis.

    Args:
        panels: ``{y label: {line name: {x: y}}}``, one panel per y label (its y axis).
        xlabel: the label of every panel's x axis.
        limits: optional ``{y label: (low, high)}`` for panels with a fixed y range.
        log_scale: the y labels whose panels use a logarithmic y axis.
    """
    limits = limits or {}
    figure = Figure(figsize=(7 if len(panels) == 1 else 5.2 * len(panels), 3.8))
    axes = np.atleast_1d(figure.subplots(1, len(panels)))
    for axis, (ylabel, named_curves) in zip(axes, panels.items(), strict=True):
        for name, curve in named_curves.items():
            xs = sorted(curve)
            axis.plot(xs, [curve[x] for x in xs], marker="o" if len(xs) < 30 else "",
                      markersize=4, label=name)  # markers only where points are few
        axis.set_xlabel(xlabel)
        axis.set_ylabel(ylabel)
        if ylabel in limits:
            axis.set_ylim(*limits[ylabel])
        if ylabel in log_scale:
            axis.set_yscale("log")
        axis.grid(alpha=0.3)
        if axis.lines:
            axis.legend(fontsize="small")
    if title:
        (axes[0].set_title if len(axes) == 1 else figure.suptitle)(title)
    figure.tight_layout()
    return figure
