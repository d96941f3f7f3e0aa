"""Damage done to images on purpose, for restoration: noise, a missing square, lost resolution.

* ``add_noise``: Gaussian noise of standard deviation ``sigma`` (on pixels in [0, 1]);
* ``mask_square``: a square of ``size`` x ``size`` pixels at a random place in each image,
  filled with one grey level, and the mask that says where it is;
* ``downsample`` and ``low_resolution``: each block of ``factor`` x ``factor`` pixels
  averaged into one (area average), and that small image enlarged back (bilinear), so the
  damaged image has the size of the original.

Every function takes model images (float32 NHWC in [-1, 1]) and returns model images; the
random ones take a ``seed``, so the same call damages the same pixels.
"""

from __future__ import annotations

import numpy as np

from ganlib import _checks
from ganlib.data.images import check_model_images

__all__ = ["add_noise", "allowed_factors", "downsample", "low_resolution", "mask_square"]


def add_noise(images, sigma, seed=0) -> np.ndarray:
    """``images`` plus Gaussian noise, clipped back to [-1, 1].

    ``sigma`` is the noise's standard deviation on pixels in [0, 1] (0.2 = a fifth of the
    way from black to white), so it is ``2 * sigma`` on the model's [-1, 1] scale.
    """
    array = check_model_images(images)
    sigma = _checks.number(sigma, "sigma", minimum=0, maximum=1,
                           hint=" (on pixels in [0, 1]; 0.2 is strong noise)")
    seed = _checks.whole_number(seed, "seed", minimum=0)
    noise = np.random.default_rng(seed).standard_normal(array.shape).astype(np.float32)
    return np.clip(array + 2.0 * sigma * noise, -1.0, 1.0).astype(np.float32)


def mask_square(images, size, seed=0, fill=0.0) -> tuple[np.ndarray, np.ndarray]:
    """Blank out one ``size`` x ``size`` square per image, at a random place inside it.

    Returns ``(damaged, masks)``: the images with the square set to ``fill`` (0, mid grey,
    by default: a value that stands out on dark and light backgrounds alike), and masks of
    shape (N, H, W, 1) that are 1 on the missing pixels and 0 elsewhere.
    """
    array = check_model_images(images)
    height, width = array.shape[1:3]
    size = _checks.whole_number(size, "size", minimum=1, maximum=min(height, width),
                                hint=f" (the square must fit in the {height}x{width} images)")
    fill = _checks.number(fill, "fill", minimum=-1, maximum=1)
    seed = _checks.whole_number(seed, "seed", minimum=0)
    rng = np.random.default_rng(seed)
    tops = rng.integers(0, height - size + 1, len(array))
    lefts = rng.integers(0, width - size + 1, len(array))
    masks = np.zeros(array.shape[:3] + (1,), np.float32)
    for mask, top, left in zip(masks, tops, lefts, strict=True):
        mask[top:top + size, left:left + size] = 1.0
    damaged = np.where(masks > 0, np.float32(fill), array)
    return damaged.astype(np.float32), masks


def allowed_factors(height: int, width: int) -> list[int]:
    """The resolution factors an image of ``height`` x ``width`` allows: every whole
    number >= 2 that divides both sides (28x28: 2, 4, 7, 14, 28)."""
    return [f for f in range(2, min(height, width) + 1) if height % f == 0 and width % f == 0]


def _check_factor(factor, shape) -> int:
    height, width = shape
    allowed = allowed_factors(height, width)
    if isinstance(factor, bool) or not isinstance(factor, int | np.integer) \
            or factor not in allowed:
        _checks.refuse("factor", factor, f"a whole number that divides the image size "
                                         f"{height}x{width}: one of {allowed}")
    return int(factor)


def downsample(images, factor) -> np.ndarray:
    """Each ``factor`` x ``factor`` block of pixels averaged into one: (N, H/f, W/f, C)."""
    array = check_model_images(images)
    factor = _check_factor(factor, array.shape[1:3])
    n, height, width, channels = array.shape
    blocks = array.reshape(n, height // factor, factor, width // factor, factor, channels)
    return blocks.mean(axis=(2, 4)).astype(np.float32)


def low_resolution(images, factor) -> np.ndarray:
    """``images`` shrunk ``factor`` times (``downsample``) and enlarged back (bilinear):
    the detail is gone, the size is the original's."""
    import tensorflow as tf

    array = check_model_images(images)
    small = downsample(array, factor)
    enlarged = tf.image.resize(small, array.shape[1:3], method="bilinear").numpy()
    return np.clip(enlarged, -1.0, 1.0).astype(np.float32)
