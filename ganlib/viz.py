"""Pictures: image grids, sample figures, loss curves, and the GIF of training progress.

Functions return arrays or matplotlib ``Figure`` objects built without pyplot, so they are
safe to call from a training thread; the notebook decides what to show.

Used in: notebooks/04_dcgan.ipynb and the live callbacks.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

__all__ = ["compare_grids", "figure_to_png", "image_grid", "markdown_table",
           "plot_accuracy_curves", "plot_attention", "plot_confusion_matrix", "plot_curves",
           "plot_image_rows", "plot_images", "plot_latent_map", "plot_losses", "plot_perturbation",
           "save_gif", "training_figure"]

_CURVES = (("d_loss", "discriminator loss"), ("g_loss", "generator loss"),
           ("real_score", "D(x) on real"), ("fake_score", "D(G(z)) on fakes"))


def image_grid(images, ncols=None, padding=1, pad_value=255) -> np.ndarray:
    """Tile images (N, H, W, C) in [-1, 1] (or uint8) into one uint8 picture.

    Returns (rows*(H+p)-p, cols*(W+p)-p) for grey images, with a colour axis for RGB.
    """
    array = np.asarray(images)
    if array.ndim != 4 or array.shape[-1] not in (1, 3) or len(array) == 0:
        raise ValueError(f"images must have shape (N, H, W, 1 or 3) with N > 0, "
                         f"got {array.shape}.")
    if array.dtype != np.uint8:
        array = np.clip(np.rint((array.astype(np.float32) + 1.0) * 127.5), 0, 255)
        array = array.astype(np.uint8)
    n, h, w, c = array.shape
    ncols = int(ncols or math.ceil(math.sqrt(n)))
    nrows = math.ceil(n / ncols)
    grid = np.full((nrows * (h + padding) - padding, ncols * (w + padding) - padding, c),
                   pad_value, np.uint8)
    for index, image in enumerate(array):
        row, col = divmod(index, ncols)
        grid[row * (h + padding):row * (h + padding) + h,
             col * (w + padding):col * (w + padding) + w] = image
    return grid[..., 0] if c == 1 else grid


def figure_to_png(figure: Figure, dpi=80, tight=True) -> bytes:
    """Render a figure to PNG bytes.

    ``tight=True`` crops the margins (one extra layout pass); live figures whose layout
    is fixed pass False to render faster.
    """
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight" if tight else None)
    return buffer.getvalue()


def _show_grid(axis, grid, title):
    axis.imshow(grid, cmap="gray" if grid.ndim == 2 else None, vmin=0, vmax=255,
                interpolation="nearest")
    axis.set_title(title)
    axis.axis("off")


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


def plot_images(images, labels=None, class_names=(), ncols=10, title="") -> Figure:
    """A figure of images in [-1, 1] (or uint8), with their class names when given."""
    array = np.asarray(images)
    n = len(array)
    ncols = min(ncols, n)
    nrows = math.ceil(n / ncols)
    figure = Figure(figsize=(1.2 * ncols, 1.35 * nrows + (0.4 if title else 0)))
    axes = np.atleast_1d(figure.subplots(nrows, ncols)).ravel()
    for index, axis in enumerate(axes):
        axis.axis("off")
        if index >= n:
            continue
        _show_grid(axis, image_grid(array[index:index + 1], padding=0), "")
        if labels is not None:
            label = int(labels[index])
            axis.set_title(class_names[label] if class_names else str(label), fontsize=8)
    if title:
        figure.suptitle(title)
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


def compare_grids(named_images, ncols=4, title="") -> Figure:
    """One sample grid per name, side by side: ``{"ema": images, ...}`` (images as for
    ``image_grid``), ``ncols`` grids per row.

    Used in: notebooks/05_stability.ipynb.
    """
    if not named_images:
        raise ValueError("named_images is empty: pass {name: images}.")
    ncols = min(int(ncols), len(named_images))
    nrows = math.ceil(len(named_images) / ncols)
    figure = Figure(figsize=(3.1 * ncols, 3.3 * nrows + (0.4 if title else 0)))
    axes = np.atleast_1d(figure.subplots(nrows, ncols)).ravel()
    for axis in axes:
        axis.axis("off")
    for axis, (name, images) in zip(axes, named_images.items(), strict=False):
        _show_grid(axis, image_grid(images), name)
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    return figure


def plot_curves(named_records, key, title="", ylabel=None) -> Figure:
    """One line per name of ``record[key]`` against ``record["step"]``.

    ``named_records``: ``{name: [record, ...]}``, e.g. the ``records`` of several
    ``ganlib.monitor.MetricsMonitor`` runs; records without a finite ``key`` are skipped.

    Used in: notebooks/05_stability.ipynb.
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
    """Accuracy against attack strength: one line per name of ``{epsilon: accuracy}``.

    Used in: notebooks/11_robustness.ipynb.
    """
    figure = Figure(figsize=(7, 3.8))
    axis = figure.subplots()
    for name, curve in named_curves.items():
        epsilons = sorted(curve)
        axis.plot(epsilons, [curve[e] for e in epsilons], marker="o", markersize=4,
                  label=name)
    axis.set_xlabel(xlabel)
    axis.set_ylabel("accuracy")
    axis.set_ylim(-0.02, 1.02)
    axis.grid(alpha=0.3)
    if axis.lines:
        axis.legend(fontsize="small")
    if title:
        axis.set_title(title)
    figure.tight_layout()
    return figure


