"""Image files on disk: the idx format of MNIST and Fashion-MNIST, and folders of images.

One reader of image files serves every folder loader (here and in ``ganlib.data.pairs``):
16-bit, 32-bit and floating-point images are scaled to 0..255 by the range their values
can take, and files larger than ``MAX_IMAGE_PIXELS`` are refused before they are decoded.
"""

from __future__ import annotations

import gzip
import math
import struct
import warnings
import zlib
from pathlib import Path

import numpy as np

from ganlib import _checks
from ganlib.data.images import ImageData, to_model_range

__all__ = ["IMAGE_SUFFIXES", "MAX_IDX_VALUES", "MAX_IMAGE_PIXELS", "load_image_folder",
           "read_idx"]


#: File name endings read as images.
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff"}

#: The most pixels an image file may have: 4096 x 4096. Larger files (and PIL's
#: decompression bombs) are skipped with a warning before they are decoded.
MAX_IMAGE_PIXELS = 4096 * 4096

#: The most values an idx file may promise: 100 million (MNIST's train images hold 47
#: million). The header is checked against it before anything is decompressed.
MAX_IDX_VALUES = 100_000_000

#: PIL modes of one-channel files; every other mode is read as colour (RGB).
_GREY_MODES = ("1", "L", "LA", "La", "I", "I;16", "I;16L", "I;16B", "I;16N", "F")


# --------------------------------------------------------------------------- idx files
def read_idx(path, max_values: int = MAX_IDX_VALUES) -> np.ndarray:
    """Read an idx file (the original MNIST format), gzipped or not, into a numpy array.

    The header (magic number, then one big-endian size per axis) is checked first: a file
    promising more than ``max_values`` values is refused before its body is decompressed,
    and the body must hold exactly the promised number of bytes.
    """
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as handle:
            magic = handle.read(4)
            if len(magic) < 4 or magic[:3] != b"\x00\x00\x08":
                raise ValueError(f"{path} is not an unsigned-byte idx file (bad magic number); "
                                 "download it again.")
            ndim = magic[3]
            header = handle.read(4 * ndim)
            if len(header) < 4 * ndim:
                raise ValueError(f"{path} is truncated: it ends inside its header; download "
                                 "it again.")
            dims = struct.unpack(">" + "I" * ndim, header)
            expected = math.prod(dims)  # Python ints: no overflow however large the sizes
            if expected > max_values:
                raise ValueError(
                    f"{path} is corrupt or not an image file of the course: its header "
                    f"promises {expected:,} values for shape {dims}, more than the limit of "
                    f"{max_values:,}. Download it again."
                )
            body = handle.read(expected)
            extra = handle.read(1)
    except (OSError, EOFError, zlib.error) as exc:
        raise ValueError(f"{path} could not be read as an idx file ({exc}); "
                         "download it again.") from exc
    if len(body) != expected or extra:
        held = f"{len(body):,}" if not extra else f"more than {expected:,}"
        raise ValueError(
            f"{path} is truncated or corrupt: the header promises {expected:,} values "
            f"for shape {dims}, the file holds {held}. Download it again."
        )
    return np.frombuffer(body, dtype=np.uint8).reshape(dims)


# --------------------------------------------------------------------------- image files
def _readable(name: str) -> str:
    """``name`` (a file or folder name) safe to print and plot: bytes that are not UTF-8
    (kept by Python as lone surrogates) are shown as ``\\xNN``."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _pixels(image) -> np.ndarray | None:
    """The pixels of an opened PIL image as uint8: (H, W, 1) for grey modes, else (H, W, 3).

    16-bit values are scaled from 0..65535; 32-bit integers and floats from 0..1 when they
    lie there, else from their own lowest to highest value. None if a value is NaN or Inf.
    """
    if image.mode not in _GREY_MODES:
        return np.asarray(image.convert("RGB"), np.uint8)
    if image.mode not in ("I", "F") and not image.mode.startswith("I;16"):
        return np.asarray(image.convert("L"), np.uint8)[..., None]
    values = np.asarray(image)
    if values.dtype.itemsize == 2:                        # 16-bit: I;16, I;16B...
        low, high = 0.0, 65535.0
    else:                                                   # 32-bit integer (I), float (F)
        if not np.all(np.isfinite(values)):
            return None
        low, high = float(values.min()), float(values.max())
        if low >= 0.0 and high <= 1.0:
            low, high = 0.0, 1.0
    scaled = (values.astype(np.float64) - low) / max(high - low, 1e-12) * 255.0
    return np.rint(scaled).astype(np.uint8)[..., None]


def _read_image(path: Path):
    """(uint8 (H, W, 1 or 3), None) for a usable image file, else (None, the reason).

    The size is checked from the header, before the pixels are decoded: files with more
    than ``MAX_IMAGE_PIXELS`` pixels and PIL's decompression bombs are refused.
    """
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                if image.width * image.height > MAX_IMAGE_PIXELS:
                    return None, (f"too large: {image.width} x {image.height} pixels, more "
                                  f"than the limit of {MAX_IMAGE_PIXELS:,} (ganlib.data.files."
                                  "MAX_IMAGE_PIXELS); shrink it first")
                array = _pixels(image)
        return (array, None) if array is not None else (None, "it holds NaN or Inf values")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        return None, f"too large, a possible decompression bomb ({error})"
    except (UnidentifiedImageError, OSError, ValueError) as error:
        return None, f"unreadable ({type(error).__name__})"


def _resize_uint8(array, height, width):
    """uint8 (H, W, C) resized to (height, width, C) with PIL's bilinear filter."""
    from PIL import Image

    if array.shape[:2] == (height, width):
        return array
    picture = Image.fromarray(array[..., 0] if array.shape[-1] == 1 else array)
    resized = np.asarray(picture.resize((width, height), Image.BILINEAR), np.uint8)
    return resized.reshape(height, width, array.shape[-1])


