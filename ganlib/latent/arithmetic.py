"""Arithmetic in the latent space: measured properties of images, and directions that move them.

Radford et al. (2016, DCGAN) averaged the codes of a few samples that show a concept and
added and subtracted such averages ("smiling woman - neutral woman + neutral man"). This
module does the same with properties that can be measured on every image, so that what a
direction does can be counted rather than only looked at:

- ``image_measures``: per image, its **ink** (the mean brightness, pixels on the 0-to-1
  scale: thick or thin strokes, a large or a small, light or dark garment) and its
  **slant** (how far the bright pixels move right per row upwards, from image moments);
- ``code_scores``: for a conditional generator drawing the same codes in every class, one
  score per code, each class counted alike;
- ``attribute_direction``: the mean code of the images that score highest on a property
  minus the mean code of those that score lowest;
- ``along_direction``: codes moved along a direction by several amounts;
- ``style_correlation``: for a conditional generator drawing the same codes in every
  class, how strongly a property of the image follows the code from class to class.

A direction found this way is a correlation, not a control: it moves everything that went
together with the property in the samples it was averaged over.
"""

from __future__ import annotations

import numpy as np

from ganlib import _checks, data

__all__ = ["along_direction", "attribute_direction", "code_scores", "image_measures",
           "style_correlation"]


def image_measures(images) -> dict[str, np.ndarray]:
    """The ink and the slant of each image (N, H, W, C) in [-1, 1], as {"ink": (N,),
    "slant": (N,)}.

    ink: the mean pixel value on the 0-to-1 scale. slant: minus the covariance of the
    column and the row of the ink over the variance of its row, so an image leaning like
    "/" has a positive slant and an upright one about 0 (0 for an image without ink).
    """
    pixels = (data.check_model_images(images).mean(axis=-1) + 1.0) / 2.0  # (N, H, W)
    total = pixels.sum(axis=(1, 2))
    rows, cols = np.meshgrid(np.arange(pixels.shape[1]), np.arange(pixels.shape[2]),
                             indexing="ij")
    safe = np.maximum(total, 1e-12)
    row_mean = (pixels * rows).sum(axis=(1, 2)) / safe
    col_mean = (pixels * cols).sum(axis=(1, 2)) / safe
    row_offset = rows[None] - row_mean[:, None, None]
    col_offset = cols[None] - col_mean[:, None, None]
    covariance = (pixels * row_offset * col_offset).sum(axis=(1, 2))
    row_variance = (pixels * row_offset ** 2).sum(axis=(1, 2))
    slant = np.where(row_variance > 1e-12, -covariance / np.maximum(row_variance, 1e-12), 0.0)
    return {"ink": pixels.mean(axis=(1, 2)), "slant": slant}


def _class_table(values):
    """``values`` as a (classes, codes) table with at least 2 classes and 3 codes."""
    values = _checks.finite_array(values, "values", ndim=2)
    if values.shape[0] < 2 or values.shape[1] < 3:
        raise ValueError(f"values must hold at least 2 classes and 3 codes, got shape "
                         f"{values.shape}.")
    return values


def code_scores(values) -> np.ndarray:
    """One score per code from a property measured in every class, (classes, codes) -> (codes,).

    Each class's row is standardised (mean 0, standard deviation 1) before the rows are
    averaged, so a class whose images all have much ink (coats) weighs no more than one
    with little (sandals). A row that does not vary counts as 0.
    """
    values = _class_table(values)
    spread = values.std(axis=1, keepdims=True)
    standard = (values - values.mean(axis=1, keepdims=True)) / np.where(spread > 0, spread, 1)
    return standard.mean(axis=0)


def _latent_and_values(latent, values):
    latent = _checks.finite_array(latent, "latent", ndim=2)
    values = _checks.finite_array(values, "values", ndim=1)
    if len(values) != len(latent):
        raise ValueError(f"values must hold one number per code: {len(latent)} codes, "
                         f"{len(values)} values.")
    return latent, values


def attribute_direction(latent, values, fraction: float = 0.25) -> np.ndarray:
    """The mean code of the ``fraction`` of codes with the highest ``values`` minus the mean
    code of the ``fraction`` with the lowest, float32 (d,).

    Args:
        latent: codes (N, d); values: a measured property of each code's image (N,).
        fraction: the share of codes in each group, in (0, 0.5].
    """
    latent, values = _latent_and_values(latent, values)
    fraction = _checks.number(fraction, "fraction", above=0, maximum=0.5)
    count = int(round(fraction * len(latent)))
    if count < 1:
        raise ValueError(f"fraction={fraction:g} of {len(latent)} codes leaves no code in a "
                         "group; pass more codes or a larger fraction.")
    order = np.argsort(values, kind="stable")
    return (latent[order[-count:]].mean(axis=0) - latent[order[:count]].mean(axis=0)) \
        .astype(np.float32)


def along_direction(latent, direction, amounts) -> np.ndarray:
    """Every code moved by every amount along ``direction``: ``z + a * direction``.

    Returns float32 (N * len(amounts), d), code by code: the first code with each amount,
    then the second, so that ``viz.plot_image_rows`` shows one code per row.
    """
    latent = _checks.finite_array(latent, "latent", ndim=2)
    direction = _checks.finite_array(direction, "direction", ndim=1)
    amounts = _checks.finite_array(amounts, "amounts", ndim=1)
    if direction.shape[0] != latent.shape[1]:
        raise ValueError(f"direction must have the codes' length {latent.shape[1]}, got "
                         f"{direction.shape[0]}.")
    moved = latent[:, None, :] + amounts[None, :, None] * direction
    return moved.reshape(-1, latent.shape[1]).astype(np.float32)


def style_correlation(values, seed: int = 0) -> tuple[float, float]:
    """How strongly a property follows the code across classes, and the same with the codes
    shuffled.

    Args:
        values: (classes, codes): the property of the image of every code in every class
            (the same codes in every row, as ``ganlib.conditional.class_grid`` draws them).
        seed: seeds the shuffle.

    Returns:
        (mean Pearson correlation between two classes' rows over the codes, the same after
        shuffling each row's codes: about 0, the value if the code carried nothing across).
    """
    values = _class_table(values)
    rng = np.random.default_rng(seed)
    shuffled = np.stack([rng.permutation(row) for row in values])

    def mean_correlation(table):
        matrix = np.corrcoef(table)
        pairs = np.triu_indices(len(table), k=1)
        return float(np.nanmean(matrix[pairs]))

    return mean_correlation(values), mean_correlation(shuffled)