def plot_perturbation(original, adversarial, titles=(), extra=None, extra_title="") -> Figure:
    """One image (pixels in [0, 1], H x W x C), its attacked version and the change between
    them (red: brighter, blue: darker); ``extra`` adds a fourth image (e.g. a projection).

    ``titles`` label the original and the attacked image (e.g. with predictions).

    Used in: notebooks/11_robustness.ipynb.
    """
    original, adversarial = np.asarray(original), np.asarray(adversarial)
    if original.shape != adversarial.shape or original.ndim != 3:
        raise ValueError(f"original and adversarial must be one image each of the same "
                         f"shape (H, W, C), got {original.shape} and {adversarial.shape}.")
    panels = [(original, (list(titles) + ["original"])[0]),
              (adversarial, (list(titles) + ["", "attacked"])[1] or "attacked")]
    change = (adversarial - original).mean(axis=-1)
    if extra is not None:
        panels.append((np.asarray(extra), extra_title))
    figure = Figure(figsize=(2.4 * (len(panels) + 1), 2.8))
    axes = figure.subplots(1, len(panels) + 1)
    for axis, (image, title) in zip(axes, panels[:2] + [(None, "")] + panels[2:],
                                    strict=True):
        axis.axis("off")
        if image is None:
            limit = max(float(np.abs(change).max()), 1e-6)
            axis.imshow(change, cmap="bwr", vmin=-limit, vmax=limit, interpolation="nearest")
            axis.set_title(f"change (largest {limit:.2f})", fontsize=9)
            continue
        _show_grid(axis, image_grid(image[None] * 2.0 - 1.0, padding=0), "")
        axis.set_title(title, fontsize=9)
    figure.tight_layout()
    return figure


def plot_image_rows(images, row_names, title="", column_names=()) -> Figure:
    """Images (rows * columns, H, W, C), row by row, with a name left of each row.

    ``len(row_names)`` sets the number of rows; ``column_names`` (optional) go on top.
    Used for class-conditional grids (one row per class) and interpolations.

    Used in: notebooks/07_conditional.ipynb.
    """
    array = np.asarray(images)
    nrows = len(row_names)
    if nrows == 0 or len(array) == 0 or len(array) % nrows:
        raise ValueError(f"{len(array)} images cannot be cut into {nrows} equal rows; pass "
                         "one name per row and rows * columns images.")
    ncols = len(array) // nrows
    if column_names and len(column_names) != ncols:
        raise ValueError(f"column_names has {len(column_names)} names for {ncols} columns.")
    margin = 0.2 + 0.08 * max(len(str(name)) for name in row_names)  # inches for names
    figure = Figure(figsize=(0.9 * ncols + margin, 0.9 * nrows + (0.5 if title else 0.1)))
    axes = np.asarray(figure.subplots(nrows, ncols, squeeze=False))
    for index, axis in enumerate(axes.ravel()):
        row, col = divmod(index, ncols)
        _show_grid(axis, image_grid(array[index:index + 1], padding=0),
                   str(column_names[col]) if column_names and row == 0 else "")
        axis.title.set_fontsize(8)
        if col == 0:
            axis.text(-0.1, 0.5, str(row_names[row]), transform=axis.transAxes, ha="right",
                      va="center", fontsize=9)
    if title:
        figure.suptitle(title)
    figure.subplots_adjust(left=margin / (0.9 * ncols + margin), right=0.99, wspace=0.05,
                           hspace=0.05 if not column_names else 0.25,
                           top=0.9 if title else 0.98, bottom=0.01)
    return figure


