"""Sample-quality figures of generated images, in a feature space trained here (no download).

One call gives every figure: ``evaluate_images(images, "fashion_mnist")`` returns a dict
with FID, KID, the classifier score, the class histogram and modes covered, precision and
recall, and a diversity ratio. The feature space is the dataset's own small classifier
(``ganlib.evaluation.classifier``); the formulas are in ``ganlib.evaluation.scores``. The
real images' features are computed once per classifier, dataset, split, sample size and
seed and kept in memory, so evaluating again (for example every few hundred training steps)
is cheap.

IMPORTANT: these are NOT Inception-FID (or Inception-Score, Inception-KID) figures. They
cannot be compared with values in papers or from other tools, only with each other: the
same dataset, the same cached classifier, and the same numbers of samples (FID and
precision/recall depend on the sample sizes).

References: Heusel et al. 2017 (FID); Bińkowski et al. 2018 (KID); Salimans et al. 2016
(Inception Score); Kynkäänniemi et al. 2019 (precision and recall).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ganlib import _checks, data
from ganlib.evaluation import scores
from ganlib.evaluation.classifier import (
    classifier_outputs,
    feature_classifier,
)
from ganlib.evaluation.scores import frechet_distance

__all__ = ["DEFAULT_METRICS", "METRICS", "RealReference", "evaluate_images", "real_reference",
           "scalar_figures"]

#: Every metric ``evaluate_images`` knows, and the keys it adds to the result.
METRICS = {
    "fid": "fid: Fréchet distance of classifier features to the real images (0 is best)",
    "kid": "kid, kid_std: unbiased kernel distance (MMD^2, cubic kernel), mean and spread",
    "classifier_score": "classifier_score, classifier_score_std: exp(E KL(p(y|x) || p(y)))",
    "modes": "modes_covered, num_classes, class_shares, class_tv_uniform, class_tv_real, "
             "confidence: how the samples spread over the classes",
    "precision_recall": "precision, recall: k-NN manifold estimate (1 is best)",
    "diversity": "diversity: median k-NN distance among generated features / among real "
                 "ones (about 1 for real data, near 0 when the generator repeats itself)",
}
DEFAULT_METRICS = tuple(METRICS)

_REFERENCES = {}        # see real_reference
_MAX_REFERENCES = 8



# --------------------------------------------------------------------------- images


def _detect_value_range(array: np.ndarray) -> tuple[float, float]:
    if array.dtype == np.uint8:
        return (0.0, 255.0)
    if not np.issubdtype(array.dtype, np.floating):
        raise TypeError(f"images have dtype {array.dtype}; pass uint8 in [0, 255] or floats "
                        "in [0, 1] or [-1, 1], or say which range they use with "
                        "value_range=(0, 255).")
    low, high = float(array.min()), float(array.max())
    if high > 1.0 + 1e-5 or low < -1.0 - 1e-5:
        raise ValueError(f"float images have values in [{low:g}, {high:g}], which is neither "
                         "[0, 1] nor [-1, 1]. If they are pixel values in [0, 255], pass "
                         "value_range=(0, 255) or convert them to uint8.")
    if low < 0.0:
        return (-1.0, 1.0)
    print(f"evaluate_images: float images with values in [{low:.3g}, {high:.3g}] are read "
          "as [0, 1]; pass value_range=(-1, 1) if they are generator outputs in [-1, 1].",
          flush=True)
    return (0.0, 1.0)


def _prepare_images(images, value_range, expected_shape, dataset: str):
    """Images in any of the three ranges -> (float32 in [-1, 1], the range they were in)."""
    array = np.asarray(images)
    if array.dtype == bool or not (np.issubdtype(array.dtype, np.number)):
        raise TypeError(f"images must be a numeric array, got dtype {array.dtype}.")
    if array.ndim == 3 and expected_shape[-1] == 1:
        array = array[..., None]    # grey images without a channel axis
    if array.ndim != 4 or len(array) == 0:
        raise ValueError(f"images must have shape (N, height, width, channels) with N >= 1, "
                         f"got {array.shape}.")
    finite = np.isfinite(array.reshape(len(array), -1)).all(axis=1)
    if not finite.all():
        raise ValueError(f"images contain NaN or Inf in {int((~finite).sum())} of "
                         f"{len(array)} image(s) (first: index {int(np.argmin(finite))}); a "
                         "generator that produces NaN has diverged, so fix training first.")
    height, width, channels = expected_shape
    if array.shape[-1] != channels:
        raise ValueError(f"images have {array.shape[-1]} channel(s) but {dataset} images have "
                         f"{channels}; generate {channels}-channel images, or convert them "
                         f"with ganlib.data.resize_images(images, {tuple(expected_shape)}).")
    if tuple(array.shape[1:3]) != (height, width):
        raise ValueError(f"images are {array.shape[1]}x{array.shape[2]} but {dataset} images "
                         f"(and its classifier) are {height}x{width}; generate images of that "
                         f"size or resize with ganlib.data.resize_images(images, "
                         f"{tuple(expected_shape)}).")
    if value_range is None:
        value_range = _detect_value_range(array)
    else:
        if np.ndim(value_range) != 1 or len(value_range) != 2:
            raise ValueError(f"value_range must be (low, high), e.g. (0, 255), (0, 1) or "
                             f"(-1, 1), got {value_range!r}.")
        value_range = tuple(float(v) for v in value_range)
        low, high = float(array.min()), float(array.max())
        if not value_range[1] > value_range[0] or low < value_range[0] - 1e-5 \
                or high > value_range[1] + 1e-5:
            raise ValueError(f"images have values in [{low:g}, {high:g}], outside "
                             f"value_range={value_range}; pass the range they really use "
                             "((0, 255), (0, 1) or (-1, 1)) or leave value_range=None.")
    return data.to_model_range(array, input_range=value_range), value_range


# --------------------------------------------------------------------------- real reference


@dataclass(frozen=True)
class RealReference:
    """Classifier outputs of a fixed set of real images, and figures derived from them."""

    dataset: str
    split: str
    seed: int
    features: np.ndarray
    probabilities: np.ndarray
    labels: np.ndarray
    _memo: dict = field(default_factory=dict, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.features)

    def radii(self, k: int) -> np.ndarray:
        """k-NN radii of the real features (computed once per k)."""
        if ("radii", k) not in self._memo:
            self._memo["radii", k] = scores.knn_radii(self.features, k)
        return self._memo["radii", k]

    def shares(self) -> np.ndarray:
        """The class histogram of the real images by the classifier's arg-max."""
        return scores.class_histogram(self.probabilities)


