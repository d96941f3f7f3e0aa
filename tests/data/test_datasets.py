"""Tests of ganlib.data: scaling, checks, idx files, named datasets offline, folders, tf.data."""

import gzip
import struct
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ganlib import data

# --------------------------------------------------------------------------- helpers


def write_idx(path, array):
    """Write ``array`` (uint8) as an idx file: magic 0x0000_08_<ndim>, big-endian dims, bytes."""
    array = np.asarray(array, np.uint8)
    raw = bytes([0, 0, 8, array.ndim]) + struct.pack(">" + "I" * array.ndim, *array.shape)
    raw += array.tobytes()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".gz":
        with gzip.open(path, "wb") as handle:
            handle.write(raw)
    else:
        path.write_bytes(raw)
    return path


def write_png(path, array):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.asarray(array, np.uint8)).save(path)


def fake_mnist_split(folder, prefix, n, suffix=".gz", seed=0):
    """Write an images/labels idx pair for ``n`` random 28x28 images; return both arrays."""
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, n, dtype=np.uint8)
    write_idx(folder / f"{prefix}-images-idx3-ubyte{suffix}", images)
    write_idx(folder / f"{prefix}-labels-idx1-ubyte{suffix}", labels)
    return images, labels


# --------------------------------------------------------------------------- scaling


def test_to_model_range_maps_uint8_ends_to_minus_one_and_one():
    scaled = data.to_model_range(np.array([0, 51, 255], np.uint8))
    assert scaled.dtype == np.float32
    np.testing.assert_allclose(scaled, [-1.0, 51 / 127.5 - 1.0, 1.0], atol=1e-7)


def test_to_model_range_with_unit_input_range():
    scaled = data.to_model_range(np.array([0.0, 0.25, 0.5, 1.0]), input_range=(0, 1))
    np.testing.assert_allclose(scaled, [-1.0, -0.5, 0.0, 1.0], atol=1e-7)


def test_to_uint8_inverts_to_model_range_for_every_byte():
    values = np.arange(256, dtype=np.uint8)
    np.testing.assert_array_equal(data.to_uint8(data.to_model_range(values)), values)


@pytest.mark.parametrize("images, input_range, error, match", [
    (np.array([0, 256]), (0, 255), ValueError, "outside the declared input_range"),
    (np.array([-0.5, 0.5]), (0, 1), ValueError, "outside the declared input_range"),
    (np.array([0.0, np.nan]), (0, 1), ValueError, "NaN"),
    (np.array([0.0, np.inf]), (0, 1), ValueError, "NaN or Inf"),
    (np.array(["a", "b"]), (0, 255), TypeError, "numeric"),
    (np.array([True, False]), (0, 255), TypeError, "numeric"),
    (np.array([1, 2]), (255, 0), ValueError, "high > low"),
])
def test_to_model_range_refuses_bad_input(images, input_range, error, match):
    with pytest.raises(error, match=match):
        data.to_model_range(images, input_range=input_range)


def test_check_model_images_returns_float32_values_unchanged():
    images = np.linspace(-1, 1, 2 * 4 * 4 * 3).reshape(2, 4, 4, 3)  # float64 in
    checked = data.check_model_images(images)
    assert checked.dtype == np.float32
    np.testing.assert_allclose(checked, images, atol=1e-7)


def test_check_model_images_refuses_uint8_and_names_the_fix():
    with pytest.raises(TypeError, match="to_model_range"):
        data.check_model_images(np.zeros((2, 28, 28, 1), np.uint8))


def test_check_model_images_refuses_integer_arrays():
    with pytest.raises(TypeError, match="float array"):
        data.check_model_images(np.zeros((2, 28, 28, 1), np.int64))


def test_check_model_images_refuses_missing_channel_axis():
    with pytest.raises(ValueError, match=r"channel axis is missing.*\(2, 28, 28, 1\)"):
        data.check_model_images(np.zeros((2, 28, 28), np.float32))


@pytest.mark.parametrize("shape", [(2, 28, 28, 2), (28, 28), (1, 2, 28, 28, 1)])
def test_check_model_images_refuses_bad_shapes(shape):
    with pytest.raises(ValueError, match="shape"):
        data.check_model_images(np.zeros(shape, np.float32))


def test_check_model_images_refuses_empty_batch():
    with pytest.raises(ValueError, match="empty"):
        data.check_model_images(np.zeros((0, 28, 28, 1), np.float32))


