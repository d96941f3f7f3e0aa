"""Nearest-neighbour checks: does a generator make new images, or copies of its training set?

A generator that memorised its training images gets an excellent FID, because its samples
*are* real images. FID, KID and precision/recall cannot see this; a nearest-neighbour check
can: for each generated image, find the closest training image. Held-out real images (the
test split, never seen in training) show how close a *new* image usually is to the training
set. Generated images that are much closer than that are copies.

Distances are Euclidean, in pixel space on [-1, 1] (what the eye compares), or in any
feature space when given features instead of images.

Reference: the nearest-neighbour check of Goodfellow et al. 2014 (their figure 2) and of
most GAN papers since; Borji 2019, "Pros and Cons of GAN Evaluation Measures", on why FID
does not detect memorisation.
"""

from __future__ import annotations

import numpy as np

from ganlib import data

__all__ = ["copy_report", "nearest_neighbours"]

_CHUNK = 250  # query rows per distance block (250 x 60,000 x 8 B = 120 MB)


def _as_rows(images, name: str, value_range) -> np.ndarray:
    array = np.asarray(images)
    if array.ndim < 2:
        raise ValueError(f"{name} must be a batch (N, ...) of images or features, got shape "
                         f"{array.shape}.")
    if not (np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)):
        raise TypeError(f"{name} must be numeric, got dtype {array.dtype}.")
    if len(array) == 0:
        raise ValueError(f"{name} is empty.")
    if value_range is not None:
        array = data.to_model_range(array, input_range=value_range)
    rows = array.reshape(len(array), -1).astype(np.float64)
    if not np.all(np.isfinite(rows)):
        raise ValueError(f"{name} contain NaN or Inf values.")
    return rows


def nearest_neighbours(queries, references, *, value_range=None):
    """For each query, the distance to its nearest reference and that reference's index.

    Args:
        queries: (N, ...) images or features.
        references: (M, ...) of the same shape per sample, e.g. the training images.
        value_range: (low, high) of both inputs, e.g. (0, 255) for uint8 images; they are
            rescaled to [-1, 1] first. None: used as given (features, or images already
            in one range).

    Returns:
        (distances, indices): float32 (N,) Euclidean distances and int (N,) indices into
        ``references``.
    """
    rows = _as_rows(queries, "queries", value_range)
    columns = _as_rows(references, "references", value_range)
    if rows.shape[1] != columns.shape[1]:
        raise ValueError(f"queries have {rows.shape[1]} values per sample but references have "
                         f"{columns.shape[1]}; compare images of the same size and channels.")
    column_norms = (columns ** 2).sum(axis=1)
    distances = np.empty(len(rows), np.float32)
    indices = np.empty(len(rows), np.int64)
    for start in range(0, len(rows), _CHUNK):
        block = rows[start:start + _CHUNK]
        squared = (block ** 2).sum(axis=1)[:, None] + column_norms[None, :] \
            - 2.0 * block @ columns.T
        nearest = squared.argmin(axis=1)
        indices[start:start + len(block)] = nearest
        distances[start:start + len(block)] = np.sqrt(np.maximum(
            squared[np.arange(len(block)), nearest], 0.0))
    return distances, indices


def copy_report(generated, train, held_out, *, value_range=None, quantile=0.01) -> dict:
    """Compare how close generated and held-out real images come to the training set.

    A generated image counts as a **near copy** when it is closer to its nearest training
    image than all but ``quantile`` of the held-out real images are (1% by default): real
    new images are that close only 1% of the time.

    Returns:
        A dict with ``generated_median`` and ``held_out_median`` (median nearest-training
        distances), ``ratio`` (their quotient: about 1 for a generator that makes new
        images, near 0 for one that copies), ``threshold`` (the held-out ``quantile``) and
        ``near_copy_share`` (share of generated images below it; about ``quantile`` when
        nothing is copied).
    """
    if not 0 < quantile < 1:
        raise ValueError(f"quantile must be in (0, 1), e.g. 0.01, got {quantile!r}.")
    generated_distances, _ = nearest_neighbours(generated, train, value_range=value_range)
    held_out_distances, _ = nearest_neighbours(held_out, train, value_range=value_range)
    threshold = float(np.quantile(held_out_distances, quantile))
    generated_median = float(np.median(generated_distances))
    held_out_median = float(np.median(held_out_distances))
    return {"generated_median": generated_median, "held_out_median": held_out_median,
            "ratio": generated_median / max(held_out_median, 1e-12), "threshold": threshold,
            "near_copy_share": float(np.mean(generated_distances < threshold))}
