"""Data: images in [-1, 1] from named datasets, files or folders, and the tf.data feed.

Modules, in the order a learner meets them:

- ``datasets``: ``load_dataset("fashion_mnist")`` (MNIST, Fashion-MNIST, CIFAR-10 or the
  bundled digits; offline it falls back to the digits and says so), ``DATASETS``, and
  where they are cached (``default_data_dir``: ``data/`` in a clone, else
  ``user_data_dir()``; ``GANLIB_DATA_DIR`` overrides both);
- ``images``: ``ImageData`` and the checks and conversions of image arrays
  (``to_model_range``, ``to_uint8``, ``check_model_images``, ``check_labels``,
  ``resize_images``);
- ``files``: ``read_idx`` and ``load_image_folder`` for your own images, with their size
  limits ``MAX_IDX_VALUES`` and ``MAX_IMAGE_PIXELS``;
- ``pipeline``: ``make_dataset``, the shuffled, repeating batches training reads;
- ``toy``: 2-D points (rings and grids of Gaussians) and the mode metrics of the playground
  (``from ganlib.data import toy``);
- ``pairs``: paired and unpaired images for translation (``from ganlib.data import pairs``);
- ``damage``: noise, a missing square and lost resolution, done on purpose for restoration
  (``from ganlib.data import damage``).

The names of the first four modules are available here: ``data.load_dataset(...)``.
"""

from ganlib.data.datasets import (
    DATASETS,
    DatasetUnavailableError,
    check_data_folder,
    default_data_dir,
    load_dataset,
    user_data_dir,
)
from ganlib.data.files import (
    IMAGE_SUFFIXES,
    MAX_IDX_VALUES,
    MAX_IMAGE_PIXELS,
    load_image_folder,
    read_idx,
)
from ganlib.data.images import (
    ImageData,
    check_labels,
    check_model_images,
    resize_images,
    to_model_range,
    to_uint8,
)
from ganlib.data.pipeline import make_dataset

__all__ = [
    "DATASETS",
    "DatasetUnavailableError",
    "IMAGE_SUFFIXES",
    "ImageData",
    "MAX_IDX_VALUES",
    "MAX_IMAGE_PIXELS",
    "check_data_folder",
    "check_labels",
    "check_model_images",
    "default_data_dir",
    "load_dataset",
    "load_image_folder",
    "make_dataset",
    "read_idx",
    "resize_images",
    "to_model_range",
    "to_uint8",
    "user_data_dir",
]
