"""Image datasets for the course: load, check, scale to [-1, 1], and feed with tf.data.

Where images come from, in order of preference:

1. files a user placed in the data folder (the original MNIST / Fashion-MNIST idx ``.gz``
   files, or CIFAR-10 as ``cifar10/train/<class>/*.png|jpg``);
2. the cache this module writes (``data/<name>.npz``) after a first download;
3. a download through ``keras.datasets`` (only when ``allow_download=True``);
4. the bundled offline dataset: scikit-learn's 8x8 handwritten digits, resized, with a
   visible notice that says so.

Nothing here touches the network at import time.

Used in: every notebook that trains on images.
"""

from __future__ import annotations

import gzip
import os
import socket
import struct
import textwrap
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = [
    "DATASETS",
    "DatasetUnavailableError",
    "ImageData",
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
]

FASHION_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)
CIFAR10_CLASSES = (
    "airplane", "automobile", "bird", "cat", "deer",
    "dog", "frog", "horse", "ship", "truck",
)
DIGIT_CLASSES = tuple(str(d) for d in range(10))

#: Every dataset name ``load_dataset`` accepts, with its native image shape.
DATASETS = {
    "mnist": {"shape": (28, 28, 1), "classes": DIGIT_CLASSES},
    "fashion_mnist": {"shape": (28, 28, 1), "classes": FASHION_CLASSES},
    "cifar10": {"shape": (32, 32, 3), "classes": CIFAR10_CLASSES},
    "digits": {"shape": (28, 28, 1), "classes": DIGIT_CLASSES},
}

_IDX_FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
_IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff"}
_DOWNLOAD_TIMEOUT_SECONDS = 20


class DatasetUnavailableError(RuntimeError):
    """Raised when a dataset is neither on disk nor downloadable and no fallback is allowed."""


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


def default_data_dir() -> Path:
    """The data folder: ``$GANLIB_DATA_DIR`` if set, else ``data/`` at the project's top."""
    if os.environ.get("GANLIB_DATA_DIR"):
        return Path(os.environ["GANLIB_DATA_DIR"])
    return Path(__file__).resolve().parent.parent / "data"


# --------------------------------------------------------------------------- scaling


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

    height, width, channels = (int(v) for v in image_shape)
    if channels not in (1, 3):
        raise ValueError(f"image_shape must end in 1 or 3 channels, got {image_shape}.")
    array = np.asarray(images, dtype=np.float32)
    if array.shape[1:3] != (height, width):
        array = tf.image.resize(array, (height, width), method="bilinear", antialias=True).numpy()
    if array.shape[-1] == 1 and channels == 3:
        array = np.repeat(array, 3, axis=-1)
    elif array.shape[-1] == 3 and channels == 1:
        array = (array @ np.array([0.299, 0.587, 0.114], np.float32))[..., None]
    return array


# --------------------------------------------------------------------------- file readers


