"""Restoration exercise: the variance of the Laplacian, a sharpness score PSNR does not give.

Known values come from ``ganlib.evaluation.sharpness.laplacian_variance`` and from hand
computation on an image with one bright pixel.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from ganlib.evaluation.sharpness import laplacian_variance as library_laplacian_variance
from ganlib.exercises import compare
from ganlib.exercises.registry import register

__all__ = ["laplacian_variance"]


def laplacian_variance(images):
    """One variance per image of the 3x3 Laplacian of its pixels scaled to [0, 1]."""
    x = (np.asarray(images, dtype=np.float64) + 1.0) / 2.0             # [-1, 1] -> [0, 1]
    laplacian = (x[:, :-2, 1:-1] + x[:, 2:, 1:-1]                      # above + below
                 + x[:, 1:-1, :-2] + x[:, 1:-1, 2:]                    # left + right
                 - 4.0 * x[:, 1:-1, 1:-1])                             # - 4 x the centre
    return laplacian.reshape(len(x), -1).var(axis=1)                   # per image


def _inner(x, kernel):
    """``x`` (N, H, W, C) filtered by a 3x3 ``kernel`` on the pixels with all 8 neighbours."""
    height, width = x.shape[1:3]
    return sum(kernel[i, j] * x[:, i:height - 2 + i, j:width - 2 + j]
               for i in range(3) for j in range(3))


def _zero_padded(x):
    padded = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    return _inner(padded, _FOUR_NEIGHBOURS)


_FOUR_NEIGHBOURS = np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]], np.float64)
_EIGHT_NEIGHBOURS = np.array([[1, 1, 1], [1, -8, 1], [1, 1, 1]], np.float64)


def _per_image(values):
    return values.reshape(len(values), -1)


def _check_laplacian_variance(function):
    rng = np.random.default_rng(15)
    dot = -np.ones((1, 5, 5, 1), np.float32)
    dot[0, 2, 2] = 1.0
    grey = np.clip(rng.normal(0, 0.6, (4, 10, 10, 1)), -1, 1).astype(np.float32)
    colour = rng.uniform(-1, 1, (2, 9, 7, 3)).astype(np.float32)
    cases = [(dot, "an image with one bright pixel on black"),
             (grey, "4 grey 10x10 images (a NumPy array)"),
             (colour, "2 colour 9x7 images (a NumPy array)"),
             (tf.constant(grey), "the grey images given as a tensor")]
    for images, what in cases:
        array = np.asarray(images, np.float64)
        n, on = len(array), f" for {what}"
        got = compare.as_array(compare.call(function, images), "the result")
        if got.size == 1 and n > 1:
            raise compare.Mismatch(
                f"The result{on} is one number; it must be one variance per image, shape "
                f"({n},): take the variance over each image's pixels, not the whole batch.")
        got = got.reshape(-1) if got.size == n else got
        unit = (array + 1.0) / 2.0
        inner = _inner(unit, _FOUR_NEIGHBOURS)
        compare.compare(got, library_laplacian_variance(array), "the result", on=on, wrong=[
            (_per_image(_inner(array, _FOUR_NEIGHBOURS)).var(axis=1),
             "It is 4 times too large: the images are in [-1, 1]; scale them to [0, 1] "
             "first, (images + 1) / 2."),
            (_per_image(inner).std(axis=1),
             "That is the standard deviation; the score is the variance (np.var)."),
            (np.mean(_per_image(inner) ** 2, axis=1),
             "That is the mean square of the Laplacian; the variance subtracts its mean "
             "first (np.var does)."),
            (_per_image(_zero_padded(unit)).var(axis=1),
             "The border was padded with zeros, which adds edges that are not in the image: "
             "use only the inner pixels, whose four neighbours exist."),
            (_per_image(_inner(unit, _EIGHT_NEIGHBOURS)).var(axis=1),
             "That is the 8-neighbour Laplacian; use the 4 neighbours above, below, left "
             "and right: x[i-1, j] + x[i+1, j] + x[i, j-1] + x[i, j+1] - 4 x[i, j]."),
        ], hint="Scale to [0, 1], compute x[i-1, j] + x[i+1, j] + x[i, j-1] + x[i, j+1] "
                "- 4 x[i, j] on the inner pixels, then take np.var over each image.")
    return ("one variance per image of the 4-neighbour Laplacian on the inner pixels, scaled "
            "to [0, 1]: 20/9 for one bright pixel, and ganlib's values on grey and colour "
            "images, as NumPy arrays and as a tensor")


register(laplacian_variance, _check_laplacian_variance, task="""
Write `laplacian_variance(images)`: a sharpness score, the variance of the Laplacian
(Pech-Pacheco et al. 2000). Edges and fine texture give a Laplacian of large values of
both signs, so a large variance; a blurred image gives a small one.

1. Scale the pixels from [-1, 1] to [0, 1]: x = (images + 1) / 2.
2. At every pixel that has its four neighbours (the border rows and columns have not),
   compute the 4-neighbour Laplacian

       L[i, j] = x[i-1, j] + x[i+1, j] + x[i, j-1] + x[i, j+1] - 4 x[i, j]

   (array slices do it without a loop: x[:, :-2, 1:-1] is the pixel above each inner
   pixel, x[:, 1:-1, 1:-1] the inner pixels themselves).
3. Return the variance of L over each image's inner pixels and channels.

Args:
    images: shape (N, H, W, C), values in [-1, 1]; H and W at least 3.
Returns:
    A NumPy array of shape (N,): one variance per image.

NumPy arrays and tensors are both accepted (np.asarray turns a tensor into an array).
""")
