"""How sharp is an image? The variance of its Laplacian, alone and next to the truth's.

* ``laplacian_variance``: per image, the variance of the 3x3 Laplacian
  ``x[i-1, j] + x[i+1, j] + x[i, j-1] + x[i, j+1] - 4 x[i, j]`` over the pixels whose four
  neighbours exist (pixels scaled to [0, 1]). Edges and fine texture make it large; a blur
  flattens it (Pech-Pacheco et al. 2000, a classic focus measure);
* ``sharpness_ratio``: the restored images' total Laplacian variance divided by that of the
  true images. 1 means as much fine detail as the truth, below 1 blurrier; noise also has
  a large Laplacian, so far above 1 means noise or invented texture, not better detail.

PSNR and SSIM reward the average of the plausible answers, which is blurry; this score does
not, which is why a restoration table needs both.
"""

from __future__ import annotations

import numpy as np

from ganlib import data

__all__ = ["laplacian_variance", "sharpness_ratio"]


def _laplacian(images):
    """The 3x3 Laplacian of images in [0, 1], on the pixels with four neighbours."""
    return (images[:, :-2, 1:-1] + images[:, 2:, 1:-1]             # above + below
            + images[:, 1:-1, :-2] + images[:, 1:-1, 2:]           # left + right
            - 4.0 * images[:, 1:-1, 1:-1])                         # - 4 x the centre


def laplacian_variance(images) -> np.ndarray:
    """The variance of each image's Laplacian (pixels in [0, 1]; colour: all channels
    together), shape (N,). Higher is sharper; a constant image gives 0."""
    array = data.check_model_images(images)
    if min(array.shape[1:3]) < 3:
        raise ValueError(f"images must be at least 3x3 pixels for a 3x3 Laplacian, got "
                         f"{array.shape[1]}x{array.shape[2]}.")
    unit = (array.astype(np.float64) + 1.0) / 2.0       # [-1, 1] -> [0, 1]
    return _laplacian(unit).reshape(len(unit), -1).var(axis=1)


def sharpness_ratio(predicted, targets) -> float:
    """Sum of ``laplacian_variance(predicted)`` over sum of ``laplacian_variance(targets)``:
    1 is the truth's sharpness, below 1 blurrier, far above 1 noisier."""
    predicted = data.check_model_images(predicted, "predicted")
    targets = data.check_model_images(targets, "targets")
    if predicted.shape != targets.shape:
        raise ValueError(f"predicted {predicted.shape} and targets {targets.shape} must have "
                         "the same shape: one prediction per target.")
    truth = laplacian_variance(targets)
    if truth.sum() <= 0:
        raise ValueError("targets are flat (their Laplacian is 0 everywhere), so no ratio "
                         "can be taken; compare against images with some detail.")
    return float(laplacian_variance(predicted).sum() / truth.sum())
