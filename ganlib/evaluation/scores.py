"""Sample-quality scores computed from features or class probabilities (plain numpy).

These functions do not know where the features come from; ``ganlib.evaluation.metrics`` feeds them
the features and class probabilities of its own small classifier (so its figures are NOT
Inception figures). All of them are deterministic: the ones that draw subsets take ``seed``.

- ``frechet_distance``: FID's formula (Heusel et al. 2017; Dowson & Landau 1982).
- ``kernel_distance``: KID's formula, the unbiased MMD^2 with the cubic polynomial kernel,
  averaged over random subsets (Bińkowski et al. 2018, "Demystifying MMD GANs").
- ``classifier_score``: the Inception Score's formula exp(E_x KL(p(y|x) || p(y))) with
  splits (Salimans et al. 2016).
- ``class_histogram``, ``classes_covered``, ``histogram_distance``: how the samples spread
  over the classes (the class-coverage check of Metz et al. 2017 and Srivastava et al.
  2017, with a classifier instead of a 2-D grid; ``evaluate_images`` reports the count of
  classes covered as its ``modes_covered``; the 2-D mode count is ``ganlib.data.toy``'s).
- ``precision_recall``: the k-nearest-neighbour manifold estimate of precision (are samples
  realistic?) and recall (is the real data covered?) (Kynkäänniemi et al. 2019).
"""

from __future__ import annotations

import numpy as np

from ganlib import _checks

__all__ = [
    "class_histogram",
    "classifier_score",
    "frechet_distance",
    "histogram_distance",
    "kernel_distance",
    "knn_radii",
    "classes_covered",
    "precision_recall",
]

_CHUNK = 1000  # rows of a distance matrix computed at once (1,000 x 10,000 x 8 B = 80 MB)
_WHOLE_KERNEL_MAX = 2048  # KID keeps whole kernel matrices up to this many samples (34 MB)


def _check_features(features, name: str, min_samples: int = 2) -> np.ndarray:
    array = np.asarray(features)
    if array.ndim != 2:
        raise ValueError(f"{name} must have shape (N, feature_dim), got {array.shape}. "
                         "Use ganlib.evaluation.classifier_features(classifier, images) to get "
                         "such an array.")
    if array.shape[0] < min_samples:
        raise ValueError(f"{name} holds {array.shape[0]} sample(s); this needs at least "
                         f"{min_samples} (use thousands for a stable figure).")
    return _checks.finite_array(array, name)


def _feature_pair(a, b, names=("features_a", "features_b"), min_samples=2):
    """Two feature sets as float64 arrays, checked: 2-D, enough samples, finite, same width."""
    a = _check_features(a, names[0], min_samples)
    b = _check_features(b, names[1], min_samples)
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"{names[0]} has {a.shape[1]} features per sample but {names[1]} "
                         f"has {b.shape[1]}; compute both with the same classifier.")
    return a, b



# --------------------------------------------------------------------------- FID


def _trace_sqrt_product(cov_a: np.ndarray, cov_b: np.ndarray) -> float:
    """trace(sqrt(cov_a @ cov_b)) for symmetric positive semi-definite matrices.

    Computed as the sum of square roots of the eigenvalues of the symmetric matrix
    sqrt(A) B sqrt(A), which has the same eigenvalues as A B. This stays real and stable
    for singular (rank-deficient) covariances, where a general matrix square root may not.
    """
    eigenvalues, eigenvectors = np.linalg.eigh(cov_a)
    sqrt_a = (eigenvectors * np.sqrt(np.clip(eigenvalues, 0.0, None))) @ eigenvectors.T
    middle = sqrt_a @ cov_b @ sqrt_a
    middle = (middle + middle.T) / 2.0
    return float(np.sqrt(np.clip(np.linalg.eigvalsh(middle), 0.0, None)).sum())