def test_check_model_images_refuses_nan_and_counts_the_bad_images():
    images = np.zeros((5, 4, 4, 1), np.float32)
    images[1, 0, 0, 0] = np.nan
    images[3, 2, 2, 0] = np.inf
    with pytest.raises(ValueError, match=r"NaN or Inf in 2 image\(s\)"):
        data.check_model_images(images)


@pytest.mark.parametrize("value", [1.5, -1.01, 255.0])
def test_check_model_images_refuses_out_of_range(value):
    images = np.zeros((2, 4, 4, 1), np.float32)
    images[0, 0, 0, 0] = value
    with pytest.raises(ValueError, match=r"must lie in \[-1, 1\].*to_model_range"):
        data.check_model_images(images)


# --------------------------------------------------------------------------- idx files


@pytest.mark.parametrize("suffix", [".gz", ""])
def test_read_idx_reads_a_hand_written_file(tmp_path, suffix):
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


def test_read_idx_refuses_a_truncated_gzip_stream(tmp_path):
    path = write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", np.ones((4, 28, 28), np.uint8))
    path.write_bytes(path.read_bytes()[:30])
    with pytest.raises(ValueError, match="could not be read") as excinfo:
        data.read_idx(path)
    assert str(path) in str(excinfo.value)


# --------------------------------------------------------------------------- named datasets


def test_default_data_dir_follows_the_environment(offline_data_dir):
    assert data.default_data_dir() == offline_data_dir
    assert data.default_data_dir() != Path(data.__file__).resolve().parents[2] / "data"


@pytest.mark.parametrize("split, prefix", [("train", "train"), ("test", "t10k")])
def test_load_dataset_reads_user_idx_gz_files(tmp_path, capsys, split, prefix):
    folder = tmp_path / "fashion_mnist"
    images, labels = fake_mnist_split(folder, prefix, n=5)
    loaded = data.load_dataset("fashion_mnist", split=split, data_dir=tmp_path,
                               allow_download=False, fallback=False)
    assert loaded.images.shape == (5, 28, 28, 1)
    np.testing.assert_allclose(loaded.images[..., 0], images / 127.5 - 1.0, atol=1e-6)
    np.testing.assert_array_equal(loaded.labels, labels)
    assert loaded.labels.dtype == np.int64
    assert (loaded.name, loaded.requested, loaded.fell_back) == ("fashion_mnist",
                                                                 "fashion_mnist", False)
    assert loaded.class_names[0] == "T-shirt/top"
    assert loaded.source == f"idx files in {folder}"
    description = loaded.describe()
    assert description == f"Dataset: fashion_mnist (5 images of 28x28x1) from idx files in {folder}"
    assert description in capsys.readouterr().out


def test_load_dataset_reads_uncompressed_idx_files_and_applies_limit(tmp_path):
    images, labels = fake_mnist_split(tmp_path / "mnist", "train", n=6, suffix="")
    loaded = data.load_dataset("mnist", data_dir=tmp_path, allow_download=False,
                               fallback=False, limit=4, verbose=False)
    np.testing.assert_allclose(loaded.images[..., 0], images[:4] / 127.5 - 1.0, atol=1e-6)
    np.testing.assert_array_equal(loaded.labels, labels[:4])


def test_load_dataset_reads_the_npz_cache(tmp_path):
    x_train = np.full((3, 28, 28), 255, np.uint8)
    np.savez_compressed(tmp_path / "mnist.npz", x_train=x_train, y_train=np.array([1, 2, 3]),
                        x_test=x_train[:1], y_test=np.array([4]))
    loaded = data.load_dataset("mnist", data_dir=tmp_path, allow_download=False,
                               fallback=False, verbose=False)
    assert loaded.source == f"cache {tmp_path / 'mnist.npz'}"
    np.testing.assert_array_equal(loaded.images, np.ones((3, 28, 28, 1), np.float32))
    np.testing.assert_array_equal(loaded.labels, [1, 2, 3])


def test_load_dataset_warns_about_an_unreadable_cache_and_falls_back(tmp_path, capsys):
    (tmp_path / "mnist.npz").write_bytes(b"not an npz file")
    with pytest.warns(UserWarning, match="unreadable cache"):
        loaded = data.load_dataset("mnist", data_dir=tmp_path, allow_download=False, limit=3)
    assert loaded.fell_back
    assert "NOTICE" in capsys.readouterr().out


