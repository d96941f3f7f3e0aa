"""Named datasets (MNIST, Fashion-MNIST, CIFAR-10, digits), loaded without surprises.

Where images come from, in order of preference:

1. files a user placed in the data folder (the original MNIST / Fashion-MNIST idx ``.gz``
   files, or CIFAR-10 as ``cifar10/train/<class>/*.png|jpg``);
2. the cache this module writes (``data/<name>.npz``) after a first download, through a
   temporary file and a rename; a corrupt cache is moved aside (``<name>.npz.corrupt``)
   and rebuilt;
3. a download through ``keras.datasets`` (only when ``allow_download=True``);
4. the bundled offline dataset: scikit-learn's 8x8 handwritten digits, resized, with a
   visible notice that says so.

The data folder is ``data/`` in a clone of the course, and this user's data folder
(``user_data_dir``) for an installed ganlib; ``GANLIB_DATA_DIR`` overrides both. Before a
download (or a training) whose result is cached there, ``check_data_folder`` makes sure the
folder can be written and has room, and otherwise says what to do.
Nothing here touches the network at import time.
"""

from __future__ import annotations

import os
import socket
import sys
import textwrap
import warnings
import zipfile
import zlib
from pathlib import Path

import numpy as np

from ganlib import _checks, _files
from ganlib.data.files import load_image_folder, read_idx
from ganlib.data.images import ImageData, resize_images, to_model_range, to_uint8

__all__ = ["DATASETS", "DatasetUnavailableError", "check_data_folder", "default_data_dir",
           "load_dataset", "user_data_dir"]


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


_DOWNLOAD_TIMEOUT_SECONDS = 20


class DatasetUnavailableError(RuntimeError):
    """Raised when a dataset is neither on disk nor downloadable and no fallback is allowed."""


#: How much free space a download needs in the data folder (its cache, written through a
#: temporary file), in MB; a trained feature classifier needs ``_CLASSIFIER_MB``.
_DOWNLOAD_MB = {"mnist": 100, "fashion_mnist": 100, "cifar10": 400}
_CLASSIFIER_MB = 20

_DATA_FOLDER_FIX = (" Fix: free some space there, or set GANLIB_DATA_DIR to a folder you can "
                    "write to (e.g. export GANLIB_DATA_DIR=~/gan-data) and run again.")


def user_data_dir() -> Path:
    """This user's data folder for ganlib: ``~/.local/share/ganlib`` on Linux (or
    ``$XDG_DATA_HOME/ganlib``), ``~/Library/Application Support/ganlib`` on macOS,
    ``%LOCALAPPDATA%\\ganlib`` on Windows."""
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local"
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        xdg = os.environ.get("XDG_DATA_HOME", "")
        base = xdg if os.path.isabs(xdg) else Path.home() / ".local" / "share"
    return Path(base) / "ganlib"


def default_data_dir() -> Path:
    """The data folder: ``$GANLIB_DATA_DIR`` if set; ``data/`` in a clone of the course (a
    ``pyproject.toml`` and ``notebooks/`` beside the package); else ``user_data_dir()``,
    so that an installed ganlib never writes into ``site-packages``."""
    if os.environ.get("GANLIB_DATA_DIR"):
        return Path(os.environ["GANLIB_DATA_DIR"]).expanduser()
    top = Path(__file__).resolve().parents[2]
    if (top / "pyproject.toml").is_file() and (top / "notebooks").is_dir():
        return top / "data"
    return user_data_dir()


def check_data_folder(folder, free_mb: int = _CLASSIFIER_MB) -> Path:
    """``folder`` (created if needed) after checking that it can be written with ``free_mb``
    MB free: call it before a download or a training whose result is cached there. Raises
    an ``OSError`` that names the folder, the reason and the fix (``GANLIB_DATA_DIR``)."""
    return _checks.writable_folder(folder, "the data folder", free_mb=free_mb,
                                   hint=_DATA_FOLDER_FIX)


def _find_idx_pair(folder: Path, split: str):
    images_stem, labels_stem = _IDX_FILES[split]
    for suffix in (".gz", ""):
        images, labels = folder / (images_stem + suffix), folder / (labels_stem + suffix)
        if images.exists() and labels.exists():
            return images, labels
    return None


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


