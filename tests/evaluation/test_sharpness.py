"""Sharpness: the variance of the Laplacian, on known images, and the ratio to the truth."""

import numpy as np
import pytest

from ganlib.evaluation import blur_baseline, laplacian_variance, sharpness_ratio


def test_a_constant_or_linear_image_has_no_laplacian():
    constant = np.full((2, 8, 8, 1), 0.3, np.float32)
    np.testing.assert_allclose(laplacian_variance(constant), 0.0, atol=1e-12)
    ramp = np.broadcast_to(np.linspace(-1, 1, 8, dtype=np.float32), (1, 8, 8))[..., None]
    np.testing.assert_allclose(laplacian_variance(ramp), 0.0, atol=1e-12)


def test_one_bright_pixel_gives_the_hand_computed_variance():
    image = -np.ones((1, 5, 5, 1), np.float32)
    image[0, 2, 2] = 1.0  # 1 in [0, 1] at the centre, 0 elsewhere
    # the 3x3 inner Laplacian: -4 at the centre, 1 at its four neighbours, 0 at the corners
    values = np.array([0, 1, 0, 1, -4, 1, 0, 1, 0], np.float64)
    np.testing.assert_allclose(laplacian_variance(image), [values.var()])
    assert laplacian_variance(image)[0] == pytest.approx(20 / 9)  # mean 0, squares sum to 20


def test_colour_channels_count_together_and_the_result_has_one_value_per_image():
    rng = np.random.default_rng(0)
    grey = rng.uniform(-1, 1, (3, 10, 10, 1)).astype(np.float32)
    colour = np.repeat(grey, 3, axis=-1)
    np.testing.assert_allclose(laplacian_variance(colour), laplacian_variance(grey), rtol=1e-6)
    assert laplacian_variance(grey).shape == (3,)


def test_a_blurred_image_is_less_sharp_than_the_original():
    rng = np.random.default_rng(1)
    images = np.clip(rng.normal(0, 0.6, (4, 28, 28, 1)), -1, 1).astype(np.float32)
    blurred = blur_baseline(images, 1, sigma=1.0)
    assert np.all(laplacian_variance(blurred) < 0.5 * laplacian_variance(images))
    assert sharpness_ratio(blurred, images) < 0.5
    assert sharpness_ratio(images, images) == pytest.approx(1.0)
    noisy = np.clip(blurred + rng.normal(0, 0.3, blurred.shape), -1, 1).astype(np.float32)
    assert sharpness_ratio(noisy, blurred) > 1.5  # noise counts as "sharp": far above 1


def test_bad_input_is_refused_by_name():
    images = np.zeros((2, 8, 8, 1), np.float32)
    with pytest.raises(ValueError, match=r"^predicted \(2, 8, 8, 1\) and targets \(3, 8, 8, 1\) "
                                         "must have the same shape"):
        sharpness_ratio(images, np.zeros((3, 8, 8, 1), np.float32))
    with pytest.raises(ValueError, match="targets are flat"):
        sharpness_ratio(images, images)
    broken = images.copy()
    broken[0, 0, 0, 0] = np.nan
    with pytest.raises(ValueError, match=r"^predicted contain NaN or Inf in 1 image"):
        sharpness_ratio(broken, images)
    with pytest.raises(ValueError, match="at least 3x3 pixels"):
        laplacian_variance(np.zeros((1, 2, 8, 1), np.float32))
    with pytest.raises(ValueError, match=r"^images have values in \[2, 2\] but must lie in"):
        laplacian_variance(np.full((1, 8, 8, 1), 2.0, np.float32))
