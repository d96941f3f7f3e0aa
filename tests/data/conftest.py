"""Fixtures of the data tests: writers of idx files and PNGs in a test's own folder."""

import gzip
import struct
from pathlib import Path

import numpy as np
import pytest
from PIL import Image


def _write_raw(path, raw):
    """Write the bytes ``raw`` to ``path``, gzipped when its name ends in .gz."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".gz":
        with gzip.open(path, "wb") as handle:
            handle.write(raw)
    else:
        path.write_bytes(raw)
    return path


def _write_idx(path, array):
    """Write ``array`` (uint8) as an idx file: magic 0x0000_08_<ndim>, big-endian dims, bytes."""
    array = np.asarray(array, np.uint8)
    raw = bytes([0, 0, 8, array.ndim]) + struct.pack(">" + "I" * array.ndim, *array.shape)
    return _write_raw(path, raw + array.tobytes())


def _write_png(path, array):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.asarray(array, np.uint8)).save(path)


def _fake_mnist_split(folder, prefix, n, suffix=".gz", seed=0):
    """Write an images/labels idx pair for ``n`` random 28x28 images; return both arrays."""
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, n, dtype=np.uint8)
    _write_idx(folder / f"{prefix}-images-idx3-ubyte{suffix}", images)
    _write_idx(folder / f"{prefix}-labels-idx1-ubyte{suffix}", labels)
    return images, labels


@pytest.fixture
def write_idx():
    """``write_idx(path, array)``: an idx file (``.gz`` compressed when the name ends so)."""
    return _write_idx


@pytest.fixture
def write_raw():
    """``write_raw(path, raw)``: a file of the bytes ``raw`` (``.gz`` compressed when the name
    ends so), e.g. a hand-made idx header."""
    return _write_raw


@pytest.fixture
def write_png():
    """``write_png(path, array)``: a PNG of a uint8 array, folders made as needed."""
    return _write_png


@pytest.fixture
def fake_mnist_split():
    """``fake_mnist_split(folder, prefix, n)``: random idx images and labels; returns both."""
    return _fake_mnist_split
