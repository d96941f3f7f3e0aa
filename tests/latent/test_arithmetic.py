"""Measured properties of images and directions in the latent space: known values."""

import numpy as np
import pytest

from ganlib.latent import arithmetic


def _line(kind, side=9):
    """A white line on black, (1, side, side, 1) in [-1, 1]: "/", "\\" or "|"."""
    image = -np.ones((side, side), np.float32)
    for row in range(side):
        image[row, {"/": side - 1 - row, "\\": row, "|": side // 2}[kind]] = 1.0
    return image[None, ..., None]


def test_ink_is_the_mean_brightness_on_the_zero_to_one_scale():
    images = np.stack([-np.ones((8, 8, 1)), np.ones((8, 8, 1)), np.zeros((8, 8, 1))])
    np.testing.assert_allclose(arithmetic.image_measures(images.astype(np.float32))["ink"],
                               [0.0, 1.0, 0.5])


def test_slant_is_positive_leaning_right_negative_leaning_left_and_zero_upright():
    images = np.concatenate([_line("/"), _line("\\"), _line("|"), -np.ones((1, 9, 9, 1))])
    slant = arithmetic.image_measures(images.astype(np.float32))["slant"]
    np.testing.assert_allclose(slant, [1.0, -1.0, 0.0, 0.0], atol=1e-9)


def test_attribute_direction_is_the_top_group_mean_minus_the_bottom_group_mean():
    latent = np.array([[0.0, 1.0], [1.0, 1.0], [2.0, -1.0], [3.0, -1.0]])
    values = [0.0, 1.0, 2.0, 3.0]
    np.testing.assert_allclose(arithmetic.attribute_direction(latent, values, 0.25), [3, -2])
    np.testing.assert_allclose(arithmetic.attribute_direction(latent, values, 0.5), [2, -2])
    with pytest.raises(ValueError, match=r"fraction must be a finite number > 0 and <= 0.5"):
        arithmetic.attribute_direction(latent, values, 0.75)
    with pytest.raises(ValueError, match="values must hold one number per code"):
        arithmetic.attribute_direction(latent, values[:3])
    with pytest.raises(ValueError, match="leaves no code in a group"):
        arithmetic.attribute_direction(latent, values, 0.1)


def test_along_direction_moves_each_code_by_each_amount_code_by_code():
    moved = arithmetic.along_direction([[0.0, 0.0], [1.0, 1.0]], [1.0, 0.0], [-1, 0, 2])
    np.testing.assert_allclose(moved, [[-1, 0], [0, 0], [2, 0], [0, 1], [1, 1], [3, 1]])
    assert moved.dtype == np.float32
    with pytest.raises(ValueError, match="direction must have the codes' length 2"):
        arithmetic.along_direction([[0.0, 0.0]], [1.0, 0.0, 0.0], [1])


def test_style_correlation_is_one_when_every_class_follows_the_code():
    rng = np.random.default_rng(0)
    style = rng.normal(size=200)
    same, shuffled = arithmetic.style_correlation(np.stack([style, 2 * style + 1]))
    assert same == pytest.approx(1.0)
    assert abs(shuffled) < 0.2
    independent, _ = arithmetic.style_correlation(rng.normal(size=(4, 200)))
    assert abs(independent) < 0.1
    with pytest.raises(ValueError, match="at least 2 classes and 3 codes"):
        arithmetic.style_correlation(np.ones((1, 10)))


def test_code_scores_count_every_class_alike():
    """Rows standardised, then averaged: a row of small values weighs as much as one of
    large values, and a row that does not vary adds 0."""
    values = np.array([[0.1, 0.2, 0.3], [10.0, 30.0, 20.0], [5.0, 5.0, 5.0]])
    standard = np.sqrt(1.5) * np.array([[-1.0, 0.0, 1.0], [-1.0, 1.0, 0.0], [0.0, 0.0, 0.0]])
    np.testing.assert_allclose(arithmetic.code_scores(values), standard.mean(axis=0))
    with pytest.raises(ValueError, match="at least 2 classes and 3 codes"):
        arithmetic.code_scores(np.ones((3, 2)))