def frechet_distance(features_a, features_b) -> float:
    """Fréchet distance between Gaussians fitted to two feature sets (the formula of FID).

    ``||mu_a - mu_b||^2 + trace(C_a + C_b - 2 sqrt(C_a C_b))``, computed in float64 with an
    eigen-decomposition, so it is real and finite; round-off negatives are clamped to 0.
    Biased upwards for finite samples: compare only figures of equal sample sizes.

    Args:
        features_a, features_b: arrays of shape (N_a, D) and (N_b, D), N >= 2.

    Returns:
        The distance as a float >= 0 (squared units of the features).
    """
    a, b = _feature_pair(features_a, features_b)
    mean_a, mean_b = a.mean(axis=0), b.mean(axis=0)  # mu_a, mu_b
    cov_a = np.atleast_2d(np.cov(a, rowvar=False))    # C_a
    cov_b = np.atleast_2d(np.cov(b, rowvar=False))    # C_b
    # ||mu_a - mu_b||^2 + tr(C_a) + tr(C_b) - 2 tr(sqrt(C_a C_b))
    distance = (float(np.sum((mean_a - mean_b) ** 2)) + float(np.trace(cov_a))
                + float(np.trace(cov_b)) - 2.0 * _trace_sqrt_product(cov_a, cov_b))
    return max(distance, 0.0)


# --------------------------------------------------------------------------- KID


