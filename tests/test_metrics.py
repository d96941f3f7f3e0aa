"""Tests of ganlib.metrics: the Fréchet distance on known Gaussians, the feature classifier."""

import numpy as np
import pytest

from ganlib import data, metrics

# --------------------------------------------------------------------------- frechet_distance


def _gaussian(n, mean, cov, seed):
    return np.random.default_rng(seed).multivariate_normal(mean, cov, size=n)


def test_frechet_distance_of_a_set_with_itself_is_zero():
    features = _gaussian(500, np.zeros(8), np.eye(8), seed=0)
    assert metrics.frechet_distance(features, features) == pytest.approx(0.0, abs=1e-8)


def test_frechet_distance_of_a_shifted_copy_is_the_squared_shift():
    # Same sample covariance, means differ by `shift`: the distance is exactly ||shift||^2.
    features = _gaussian(1000, np.zeros(4), np.diag([1.0, 2.0, 0.5, 3.0]), seed=1)
    shift = np.array([1.0, -2.0, 0.5, 0.0])
    assert metrics.frechet_distance(features, features + shift) == pytest.approx(5.25, rel=1e-9)


def test_frechet_distance_of_a_scaled_copy_matches_the_formula():
    # b = 2a + s: C_b = 4 C_a, sqrt(C_a C_b) = 2 C_a, so d = ||mu_a - mu_b||^2 + trace(C_a).
    a = _gaussian(2000, np.ones(3), [[2.0, 0.5, 0.0], [0.5, 1.0, 0.2], [0.0, 0.2, 0.7]], seed=2)
    b = 2.0 * a + np.array([0.0, 1.0, -1.0])
    expected = np.sum((a.mean(0) - b.mean(0)) ** 2) + np.trace(np.cov(a, rowvar=False))
    assert metrics.frechet_distance(a, b) == pytest.approx(expected, rel=1e-9)


def test_frechet_distance_of_independent_gaussians_is_close_to_the_analytic_value():
    # Equal covariances: the distance between the true Gaussians is ||mu_a - mu_b||^2 = 9.
    cov = np.diag([1.0, 0.5, 2.0])
    a = _gaussian(20_000, [0.0, 0.0, 0.0], cov, seed=3)
    b = _gaussian(20_000, [3.0, 0.0, 0.0], cov, seed=4)
    assert metrics.frechet_distance(a, b) == pytest.approx(9.0, abs=0.1)


def test_frechet_distance_of_diagonal_gaussians_with_different_variances():
    # Diagonal covariances: d = ||mu_a - mu_b||^2 + sum (sqrt(s_a) - sqrt(s_b))^2 = 1 + 1 + 1.
    a = _gaussian(50_000, [0.0, 0.0], np.diag([1.0, 4.0]), seed=5)
    b = _gaussian(50_000, [1.0, 0.0], np.diag([4.0, 1.0]), seed=6)
    assert metrics.frechet_distance(a, b) == pytest.approx(3.0, abs=0.1)


def test_frechet_distance_is_symmetric():
    a = _gaussian(300, np.zeros(5), np.diag([1.0, 2.0, 3.0, 4.0, 5.0]), seed=7)
    b = _gaussian(300, np.ones(5), np.eye(5) * 0.3, seed=8)
    assert metrics.frechet_distance(a, b) == pytest.approx(metrics.frechet_distance(b, a),
                                                           rel=1e-9)


def test_frechet_distance_handles_rank_deficient_features():
    # Fewer samples than features and constant (dead-ReLU) features: finite and >= 0.
    a = np.random.default_rng(9).random((20, 64))
    a[:, :10] = 0.0
    b = np.random.default_rng(10).random((20, 64))
    distance = metrics.frechet_distance(a, b)
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
        metrics.frechet_distance(a, b)


# --------------------------------------------------------------------------- classifier


@pytest.fixture(scope="module")
def digits():
    return data.load_dataset("digits", split="train", verbose=False)


@pytest.fixture(scope="module")
def classifier(digits):
    return metrics.train_feature_classifier(digits.images, digits.labels, epochs=4, seed=0)


def test_classifier_learns_the_digits(classifier):
    test = data.load_dataset("digits", split="test", verbose=False)
    probabilities = metrics.classifier_probabilities(classifier, test.images)
    assert probabilities.shape == (len(test.images), 10)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)
    assert np.mean(probabilities.argmax(axis=1) == test.labels) > 0.8


def test_features_have_the_penultimate_layer_size(classifier, digits):
    features = metrics.classifier_features(classifier, digits.images[:7])
    assert features.shape == (7, 128)
    assert features.dtype == np.float32


def test_real_vs_real_is_much_smaller_than_real_vs_noise(classifier, digits):
    half = len(digits.images) // 2
    first = metrics.classifier_features(classifier, digits.images[:half])
    second = metrics.classifier_features(classifier, digits.images[half:2 * half])
    noise_images = np.random.default_rng(0).uniform(-1, 1, digits.images[:half].shape)
    noise = metrics.classifier_features(classifier, noise_images.astype(np.float32))
    real_vs_real = metrics.frechet_distance(first, second)
    real_vs_noise = metrics.frechet_distance(first, noise)
    assert real_vs_noise > 10 * real_vs_real


def test_uint8_and_model_range_images_give_the_same_features(classifier, digits):
    as_uint8 = data.to_uint8(digits.images[:50])
    from_uint8 = metrics.classifier_features(classifier, as_uint8)
    from_float = metrics.classifier_features(classifier, data.to_model_range(as_uint8))
    np.testing.assert_allclose(from_uint8, from_float, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("images, error", [
    (np.full((4, 28, 28, 1), 200.0, np.float32), ValueError),  # floats in [0, 255]
    (np.zeros((4, 28, 28), np.uint8), ValueError),              # channel axis missing
    (np.zeros((4, 32, 32, 3), np.float32), ValueError),         # not the classifier's shape
    (np.zeros((4, 28, 28, 1), np.int64), TypeError),            # neither uint8 nor float
    (np.full((4, 28, 28, 1), np.nan, np.float32), ValueError),
])
def test_classifier_functions_reject_bad_images(classifier, images, error):
    with pytest.raises(error):
        metrics.classifier_features(classifier, images)
    with pytest.raises(error):
        metrics.classifier_probabilities(classifier, images)


def test_train_feature_classifier_rejects_bad_labels(digits):
    with pytest.raises(ValueError, match="labels"):
        metrics.train_feature_classifier(digits.images[:10], digits.labels[:9], epochs=1)
    with pytest.raises(ValueError, match="labels"):
        metrics.train_feature_classifier(digits.images[:10], np.full(10, 12), epochs=1)


def test_feature_classifier_trains_once_then_loads_the_cache(tmp_path, capsys, digits):
    first = metrics.feature_classifier("digits", data_dir=tmp_path, epochs=1)
    assert "trained" in capsys.readouterr().out
    assert (tmp_path / "classifiers" / "digits.keras").exists()
    second = metrics.feature_classifier("digits", data_dir=tmp_path)
    assert "loaded from" in capsys.readouterr().out
    np.testing.assert_allclose(metrics.classifier_features(first, digits.images[:20]),
                               metrics.classifier_features(second, digits.images[:20]),
                               rtol=1e-5, atol=1e-5)


def test_feature_classifier_rejects_unknown_dataset(tmp_path):
    with pytest.raises(ValueError, match="Unknown dataset"):
        metrics.feature_classifier("imagenet", data_dir=tmp_path)
