"""Tests of ganlib.evaluation.scores on known values: FID, KID, classifier score, P/R."""

import numpy as np
import pytest
import scipy.linalg

from ganlib.evaluation import scores


def _gaussian(n, mean, cov, seed):
    return np.random.default_rng(seed).multivariate_normal(mean, cov, size=n)


# --------------------------------------------------------------------------- frechet_distance


def test_frechet_distance_of_a_set_with_itself_is_zero():
    features = _gaussian(500, np.zeros(8), np.eye(8), seed=0)
    assert scores.frechet_distance(features, features) == pytest.approx(0.0, abs=1e-8)


def test_frechet_distance_of_a_shifted_copy_is_the_squared_shift():
    # Same sample covariance, means differ by `shift`: the distance is exactly ||shift||^2.
    features = _gaussian(1000, np.zeros(4), np.diag([1.0, 2.0, 0.5, 3.0]), seed=1)
    shift = np.array([1.0, -2.0, 0.5, 0.0])
    assert scores.frechet_distance(features, features + shift) == pytest.approx(5.25, rel=1e-9)


def test_frechet_distance_of_a_scaled_copy_matches_the_formula():
    # b = 2a + s: C_b = 4 C_a, sqrt(C_a C_b) = 2 C_a, so d = ||mu_a - mu_b||^2 + trace(C_a).
    a = _gaussian(2000, np.ones(3), [[2.0, 0.5, 0.0], [0.5, 1.0, 0.2], [0.0, 0.2, 0.7]], seed=2)
    b = 2.0 * a + np.array([0.0, 1.0, -1.0])
    expected = np.sum((a.mean(0) - b.mean(0)) ** 2) + np.trace(np.cov(a, rowvar=False))
    assert scores.frechet_distance(a, b) == pytest.approx(expected, rel=1e-9)


def test_frechet_distance_of_independent_gaussians_is_close_to_the_analytic_value():
    # Equal covariances: the distance between the true Gaussians is ||mu_a - mu_b||^2 = 9.
    cov = np.diag([1.0, 0.5, 2.0])
    a = _gaussian(20_000, [0.0, 0.0, 0.0], cov, seed=3)
    b = _gaussian(20_000, [3.0, 0.0, 0.0], cov, seed=4)
    assert scores.frechet_distance(a, b) == pytest.approx(9.0, abs=0.1)


def test_frechet_distance_of_diagonal_gaussians_with_different_variances():
    # Diagonal covariances: d = ||mu_a - mu_b||^2 + sum (sqrt(s_a) - sqrt(s_b))^2 = 1 + 1 + 1.
    a = _gaussian(50_000, [0.0, 0.0], np.diag([1.0, 4.0]), seed=5)
    b = _gaussian(50_000, [1.0, 0.0], np.diag([4.0, 1.0]), seed=6)
    assert scores.frechet_distance(a, b) == pytest.approx(3.0, abs=0.1)


def test_frechet_distance_of_correlated_gaussians_matches_the_closed_form():
    # Full covariances that do not commute: the closed form with scipy's matrix square root.
    mean_a, mean_b = np.array([0.0, 1.0, -1.0]), np.array([0.5, 0.0, 0.0])
    cov_a = np.array([[2.0, 0.8, 0.3], [0.8, 1.0, 0.1], [0.3, 0.1, 0.5]])
    cov_b = np.array([[1.0, -0.4, 0.0], [-0.4, 2.0, 0.6], [0.0, 0.6, 1.5]])
    expected = (np.sum((mean_a - mean_b) ** 2) + np.trace(cov_a + cov_b)
                - 2.0 * np.trace(scipy.linalg.sqrtm(cov_a @ cov_b)).real)
    a = _gaussian(100_000, mean_a, cov_a, seed=7)
    b = _gaussian(100_000, mean_b, cov_b, seed=8)
    assert expected == pytest.approx(3.484, abs=1e-3)  # far from 0: the test can fail
    assert scores.frechet_distance(a, b) == pytest.approx(expected, abs=0.05)