def _fingerprint(classifier) -> str:
    digest = hashlib.sha1()
    for weights in classifier.get_weights():
        digest.update(np.ascontiguousarray(weights).tobytes())
    return digest.hexdigest()


def real_reference(dataset: str, classifier=None, *, n_real: int = 10_000,
                   split: str = "test", seed: int = 0, data_dir=None,
                   allow_download: bool = True) -> RealReference:
    """Features and probabilities of ``n_real`` real images, computed once and kept in memory.

    The images are a seeded random subset of the split (all of it when ``n_real`` equals
    its size). The memory cache is keyed by the classifier's weights, the dataset, split,
    ``n_real``, ``seed`` and data folder, so a retrained classifier gets fresh features.
    """
    _checks.choice(dataset, "dataset", sorted(data.DATASETS))
    n_real = _checks.whole_number(n_real, "n_real")
    data_dir = Path(data_dir) if data_dir is not None else data.default_data_dir()
    if classifier is None:
        classifier = feature_classifier(dataset, data_dir, allow_download=allow_download)
    key = (_fingerprint(classifier), dataset, split, int(n_real), int(seed),
           str(data_dir.resolve()))
    if key in _REFERENCES:
        return _REFERENCES[key]
    real = data.load_dataset(dataset, split=split, data_dir=data_dir,
                             allow_download=allow_download, fallback=False, verbose=False)
    if n_real > len(real.images):
        raise ValueError(f"n_real={n_real} but the {split} split of {dataset} has "
                         f"{len(real.images):,} images; pass n_real <= {len(real.images)}"
                         + (" or split='train'." if split == "test" else "."))
    indices = np.arange(len(real.images))
    if n_real < len(indices):
        indices = np.sort(np.random.default_rng(seed).choice(len(indices), n_real,
                                                             replace=False))
    features, probabilities = classifier_outputs(classifier, real.images[indices])
    reference = RealReference(dataset=dataset, split=split, seed=int(seed), features=features,
                              probabilities=probabilities, labels=real.labels[indices])
    if len(_REFERENCES) >= _MAX_REFERENCES:
        _REFERENCES.pop(next(iter(_REFERENCES)))
    _REFERENCES[key] = reference
    print(f"Real reference: {n_real:,} {dataset} {split} images from {real.source}.",
          flush=True)
    return reference


# --------------------------------------------------------------------------- evaluation


def _minimum_samples(k: int, score_splits: int) -> dict:
    return {"fid": 2, "kid": 4, "classifier_score": score_splits, "modes": 1,
            "precision_recall": k + 1, "diversity": k + 1}