def read_idx(path) -> np.ndarray:
    """Read an idx file (the original MNIST format), gzipped or not, into a numpy array."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as handle:
            raw = handle.read()
    except (OSError, EOFError) as exc:
        raise ValueError(f"{path} could not be read as an idx file ({exc}); "
                         "download it again.") from exc
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        raise ValueError(f"{path} is not an unsigned-byte idx file (bad magic number); "
                         "download it again.")
    ndim = raw[3]
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(f"{path} is truncated: it ends inside its header; download it again.")
    dims = struct.unpack(">" + "I" * ndim, raw[4:header])
    expected = int(np.prod(dims))
    if len(raw) - header != expected:
        raise ValueError(
            f"{path} is truncated or corrupt: the header promises {expected:,} values "
            f"for shape {dims}, the file holds {len(raw) - header:,}. Download it again."
        )
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(dims)


def _find_idx_pair(folder: Path, split: str):
    images_stem, labels_stem = _IDX_FILES[split]
    for suffix in (".gz", ""):
        images, labels = folder / (images_stem + suffix), folder / (labels_stem + suffix)
        if images.exists() and labels.exists():
            return images, labels
    return None


def _open_image(path: Path, image_shape):
    from PIL import Image, UnidentifiedImageError

    height, width, channels = image_shape
    try:
        with Image.open(path) as image:
            image = image.convert("L" if channels == 1 else "RGB")
            if image.size != (width, height):
                image = image.resize((width, height), Image.BILINEAR)
            array = np.asarray(image, dtype=np.uint8)
    except (UnidentifiedImageError, OSError, ValueError):
        return None
    return array.reshape(height, width, channels)


def load_image_folder(folder, image_shape=(28, 28, 1), labels_from_subfolders=True) -> ImageData:
    """Load every image file under ``folder``, resized to ``image_shape``, scaled to [-1, 1].

    Images in sub-folders get the sub-folder's index (sorted by name) as label. Unreadable
    files are skipped with a warning that names them; an error is raised if none is usable.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"Image folder {folder} does not exist; check the path.")
    if len(image_shape) != 3 or image_shape[-1] not in (1, 3) or min(image_shape) <= 0:
        raise ValueError(f"image_shape must be (height, width, 1 or 3), got {image_shape}.")
    files = sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))
    candidates = [p for p in files if p.suffix.lower() in _IMAGE_SUFFIXES]
    if not candidates:
        raise ValueError(
            f"Image folder {folder} holds no image files (looked for "
            f"{', '.join(sorted(_IMAGE_SUFFIXES))}); put your images there first."
        )
    class_names = sorted({p.parent.relative_to(folder).as_posix() for p in candidates})
    images, labels, unreadable = [], [], []
    for path in candidates:
        array = _open_image(path, tuple(image_shape))
        if array is None:
            unreadable.append(path)
            continue
        images.append(array)
        labels.append(class_names.index(path.parent.relative_to(folder).as_posix()))
    if unreadable:
        names = ", ".join(str(p.relative_to(folder)) for p in unreadable[:10])
        more = f" and {len(unreadable) - 10} more" if len(unreadable) > 10 else ""
        warnings.warn(f"Skipped {len(unreadable)} unreadable image file(s) in {folder}: "
                      f"{names}{more}.", stacklevel=2)
    if not images:
        raise ValueError(f"None of the {len(candidates)} image files in {folder} could be "
                         "read; they may be corrupt or in an unsupported format.")
    use_labels = labels_from_subfolders and len(class_names) > 1
    return ImageData(
        images=to_model_range(np.stack(images)),
        labels=np.asarray(labels, np.int64) if use_labels else None,
        name=f"folder:{folder.name}",
        requested=f"folder:{folder.name}",
        source=f"image folder {folder}",
        class_names=tuple(class_names) if use_labels else (),
    )


# --------------------------------------------------------------------------- named datasets


def _bundled_digits(split: str):
    """scikit-learn's 8x8 digits (1,797 images), split 1,500 train / 297 test, as uint8."""
    from sklearn.datasets import load_digits

    bunch = load_digits()
    images = np.rint(bunch.images * (255.0 / 16.0)).astype(np.uint8)[..., None]
    labels = bunch.target.astype(np.int64)
    part = slice(0, 1500) if split == "train" else slice(1500, None)
    return images[part], labels[part]


def _keras_download(name: str):
    import keras

    loader = {"mnist": keras.datasets.mnist, "fashion_mnist": keras.datasets.fashion_mnist,
              "cifar10": keras.datasets.cifar10}[name]
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(_DOWNLOAD_TIMEOUT_SECONDS)
    try:
        (x_train, y_train), (x_test, y_test) = loader.load_data()
    finally:
        socket.setdefaulttimeout(previous)
    return {"x_train": x_train, "y_train": y_train.reshape(-1),
            "x_test": x_test, "y_test": y_test.reshape(-1)}


def _from_user_files(name: str, split: str, data_dir: Path):
    if name in ("mnist", "fashion_mnist"):
        for folder in (data_dir / name, data_dir / name.replace("_", "-")):
            pair = _find_idx_pair(folder, split)
            if pair:
                return read_idx(pair[0]), read_idx(pair[1]).astype(np.int64), \
                    f"idx files in {folder}"
    if name == "cifar10":
        folder = data_dir / "cifar10" / split
        if folder.is_dir() and any(folder.iterdir()):
            loaded = load_image_folder(folder, (32, 32, 3))
            return to_uint8(loaded.images), loaded.labels, f"image files in {folder}"
    return None


def _from_cache_or_download(name: str, split: str, data_dir: Path, allow_download: bool):
    """Return (images, labels, source) or (None, reason) when not available."""
    cache = data_dir / f"{name}.npz"
    if cache.exists():
        try:
            with np.load(cache) as arrays:
                return arrays[f"x_{split}"], arrays[f"y_{split}"].astype(np.int64), \
                    f"cache {cache}"
        except (OSError, ValueError, KeyError) as exc:
            warnings.warn(f"Ignoring unreadable cache {cache} ({exc}); delete it to rebuild.",
                          stacklevel=3)
    if not allow_download:
        return None, "downloads are switched off (allow_download=False)"
    try:
        arrays = _keras_download(name)
    except Exception as exc:  # keras raises a plain Exception on "URL fetch failure"
        return None, f"the download failed ({type(exc).__name__}: {str(exc)[:160]})"
    data_dir.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(cache, **arrays)
    return arrays[f"x_{split}"], arrays[f"y_{split}"].astype(np.int64), \
        f"keras.datasets download (now cached in {cache})"


