"""Image files on disk: the idx format of MNIST and Fashion-MNIST, and folders of images."""

from __future__ import annotations

import gzip
import struct
import warnings
from pathlib import Path

import numpy as np

from ganlib.data.images import ImageData, to_model_range

__all__ = ["IMAGE_SUFFIXES", "load_image_folder", "read_idx"]


#: File name endings read as images.
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff"}


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
    candidates = [p for p in files if p.suffix.lower() in IMAGE_SUFFIXES]
    if not candidates:
        raise ValueError(
            f"Image folder {folder} holds no image files (looked for "
            f"{', '.join(sorted(IMAGE_SUFFIXES))}); put your images there first."
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
