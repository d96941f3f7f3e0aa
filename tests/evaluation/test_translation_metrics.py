"""Translation metrics on hand-checked images, the baselines, and the domain checks."""

import numpy as np
import pytest

from ganlib.evaluation import translation_metrics


def test_l1_and_psnr_on_a_known_difference():
    targets = np.zeros((2, 8, 8, 1), np.float32)  # 0.5 on the [0, 1] scale
    predicted = targets + 0.2  # 0.1 off on the [0, 1] scale
    np.testing.assert_allclose(translation_metrics.l1_error(predicted, targets), 0.1, atol=1e-6)
    np.testing.assert_allclose(translation_metrics.psnr(predicted, targets), 20.0, atol=1e-4)


def test_ssim_is_one_for_equal_images_and_lower_for_noise():
    rng = np.random.default_rng(0)
    targets = rng.uniform(-1, 1, (2, 16, 16, 3)).astype(np.float32)
    np.testing.assert_allclose(translation_metrics.ssim(targets, targets), 1.0, atol=1e-5)
    noisy = np.clip(targets + rng.normal(0, 0.5, targets.shape), -1, 1).astype(np.float32)
    assert translation_metrics.ssim(noisy, targets).max() < 0.9


def test_metrics_refuse_predictions_with_the_wrong_channels():
    with pytest.raises(ValueError, match="must have the same shape"):
        translation_metrics.translation_scores(np.zeros((1, 8, 8, 1), np.float32),
                                         np.zeros((1, 8, 8, 3), np.float32))


def test_baselines_convert_channels_blur_and_average():
    sources = -np.ones((2, 9, 9, 1), np.float32)
    sources[:, 4, 4] = 1.0
    identity = translation_metrics.identity_baseline(sources, 3)
    assert identity.shape == (2, 9, 9, 3) and identity[0, 4, 4, 1] == 1.0
    blurred = translation_metrics.blur_baseline(sources, 1, sigma=1.0)
    assert -1 < blurred[0, 4, 4, 0] < 1 and blurred[0, 4, 5, 0] > -1
    assert blurred[0, 4, 4, 0] > blurred[0, 4, 5, 0] > blurred[0, 4, 6, 0]
    mean = translation_metrics.mean_baseline(np.stack([sources[0], -sources[0]]), 3)
    assert mean.shape == (3, 9, 9, 1) and np.allclose(mean, 0.0)


def test_compare_translations_gives_one_row_per_method():
    targets = np.zeros((2, 8, 8, 1), np.float32)
    rows = translation_metrics.compare_translations({"exact": targets, "off": targets + 0.2},
                                                    targets)
    assert [r["method"] for r in rows] == ["exact", "off"]
    assert rows[0]["L1"] == 0 and rows[1]["L1"] == pytest.approx(0.1)
    assert rows[0]["PSNR"] == pytest.approx(100.0) and rows[0]["SSIM"] == pytest.approx(1.0)


def test_statistics_transfer_moves_mean_and_spread():
    rng = np.random.default_rng(0)
    images = rng.uniform(-0.5, 0.5, (20, 4, 4, 3)).astype(np.float32)
    reference = rng.uniform(0.0, 0.4, (20, 4, 4, 3)).astype(np.float32)
    moved = translation_metrics.statistics_transfer(images, reference)
    np.testing.assert_allclose(moved.mean(axis=(0, 1, 2)), reference.mean(axis=(0, 1, 2)),
                               atol=1e-5)
    np.testing.assert_allclose(moved.std(axis=(0, 1, 2)), reference.std(axis=(0, 1, 2)),
                               atol=1e-5)


def test_domain_classifier_tells_dark_from_bright_and_cycle_error_of_identity_is_zero():
    rng = np.random.default_rng(0)
    dark = rng.uniform(-1, -0.5, (64, 8, 8, 3)).astype(np.float32)
    bright = rng.uniform(0.5, 1, (64, 8, 8, 3)).astype(np.float32)
    judge = translation_metrics.train_domain_classifier(dark, bright, epochs=3)
    assert translation_metrics.domain_accuracy(judge, bright, "B") == 1.0
    assert translation_metrics.domain_accuracy(judge, dark, "B") == 0.0
    assert translation_metrics.cycle_error(lambda x: -x, lambda x: -x, dark) == 0.0
    assert translation_metrics.cycle_error(lambda x: x, lambda x: x * 0, dark) > 0.1
    with pytest.raises(ValueError, match="domain must be 'A' or 'B'"):
        translation_metrics.domain_accuracy(judge, dark, "C")


def test_label_accuracy_converts_colour_for_a_grey_classifier():
    rng = np.random.default_rng(0)
    dark = rng.uniform(-1, -0.5, (32, 8, 8, 1)).astype(np.float32)
    bright = rng.uniform(0.5, 1, (32, 8, 8, 1)).astype(np.float32)
    judge = translation_metrics.train_domain_classifier(dark, bright, epochs=3)
    colour = np.repeat(np.concatenate([dark, bright]), 3, axis=-1)
    labels = np.repeat([0, 1], 32)
    assert translation_metrics.label_accuracy(judge, colour, labels) == 1.0
    assert translation_metrics.label_accuracy(judge, colour, 1 - labels) == 0.0