def _print_notice(lines):
    lines = [part for line in lines for part in textwrap.wrap(line, 84)]
    width = max(len(line) for line in lines) + 4
    print("!" * width)
    for line in lines:
        print(f"! {line.ljust(width - 4)} !")
    print("!" * width, flush=True)


def load_dataset(name: str, *, split: str = "train", image_shape=None, data_dir=None,
                 allow_download: bool = True, fallback: bool = True, limit: int | None = None,
                 verbose: bool = True) -> ImageData:
    """Load a named dataset as images in [-1, 1], printing which dataset it used.

    Args:
        name: one of ``DATASETS``: "mnist", "fashion_mnist", "cifar10" or "digits".
        split: "train" or "test".
        image_shape: (height, width, channels) to resize to; default: the dataset's own.
        data_dir: folder for user files and the cache; default ``default_data_dir()``.
        allow_download: try ``keras.datasets`` when nothing is on disk.
        fallback: when the dataset cannot be had, use the bundled digits (with a notice)
            instead of raising ``DatasetUnavailableError``.
        limit: keep only the first ``limit`` images.
        verbose: print the one-line description (and any fallback notice).
    """
    if not isinstance(name, str) or name not in DATASETS:
        raise ValueError(f"Unknown dataset {name!r}; choose one of {sorted(DATASETS)} "
                         "or use load_image_folder(path) for your own images.")
    if split not in _IDX_FILES:
        raise ValueError(f"split must be 'train' or 'test', got {split!r}.")
    if limit is not None and (not isinstance(limit, (int, np.integer)) or limit <= 0):
        raise ValueError(f"limit must be a positive integer or None, got {limit!r}.")
    data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
    target_shape = tuple(image_shape) if image_shape is not None else DATASETS[name]["shape"]

    used, reason = name, None
    if name == "digits":
        images, labels = _bundled_digits(split)
        source = "scikit-learn's bundled 8x8 digits (offline, resized)"
    else:
        found = _from_user_files(name, split, data_dir)
        if found is None:
            found = _from_cache_or_download(name, split, data_dir, allow_download)
        if found[0] is None:
            reason = found[1]
            if not fallback:
                raise DatasetUnavailableError(
                    f"Dataset {name!r} is not available: no files in {data_dir}, no cache, "
                    f"and {reason}. Fix: connect to the internet once (it is then cached in "
                    f"{data_dir}), place the original files in {data_dir / name}, or use "
                    "name='digits', which ships with the course."
                )
            used = "digits"
            images, labels = _bundled_digits(split)
            source = f"scikit-learn's bundled 8x8 digits (offline fallback for {name})"
        else:
            images, labels, source = found
    if images.ndim == 3:
        images = images[..., None]
    if limit is not None:
        images, labels = images[:limit], labels[:limit]
    data = ImageData(
        images=resize_images(to_model_range(images), target_shape),
        labels=np.asarray(labels, np.int64),
        name=used,
        requested=name,
        source=source,
        class_names=DATASETS[used]["classes"],
    )
    if verbose:
        if data.fell_back:
            _print_notice([
                f"NOTICE: {name} is not available ({reason}).",
                f"Using the bundled offline dataset instead: {len(images):,} small "
                "handwritten digits,",
                f"resized to {target_shape}. Results will look different from {name}.",
                f"To use {name}: connect to the internet once, or put its files in "
                f"{data_dir / name}.",
            ])
        print(data.describe(), flush=True)
    return data


# --------------------------------------------------------------------------- tf.data


def make_dataset(images, batch_size: int, *, labels=None, shuffle: bool = True,
                 repeat: bool = True, seed: int = 0, num_classes=None):
    """A ``tf.data`` pipeline over images in [-1, 1]: shuffle, repeat, batch, prefetch.

    Batches always have exactly ``batch_size`` images (the remainder is dropped), which
    keeps the training step's shapes fixed. With ``labels`` (whole-number class indices,
    checked by ``check_labels``, below ``num_classes`` when given) each element is
    (images, labels), the batches a conditional GAN trains on.
    """
    import tensorflow as tf

    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) \
            or batch_size <= 0:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}.")
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
