"""Damage on purpose: noise, a missing square, lost resolution; known values and bad input."""

import numpy as np
import pytest

from ganlib.data import damage, pairs


def _images(n=4, size=28, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, (n, size, size, 1)).astype(np.float32)


def test_noise_has_the_asked_spread_on_the_unit_scale_and_stays_in_range():
    grey = np.zeros((8, 28, 28, 1), np.float32)  # mid grey: clipping is rare at sigma 0.1
    noisy = damage.add_noise(grey, 0.1, seed=0)
    assert noisy.shape == grey.shape and noisy.dtype == np.float32
    assert np.std((noisy + 1) / 2) == pytest.approx(0.1, rel=0.02)  # on pixels in [0, 1]
    assert noisy.min() >= -1.0 and noisy.max() <= 1.0
    np.testing.assert_array_equal(noisy, damage.add_noise(grey, 0.1, seed=0))  # seeded
    assert not np.array_equal(noisy, damage.add_noise(grey, 0.1, seed=1))
    np.testing.assert_array_equal(damage.add_noise(grey, 0.0), grey)


def test_the_mask_covers_exactly_size_squared_pixels_inside_each_image():
    images = _images(n=50)
    damaged, masks = damage.mask_square(images, 10, seed=3, fill=0.0)
    assert damaged.shape == images.shape and masks.shape == (50, 28, 28, 1)
    assert set(np.unique(masks)) == {0.0, 1.0}
    np.testing.assert_array_equal(masks.reshape(50, -1).sum(axis=1), 100.0)
    np.testing.assert_array_equal(damaged[masks == 1], 0.0)            # the hole is filled
    np.testing.assert_array_equal(damaged[masks == 0], images[masks == 0])  # the rest kept
    rows = masks[..., 0].any(axis=2)  # the hole is one square: 10 rows and 10 columns
    columns = masks[..., 0].any(axis=1)
    np.testing.assert_array_equal(rows.sum(axis=1), 10)
    np.testing.assert_array_equal(columns.sum(axis=1), 10)
    assert len({tuple(np.argwhere(m[..., 0])[0]) for m in masks}) > 10  # random places


def test_a_mask_as_large_as_the_image_blanks_it_all():
    damaged, masks = damage.mask_square(_images(n=2), 28, fill=-1.0)
    np.testing.assert_array_equal(damaged, -1.0)
    np.testing.assert_array_equal(masks, 1.0)


def test_downsample_averages_blocks_and_keeps_a_constant_image():
    constant = np.full((2, 28, 28, 1), 0.25, np.float32)
    np.testing.assert_allclose(damage.downsample(constant, 2), 0.25)
    assert damage.downsample(constant, 2).shape == (2, 14, 14, 1)
    assert damage.downsample(constant, 7).shape == (2, 4, 4, 1)
    checker = -np.ones((1, 4, 4, 3), np.float32)
    checker[0, ::2, ::2] = 1.0  # one bright pixel in each 2x2 block
    np.testing.assert_allclose(damage.downsample(checker, 2), -0.5)
    np.testing.assert_allclose(damage.low_resolution(constant, 4), 0.25, atol=1e-6)
    assert damage.low_resolution(checker, 2).shape == checker.shape


def test_the_allowed_factors_are_the_common_divisors():
    assert damage.allowed_factors(28, 28) == [2, 4, 7, 14, 28]
    assert damage.allowed_factors(32, 16) == [2, 4, 8, 16]
    assert damage.allowed_factors(7, 5) == []


@pytest.mark.parametrize("call, message", [
    (lambda x: damage.add_noise(x, -0.1), "sigma must be a finite number >= 0 and <= 1 (on "
                                          "pixels in [0, 1]; 0.2 is strong noise), got -0.1."),
    (lambda x: damage.add_noise(x, float("nan")), "sigma must be a finite number >= 0"),
    (lambda x: damage.mask_square(x, 29), "size must be a whole number >= 1 and <= 28 (the "
                                          "square must fit in the 28x28 images), got 29."),
    (lambda x: damage.mask_square(x, 0), "size must be a whole number >= 1 and <= 28"),
    (lambda x: damage.mask_square(x, 5, fill=2.0), "fill must be a finite number >= -1 and "
                                                   "<= 1, got 2.0."),
    (lambda x: damage.downsample(x, 3), "factor must be a whole number that divides the image "
                                        "size 28x28: one of [2, 4, 7, 14, 28], got 3."),
    (lambda x: damage.low_resolution(x, 3), "factor must be a whole number that divides"),
    (lambda x: damage.downsample(x, 2.0), "one of [2, 4, 7, 14, 28], got 2.0."),
    (lambda x: damage.downsample(x, 1), "got 1."),
])
def test_bad_settings_are_refused_with_the_parameter_name_and_range(call, message):
    with pytest.raises(ValueError) as excinfo:
        call(_images(n=2))
    assert message in str(excinfo.value)


@pytest.mark.parametrize("function", [
    lambda x: damage.add_noise(x, 0.1), lambda x: damage.mask_square(x, 4),
    lambda x: damage.downsample(x, 2), lambda x: damage.low_resolution(x, 2),
    lambda x: pairs.restoration_pairs(x, "denoising"),
])
def test_images_with_nan_are_refused_by_name(function):
    images = _images(n=2)
    images[1, 3, 3, 0] = np.nan
    with pytest.raises(ValueError, match=r"^images contain NaN or Inf in 1 image\(s\)"):
        function(images)


def test_restoration_pairs_put_the_damaged_image_first_and_the_truth_second():
    images = _images(n=6)
    for task in pairs.RESTORATION_TASKS:
        built = pairs.restoration_pairs(images, task, seed=2)
        np.testing.assert_array_equal(built.targets, images)
        assert built.sources.shape == images.shape and built.name == task
        assert not np.allclose(built.sources, images)
    noisy = pairs.restoration_pairs(images, "denoising", sigma=0.3, seed=2)
    np.testing.assert_array_equal(noisy.sources, damage.add_noise(images, 0.3, seed=2))
    holes = pairs.restoration_pairs(images, "inpainting", mask_size=6, seed=2)
    np.testing.assert_array_equal(holes.sources, damage.mask_square(images, 6, seed=2)[0])
    small = pairs.restoration_pairs(images, "super_resolution", factor=4)
    np.testing.assert_array_equal(small.sources, damage.low_resolution(images, 4))
    assert "6 pairs, 28x28x1 -> 28x28x1) from images with a 6x6 square blanked (seed 2)" \
        in holes.describe()
    with pytest.raises(ValueError, match=r"^task must be one of \['denoising', 'inpainting', "
                                         r"'super_resolution'\], got 'deblurring' \(str\)\.$"):
        pairs.restoration_pairs(images, "deblurring")