def _warn_skipped(skipped, folder: Path, usable):
    """Warn about the (path, reason) pairs of ``skipped``; raise if nothing was ``usable``."""
    if not skipped:
        return
    listed = "; ".join(f"{_readable(p.relative_to(folder).as_posix())}: {why}"
                       for p, why in skipped[:10])
    more = f"; and {len(skipped) - 10} more" if len(skipped) > 10 else ""
    message = f"Skipped {len(skipped)} file(s) in {_readable(str(folder))}: {listed}{more}."
    if not usable:
        raise ValueError(f"No usable image left in {_readable(str(folder))}. {message}")
    warnings.warn(message, stacklevel=3)


def _to_channels(array, channels):
    """uint8 (H, W, 1 or 3) as ``channels`` channels: grey repeated, colour by luminance."""
    from PIL import Image

    if array.shape[-1] == channels:
        return array
    if channels == 3:
        return np.repeat(array, 3, axis=-1)
    return np.asarray(Image.fromarray(array).convert("L"), np.uint8)[..., None]


def load_image_folder(folder, image_shape=(28, 28, 1), labels_from_subfolders=True) -> ImageData:
    """Load every image file under ``folder``, resized to ``image_shape``, scaled to [-1, 1].

    Images in sub-folders get the sub-folder's index (sorted by name) as label. Deep images
    are scaled by their range (16-bit from 0..65535). Unreadable files and files of more
    than ``MAX_IMAGE_PIXELS`` pixels are skipped with a warning that names them; an error
    is raised if none is usable. Folder names that are not valid UTF-8 become class names
    with the undecodable bytes shown as ``\\xNN``, and a warning says so.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"Image folder {_readable(str(folder))} does not exist; "
                                "check the path.")
    height, width, channels = _checks.image_shape(image_shape)
    files = sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))
    candidates = [p for p in files if p.suffix.lower() in IMAGE_SUFFIXES]
    if not candidates:
        raise ValueError(
            f"Image folder {_readable(str(folder))} holds no image files (looked for "
            f"{', '.join(sorted(IMAGE_SUFFIXES))}); put your images there first."
        )
    classes = sorted({p.parent.relative_to(folder).as_posix() for p in candidates})
    images, labels, skipped = [], [], []
    for path in candidates:
        array, problem = _read_image(path)
        if problem is not None:
            skipped.append((path, problem))
            continue
        images.append(_resize_uint8(_to_channels(array, channels), height, width))
        labels.append(classes.index(path.parent.relative_to(folder).as_posix()))
    _warn_skipped(skipped, folder, images)
    use_labels = labels_from_subfolders and len(classes) > 1
    class_names = tuple(_readable(name) for name in classes) if use_labels else ()
    renamed = [_readable(name) for name in (*(classes if use_labels else ()), folder.name)
               if _readable(name) != name]
    if renamed:
        warnings.warn(f"Folder name(s) in {_readable(str(folder))} are not valid UTF-8; their "
                      f"undecodable bytes were replaced by \\xNN: {', '.join(renamed)}. "
                      "Rename the folders to UTF-8 names for readable class names.",
                      stacklevel=2)
    return ImageData(
        images=to_model_range(np.stack(images)),
        labels=np.asarray(labels, np.int64) if use_labels else None,
        name=f"folder:{_readable(folder.name)}",
        requested=f"folder:{_readable(folder.name)}",
        source=f"image folder {_readable(str(folder))}",
        class_names=class_names,
    )
