"""lerp and slerp between two latent codes: known values, shapes, bad input refused."""

import numpy as np
import pytest

from ganlib.latent import interpolation


def test_both_paths_start_and_end_at_the_two_codes():
    rng = np.random.default_rng(0)
    start, end = rng.standard_normal((2, 16))
    for path in (interpolation.lerp, interpolation.slerp):
        np.testing.assert_allclose(path(start, end, 0.0), start, atol=1e-12)
        np.testing.assert_allclose(path(start, end, 1.0), end, atol=1e-12)


def test_orthogonal_unit_codes_at_the_midpoint():
    """The midpoint of slerp is (a + b) / sqrt(2), of length 1; of lerp (a + b) / 2, of
    length 1 / sqrt(2)."""
    a, b = np.array([1.0, 0.0, 0.0]), np.array([0.0, 1.0, 0.0])
    np.testing.assert_allclose(interpolation.slerp(a, b, 0.5), [2 ** -0.5, 2 ** -0.5, 0])
    np.testing.assert_allclose(interpolation.lerp(a, b, 0.5), [0.5, 0.5, 0])
    np.testing.assert_allclose(interpolation.slerp(a, b, 1 / 3),
                               [np.cos(np.pi / 6), np.sin(np.pi / 6), 0])


def test_slerp_keeps_the_length_of_codes_of_equal_length():
    rng = np.random.default_rng(1)
    start, end = rng.standard_normal((2, 64))
    end *= np.linalg.norm(start) / np.linalg.norm(end)
    t = np.linspace(0, 1, 11)
    np.testing.assert_allclose(np.linalg.norm(interpolation.slerp(start, end, t), axis=1),
                               np.linalg.norm(start), rtol=1e-10)
    shortest = np.linalg.norm(interpolation.lerp(start, end, t), axis=1).min()
    assert shortest < 0.8 * np.linalg.norm(start)  # two random codes: nearly at right angles


def test_codes_pointing_the_same_way_give_the_straight_line():
    start = np.array([1.0, 2.0, 3.0])
    t = [0.0, 0.25, 1.0]
    np.testing.assert_allclose(interpolation.slerp(start, 2 * start, t),
                               interpolation.lerp(start, 2 * start, t))
    assert np.all(np.isfinite(interpolation.slerp(start, start, 0.5)))


def test_interpolate_gives_steps_codes_of_float32_with_both_ends():
    start, end = np.zeros(8), np.ones(8)
    for method in interpolation.METHODS:
        path = interpolation.interpolate(start + [1, 0, 0, 0, 0, 0, 0, 0], end, 5, method)
        assert path.shape == (5, 8) and path.dtype == np.float32
        np.testing.assert_allclose(path[-1], end)
    assert interpolation.lerp(start, end, [0.5, 0.25]).shape == (2, 8)
    assert interpolation.lerp(start, end, 0.5).shape == (8,)


@pytest.mark.parametrize("t", [-0.1, 1.5, [0.2, 1.01], float("nan")])
def test_t_outside_zero_to_one_is_refused_by_name(t):
    with pytest.raises(ValueError, match="^t must"):
        interpolation.slerp([1.0, 0.0], [0.0, 1.0], t)


def test_bad_steps_method_and_codes_are_refused_by_name():
    with pytest.raises(ValueError, match=r"steps must be a whole number >= 2 \(both ends"):
        interpolation.interpolate([1.0, 0.0], [0.0, 1.0], steps=0)
    with pytest.raises(ValueError, match="method must be one of"):
        interpolation.interpolate([1.0, 0.0], [0.0, 1.0], method="cubic")
    with pytest.raises(ValueError, match="start and end must have the same length"):
        interpolation.lerp([1.0, 0.0], [0.0, 1.0, 0.0], 0.5)
    with pytest.raises(ValueError, match="start must have 1 axes"):
        interpolation.slerp(np.zeros((2, 3)), np.zeros(3), 0.5)