def evaluate_images(images, dataset: str, metrics=DEFAULT_METRICS, *, n_real: int = 10_000,
                    seed: int = 0, value_range=None, classifier=None, split: str = "test",
                    data_dir=None, allow_download: bool = True, k: int = 3,
                    kid_subsets: int = 100, kid_subset_size: int = 1000,
                    score_splits: int = 10, min_share: float | None = None) -> dict:
    """Score generated images against real ones of ``dataset``: one dict of figures.

    Images may be uint8 in [0, 255], float in [0, 1] or float in [-1, 1] (detected from
    dtype and values, or given as ``value_range``); all three give the same figures. Grey
    images may lack the channel axis. NOT Inception figures: see the module docstring.

    Args:
        images: (N, H, W, C) generated images of the dataset's size and channels.
        dataset: a name from ``ganlib.data.DATASETS``; picks the classifier and real images.
        metrics: names from ``METRICS`` (default all): "fid", "kid", "classifier_score",
            "modes", "precision_recall", "diversity".
        n_real: real images to compare with (a seeded subset of ``split``). Use as many as
            generated images: FID and precision/recall depend on both sample sizes.
        seed: seeds the choice of real images and KID's subsets.
        value_range: (low, high) of the images, e.g. (0, 255); default: detected.
        classifier: a classifier from ``train_feature_classifier``; default: the dataset's
            cached one (``feature_classifier``).
        split, data_dir, allow_download: where the real images come from.
        k: the neighbour defining the k-NN balls of precision/recall (3 in the paper)
            and the k-NN distances of diversity.
        kid_subsets, kid_subset_size: KID's rounds and samples per round.
        score_splits: splits of the classifier score (at least one image per split).
        min_share: share a class needs to count as covered (default a fifth of 1/classes).

    Returns:
        A dict: "dataset", "n_samples", "n_real", "value_range" and the keys that each
        metric adds (see ``METRICS``).
    """
    names = _checks.choices(metrics, "metrics", METRICS)
    _checks.choice(dataset, "dataset", sorted(data.DATASETS))
    for value, name in ((n_real, "n_real"), (k, "k"), (score_splits, "score_splits"),
                        (kid_subsets, "kid_subsets"), (kid_subset_size, "kid_subset_size")):
        _checks.whole_number(value, name)
    expected = (tuple(classifier.input_shape[1:]) if classifier is not None
                else tuple(data.DATASETS[dataset]["shape"]))
    array, value_range = _prepare_images(images, value_range, expected, dataset)
    needed = _minimum_samples(k, score_splits)
    for count, what, fix in ((len(array), f"{len(array)} image(s)", "generate more images"),
                             (n_real, f"n_real={n_real}", "raise n_real")):
        short = [name for name in names if count < needed[name]]
        if short:
            minimums = ", ".join(f"{name} {needed[name]}" for name in names)
            raise ValueError(f"Too few samples: {what}, too few for {', '.join(short)}. "
                             f"Samples needed per metric: {minimums}; {fix} or leave out "
                             "those metrics (metrics=...). Use thousands for figures that "
                             "can be compared.")

    if classifier is None:
        classifier = feature_classifier(dataset, data_dir, allow_download=allow_download)
    reference = real_reference(dataset, classifier, n_real=n_real, split=split, seed=seed,
                               data_dir=data_dir, allow_download=allow_download)
    features, probabilities = classifier_outputs(classifier, array)
    result = {"dataset": dataset, "n_samples": len(array), "n_real": len(reference),
              "value_range": list(value_range)}
    if "fid" in names:
        result["fid"] = frechet_distance(reference.features, features)
    if "kid" in names:
        result["kid"], result["kid_std"] = scores.kernel_distance(
            reference.features, features, num_subsets=kid_subsets,
            subset_size=kid_subset_size, seed=seed)
    if "classifier_score" in names:
        result["classifier_score"], result["classifier_score_std"] = \
            scores.classifier_score(probabilities, splits=score_splits)
    if "modes" in names:
        shares = scores.class_histogram(probabilities)
        result.update(modes_covered=scores.classes_covered(shares, min_share),
                      num_classes=len(shares), class_shares=[float(s) for s in shares],
                      class_tv_uniform=scores.histogram_distance(shares),
                      class_tv_real=scores.histogram_distance(shares, reference.shares()),
                      confidence=float(probabilities.max(axis=1).mean()))
    if "precision_recall" in names or "diversity" in names:
        fake_radii = scores.knn_radii(features, k)
    if "precision_recall" in names:
        result["precision"], result["recall"] = scores.precision_recall(
            reference.features, features, k=k, real_radii=reference.radii(k),
            fake_radii=fake_radii)
    if "diversity" in names:
        result["diversity"] = float(np.median(fake_radii)
                                    / max(np.median(reference.radii(k)), 1e-12))
    return result


def scalar_figures(result: dict) -> dict:
    """The plain numbers of an ``evaluate_images`` result (no lists, strings or flags).

    Suits a flat ``metrics.json``, a table row or ``tf.summary.scalar``.
    """
    return {key: float(value) for key, value in result.items()
            if isinstance(value, (int, float, np.integer, np.floating))
            and not isinstance(value, (bool, np.bool_))}
