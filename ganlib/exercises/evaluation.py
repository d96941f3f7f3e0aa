"""Evaluation exercise: the Fréchet distance between two Gaussians, FID's formula.

Known values come from ``ganlib.evaluation.scores.frechet_distance`` (on the features whose
means and covariances the exercise is given) and from hand computation in one dimension.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg
import tensorflow as tf

from ganlib.evaluation.scores import frechet_distance as library_frechet_distance
from ganlib.exercises import compare
from ganlib.exercises.registry import register

__all__ = ["frechet_distance"]


def frechet_distance(mu1, sigma1, mu2, sigma2):
    """||mu1 - mu2||^2 + trace(sigma1 + sigma2 - 2 sqrt(sigma1 sigma2)) (FID's formula)."""
    mu1, mu2 = np.asarray(mu1, dtype=np.float64), np.asarray(mu2, dtype=np.float64)
    sigma1, sigma2 = np.asarray(sigma1, dtype=np.float64), np.asarray(sigma2, dtype=np.float64)
    root = scipy.linalg.sqrtm(sigma1 @ sigma2).real    # the matrix square root of the product
    return float(np.sum((mu1 - mu2) ** 2) + np.trace(sigma1 + sigma2 - 2.0 * root))


def _moments(features):
    return features.mean(axis=0), np.atleast_2d(np.cov(features, rowvar=False))


def _check_frechet_distance(function):
    rng = np.random.default_rng(9)
    mixing = np.array([[1.0, 0.0, 0.0], [0.8, 0.6, 0.0], [-0.5, 0.3, 0.7]])
    features_a = rng.normal(size=(200, 3)) @ mixing
    features_b = rng.normal(size=(200, 3)) @ (1.5 * mixing.T) + [0.5, -1.0, 0.2]
    mu_a, sigma_a = _moments(features_a)
    mu_b, sigma_b = _moments(features_b)
    known = library_frechet_distance(features_a, features_b)
    cases = [
        ((np.array([0.0]), np.array([[1.0]]), np.array([1.0]), np.array([[4.0]])), 2.0,
         "two 1-D Gaussians N(0, 1) and N(1, 4)"),
        ((mu_a, sigma_a, mu_a, sigma_a), 0.0, "one 3-D Gaussian and itself"),
        ((mu_a, sigma_a, mu_b, sigma_b), known, "two 3-D Gaussians (NumPy arrays)"),
        (tuple(tf.constant(a) for a in (mu_a, sigma_a, mu_b, sigma_b)), known,
         "the same Gaussians given as tensors"),
    ]
    for arguments, expected, what in cases:
        got = compare.scalar(compare.call(function, *arguments), "the distance",
                             reduce="the distance is one number for the two Gaussians")
        mu1, sigma1, mu2, sigma2 = (np.asarray(a, np.float64) for a in arguments)
        root = scipy.linalg.sqrtm(sigma1 @ sigma2).real
        means, traces = np.sum((mu1 - mu2) ** 2), np.trace(sigma1 + sigma2)
        with np.errstate(invalid="ignore"):
            elementwise = np.sqrt(sigma1 @ sigma2)
        compare.compare(got, expected, "the distance", on=f" for {what}", atol=1e-4,
                        hint="The square root is the matrix square root of sigma1 @ sigma2 "
                             "(scipy.linalg.sqrtm), not np.sqrt of each entry.", wrong=[
            (means + traces - np.trace(root),
             "The factor 2 is missing: trace(sigma1 + sigma2 - 2 sqrt(sigma1 sigma2))."),
            (np.sqrt(means) + traces - 2 * np.trace(root),
             "The means' term is ||mu1 - mu2||^2, the squared distance."),
            (means + traces - 2 * np.trace(scipy.linalg.sqrtm(sigma1).real
                                           @ scipy.linalg.sqrtm(sigma2).real),
             "Take sqrtm(sigma1 @ sigma2), the root of the product, not sqrtm(sigma1) @ "
             "sqrtm(sigma2)."),
            (means + traces - 2 * np.trace(elementwise),
             "np.sqrt takes the square root of each entry; the formula needs the matrix "
             "square root of sigma1 @ sigma2: scipy.linalg.sqrtm."),
            (np.sqrt(max(expected, 0.0)), "That is the square root of the distance; FID is "
                                          "the squared Fréchet distance itself."),
        ])
    return ("the distance by hand for two 1-D Gaussians (2.0), 0 for a Gaussian and itself, "
            "and ganlib's FID of two 3-D feature sets from their means and covariances, given "
            "as NumPy arrays and as tensors")


register(frechet_distance, _check_frechet_distance, task="""
Write `frechet_distance(mu1, sigma1, mu2, sigma2)`: the Fréchet distance between two
Gaussians N(mu1, sigma1) and N(mu2, sigma2) (Dowson & Landau 1982), the formula of FID
(Heusel et al. 2017) on the features' means and covariances:

    d = ||mu1 - mu2||^2 + trace(sigma1 + sigma2 - 2 sqrt(sigma1 @ sigma2))

where sqrt is the matrix square root (scipy.linalg.sqrtm; keep its real part, `.real`),
not the square root of each entry.

Args:
    mu1, mu2: the means, shape (D,).
    sigma1, sigma2: the covariance matrices, shape (D, D).
Returns:
    One number (a float), >= 0.

NumPy arrays and tensors are both accepted (np.asarray turns a tensor into an array).
""")