def test_load_dataset_unknown_name_lists_the_choices(tmp_path):
    with pytest.raises(ValueError, match="imagenet") as excinfo:
        data.load_dataset("imagenet", data_dir=tmp_path, allow_download=False)
    for name in ("cifar10", "digits", "fashion_mnist", "mnist"):
        assert repr(name) in str(excinfo.value)
    assert "load_image_folder" in str(excinfo.value)


@pytest.mark.parametrize("kwargs, match", [
    ({"split": "validation"}, "split"),
    ({"limit": 0}, "limit"),
    ({"limit": 2.5}, "limit"),
])
def test_load_dataset_refuses_bad_arguments(tmp_path, kwargs, match):
    with pytest.raises(ValueError, match=match):
        data.load_dataset("digits", data_dir=tmp_path, allow_download=False, **kwargs)


def test_load_dataset_offline_falls_back_to_digits_with_a_notice(tmp_path, capsys):
    loaded = data.load_dataset("mnist", data_dir=tmp_path, allow_download=False)
    out = capsys.readouterr().out
    assert "NOTICE: mnist is not available" in out
    assert "allow_download=False" in out
    assert loaded.describe() in out
    assert loaded.fell_back
    assert (loaded.name, loaded.requested) == ("digits", "mnist")
    assert loaded.images.shape == (1500, 28, 28, 1)
    assert loaded.images.min() >= -1.0 and loaded.images.max() <= 1.0
    assert set(np.unique(loaded.labels)) == set(range(10))
    assert "offline fallback for mnist" in loaded.source
    assert list(tmp_path.iterdir()) == []  # nothing was cached or downloaded


def test_load_dataset_without_fallback_says_how_to_fix(tmp_path):
    with pytest.raises(data.DatasetUnavailableError) as excinfo:
        data.load_dataset("fashion_mnist", data_dir=tmp_path, allow_download=False,
                          fallback=False)
    message = str(excinfo.value)
    assert "'fashion_mnist' is not available" in message
    assert "allow_download=False" in message
    assert "Fix:" in message
    assert str(tmp_path / "fashion_mnist") in message
    assert "name='digits'" in message


def test_cifar10_fallback_has_the_cifar_shape(tmp_path, capsys):
    loaded = data.load_dataset("cifar10", data_dir=tmp_path, allow_download=False, limit=8)
    assert loaded.fell_back
    assert loaded.images.shape == (8, 32, 32, 3)
    assert loaded.images.dtype == np.float32
    assert loaded.images.min() >= -1.0 and loaded.images.max() <= 1.0
    # grey digits repeated over three channels
    np.testing.assert_array_equal(loaded.images[..., 0], loaded.images[..., 2])
    assert "NOTICE: cifar10 is not available" in capsys.readouterr().out


@pytest.mark.parametrize("split, n", [("train", 1500), ("test", 297)])
def test_digits_is_bundled_and_does_not_fall_back(tmp_path, capsys, split, n):
    loaded = data.load_dataset("digits", split=split, data_dir=tmp_path, allow_download=False)
    assert not loaded.fell_back
    assert loaded.images.shape == (n, 28, 28, 1)
    assert loaded.class_names == tuple("0123456789")
    assert "NOTICE" not in capsys.readouterr().out


def test_load_dataset_resizes_to_the_requested_shape(tmp_path):
    loaded = data.load_dataset("digits", image_shape=(32, 32, 3), data_dir=tmp_path,
                               allow_download=False, limit=4, verbose=False)
    assert loaded.images.shape == (4, 32, 32, 3)


def test_load_dataset_reads_a_user_cifar10_image_folder(tmp_path):
    write_png(tmp_path / "cifar10" / "train" / "airplane" / "a.png",
              np.zeros((32, 32, 3), np.uint8))
    write_png(tmp_path / "cifar10" / "train" / "truck" / "b.png",
              np.full((32, 32, 3), 255, np.uint8))
    loaded = data.load_dataset("cifar10", data_dir=tmp_path, allow_download=False,
                               fallback=False, verbose=False)
    assert loaded.images.shape == (2, 32, 32, 3)
    np.testing.assert_array_equal(loaded.labels, [0, 1])
    np.testing.assert_allclose(loaded.images[0], -1.0)
    np.testing.assert_allclose(loaded.images[1], 1.0)


# --------------------------------------------------------------------------- image folders


@pytest.fixture
def pet_folder(tmp_path):
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


def test_load_image_folder_without_subfolders_has_no_labels(tmp_path):
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