def plot_confusion_matrix(confusion, class_names, title="") -> Figure:
    """A confusion matrix (rows: true or requested class, columns: predicted) as a heat
    map of row shares, with the share written in each cell.

    Used in: notebooks/07_conditional.ipynb.
    """
    counts = np.asarray(confusion, np.float64)
    n = len(class_names)
    if counts.shape != (n, n):
        raise ValueError(f"confusion must be {n} x {n} for {n} class names, got "
                         f"{counts.shape}.")
    shares = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    figure = Figure(figsize=(0.55 * n + 2.5, 0.5 * n + 1.6))
    axis = figure.subplots()
    picture = axis.imshow(shares, cmap="Blues", vmin=0, vmax=1)
    for (row, col), share in np.ndenumerate(shares):
        if counts[row, col]:
            text = f"{100 * share:.0f}" if share >= 0.005 else "<1"
            axis.text(col, row, text, ha="center", va="center",
                      fontsize=7, color="white" if share > 0.6 else "black")
    axis.set_xticks(range(n), [str(c) for c in class_names], rotation=60, ha="right",
                    fontsize=8)
    axis.set_yticks(range(n), [str(c) for c in class_names], fontsize=8)
    axis.set_xlabel("predicted class")
    axis.set_ylabel("requested class")
    figure.colorbar(picture, ax=axis, fraction=0.046, label="share of the row")
    axis.set_title(title or "Confusion matrix (numbers: % of the row)")
    figure.tight_layout()
    return figure


def plot_latent_map(grid_images, values, codes=None, labels=None, class_names=(),
                    title="") -> Figure:
    """A 2-D latent space: where images land (left) and what each place decodes to (right).

    ``grid_images`` (n * n, H, W, C) and the n ``values`` come from
    ``ganlib.vae.latent_grid``; ``codes`` (M, 2) are encoded images, coloured by ``labels``.

    Used in: notebooks/12_related_models.ipynb.
    """
    values = np.asarray(values, np.float64)
    n = len(values)
    if n < 2 or len(grid_images) != n * n:
        raise ValueError(f"grid_images must hold n * n images for n = len(values) >= 2, "
                         f"got {len(grid_images)} images and {n} values.")
    low, high = float(values[0]), float(values[-1])
    figure = Figure(figsize=(11, 5.2) if codes is not None else (5.5, 5.2))
    axes = figure.subplots(1, 2 if codes is not None else 1, squeeze=False)[0]
    if codes is not None:
        codes = np.asarray(codes, np.float64)
        if codes.ndim != 2 or codes.shape[1] != 2:
            raise ValueError(f"codes must have shape (M, 2), got {codes.shape}.")
        colours = np.zeros(len(codes)) if labels is None else np.asarray(labels)
        points = axes[0].scatter(codes[:, 0], codes[:, 1], c=colours, cmap="tab10", s=4,
                                 vmin=-0.5, vmax=9.5)
        if class_names:
            bar = figure.colorbar(points, ax=axes[0], ticks=range(len(class_names)))
            bar.ax.set_yticklabels([str(name) for name in class_names], fontsize=7)
        axes[0].add_patch(Rectangle((low, low), high - low, high - low, fill=False,
                                    linestyle="--", color="grey"))
        axes[0].set(xlabel="z[0]", ylabel="z[1]", title="mean codes of test images")
        axes[0].set_aspect("equal")
        axes[0].grid(alpha=0.3)
    step = (high - low) / (n - 1)
    axes[-1].imshow(image_grid(grid_images, ncols=n, padding=0), cmap="gray", vmin=0,
                    vmax=255, extent=(low - step / 2, high + step / 2, low - step / 2,
                                      high + step / 2))
    axes[-1].set(xlabel="z[0]", ylabel="z[1]", title="decoded grid of codes")
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    return figure


