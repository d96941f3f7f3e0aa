"""Tests of ganlib.data.files: idx files and folders of images."""


import gzip
import io
import os
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from ganlib import data, viz
from ganlib.data import files


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


@pytest.mark.parametrize("suffix", [".gz", ""])
def test_read_idx_refuses_a_gzip_bomb_from_its_header(tmp_path, suffix, write_raw):
    # A 29-byte header promising 60,000 x 1,000 x 1,000 values (60 GB) and a small body:
    # the size is refused from the header, nothing behind it is decompressed.
    raw = bytes([0, 0, 8, 3]) + struct.pack(">III", 60_000, 1_000, 1_000) + bytes(1_000)
    path = write_raw(tmp_path / f"train-images-idx3-ubyte{suffix}", raw)
    with pytest.raises(ValueError, match=r"promises 60,000,000,000 values for shape "
                                         r"\(60000, 1000, 1000\), more than the limit of "
                                         r"100,000,000") as excinfo:
        data.read_idx(path)
    assert str(path) in str(excinfo.value)


def test_read_idx_refuses_trailing_data_without_reading_it_all(tmp_path):
    # 3 promised values, then 64 MB of zeros (64 kB compressed): one byte past the promise
    # is enough to refuse the file.
    path = tmp_path / "labels-idx1-ubyte.gz"
    with gzip.open(path, "wb") as handle:
        handle.write(bytes([0, 0, 8, 1, 0, 0, 0, 3, 7, 8, 9]))
        for _ in range(64):
            handle.write(bytes(1 << 20))
    with pytest.raises(ValueError, match="promises 3 values for shape \\(3,\\), the file holds "
                                         "more than 3") as excinfo:
        data.read_idx(path)
    assert str(path) in str(excinfo.value)


@pytest.mark.parametrize("suffix", [".gz", ""])
def test_read_idx_refuses_a_header_whose_sizes_overflow(tmp_path, suffix, write_raw):
    # 65536**4 = 2**64 wraps to 0 in int64 arithmetic ("cannot reshape array of size 0"
    # before); counted with Python ints it is far above the limit.
    raw = bytes([0, 0, 8, 4]) + struct.pack(">IIII", 65536, 65536, 65536, 65536)
    path = write_raw(tmp_path / f"overflow-idx4-ubyte{suffix}", raw)
    with pytest.raises(ValueError, match="18,446,744,073,709,551,616 values.*limit") as excinfo:
        data.read_idx(path)
    assert str(path) in str(excinfo.value)


def test_read_idx_limit_can_be_set(tmp_path, write_idx):
    path = write_idx(tmp_path / "images-idx3-ubyte", np.zeros((3, 2, 2), np.uint8))
    assert data.read_idx(path, max_values=12).shape == (3, 2, 2)
    with pytest.raises(ValueError, match="promises 12 values .* limit of 11"):
        data.read_idx(path, max_values=11)


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
    with pytest.warns(UserWarning, match=r"Skipped 1 file\(s\).*dogs/broken\.png: unreadable"):
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
    with pytest.raises(ValueError, match="No usable image left in .*Skipped 2 file.*a.png: "
                                         "unreadable"):
        data.load_image_folder(tmp_path)


def test_load_image_folder_refuses_a_missing_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        data.load_image_folder(tmp_path / "nowhere")


def _png_header(width, height):
    """The first bytes of a grey 8-bit PNG of ``width`` x ``height``: signature, IHDR and a
    tiny IDAT. PIL reads the size from them without decoding any pixel."""
    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body)))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 16)) + chunk(b"IEND", b""))


def test_a_16_bit_grey_png_is_scaled_from_0_to_65535(tmp_path):
    values = np.zeros((28, 28), np.uint16)
    values[:, 10:20], values[:, 20:] = 32768, 65535
    Image.fromarray(values).save(tmp_path / "deep.png")
    assert Image.open(tmp_path / "deep.png").mode == "I;16"
    loaded = data.load_image_folder(tmp_path)
    np.testing.assert_array_equal(data.to_uint8(loaded.images[0, 0, [0, 15, 27], 0]),
                                  [0, 128, 255])  # 32768 / 65535 * 255 = 127.5 -> 128