# --------------------------------------------------------------------------- tf.data


def test_make_dataset_yields_full_batches_in_model_range(random_images):
    dataset = data.make_dataset(random_images[:20], 8)
    batches = [batch.numpy() for batch in dataset.take(5)]  # repeats past 20 images
    for batch in batches:
        assert batch.shape == (8, 28, 28, 1)
        assert batch.dtype == np.float32
        assert batch.min() >= -1.0 and batch.max() <= 1.0


def test_make_dataset_without_repeat_drops_the_remainder(random_images):
    dataset = data.make_dataset(random_images[:20], 8, shuffle=False, repeat=False)
    batches = [batch.numpy() for batch in dataset]
    assert [len(b) for b in batches] == [8, 8]
    np.testing.assert_array_equal(np.concatenate(batches), random_images[:16])


def test_make_dataset_keeps_labels_with_their_images(random_images):
    labels = np.arange(32)
    dataset = data.make_dataset(random_images, 8, labels=labels, seed=3)
    images, batch_labels = next(iter(dataset))
    assert batch_labels.dtype == np.int64
    np.testing.assert_array_equal(images.numpy(), random_images[batch_labels.numpy()])


@pytest.mark.parametrize("batch_size", [0, -1, True, 2.5, "8"])
def test_make_dataset_refuses_bad_batch_size(random_images, batch_size):
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        data.make_dataset(random_images, batch_size)


def test_make_dataset_accepts_numpy_integer_batch_size(random_images):
    batch = next(iter(data.make_dataset(random_images, np.int64(4))))
    assert batch.shape == (4, 28, 28, 1)


def test_make_dataset_refuses_labels_of_wrong_length(random_images):
    with pytest.raises(ValueError, match=r"labels must have shape \(32,\)"):
        data.make_dataset(random_images, 8, labels=np.arange(31))


def test_make_dataset_refuses_a_batch_larger_than_the_data_without_repeat(random_images):
    with pytest.raises(ValueError, match="larger than the 32 images"):
        data.make_dataset(random_images, 64, repeat=False)


def test_make_dataset_refuses_uint8_images():
    with pytest.raises(TypeError, match="to_model_range"):
        data.make_dataset(np.zeros((8, 28, 28, 1), np.uint8), 4)


# --------------------------------------------------------------------------- resizing


def test_resize_images_grey_to_rgb_repeats_the_channel():
    grey = np.linspace(-1, 1, 2 * 8 * 8).reshape(2, 8, 8, 1).astype(np.float32)
    rgb = data.resize_images(grey, (8, 8, 3))
    assert rgb.shape == (2, 8, 8, 3)
    for channel in range(3):
        np.testing.assert_array_equal(rgb[..., channel], grey[..., 0])


def test_resize_images_rgb_to_grey_uses_luminance_weights():
    rgb = np.zeros((3, 4, 4, 3), np.float32)
    for index in range(3):
        rgb[index, ..., index] = 1.0  # pure red, green, blue
    grey = data.resize_images(rgb, (4, 4, 1))
    assert grey.shape == (3, 4, 4, 1)
    np.testing.assert_allclose(grey[:, 0, 0, 0], [0.299, 0.587, 0.114], atol=1e-6)


def test_resize_images_changes_the_size_and_keeps_constants():
    images = np.full((2, 8, 8, 1), 0.5, np.float32)
    resized = data.resize_images(images, (28, 28, 1))
    assert resized.shape == (2, 28, 28, 1)
    np.testing.assert_allclose(resized, 0.5, atol=1e-5)


def test_resize_images_refuses_two_channels():
    with pytest.raises(ValueError, match="1 or 3 channels"):
        data.resize_images(np.zeros((1, 8, 8, 1), np.float32), (8, 8, 2))


def test_check_labels_returns_int64_and_names_each_problem():
    np.testing.assert_array_equal(data.check_labels(np.array([0, 2], np.uint8), 3), [0, 2])
    assert data.check_labels([1, 2]).dtype == np.int64
    with pytest.raises(TypeError, match="dtype float64.*astype\\(int\\)"):
        data.check_labels([0.0, 1.0])
    with pytest.raises(ValueError, match=r"shape \(3,\).*got \(2,\)"):
        data.check_labels([0, 1], n=3)
    with pytest.raises(ValueError, match="0..2 for 3 classes, got values from 0 to 3"):
        data.check_labels([0, 3], num_classes=3)