def test_frechet_distance_is_symmetric():
    a = _gaussian(300, np.zeros(5), np.diag([1.0, 2.0, 3.0, 4.0, 5.0]), seed=7)
    b = _gaussian(300, np.ones(5), np.eye(5) * 0.3, seed=8)
    assert scores.frechet_distance(a, b) == pytest.approx(scores.frechet_distance(b, a),
                                                          rel=1e-9)


def test_frechet_distance_handles_rank_deficient_features():
    # Fewer samples than features and constant (dead-ReLU) features: finite and >= 0.
    a = np.random.default_rng(9).random((20, 64))
    a[:, :10] = 0.0
    b = np.random.default_rng(10).random((20, 64))
    distance = scores.frechet_distance(a, b)
    assert np.isfinite(distance) and distance >= 0.0


@pytest.mark.parametrize("a, b, error", [
    (np.zeros((10, 3)), np.zeros((10, 4)), ValueError),     # feature sizes differ
    (np.zeros(10), np.zeros(10), ValueError),               # not (N, D)
    (np.zeros((1, 3)), np.zeros((10, 3)), ValueError),      # one sample: no covariance
    (np.full((10, 3), np.nan), np.zeros((10, 3)), ValueError),
    (np.array([["a", "b"]] * 3), np.zeros((3, 2)), TypeError),
])
def test_frechet_distance_rejects_bad_input(a, b, error):
    with pytest.raises(error):
        scores.frechet_distance(a, b)


# --------------------------------------------------------------------------- kernel_distance


def test_kernel_distance_of_constant_sets_is_the_kernel_formula():
    # Every row of a is u, of b is v: each round gives k(u,u) + k(v,v) - 2 k(u,v) exactly,
    # with k(x, y) = (x.y / 2 + 1)^3: 1.5^3 + 3^3 - 2 * 1^3 = 28.375.
    a = np.tile([1.0, 0.0], (6, 1))
    b = np.tile([0.0, 2.0], (6, 1))
    mean, spread = scores.kernel_distance(a, b, num_subsets=5)
    assert mean == pytest.approx(28.375, rel=1e-12)
    assert spread == pytest.approx(0.0, abs=1e-9)


def test_kernel_distance_is_unbiased_for_small_subsets():
    # 1-D Gaussians N(0, 1) and N(0.5, 1): with k(x, y) = (xy + 1)^3 the population MMD^2 is
    # (E x^3 - E y^3)^2 + 3 (E x^2 - E y^2)^2 + 3 (E x - E y)^2 = 1.625^2 + 3 * 0.25^2
    # + 3 * 0.5^2 = 3.578125. Rounds of 50 samples: a biased (V-statistic) estimate would be
    # about 1.1 too high here; the unbiased one matches.
    a = np.random.default_rng(10).normal(0.0, 1.0, (20_000, 1))
    b = np.random.default_rng(11).normal(0.5, 1.0, (20_000, 1))
    mean, spread = scores.kernel_distance(a, b, num_subsets=2000, subset_size=50, seed=0)
    assert mean == pytest.approx(3.578125, abs=0.35)
    assert spread > 1.0  # single rounds of 50 samples scatter a lot


def test_kernel_distance_of_one_distribution_is_near_zero():
    a = _gaussian(2000, np.zeros(16), np.eye(16), seed=12)
    b = _gaussian(2000, np.zeros(16), np.eye(16), seed=13)
    shifted = b + 0.5
    same, spread = scores.kernel_distance(a, b, num_subsets=50, subset_size=500, seed=0)
    far, _ = scores.kernel_distance(a, shifted, num_subsets=50, subset_size=500, seed=0)
    assert abs(same) < 0.01 < 0.1 < far
    assert abs(same) < 3 * spread  # within its own spread of zero, and may be negative
    itself, _ = scores.kernel_distance(a, a, num_subsets=50, subset_size=500, seed=0)
    assert abs(itself) < 0.01


def test_kernel_distance_is_seeded():
    a = _gaussian(300, np.zeros(4), np.eye(4), seed=14)
    b = _gaussian(300, np.ones(4), np.eye(4), seed=15)
    first = scores.kernel_distance(a, b, num_subsets=10, subset_size=100, seed=3)
    assert scores.kernel_distance(a, b, num_subsets=10, subset_size=100, seed=3) == first
    assert scores.kernel_distance(a, b, num_subsets=10, subset_size=100, seed=4) != first