def plot_attention(images, maps, queries, title="") -> Figure:
    """Where chosen positions of a feature map look: one row per image, one column per query.

    Args:
        images: (N, H, W, C) in [-1, 1], the image each row shows (e.g. the samples whose
            generator computed the maps).
        maps: (N, P, P) attention maps from ``ganlib.attention.attention_maps``, P = s * s
            for an s x s feature map.
        queries: (row, column) positions on the s x s map.

    Each panel shows the image in grey, the query's attention row as a heat map on top
    (red: where it reads from; scaled to its largest weight, but never beyond 4 times
    the uniform weight 1/P, so attention spread evenly shows pale) and the query as a
    cyan cross.

    Used in: notebooks/12_related_models.ipynb.
    """
    images, maps = np.asarray(images), np.asarray(maps, np.float64)
    if maps.ndim != 3 or maps.shape[1] != maps.shape[2] or len(maps) != len(images):
        raise ValueError(f"maps must have shape (N, P, P) with N = {len(images)} images, got "
                         f"{maps.shape}.")
    side = math.isqrt(maps.shape[1])
    if side * side != maps.shape[1]:
        raise ValueError(f"maps have {maps.shape[1]} positions, not a square feature map.")
    queries = [tuple(int(v) for v in query) for query in queries]
    if not queries or not all(len(q) == 2 and 0 <= q[0] < side and 0 <= q[1] < side
                              for q in queries):
        raise ValueError(f"queries must be (row, column) pairs in 0..{side - 1}, got "
                         f"{queries!r}.")
    height, width = images.shape[1:3]
    extent = (-0.5, width - 0.5, height - 0.5, -0.5)
    scale = height / side

    def marker(axis, row, col, size=60):
        axis.scatter([(col + 0.5) * scale - 0.5], [(row + 0.5) * scale - 0.5], marker="+",
                     s=size, color="cyan", linewidths=1.5)

    figure = Figure(figsize=(1.6 * (len(queries) + 1), 1.7 * len(images) + 0.4))
    axes = np.asarray(figure.subplots(len(images), len(queries) + 1, squeeze=False))
    for i, image in enumerate(images):
        grid = image_grid(image[None], padding=0)
        _show_grid(axes[i, 0], grid, "sample" if i == 0 else "")
        for row, col in queries:
            marker(axes[i, 0], row, col, size=30)
        for j, (row, col) in enumerate(queries, start=1):
            heat = maps[i, row * side + col].reshape(side, side)
            _show_grid(axes[i, j], grid, f"query ({row}, {col})" if i == 0 else "")
            axes[i, j].imshow(heat / max(heat.max(), 4.0 / heat.size), cmap="Reds", alpha=0.6,
                              extent=extent, vmin=0, vmax=1, interpolation="nearest")
            marker(axes[i, j], row, col)
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    return figure


def save_gif(frames, path, seconds_per_frame=0.4, scale=2):
    """Save a list of uint8 grids (from ``image_grid``) as an animated GIF; return the path."""
    from PIL import Image

    if not frames:
        raise ValueError("No frames to save: train with LiveSamples first.")
    pictures = []
    for frame in frames:
        picture = Image.fromarray(np.asarray(frame, np.uint8))
        pictures.append(picture.resize((picture.width * scale, picture.height * scale),
                                       Image.NEAREST))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    pictures[0].save(path, save_all=True, append_images=pictures[1:], loop=0,
                     duration=int(seconds_per_frame * 1000))
    return path


def _table_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value).replace("|", "\\|")


def markdown_table(rows, columns) -> str:
    """An aligned Markdown table of ``rows`` (dicts) in the order of ``columns``.

    Floats are shown to 4 significant digits, missing values as empty cells. Display it
    in a notebook with ``IPython.display.Markdown``; it also reads well as plain text.

    Used in: notebooks/05_stability.ipynb, coursekit.sweep.
    """
    columns = list(columns)
    cells = [[_table_cell(row.get(column)) for column in columns] for row in rows]
    widths = [max([len(str(c)), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]

    def line(values):
        return "| " + " | ".join(str(v).ljust(w) for v, w in zip(values, widths,
                                                                  strict=True)) + " |"

    return "\n".join([line(columns), line(["-" * w for w in widths]),
                      *(line(r) for r in cells)])


def duration_text(seconds: float) -> str:
    """Seconds as "42 s" or "3 min 05 s" ("?" when unknown).

    Used in: ganlib.classifier, ganlib.callbacks (progress lines).
    """
    if not math.isfinite(seconds):
        return "?"
    seconds = round(seconds)
    return f"{seconds} s" if seconds < 60 else f"{seconds // 60} min {seconds % 60:02d} s"


def progress_text(label: str, done: int, total: int, elapsed: float, what: str = "") -> str:
    """One progress line: ``<label> [####....]  40%, <what>, 12 s elapsed, ~18 s left``.

    The time left is extrapolated from the time elapsed for the share done.

    Used in: ganlib.classifier, ganlib.callbacks (progress lines).
    """
    share = min(max(done / total, 0.0), 1.0) if total > 0 else 1.0
    left = elapsed / share * (1.0 - share) if share > 0 else math.nan
    filled = round(20 * share)
    middle = f", {what}" if what else ""
    return (f"{label} [{'#' * filled}{'.' * (20 - filled)}] {share:4.0%}{middle}, "
            f"{duration_text(elapsed)} elapsed, ~{duration_text(left)} left")
