"""Tests of ganlib.data.images: scaling, image and label checks, resizing."""



import numpy as np
import pytest
from PIL import Image

from ganlib import _checks, data
from ganlib.data import pairs


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
    with pytest.raises(ValueError, match="channels 1 or 3, got \\(8, 8, 2\\)"):
        data.resize_images(np.zeros((1, 8, 8, 1), np.float32), (8, 8, 2))


# --------------------------------------------------------------------------- image_shape
_SHAPE_RULE = ("image_shape must be (height, width, channels) of whole numbers, height and "
               "width 1 to 1024, channels {}, got {}.")

#: Each kind of bad image_shape and how the message shows it.
BAD_IMAGE_SHAPES = [
    ((28.5, 28, 1), "(28.5, 28, 1)"),          # not whole: a raw TypeError before
    (("28", 28, 1), "('28', 28, 1)"),           # a string: a raw TypeError before
    ((40000, 40000, 1), "(40000, 40000, 1)"),  # 36 GiB for the digits before
    ((0, 28, 1), "(0, 28, 1)"),
    ((28, 28), "(28, 28)"),
    ((28, 28, 2), "(28, 28, 2)"),
    ((True, 28, 1), "(True, 28, 1)"),
    (28, "28"),
    ("28x28", "'28x28' (str)"),
]


def test_image_shape_check_returns_ints():
    assert _checks.image_shape([np.int64(32), 32, 3]) == (32, 32, 3)
    assert _checks.image_shape(np.array([28, 28, 1])) == (28, 28, 1)
    assert _checks.MAX_IMAGE_SIDE == 1024
    assert _checks.image_shape((1024, 1, 1)) == (1024, 1, 1)


def _image_folder(folder):
    folder.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.zeros((8, 16, 3), np.uint8)).save(folder / "x.png")
    return folder


#: Every function of ganlib.data that accepts an image_shape, called with ``shape``.
SHAPE_TAKERS = {
    "load_dataset": lambda shape, folder: data.load_dataset("digits", image_shape=shape,
                                                            verbose=False),
    "load_image_folder": lambda shape, folder: data.load_image_folder(_image_folder(folder),
                                                                      image_shape=shape),
    "resize_images": lambda shape, folder: data.resize_images(np.zeros((1, 8, 8, 1),
                                                                       np.float32), shape),
    "load_pair_folder": lambda shape, folder: pairs.load_pair_folder(_image_folder(folder),
                                                                     image_shape=shape),
    "load_unpaired_folders": lambda shape, folder: pairs.load_unpaired_folders(
        _image_folder(folder / "trainA").parent, image_shape=shape),
}


@pytest.mark.parametrize("taker", SHAPE_TAKERS)
@pytest.mark.parametrize("shape, shown", BAD_IMAGE_SHAPES)
def test_a_bad_image_shape_is_refused_by_every_data_function(tmp_path, taker, shape, shown):
    with pytest.raises(ValueError) as excinfo:
        SHAPE_TAKERS[taker](shape, tmp_path / "images")
    assert str(excinfo.value) == _SHAPE_RULE.format("1 or 3", shown)


@pytest.mark.parametrize("shape, shown", BAD_IMAGE_SHAPES + [((32, 32, 1), "(32, 32, 1)")])
def test_a_bad_image_shape_is_refused_by_colour_images(shape, shown):
    with pytest.raises(ValueError) as excinfo:
        pairs.colour_images("textured_digits", image_shape=shape)
    assert str(excinfo.value) == _SHAPE_RULE.format("3", shown)


def test_check_labels_returns_int64_and_names_each_problem():
    np.testing.assert_array_equal(data.check_labels(np.array([0, 2], np.uint8), 3), [0, 2])
    assert data.check_labels([1, 2]).dtype == np.int64
    with pytest.raises(TypeError, match="dtype float64.*astype\\(int\\)"):
        data.check_labels([0.0, 1.0])
    with pytest.raises(ValueError, match=r"shape \(3,\).*got \(2,\)"):
        data.check_labels([0, 1], n=3)
    with pytest.raises(ValueError, match="0..2 for 3 classes, got values from 0 to 3"):
        data.check_labels([0, 3], num_classes=3)