def test_kernel_distance_of_large_sets_computes_each_round_alike(monkeypatch):
    # Sets above _WHOLE_KERNEL_MAX are handled round by round: the same figures.
    a = _gaussian(400, np.zeros(4), np.eye(4), seed=16)
    b = _gaussian(300, np.ones(4) * 0.2, np.eye(4), seed=17)
    whole = scores.kernel_distance(a, b, num_subsets=20, subset_size=100, seed=5)
    monkeypatch.setattr(scores, "_WHOLE_KERNEL_MAX", 100)
    by_round = scores.kernel_distance(a, b, num_subsets=20, subset_size=100, seed=5)
    assert by_round == pytest.approx(whole, rel=1e-10)


@pytest.mark.parametrize("kwargs, match", [
    ({"num_subsets": 0}, "num_subsets"),
    ({"subset_size": 1}, "subset_size"),
])
def test_kernel_distance_rejects_bad_settings(kwargs, match):
    with pytest.raises(ValueError, match=match):
        scores.kernel_distance(np.zeros((10, 2)), np.ones((10, 2)), **kwargs)


def test_kernel_distance_needs_four_samples():
    with pytest.raises(ValueError, match="at least 4"):
        scores.kernel_distance(np.zeros((3, 2)), np.ones((10, 2)))


# --------------------------------------------------------------------------- classifier score


def test_classifier_score_of_confident_even_predictions_is_the_number_of_classes():
    labels = np.arange(100) % 10     # every split of 10 holds each class once
    probabilities = np.eye(10)[labels]
    mean, spread = scores.classifier_score(probabilities, splits=10)
    assert mean == pytest.approx(10.0, rel=1e-9)
    assert spread == pytest.approx(0.0, abs=1e-9)


@pytest.mark.parametrize("row", [[0.0, 1.0, 0.0], [0.2, 0.5, 0.3]])
def test_classifier_score_of_constant_predictions_is_one(row):
    mean, _ = scores.classifier_score(np.tile(row, (30, 1)), splits=3)
    assert mean == pytest.approx(1.0, abs=1e-9)


def test_classifier_score_matches_a_hand_computed_value():
    # p(y) = [0.75, 0.25]; KL = log(4/3) and 0.5 log(2/3) + 0.5 log 2; score = exp(mean).
    probabilities = np.array([[1.0, 0.0], [0.5, 0.5]])
    kl = [np.log(4 / 3), 0.5 * np.log(2 / 3) + 0.5 * np.log(2)]
    mean, _ = scores.classifier_score(probabilities, splits=1)
    assert mean == pytest.approx(np.exp(np.mean(kl)), rel=1e-12)
    assert mean == pytest.approx(1.2408, abs=1e-4)


@pytest.mark.parametrize("probabilities, kwargs", [
    (np.full((5, 3), 0.5), {}),               # rows do not sum to 1
    (np.ones((5, 1)), {}),                    # one class
    (np.eye(3), {"splits": 4}),               # more splits than samples
    (np.eye(3), {"splits": 0}),
])
def test_classifier_score_rejects_bad_input(probabilities, kwargs):
    with pytest.raises(ValueError):
        scores.classifier_score(probabilities, **kwargs)


# --------------------------------------------------------------------------- class histogram


def test_class_histogram_modes_and_distances():
    labels = np.array([0] * 50 + [1] * 30 + [2] * 19 + [3] * 1)
    shares = scores.class_histogram(np.eye(5)[labels])
    np.testing.assert_allclose(shares, [0.5, 0.3, 0.19, 0.01, 0.0])
    np.testing.assert_allclose(scores.class_histogram(labels, num_classes=5), shares)
    assert scores.classes_covered(shares) == 3                  # default min share 0.2 / 5
    assert scores.classes_covered(shares, min_share=0.01) == 4
    assert scores.classes_covered(shares, min_share=0.3) == 2
    # Total variation to uniform: 0.5 * (0.3 + 0.1 + 0.01 + 0.19 + 0.2) = 0.4.
    assert scores.histogram_distance(shares) == pytest.approx(0.4)
    assert scores.histogram_distance(shares, shares) == 0.0
    one_class = scores.class_histogram(np.eye(10)[np.zeros(20, int)])
    assert scores.histogram_distance(one_class) == pytest.approx(0.9)
    assert scores.classes_covered(one_class) == 1


