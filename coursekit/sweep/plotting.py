"""The sweep's figure: one panel per metric, the runs grouped by one grid parameter."""

from __future__ import annotations

import math
import os
from pathlib import Path

from coursekit.sweep.common import SweepError, finite_number, format_value

__all__ = ["LOWER_IS_BETTER", "plot_sweep", "save_png"]

#: Metrics where a lower value is better; their plot titles say so.
LOWER_IS_BETTER = ("fid", "kid")


def save_png(figure, path: Path) -> None:
    """Save ``figure`` as a PNG through a temporary file and a rename."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    figure.savefig(temporary, format="png", dpi=100)
    os.replace(temporary, path)


def plot_sweep(table, x: str | None = None):
    """One panel per numeric metric that varies, plus run time: ok runs grouped by ``x``.

    ``table`` is a ``SweepTable`` (``coursekit.sweep.collecting``).

    Dots are single runs; the marker and bar are the mean and standard deviation over the
    other grid parameters (e.g. seeds). Returns a matplotlib Figure (no pyplot), or None
    when there is nothing numeric to plot.
    """
    import numpy as np
    from matplotlib.figure import Figure

    x = x or next(iter(table.grid))
    if x not in table.grid:
        raise SweepError(f"x={x!r} is not a grid parameter; choose one of "
                         f"{', '.join(table.grid)}.")
    constant = table.constant_metrics()
    metrics = [name for name in table.numeric_columns() if name not in constant]
    if not metrics:
        return None
    levels = table.grid[x]
    labels = [format_value(level) for level in levels]
    ncols = min(3, len(metrics))
    nrows = math.ceil(len(metrics) / ncols)
    figure = Figure(figsize=(4.2 * ncols, 3.3 * nrows + 0.9), layout="constrained")
    axes = figure.subplots(nrows, ncols, squeeze=False).ravel()
    ok = [row for row in table.rows if row["status"] == "ok"]
    for axis, metric in zip(axes, metrics, strict=False):
        for position, level in enumerate(levels):
            values = [v for row in ok if row[x] == level
                      for v in [finite_number(row.get(metric))] if v is not None]
            if not values:
                continue
            jitter = np.linspace(-0.12, 0.12, len(values)) if len(values) > 1 else [0.0]
            axis.scatter(position + np.asarray(jitter), values, s=16, color="0.55", zorder=2)
            axis.errorbar(position, np.mean(values),
                          yerr=np.std(values) if len(values) > 1 else None, fmt="D",
                          color="C3", markersize=7, capsize=6, elinewidth=2, zorder=3)
        better = " (lower is better)" if metric in LOWER_IS_BETTER else ""
        title = "run time (s)" if metric == "run_seconds" else metric
        axis.set_title(title + better)
        axis.set_xticks(range(len(levels)), labels,
                        rotation=20 if max(map(len, labels)) > 8 else 0,
                        ha="right" if max(map(len, labels)) > 8 else "center")
        axis.set_xlim(-0.5, len(levels) - 0.5)
        axis.set_xlabel(x)
        axis.grid(axis="y", alpha=0.3)
    for axis in axes[len(metrics):]:
        axis.remove()
    others = [name for name in table.grid if name != x]
    over = f"over {', '.join(others)}" if others else "(one run per value)"
    failed = len(table.rows) - len(ok)
    figure.suptitle(f"{Path(table.notebook).stem}: metrics by {x} ({len(ok)} ok runs"
                    f"{f', {failed} not ok and not shown' if failed else ''})\n"
                    f"grey dots: single runs; red: mean \u00b1 std {over}", fontsize=11)
    return figure
