"""Pictures of images: sample grids, labelled figures, side-by-side grids, rows, GIFs, PNG bytes.

Functions return arrays or matplotlib ``Figure`` objects built without pyplot, so they are
safe to call from a training thread; the notebook decides what to show.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

__all__ = ["compare_grids", "figure_to_png", "image_grid", "plot_image_rows", "plot_images",
           "save_gif"]


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


def compare_grids(named_images, ncols=4, title="") -> Figure:
    """One sample grid per name, side by side: ``{"ema": images, ...}`` (images as for
    ``image_grid``), ``ncols`` grids per row.
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


def plot_image_rows(images, row_names, title="", column_names=()) -> Figure:
    """Images (rows * columns, H, W, C), row by row, with a name left of each row.

    ``len(row_names)`` sets the number of rows; ``column_names`` (optional) go on top.
    Used for class-conditional grids (one row per class) and interpolations.
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
    head = (0.4 if title else 0.05) + (0.22 if column_names else 0.0)  # inches above the rows
    figure = Figure(figsize=(0.9 * ncols + margin, 0.9 * nrows + head + 0.05))
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
                           top=1 - head / figure.get_figheight(), bottom=0.01)
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
