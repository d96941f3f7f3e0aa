"""Image arrays as the course uses them: float32 NHWC in [-1, 1], with labels and a source.

``ImageData`` holds a loaded dataset; ``to_model_range`` and ``to_uint8`` convert between
pixel values and the generator's tanh range; ``check_model_images`` and ``check_labels``
refuse arrays a model cannot use, with a message that names the fix; ``resize_images``
changes size and channels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ganlib import _checks

__all__ = ["ImageData", "check_labels", "check_model_images", "resize_images", "to_model_range",
           "to_uint8"]


@dataclass(frozen=True)
class ImageData:
    """Images in [-1, 1] (float32, NHWC) with their labels and where they came from."""

    images: np.ndarray
    labels: np.ndarray | None
    name: str
    requested: str
    source: str
    class_names: tuple

    @property
    def fell_back(self) -> bool:
        """True when the requested dataset was not available and another one was used."""
        return self.name != self.requested

    def describe(self) -> str:
        """One line for a notebook: which dataset, how many images, what shape, from where."""
        n, h, w, c = self.images.shape
        return f"Dataset: {self.name} ({n:,} images of {h}x{w}x{c}) from {self.source}"


def to_model_range(images, input_range=(0, 255)) -> np.ndarray:
    """Scale images from ``input_range`` to float32 in [-1, 1] (the generator's tanh range).

    Args:
        images: array of pixel values, for example uint8 in [0, 255].
        input_range: (low, high) of the input; ``(0, 255)`` for uint8, ``(0, 1)`` for floats.
    """
    array = np.asarray(images)
    if not (np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)):
        raise TypeError(f"images must be numeric, got dtype {array.dtype}.")
    low, high = (float(v) for v in input_range)
    if not high > low:
        raise ValueError(f"input_range must be (low, high) with high > low, got {input_range}.")
    array = array.astype(np.float32)
    if not np.all(np.isfinite(array)):
        raise ValueError("images contain NaN or Inf values; clean or drop those images first.")
    if array.size and (array.min() < low - 1e-6 or array.max() > high + 1e-6):
        raise ValueError(
            f"images have values in [{array.min():g}, {array.max():g}], outside the declared "
            f"input_range {input_range}. Pass the range your images really use, "
            "e.g. input_range=(0, 1) for floats or (0, 255) for uint8."
        )
    return (array - low) / (high - low) * 2.0 - 1.0


def to_uint8(images) -> np.ndarray:
    """Map model-range images in [-1, 1] back to uint8 in [0, 255] (values are clipped)."""
    array = np.asarray(images, dtype=np.float32)
    return np.clip(np.rint((array + 1.0) * 127.5), 0, 255).astype(np.uint8)


def check_model_images(images, name: str = "images") -> np.ndarray:
    """Return ``images`` as float32 NHWC after checking shape, dtype, finiteness and range.

    Raises a ValueError or TypeError that names the problem and the fix.
    """
    array = np.asarray(images)
    if array.dtype == np.uint8:
        raise TypeError(
            f"{name} are uint8 in [0, 255]; the models expect float32 in [-1, 1]. "
            "Convert them with ganlib.data.to_model_range(images)."
        )
    if not np.issubdtype(array.dtype, np.floating):
        raise TypeError(f"{name} must be a float array in [-1, 1], got dtype {array.dtype}.")
    if array.ndim == 3:
        raise ValueError(
            f"{name} have shape {array.shape}; a channel axis is missing. "
            f"Use images[..., None] to get {array.shape + (1,)}."
        )
    if array.ndim != 4 or array.shape[-1] not in (1, 3):
        raise ValueError(
            f"{name} must have shape (N, height, width, channels) with 1 or 3 channels, "
            f"got {array.shape}."
        )
    if array.shape[0] == 0:
        raise ValueError(f"{name} is empty: there are no images to use.")
    array = array.astype(np.float32, copy=False)
    finite = np.isfinite(array)
    if not finite.all():
        bad = int((~finite.reshape(len(array), -1).all(axis=1)).sum())
        raise ValueError(
            f"{name} contain NaN or Inf in {bad} image(s); remove or repair them first."
        )
    low, high = float(array.min()), float(array.max())
    if low < -1.0 - 1e-5 or high > 1.0 + 1e-5:
        raise ValueError(
            f"{name} have values in [{low:g}, {high:g}] but must lie in [-1, 1]. "
            "Scale them with ganlib.data.to_model_range(images, input_range=(0, 255))."
        )
    return array


def check_labels(labels, num_classes=None, n=None, name: str = "labels") -> np.ndarray:
    """Return class labels as int64 (N,) after checking dtype, shape and range.

    Args:
        labels: one whole-number class index per image, 0 to ``num_classes - 1``.
        num_classes: when given, every label must be below it.
        n: when given, the number of labels expected (one per image).

    Raises a TypeError (floats, strings, booleans) or ValueError (shape, range) that names
    the problem and the fix.
    """
    array = np.asarray(labels)
    if array.dtype == bool or not np.issubdtype(array.dtype, np.integer):
        raise TypeError(
            f"{name} must be whole-number class indices (an integer array), got dtype "
            f"{array.dtype}. Class indices stored as floats: use labels.astype(int)."
        )
    expected = f"({n},)" if n is not None else "(N,)"
    if array.ndim != 1 or (n is not None and len(array) != n):
        hint = " One-hot labels: use labels.argmax(axis=1)." if array.ndim == 2 else ""
        raise ValueError(f"{name} must have shape {expected}, one class index per image, "
                         f"got {array.shape}.{hint}")
    if num_classes is not None and array.size:
        low, high = int(array.min()), int(array.max())
        if low < 0 or high >= num_classes:
            raise ValueError(
                f"{name} must lie in 0..{num_classes - 1} for {num_classes} classes, got "
                f"values from {low} to {high}. Check that the model was built for the "
                "dataset's number of classes."
            )
    return array.astype(np.int64)


def resize_images(images, image_shape) -> np.ndarray:
    """Resize float images (NHWC) to ``image_shape`` = (height, width, channels).

    Grey images are repeated over three channels when colour is asked for; colour images
    are turned to grey by luminance when one channel is asked for.
    """
    import tensorflow as tf

    height, width, channels = _checks.image_shape(image_shape)
    array = np.asarray(images, dtype=np.float32)
    if array.shape[1:3] != (height, width):
        array = tf.image.resize(array, (height, width), method="bilinear", antialias=True).numpy()
    if array.shape[-1] == 1 and channels == 3:
        array = np.repeat(array, 3, axis=-1)
    elif array.shape[-1] == 3 and channels == 1:
        array = (array @ np.array([0.299, 0.587, 0.114], np.float32))[..., None]
    return array