def _cubic_kernel(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """k(u, v) = (u.v / d + 1)^3 for all pairs of rows."""
    gram = u @ v.T
    gram /= u.shape[1]
    gram += 1.0
    return gram * gram * gram  # much faster than gram ** 3


def _unbiased_mmd2(k_xx: np.ndarray, k_yy: np.ndarray, k_xy: np.ndarray) -> float:
    """Unbiased MMD^2 from the kernel matrices of two equal-size sets."""
    m = len(k_xx)
    within = (k_xx.sum() - np.trace(k_xx) + k_yy.sum() - np.trace(k_yy)) / (m * (m - 1))
    return float(within - 2.0 * k_xy.mean())


def kernel_distance(features_a, features_b, *, num_subsets: int = 100,
                    subset_size: int = 1000, seed: int = 0) -> tuple[float, float]:
    """Kernel distance (the formula of KID): unbiased MMD^2, cubic polynomial kernel.

    ``k(u, v) = (u.v / d + 1)^3``. Each of ``num_subsets`` rounds draws ``subset_size``
    samples (without replacement) from each set and computes the unbiased estimate of
    MMD^2; the figure is the mean over rounds. Unlike FID it has no bias from the sample
    size, so it can be slightly negative when the two sets come from one distribution.

    Args:
        features_a, features_b: arrays (N_a, D) and (N_b, D) with N >= 4.
        num_subsets: rounds to average over (100 as in Bińkowski et al. 2018).
        subset_size: samples per round; at most half of the smaller set, so that the
            rounds differ and the spread means something (1,000 for 10,000 samples).
        seed: seeds the choice of subsets.

    Returns:
        (mean, standard deviation over the rounds).
    """
    a, b = _feature_pair(features_a, features_b)
    num_subsets = _checks.whole_number(num_subsets, "num_subsets")
    if min(len(a), len(b)) < 4:
        raise ValueError(f"kernel_distance needs at least 4 samples per set (two rounds of "
                         f"2), got {len(a)} and {len(b)}.")
    size = min(_checks.whole_number(subset_size, "subset_size", 2), min(len(a), len(b)) // 2)
    rng = np.random.default_rng(seed)
    # Small sets: compute every kernel value once and pick the rounds' blocks from them
    # (many small matrix products are slow); large sets: compute each round's blocks.
    whole = max(len(a), len(b)) <= _WHOLE_KERNEL_MAX
    if whole:
        k_aa, k_bb, k_ab = _cubic_kernel(a, a), _cubic_kernel(b, b), _cubic_kernel(a, b)
    estimates = []
    for _ in range(num_subsets):
        i = rng.choice(len(a), size, replace=False)
        j = rng.choice(len(b), size, replace=False)
        if whole:
            blocks = k_aa[np.ix_(i, i)], k_bb[np.ix_(j, j)], k_ab[np.ix_(i, j)]
        else:
            blocks = _cubic_kernel(a[i], a[i]), _cubic_kernel(b[j], b[j]), \
                _cubic_kernel(a[i], b[j])
        estimates.append(_unbiased_mmd2(*blocks))
    return float(np.mean(estimates)), float(np.std(estimates))


# --------------------------------------------------------------------------- class probabilities


def _check_probabilities(probabilities, name: str = "probabilities") -> np.ndarray:
    array = np.asarray(probabilities)
    if array.ndim != 2 or array.shape[1] < 2 or array.shape[0] == 0:
        raise ValueError(f"{name} must have shape (N, num_classes) with N >= 1 and at least "
                         f"2 classes, got {array.shape}. Use "
                         "ganlib.evaluation.classifier_probabilities(classifier, images).")
    array = array.astype(np.float64)
    if not np.all(np.isfinite(array)) or array.min() < 0:
        raise ValueError(f"{name} must be finite and >= 0.")
    if not np.allclose(array.sum(axis=1), 1.0, atol=1e-3):
        raise ValueError(f"{name} rows must sum to 1 (softmax outputs); got sums in "
                         f"[{array.sum(axis=1).min():.4g}, {array.sum(axis=1).max():.4g}].")
    return array / array.sum(axis=1, keepdims=True)


def classifier_score(probabilities, *, splits: int = 10) -> tuple[float, float]:
    """Classifier score (the Inception Score's formula): exp(E_x KL(p(y|x) || p(y))).

    High when each sample is classified confidently (sharp p(y|x)) and the classes are
    used evenly (flat p(y)). It lies between 1 (every sample gets the same prediction) and
    the number of classes (confident predictions spread evenly over all classes).
    The samples are cut, in order, into ``splits`` groups; p(y) is the mean prediction of
    a group (Salimans et al. 2016).

    Returns:
        (mean, standard deviation) over the splits.
    """
    p = _check_probabilities(probabilities)
    splits = _checks.whole_number(splits, "splits")
    if splits > len(p):
        raise ValueError(f"splits={splits} is more than the {len(p)} samples; use at most "
                         f"{len(p)} splits or more samples.")
    scores = []
    for part in np.array_split(p, splits):
        marginal = part.mean(axis=0, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(part > 0, part * (np.log(part) - np.log(marginal)), 0.0)
        scores.append(float(np.exp(terms.sum(axis=1).mean())))
    return float(np.mean(scores)), float(np.std(scores))


def class_histogram(probabilities, num_classes: int | None = None) -> np.ndarray:
    """Share of the samples given to each class by the classifier's arg-max: (num_classes,).

    ``probabilities`` may also be integer class labels (N,), with ``num_classes`` given.
    """
    array = np.asarray(probabilities)
    if array.ndim == 1 and np.issubdtype(array.dtype, np.integer):
        if num_classes is None:
            raise ValueError("class_histogram of integer labels needs num_classes.")
        labels = array
        if len(labels) == 0 or labels.min() < 0 or labels.max() >= num_classes:
            raise ValueError(f"labels must be non-empty and lie in [0, {num_classes}).")
    else:
        array = _check_probabilities(array)
        if num_classes is not None and num_classes != array.shape[1]:
            raise ValueError(f"num_classes={num_classes} but probabilities have "
                             f"{array.shape[1]} columns.")
        num_classes, labels = array.shape[1], array.argmax(axis=1)
    return np.bincount(labels, minlength=int(num_classes)) / len(labels)


def classes_covered(shares, min_share: float | None = None) -> int:
    """How many classes get at least ``min_share`` of the samples.

    ``min_share`` defaults to a fifth of the uniform share (2% for 10 classes): a class
    that the generator almost never produces counts as a dropped mode.
    """
    shares = np.asarray(shares, dtype=np.float64)
    if shares.ndim != 1 or len(shares) < 2 or not np.isclose(shares.sum(), 1.0, atol=1e-6):
        raise ValueError(f"shares must be a histogram (num_classes,) summing to 1, got shape "
                         f"{shares.shape}. Use class_histogram(probabilities).")
    if min_share is None:
        min_share = 0.2 / len(shares)
    if not 0.0 < float(min_share) <= 1.0:
        raise ValueError(f"min_share must lie in (0, 1], got {min_share!r}.")
    return int(np.sum(shares >= float(min_share) - 1e-12))


def histogram_distance(shares, reference=None) -> float:
    """Total-variation distance 0.5 * sum |shares - reference|, in [0, 1].

    ``reference`` defaults to the uniform histogram. 0 means the same class balance; a
    generator that makes one class only is at 0.9 from uniform over 10 classes.
    """
    shares = np.asarray(shares, dtype=np.float64)
    reference = (np.full(len(shares), 1.0 / len(shares)) if reference is None
                 else np.asarray(reference, dtype=np.float64))
    if shares.shape != reference.shape or shares.ndim != 1:
        raise ValueError(f"shares {shares.shape} and reference {reference.shape} must be two "
                         "histograms over the same classes.")
    return float(0.5 * np.abs(shares - reference).sum())


# --------------------------------------------------------------------------- precision / recall


def _squared_distances(rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
    squared = ((rows ** 2).sum(axis=1)[:, None] + (columns ** 2).sum(axis=1)[None, :]
               - 2.0 * rows @ columns.T)
    return np.maximum(squared, 0.0)


def knn_radii(features, k: int = 3) -> np.ndarray:
    """Distance of each sample to its k-th nearest neighbour in the same set: (N,).

    The sample itself is not counted as a neighbour (a duplicate of it is).
    """
    points = _check_features(features, "features", min_samples=2)
    k = _checks.whole_number(k, "k")
    if k >= len(points):
        raise ValueError(f"k={k} needs at least {k + 1} samples, got {len(points)}.")
    radii = np.empty(len(points))
    for start in range(0, len(points), _CHUNK):
        block = _squared_distances(points[start:start + _CHUNK], points)
        # The k+1-th smallest entry of a row: index 0 is (normally) the sample itself.
        radii[start:start + _CHUNK] = np.partition(block, k, axis=1)[:, k]
    return np.sqrt(radii)


def _share_inside(points: np.ndarray, centres: np.ndarray, radii: np.ndarray) -> float:
    """Share of ``points`` inside at least one ball (centre, radius)."""
    inside = np.zeros(len(points), dtype=bool)
    squared_radii = radii[None, :] ** 2
    for start in range(0, len(points), _CHUNK):
        block = _squared_distances(points[start:start + _CHUNK], centres)
        inside[start:start + _CHUNK] = (block <= squared_radii).any(axis=1)
    return float(inside.mean())


def precision_recall(real_features, fake_features, *, k: int = 3, real_radii=None,
                     fake_radii=None) -> tuple[float, float]:
    """Precision and recall of generated samples by the k-NN manifold estimate.

    Each set's manifold is the union of balls around its samples, each ball reaching the
    sample's k-th nearest neighbour. Precision is the share of generated samples inside the
    real manifold (are they realistic?), recall the share of real samples inside the
    generated manifold (is all of the data covered?). Kynkäänniemi et al. 2019,
    "Improved Precision and Recall Metric for Assessing Generative Models" (k = 3). Use
    equal numbers of real and generated samples: the balls shrink as a set grows.

    Args:
        real_features, fake_features: arrays (N_r, D) and (N_f, D), each with > k samples.
        k: the neighbour that sets each ball's radius.
        real_radii, fake_radii: ``knn_radii(features, k)`` of either set, if already
            computed (``ganlib.evaluation.metrics`` caches the real one).

    Returns:
        (precision, recall), each in [0, 1].
    """
    k = _checks.whole_number(k, "k")
    real, fake = _feature_pair(real_features, fake_features, ("real_features", "fake_features"),
                               min_samples=k + 1)
    radii = []
    for given, points, name in ((real_radii, real, "real_radii"),
                                (fake_radii, fake, "fake_radii")):
        given = knn_radii(points, k) if given is None else np.asarray(given, np.float64)
        if given.shape != (len(points),):
            raise ValueError(f"{name} must have shape ({len(points)},), got {given.shape}; "
                             f"compute it with knn_radii(features, k={k}).")
        radii.append(given)
    return _share_inside(fake, real, radii[0]), _share_inside(real, fake, radii[1])
