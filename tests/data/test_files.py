"""Tests of ganlib.data.files: idx files and folders of images."""


import gzip

import numpy as np
import pytest

from ganlib import data


# --------------------------------------------------------------------------- idx files
@pytest.mark.parametrize("suffix", [".gz", ""])
def test_read_idx_reads_a_hand_written_file(tmp_path, suffix, write_idx):
    expected = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    path = write_idx(tmp_path / f"images-idx3-ubyte{suffix}", expected)
    array = data.read_idx(path)
    assert array.dtype == np.uint8
    np.testing.assert_array_equal(array, expected)


def test_read_idx_reads_the_bytes_in_the_documented_layout(tmp_path):
    # magic 0x00000801 (unsigned bytes, 1 dimension), size 3, then the values 7, 8, 9.
    path = tmp_path / "labels-idx1-ubyte"
    path.write_bytes(bytes([0, 0, 8, 1, 0, 0, 0, 3, 7, 8, 9]))
    np.testing.assert_array_equal(data.read_idx(path), [7, 8, 9])


@pytest.mark.parametrize("raw, match", [
    (bytes([0, 0, 8, 1, 0, 0, 0, 5, 1, 2, 3]), "truncated"),      # body shorter than header
    (bytes([0, 0, 8, 3, 0, 0]), "truncated"),                     # ends inside the header
    (bytes([0, 0, 8, 1, 0, 0, 0, 2, 1, 2, 3]), "corrupt"),        # body longer than header
    (bytes([1, 2, 3, 4, 0, 0, 0, 1, 9]), "bad magic"),
    (b"", "bad magic"),
])
@pytest.mark.parametrize("suffix", [".gz", ""])
def test_read_idx_refuses_broken_files_naming_them(tmp_path, raw, match, suffix):
    path = tmp_path / f"broken-idx1-ubyte{suffix}"
    if suffix:
        with gzip.open(path, "wb") as handle:
            handle.write(raw)
    else:
        path.write_bytes(raw)
    with pytest.raises(ValueError, match=match) as excinfo:
        data.read_idx(path)
    assert str(path) in str(excinfo.value)


def test_read_idx_refuses_a_gz_file_that_is_not_gzip(tmp_path):
    path = tmp_path / "train-images-idx3-ubyte.gz"
    path.write_bytes(b"<html>not found</html>")
    with pytest.raises(ValueError, match="could not be read") as excinfo:
        data.read_idx(path)
    assert str(path) in str(excinfo.value)


def test_read_idx_refuses_a_truncated_gzip_stream(tmp_path, write_idx):
    path = write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", np.ones((4, 28, 28), np.uint8))
    path.write_bytes(path.read_bytes()[:30])
    with pytest.raises(ValueError, match="could not be read") as excinfo:
        data.read_idx(path)
    assert str(path) in str(excinfo.value)


# --------------------------------------------------------------------------- image folders
@pytest.fixture
def pet_folder(tmp_path, write_png):
    """cats/ holds two black 28x28 PNGs, dogs/ one white 10x10 PNG (resized on load)."""
    folder = tmp_path / "pets"
    write_png(folder / "cats" / "c1.png", np.zeros((28, 28), np.uint8))
    write_png(folder / "cats" / "c2.png", np.zeros((28, 28), np.uint8))
    write_png(folder / "dogs" / "d1.png", np.full((10, 10), 255, np.uint8))
    return folder


def test_load_image_folder_reads_pngs_with_labels_from_subfolders(pet_folder):
    loaded = data.load_image_folder(pet_folder)
    assert loaded.images.shape == (3, 28, 28, 1)
    np.testing.assert_array_equal(loaded.labels, [0, 0, 1])
    assert loaded.class_names == ("cats", "dogs")
    np.testing.assert_allclose(loaded.images[:2], -1.0)
    np.testing.assert_allclose(loaded.images[2], 1.0)
    assert loaded.name == "folder:pets"
    assert str(pet_folder) in loaded.source


def test_load_image_folder_converts_grey_to_rgb(pet_folder):
    loaded = data.load_image_folder(pet_folder, image_shape=(32, 32, 3))
    assert loaded.images.shape == (3, 32, 32, 3)


def test_load_image_folder_without_subfolders_has_no_labels(tmp_path, write_png):
    write_png(tmp_path / "a.png", np.zeros((28, 28), np.uint8))
    loaded = data.load_image_folder(tmp_path)
    assert loaded.labels is None
    assert loaded.class_names == ()


def test_load_image_folder_skips_a_corrupt_file_with_a_warning(pet_folder):
    (pet_folder / "dogs" / "broken.png").write_bytes(b"\x89PNG but not really")
    with pytest.warns(UserWarning, match=r"Skipped 1 unreadable.*broken\.png"):
        loaded = data.load_image_folder(pet_folder)
    assert loaded.images.shape == (3, 28, 28, 1)
    np.testing.assert_array_equal(loaded.labels, [0, 0, 1])


def test_load_image_folder_ignores_files_that_are_not_images(pet_folder):
    (pet_folder / "cats" / "notes.txt").write_text("not an image")
    assert len(data.load_image_folder(pet_folder).images) == 3


def test_load_image_folder_refuses_an_empty_folder(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="holds no image files"):
        data.load_image_folder(tmp_path / "empty")


def test_load_image_folder_refuses_a_folder_of_corrupt_files(tmp_path):
    for name in ("a.png", "b.jpg"):
        (tmp_path / name).write_bytes(b"garbage")
    with pytest.warns(UserWarning, match="a.png"):
        with pytest.raises(ValueError, match="None of the 2 image files"):
            data.load_image_folder(tmp_path)


def test_load_image_folder_refuses_a_missing_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        data.load_image_folder(tmp_path / "nowhere")


@pytest.mark.parametrize("image_shape", [(28, 28, 2), (28, 28), (0, 28, 1)])
def test_load_image_folder_refuses_bad_image_shape(pet_folder, image_shape):
    with pytest.raises(ValueError, match="image_shape"):
        data.load_image_folder(pet_folder, image_shape=image_shape)