def test_class_histogram_rejects_bad_input():
    with pytest.raises(ValueError, match="num_classes"):
        scores.class_histogram(np.array([0, 1, 2]))
    with pytest.raises(ValueError):
        scores.class_histogram(np.array([0, 5]), num_classes=3)
    with pytest.raises(ValueError, match="min_share"):
        scores.classes_covered([0.5, 0.5], min_share=0.0)
    with pytest.raises(ValueError, match="histogram"):
        scores.classes_covered([0.5, 0.2])
    with pytest.raises(ValueError, match="same classes"):
        scores.histogram_distance([0.5, 0.5], [1.0, 0.0, 0.0])


# --------------------------------------------------------------------------- precision / recall


def _column(values):
    return np.asarray(values, dtype=np.float64)[:, None]


def test_knn_radii_on_points_of_a_line():
    real = _column([0, 1, 2, 3, 10])
    np.testing.assert_allclose(scores.knn_radii(real, k=1), [1, 1, 1, 1, 7])
    np.testing.assert_allclose(scores.knn_radii(real, k=2), [2, 1, 1, 2, 8])
    # A duplicate is a neighbour at distance 0; the sample itself is not.
    np.testing.assert_allclose(scores.knn_radii(_column([0, 0, 5]), k=1), [0, 0, 5])
    with pytest.raises(ValueError, match="k=5 needs at least 6"):
        scores.knn_radii(real, k=5)


def test_precision_recall_on_hand_made_points():
    # k = 1. Real balls: 0, 1, 2, 3 with radius 1 and 10 with radius 7.
    # Fake 0.5 (in 0's ball) and 5 (in 10's ball) are inside; -1.5, 20 and 21 are not:
    # precision 2/5. Fake balls: -1.5 r 2, 0.5 r 2, 5 r 4.5, 20 r 1, 21 r 1. Real 0, 1, 2
    # (near 0.5) and 3 (near 5) are inside; 10 is not: recall 4/5.
    real = _column([0, 1, 2, 3, 10])
    fake = _column([0.5, 5, 20, -1.5, 21])
    precision, recall = scores.precision_recall(real, fake, k=1)
    assert precision == pytest.approx(0.4)
    assert recall == pytest.approx(0.8)
    # Passing the real radii gives the same answer.
    assert scores.precision_recall(real, fake, k=1,
                                   real_radii=scores.knn_radii(real, 1)) == (precision, recall)


def test_precision_recall_of_a_set_with_itself_and_with_a_far_set():
    points = np.random.default_rng(16).normal(size=(200, 3))
    assert scores.precision_recall(points, points) == (1.0, 1.0)
    assert scores.precision_recall(points, points + 100.0) == (0.0, 0.0)


def test_precision_recall_sees_a_generator_that_covers_half_the_data():
    # Real data: two far clusters. Fake data: only the first. Realistic but half covered.
    rng = np.random.default_rng(17)
    real = np.concatenate([rng.normal(0, 1, (300, 2)), rng.normal(50, 1, (300, 2))])
    fake = rng.normal(0, 1, (600, 2))
    precision, recall = scores.precision_recall(real, fake, k=3)
    assert precision > 0.9
    assert 0.4 < recall <= 0.5


def test_precision_recall_rejects_bad_input():
    with pytest.raises(ValueError, match="at least 4"):
        scores.precision_recall(np.zeros((3, 2)), np.zeros((10, 2)), k=3)
    with pytest.raises(ValueError, match="same classifier"):
        scores.precision_recall(np.zeros((10, 2)), np.zeros((10, 3)))
    with pytest.raises(ValueError, match="real_radii"):
        scores.precision_recall(np.zeros((10, 2)), np.zeros((10, 2)), real_radii=np.ones(3))