def _check_counts(images, labels, images_from: str, labels_from: str):
    """Raise a ValueError naming both sources unless there is one label per image."""
    if images.ndim not in (3, 4) or labels.ndim != 1:
        raise ValueError(f"{images_from} must hold images (N, height, width[, channels]) and "
                         f"{labels_from} labels (N,); they hold shapes {images.shape} and "
                         f"{labels.shape}.")
    if len(images) != len(labels):
        raise ValueError(f"{images_from} holds {len(images):,} images but {labels_from} holds "
                         f"{len(labels):,} labels; they must come from the same split.")


def _from_user_files(name: str, split: str, data_dir: Path):
    if name in ("mnist", "fashion_mnist"):
        for folder in (data_dir / name, data_dir / name.replace("_", "-")):
            pair = _find_idx_pair(folder, split)
            if pair:
                images, labels = read_idx(pair[0]), read_idx(pair[1])
                try:
                    _check_counts(images, labels, str(pair[0]), str(pair[1]))
                except ValueError as error:
                    raise ValueError(f"{error} Replace both files with the original ones.") \
                        from None
                return images, labels.astype(np.int64), f"idx files in {folder}"
    if name == "cifar10":
        folder = data_dir / "cifar10" / split
        if folder.is_dir() and any(folder.iterdir()):
            loaded = load_image_folder(folder, (32, 32, 3))
            return to_uint8(loaded.images), loaded.labels, f"image files in {folder}"
    return None


def _read_cache(cache: Path, split: str):
    """(images, labels) of ``split`` from the cache, after checking one label per image."""
    with np.load(cache) as arrays:
        images, labels = arrays[f"x_{split}"], arrays[f"y_{split}"]
    _check_counts(images, labels, f"{cache} (x_{split})", f"its y_{split}")
    return images, labels.astype(np.int64)


def _from_cache_or_download(name: str, split: str, data_dir: Path, allow_download: bool):
    """Return (images, labels, source) or (None, reason) when not available.

    A corrupt cache (cut short by a crash, or with a label count that does not match) is
    moved aside to ``<name>.npz.corrupt``, never deleted, and rebuilt.
    """
    cache, corrupt = data_dir / f"{name}.npz", ""
    if cache.exists():
        try:
            return (*_read_cache(cache, split), f"cache {cache}")
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
            moved = _files.move_aside(cache)
            corrupt = f"the cache {cache} was corrupt (moved to {moved.name}), and "
            warnings.warn(f"The dataset cache {cache} is corrupt ({type(exc).__name__}: "
                          f"{str(exc)[:160]}); moved it to {moved} so that it is built again.",
                          stacklevel=3)
    if not allow_download:
        return None, f"{corrupt}downloads are switched off (allow_download=False)"
    check_data_folder(data_dir, _DOWNLOAD_MB[name])  # before the download, not after it
    try:
        arrays = _keras_download(name)
    except Exception as exc:  # keras raises a plain Exception on "URL fetch failure"
        return None, f"{corrupt}the download failed ({type(exc).__name__}: {str(exc)[:160]})"
    with _files.replacing(cache) as temporary:
        np.savez_compressed(temporary, **arrays)
    return arrays[f"x_{split}"], arrays[f"y_{split}"].astype(np.int64), \
        f"keras.datasets download (now cached in {cache})"


def _print_notice(lines):
    lines = [part for line in lines  # paths stay whole: no breaks at their hyphens
             for part in textwrap.wrap(line, 84, break_on_hyphens=False, break_long_words=False)]
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
    _checks.choice(name, "dataset", sorted(DATASETS),
                   hint=" (for your own images use load_image_folder(path))")
    _checks.choice(split, "split", _IDX_FILES)
    if limit is not None and (not isinstance(limit, (int, np.integer)) or limit <= 0):
        raise ValueError(f"limit must be a positive integer or None, got {limit!r}.")
    data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
    target_shape = (_checks.image_shape(image_shape) if image_shape is not None
                    else DATASETS[name]["shape"])

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
                    f"Dataset {name!r} is not available: no files in {data_dir}, no usable "
                    f"cache, and {reason}. Fix: connect to the internet once (it is then cached in "
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
