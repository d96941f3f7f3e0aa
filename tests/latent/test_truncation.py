"""The truncation trick: psi checked, known values, and the measured trade-off."""

import numpy as np
import pytest

from ganlib import data
from ganlib.evaluation.classifier import train_feature_classifier
from ganlib.latent import truncation


@pytest.mark.parametrize("psi", [0, -0.5, 1.01, 2, float("nan"), True, "0.5"])
def test_psi_outside_zero_to_one_is_refused_naming_psi_and_the_range(psi):
    with pytest.raises((ValueError, TypeError), match=r"^psi must be a finite number > 0 "
                                                      r"and <= 1 \(1 leaves z as drawn"):
        truncation.truncate(np.ones((2, 4)), psi)


def test_truncate_scales_the_codes_toward_zero():
    latent = np.array([[1.0, -2.0], [0.5, 4.0]])
    np.testing.assert_allclose(truncation.truncate(latent, 0.5), [[0.5, -1.0], [0.25, 2.0]])
    np.testing.assert_array_equal(truncation.truncate(latent, 1), latent)
    assert truncation.truncate(latent, 0.7).dtype == np.float32


def test_truncated_normal_draws_again_every_entry_beyond_the_threshold():
    latent = truncation.truncated_normal(500, 16, threshold=0.5, seed=3)
    assert latent.shape == (500, 16) and latent.dtype == np.float32
    assert np.abs(latent).max() <= 0.5
    assert 0.25 < latent.std() < 0.3  # N(0, 1) cut at 0.5: standard deviation 0.28
    np.testing.assert_array_equal(latent, truncation.truncated_normal(500, 16, 0.5, seed=3))
    with pytest.raises(ValueError, match="threshold must be a finite number > 0"):
        truncation.truncated_normal(4, 16, threshold=0)


@pytest.fixture(scope="module")
def digits_classifier():
    train = data.load_dataset("digits", split="train", verbose=False)
    return train_feature_classifier(train.images[:1000], train.labels[:1000], epochs=2)


def test_the_curve_loses_recall_and_diversity_as_psi_falls(digits_classifier):
    """A stand-in generator: real digits, blended toward their mean image as the length of
    z falls. Smaller psi, fewer kinds of image: recall and diversity fall."""
    train = data.load_dataset("digits", split="train", verbose=False)
    real = train.images[1000:1200]
    mean = real.mean(axis=0)
    seen = []

    def generate(latent):
        seen.append(latent)
        scale = np.linalg.norm(latent, axis=1) / np.sqrt(latent.shape[1])
        return np.clip(mean + scale[:, None, None, None] * (real - mean), -1, 1)

    rows = truncation.truncation_curve(generate, 16, "digits", [1.0, 0.3], n_samples=200,
                                       classifier=digits_classifier)
    assert [row["psi"] for row in rows] == [1.0, 0.3]
    assert set(rows[0]) == {"psi", "fid", "precision", "recall", "diversity"}
    np.testing.assert_allclose(seen[1], 0.3 * seen[0], rtol=1e-6)  # the same codes, scaled
    assert rows[1]["recall"] < rows[0]["recall"] and rows[1]["diversity"] < rows[0]["diversity"]
    assert rows[1]["fid"] > rows[0]["fid"]
    with pytest.raises(ValueError, match=r"psis\[1\] must be a finite number > 0 and <= 1"):
        truncation.truncation_curve(generate, 16, "digits", [0.5, 1.5])
