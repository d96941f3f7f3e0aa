"""The ``tf.data`` pipeline that feeds training: shuffle, repeat, batch, prefetch."""

from __future__ import annotations

from ganlib import _checks
from ganlib.data.images import check_labels, check_model_images

__all__ = ["make_dataset"]


def make_dataset(images, batch_size: int, *, labels=None, shuffle: bool = True,
                 repeat: bool = True, seed: int = 0, num_classes=None):
    """A ``tf.data`` pipeline over images in [-1, 1]: shuffle, repeat, batch, prefetch.

    Batches always have exactly ``batch_size`` images (the remainder is dropped), which
    keeps the training step's shapes fixed. With ``labels`` (whole-number class indices,
    checked by ``check_labels``, below ``num_classes`` when given) each element is
    (images, labels), the batches a conditional GAN trains on.
    """
    import tensorflow as tf

    batch_size = _checks.whole_number(batch_size, "batch_size")
    array = check_model_images(images)
    if not repeat and batch_size > len(array):
        raise ValueError(f"batch_size {batch_size} is larger than the {len(array)} images; "
                         "use a smaller batch or repeat=True.")
    tensors = array
    if labels is not None:
        tensors = (array, check_labels(labels, num_classes, n=len(array)))
    dataset = tf.data.Dataset.from_tensor_slices(tensors)
    if shuffle:
        dataset = dataset.shuffle(min(len(array), 60_000), seed=seed,
                                  reshuffle_each_iteration=True)
    if repeat:
        dataset = dataset.repeat()
    return dataset.batch(int(batch_size), drop_remainder=True).prefetch(tf.data.AUTOTUNE)
