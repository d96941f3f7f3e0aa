"""Maps: a perturbation and its change, a confusion matrix, a 2-D latent space, attention
(of positions of a feature map, and of a Vision Transformer's class token over patches)."""

from __future__ import annotations

import math

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ganlib.viz.grids import _show_grid, image_grid

__all__ = ["plot_attention", "plot_class_attention", "plot_confusion_matrix", "plot_latent_map",
           "plot_perturbation"]


def plot_perturbation(original, adversarial, titles=(), extra=None, extra_title="") -> Figure:
    """One image (pixels in [0, 1], H x W x C), its attacked version and the change between
    them (red: brighter, blue: darker); ``extra`` adds a fourth image (e.g. a projection).

    ``titles`` label the original and the attacked image (e.g. with predictions).
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


def plot_confusion_matrix(confusion, class_names, title="") -> Figure:
    """A confusion matrix (rows: true or requested class, columns: predicted) as a heat
    map of row shares, with the share written in each cell.
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


def _overlay_heat(axis, heat, extent):
    """Attention weights (s, s) in red over the image already drawn on ``axis``: scaled to
    their largest weight, but never beyond 4 times the uniform weight, so that attention
    spread evenly shows pale."""
    axis.imshow(heat / max(heat.max(), 4.0 / heat.size), cmap="Reds", alpha=0.6,
                extent=extent, vmin=0, vmax=1, interpolation="nearest")


def plot_attention(images, maps, queries, title="") -> Figure:
    """Where chosen positions of a feature map look: one row per image, one column per query.

    Args:
        images: (N, H, W, C) in [-1, 1], the image each row shows (e.g. the samples whose
            generator computed the maps).
        maps: (N, P, P) attention maps from ``ganlib.nets.attention.attention_maps``, P = s * s
            for an s x s feature map.
        queries: (row, column) positions on the s x s map.

    Each panel shows the image in grey, the query's attention row as a heat map on top
    (red: where it reads from; scaled to its largest weight, but never beyond 4 times
    the uniform weight 1/P, so attention spread evenly shows pale) and the query as a
    cyan cross.
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
            _overlay_heat(axes[i, j], heat, extent)
            marker(axes[i, j], row, col)
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    return figure


def plot_class_attention(images, maps, titles=(), title="") -> Figure:
    """Where a Vision Transformer's class token looks: each image (top) and its patches
    coloured by the class token's attention (bottom; red: read from, pale: spread evenly).

    Args:
        images: (N, H, W, C) in [-1, 1].
        maps: (N, s, s) attention over an s x s grid of patches, from
            ``ganlib.nets.vit.class_token_attention``.
        titles: one label per image (e.g. its class), optional.
    """
    images, maps = np.asarray(images), np.asarray(maps, np.float64)
    if maps.ndim != 3 or maps.shape[1] != maps.shape[2] or len(maps) != len(images) \
            or not len(images):
        raise ValueError(f"maps must have shape (N, s, s) with N = {len(images)} images, got "
                         f"{maps.shape}.")
    height, width = images.shape[1:3]
    extent = (-0.5, width - 0.5, height - 0.5, -0.5)
    figure = Figure(figsize=(1.5 * len(images), 3.4 + (0.3 if title else 0)))
    axes = np.asarray(figure.subplots(2, len(images), squeeze=False))
    for i, image in enumerate(images):
        grid = image_grid(image[None], padding=0)
        _show_grid(axes[0, i], grid, str(titles[i]) if i < len(titles) else "")
        _show_grid(axes[1, i], grid, "")
        _overlay_heat(axes[1, i], maps[i], extent)
        side = maps.shape[1]
        for k in range(1, side):                    # the patch borders
            position = k * height / side - 0.5
            axes[1, i].axhline(position, color="white", linewidth=0.3, alpha=0.5)
            axes[1, i].axvline(k * width / side - 0.5, color="white", linewidth=0.3, alpha=0.5)
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    return figure
