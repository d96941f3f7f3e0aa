"""2-D toy distributions and the VEEGAN/PacGAN mode metrics, on known values."""

import numpy as np
import pytest

from ganlib.data import toy


def test_ring8_points_lie_on_radius_two_near_eight_centres():
    points = toy.sample("ring8", 4000, seed=0)
    assert points.shape == (4000, 2) and points.dtype == np.float32
    radius = np.linalg.norm(points, axis=1)
    assert np.all(np.abs(radius - 2.0) < 5 * 0.02)  # 5 std: no point of 4,000 beyond it
    centres = toy.mode_centres("ring8")
    np.testing.assert_allclose(np.linalg.norm(centres, axis=1), 2.0)
    np.testing.assert_allclose(centres[0], [2.0, 0.0])
    np.testing.assert_allclose(centres[2], [0.0, 2.0], atol=1e-12)
    assert toy.mode_std("ring8") == 0.02


def test_grid25_centres_and_samples():
    centres = toy.mode_centres("grid25")
    assert centres.shape == (25, 2)
    assert sorted(set(centres[:, 0])) == [-4.0, -2.0, 0.0, 2.0, 4.0]
    assert toy.mode_std("grid25") == 0.05
    points = toy.sample("grid25", 2500, seed=1)
    assert toy.modes_covered(points, centres, 0.05) == 25
    # Within 3 std of the centre in 2-D: P(r < 3 sigma) = 1 - exp(-9/2) = 98.9%.
    share = toy.high_quality_share(points, centres, 0.05)
    assert share == pytest.approx(1 - np.exp(-4.5), abs=0.006)  # 2.7 binomial std


def test_sampling_is_seeded():
    np.testing.assert_array_equal(toy.sample("moons", 50, seed=3), toy.sample("moons", 50, 3))
    assert not np.array_equal(toy.sample("spiral", 50, seed=3), toy.sample("spiral", 50, 4))


@pytest.mark.parametrize("name", ["spiral", "moons"])
def test_continuous_shapes_have_no_modes(name):
    points = toy.sample(name, 500, seed=0)
    assert points.shape == (500, 2) and np.isfinite(points).all()
    assert np.abs(points).max() < 5
    assert not toy.get_distribution(name).has_modes
    with pytest.raises(ValueError, match="no discrete modes"):
        toy.mode_centres(name)


def test_centres_repeated_cover_every_mode_with_full_quality():
    centres = toy.mode_centres("ring8")
    samples = np.repeat(centres, 25, axis=0)  # 25 >= the 20 PacGAN asks for
    assert toy.modes_covered(samples, centres, 0.02) == 8
    assert toy.high_quality_share(samples, centres, 0.02) == 1.0


def test_a_collapsed_generator_covers_one_mode():
    centres = toy.mode_centres("ring8")
    samples = centres[3] + np.random.default_rng(0).normal(0, 0.01, (2500, 2))
    assert toy.modes_covered(samples, centres, 0.02) == 1
    assert toy.high_quality_share(samples, centres, 0.02) == pytest.approx(1.0)


def test_far_points_are_not_high_quality_and_cover_nothing():
    centres = toy.mode_centres("ring8")
    far = np.zeros((100, 2))  # the ring's centre, 2 (= 100 std) from every mode
    assert toy.high_quality_share(far, centres, 0.02) == 0.0
    assert toy.modes_covered(far, centres, 0.02) == 0


def test_min_count_threshold_and_three_std_boundary():
    centres = np.array([[0.0, 0.0], [10.0, 0.0]])
    inside = np.tile([[0.29, 0.0]], (19, 1))  # 2.9 std with std 0.1
    assert toy.modes_covered(inside, centres, 0.1) == 0  # 19 < 20
    assert toy.modes_covered(inside, centres, 0.1, min_count=19) == 1
    outside = np.array([[0.31, 0.0], [9.69, 0.0]])  # 3.1 std from their nearest centre
    assert toy.high_quality_share(np.vstack([inside[:2], outside]), centres, 0.1) == 0.5


def test_user_points_from_array_and_text():
    distribution = toy.points_distribution([[0, 0], [1, 1], [1, 1]], std=0.1)
    np.testing.assert_array_equal(distribution.centres, [[0, 0], [1, 1]])  # duplicates once
    samples = distribution.sample(1000, seed=0)
    assert toy.modes_covered(samples, distribution.centres, 0.1) == 2
    text = "# my ring\n0, 1\n\n-1.5 2 \n3;4\n"
    np.testing.assert_array_equal(toy.parse_points(text), [[0, 1], [-1.5, 2], [3, 4]])
    assert toy.points_distribution(text).centres.shape == (3, 2)


@pytest.mark.parametrize(("points", "message"), [
    ([[0.0, np.nan]], "finite"),
    ([[0.0, np.inf], [1, 1]], "point 0"),
    ([[0.0, 1.0, 2.0]], r"shape \(N, 2\)"),
    ([1.0, 2.0], r"shape \(N, 2\)"),
    (np.zeros((0, 2)), "N >= 1"),
    ([["a", "b"]], "numbers"),
])
def test_bad_user_points_are_refused(points, message):
    with pytest.raises(ValueError, match=message):
        toy.points_distribution(points)


@pytest.mark.parametrize(("text", "message"), [
    ("1, 2\n3", "line 2"),
    ("1, nan", "line 1"),
    ("x, y", "line 1"),
    ("\n# nothing\n", "no points"),
])
def test_bad_point_text_is_refused_naming_the_line(text, message):
    with pytest.raises(ValueError, match=message):
        toy.parse_points(text)


def test_unknown_names_and_bad_arguments_are_refused():
    with pytest.raises(ValueError, match=r"Unknown distribution 'ring9'.*ring8.*grid25"):
        toy.sample("ring9", 10)
    with pytest.raises(ValueError, match="n must be a whole number >= 1, got 0"):
        toy.sample("ring8", 0)
    centres = toy.mode_centres("ring8")
    with pytest.raises(ValueError, match="std must be a finite number > 0"):
        toy.modes_covered(centres, centres, 0.0)
    with pytest.raises(ValueError, match="min_count"):
        toy.modes_covered(centres, centres, 0.02, min_count=0)
    with pytest.raises(ValueError, match="samples must be finite"):
        toy.high_quality_share([[np.nan, 0.0]], centres, 0.02)
    with pytest.raises(ValueError, match="std must be a finite number > 0"):
        toy.points_distribution([[0, 0]], std=-1)