def test_32_bit_and_float_images_are_scaled_by_their_range(tmp_path):
    Image.fromarray(np.array([[0, 500, 1000]], np.int32)).save(tmp_path / "a_int.tif")
    Image.fromarray(np.array([[0.0, 0.5, 1.0]], np.float32)).save(tmp_path / "b_unit.tif")
    Image.fromarray(np.array([[-2.0, 0.0, 2.0]], np.float32)).save(tmp_path / "c_wide.tif")
    loaded = data.load_image_folder(tmp_path, image_shape=(1, 3, 1))
    np.testing.assert_array_equal(data.to_uint8(loaded.images[..., 0]),
                                  [[[0, 128, 255]]] * 3)


def test_a_decompression_bomb_is_skipped_with_a_warning_naming_it(pet_folder):
    # 100,000 x 100,000 pixels in 90 bytes: PIL's DecompressionBombError aborted the
    # whole folder before, without naming the file.
    (pet_folder / "dogs" / "bomb.png").write_bytes(_png_header(100_000, 100_000))
    with pytest.warns(UserWarning, match=r"Skipped 1 file\(s\) in .*pets: dogs/bomb\.png: "
                                         r"too large, a possible decompression bomb"):
        loaded = data.load_image_folder(pet_folder)
    assert loaded.images.shape == (3, 28, 28, 1)
    np.testing.assert_array_equal(loaded.labels, [0, 0, 1])


def test_an_image_above_the_size_limit_is_skipped_before_it_is_decoded(pet_folder):
    # 5,000 x 5,000 is below PIL's own limit but above 4096 x 4096; the IDAT holds 16
    # bytes, so decoding would fail as "unreadable": the refusal comes from the header.
    assert 4096 * 4096 < 5000 * 5000 < Image.MAX_IMAGE_PIXELS
    (pet_folder / "cats" / "huge.png").write_bytes(_png_header(5000, 5000))
    with pytest.warns(UserWarning, match=r"cats/huge\.png: too large: 5000 x 5000 pixels, "
                                         r"more than the limit of 16,777,216"):
        loaded = data.load_image_folder(pet_folder)
    assert len(loaded.images) == 3
    assert files.MAX_IMAGE_PIXELS == 4096 * 4096


def test_pils_decompression_bomb_warning_also_skips_the_file(tmp_path, monkeypatch, write_png):
    # PIL warns between its limit and twice its limit; 12 x 12 = 144 with a limit of 100.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)
    write_png(tmp_path / "small.png", np.zeros((8, 8), np.uint8))
    write_png(tmp_path / "warned.png", np.zeros((12, 12), np.uint8))
    with pytest.warns(UserWarning, match=r"warned\.png: too large, a possible decompression"):
        loaded = data.load_image_folder(tmp_path)
    assert len(loaded.images) == 1


def test_an_undecodable_folder_name_becomes_a_printable_class_name(pet_folder):
    # A folder named with the Latin-1 byte of "é" (not UTF-8); the class name crashed
    # matplotlib's text rendering in viz.plot_images before.
    folder = os.fsdecode(os.path.join(os.fsencode(pet_folder), b"caf\xe9"))
    os.makedirs(folder)
    Image.fromarray(np.full((28, 28), 128, np.uint8)).save(os.path.join(folder, "x.png"))
    with pytest.warns(UserWarning, match=r"not valid UTF-8; their undecodable bytes were "
                                         r"replaced by \\xNN: caf\\xe9"):
        loaded = data.load_image_folder(pet_folder)
    assert loaded.class_names == ("caf\\xe9", "cats", "dogs")
    np.testing.assert_array_equal(loaded.labels, [0, 1, 1, 2])
    figure = viz.plot_images(loaded.images, loaded.labels, loaded.class_names)
    figure.savefig(io.BytesIO(), format="png")
    assert figure.axes[0].get_title() == "caf\\xe9"


def test_an_undecodable_file_name_is_shown_safely_when_skipped(tmp_path, write_png):
    write_png(tmp_path / "good.png", np.zeros((4, 4), np.uint8))
    broken = os.fsdecode(os.path.join(os.fsencode(tmp_path), b"\xff.png"))
    with open(broken, "wb") as handle:
        handle.write(b"garbage")
    with pytest.warns(UserWarning, match=r"\\xff\.png: unreadable") as caught:
        data.load_image_folder(tmp_path)
    str(caught[0].message).encode("utf-8")  # printable: no lone surrogates left
