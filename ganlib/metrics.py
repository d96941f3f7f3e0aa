"""Sample-quality numbers in a feature space the library trains itself (no download).

The features come from a small CNN classifier trained here on the real dataset; its
penultimate layer plays the part that Inception-v3's pool layer plays in the usual FID.

IMPORTANT: the numbers from this module are NOT Inception-FID figures. They cannot be
compared with FID values in papers or from other tools, only with each other: the same
dataset, the same cached classifier, and the same number of samples (the Fréchet distance
of finite samples is biased, and the bias depends on the sample size).

References: Heusel et al. 2017, "GANs Trained by a Two Time-Scale Update Rule Converge to a
Local Nash Equilibrium" (FID); Dowson & Landau 1982 (the Fréchet distance of Gaussians).

Used in: bench/score_samples.py.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ganlib import data

__all__ = [
    "FEATURES_LAYER",
    "classifier_features",
    "classifier_probabilities",
    "feature_classifier",
    "frechet_distance",
    "train_feature_classifier",
]

#: Name of the classifier layer whose output is used as features.
FEATURES_LAYER = "features"
_PREDICT_BATCH = 500


# --------------------------------------------------------------------------- distance


def _check_features(features, name: str) -> np.ndarray:
    array = np.asarray(features)
    if not (np.issubdtype(array.dtype, np.floating) or np.issubdtype(array.dtype, np.integer)):
        raise TypeError(f"{name} must be a numeric array, got dtype {array.dtype}.")
    if array.ndim != 2:
        raise ValueError(f"{name} must have shape (N, feature_dim), got {array.shape}. "
                         "Use classifier_features(classifier, images) to get such an array.")
    if array.shape[0] < 2:
        raise ValueError(f"{name} holds {array.shape[0]} sample(s); a covariance needs at "
                         "least 2 (use thousands for a stable distance).")
    array = array.astype(np.float64)
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contain NaN or Inf values.")
    return array


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

    Args:
        features_a, features_b: arrays of shape (N_a, D) and (N_b, D), N >= 2.

    Returns:
        The distance as a float >= 0 (squared units of the features).

    Used in: bench/score_samples.py.
    """
    a = _check_features(features_a, "features_a")
    b = _check_features(features_b, "features_b")
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"features_a has {a.shape[1]} features per sample but features_b "
                         f"has {b.shape[1]}; compute both with the same classifier.")
    mean_a, mean_b = a.mean(axis=0), b.mean(axis=0)
    cov_a = np.atleast_2d(np.cov(a, rowvar=False))
    cov_b = np.atleast_2d(np.cov(b, rowvar=False))
    distance = (float(np.sum((mean_a - mean_b) ** 2)) + float(np.trace(cov_a))
                + float(np.trace(cov_b)) - 2.0 * _trace_sqrt_product(cov_a, cov_b))
    return max(distance, 0.0)


# --------------------------------------------------------------------------- classifier


def _model_images(images, name: str = "images") -> np.ndarray:
    """uint8 [0, 255] or float [-1, 1] images (N, H, W, C) -> float32 in [-1, 1]."""
    array = np.asarray(images)
    if array.dtype == np.uint8:
        array = data.to_model_range(array)
    elif not np.issubdtype(array.dtype, np.floating):
        raise TypeError(f"{name} must be uint8 in [0, 255] or float in [-1, 1], "
                        f"got dtype {array.dtype}.")
    return data.check_model_images(array, name=name)


def _check_for_classifier(classifier, images) -> np.ndarray:
    import keras

    if not isinstance(classifier, keras.Model):
        raise TypeError(f"classifier must be a keras.Model from train_feature_classifier or "
                        f"feature_classifier, got {type(classifier).__name__}.")
    array = _model_images(images)
    expected = tuple(classifier.input_shape[1:])
    if tuple(array.shape[1:]) != expected:
        raise ValueError(f"images have shape {tuple(array.shape[1:])} per image but the "
                         f"classifier was trained on {expected}; score images of the "
                         "dataset the classifier was trained on.")
    return array


def train_feature_classifier(images, labels, num_classes: int = 10, epochs: int = 5,
                             batch_size: int = 128, seed: int = 0, verbose: int = 0):
    """Train a small CNN classifier whose penultimate layer gives 128 features per image.

    Conv(32) - pool - Conv(64) - pool - Dense(128, "features") - Dropout - Dense(softmax).
    Weights, dropout and shuffling are seeded with ``seed``.

    Args:
        images: (N, H, W, C) uint8 in [0, 255] or float in [-1, 1].
        labels: (N,) integer class indices in [0, num_classes).
        num_classes: number of classes.
        epochs, batch_size: training length and batch size.
        seed: seeds the initial weights, dropout and the order of the batches.
        verbose: passed to ``keras.Model.fit``.

    Returns:
        A compiled ``keras.Model`` mapping images to class probabilities.

    Used in: ganlib.metrics.feature_classifier, tests/test_metrics.py.
    """
    import keras
    from keras import layers

    array = _model_images(images)
    labels = np.asarray(labels)
    if labels.shape != (len(array),) or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"labels must be integers of shape ({len(array)},), got "
                         f"{labels.dtype} {labels.shape}.")
    for value, name in ((num_classes, "num_classes"), (epochs, "epochs"),
                        (batch_size, "batch_size")):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
            raise ValueError(f"{name} must be a positive integer, got {value!r}.")
    if num_classes < 2 or labels.min() < 0 or labels.max() >= num_classes:
        raise ValueError(f"labels must lie in [0, {num_classes}) with num_classes >= 2, got "
                         f"values in [{labels.min()}, {labels.max()}].")

    keras.utils.set_random_seed(seed)
    inputs = keras.Input(array.shape[1:], name="image")
    x = layers.Conv2D(32, 3, padding="same", activation="relu")(inputs)
    x = layers.MaxPooling2D()(x)
    x = layers.Conv2D(64, 3, padding="same", activation="relu")(x)
    x = layers.MaxPooling2D()(x)
    x = layers.Flatten()(x)
    x = layers.Dense(128, activation="relu", name=FEATURES_LAYER)(x)
    x = layers.Dropout(0.3, seed=seed)(x)
    outputs = layers.Dense(num_classes, activation="softmax", name="probabilities")(x)
    classifier = keras.Model(inputs, outputs, name="feature_classifier")
    classifier.compile(optimizer=keras.optimizers.Adam(1e-3),
                       loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    classifier.fit(array, labels.astype(np.int64), epochs=int(epochs),
                   batch_size=int(batch_size), shuffle=True, verbose=verbose)
    return classifier


def _predict(model, images) -> np.ndarray:
    outputs = [np.asarray(model(images[i:i + _PREDICT_BATCH], training=False))
               for i in range(0, len(images), _PREDICT_BATCH)]
    return np.concatenate(outputs).astype(np.float32)


def classifier_features(classifier, images) -> np.ndarray:
    """The classifier's penultimate-layer features (N, 128) of uint8 or [-1, 1] images.

    Used in: bench/score_samples.py.
    """
    import keras

    array = _check_for_classifier(classifier, images)
    try:
        layer = classifier.get_layer(FEATURES_LAYER)
    except ValueError as exc:
        raise ValueError(f"classifier has no layer named {FEATURES_LAYER!r}; build it with "
                         "ganlib.metrics.train_feature_classifier.") from exc
    extractor = keras.Model(classifier.input, layer.output)
    return _predict(extractor, array)


def classifier_probabilities(classifier, images) -> np.ndarray:
    """The classifier's class probabilities (N, num_classes) of uint8 or [-1, 1] images.

    Used in: bench/score_samples.py (confidence and class histogram of samples).
    """
    return _predict(classifier, _check_for_classifier(classifier, images))


def feature_classifier(dataset_name: str, data_dir=None, *, epochs: int = 5, seed: int = 0,
                       allow_download: bool = True):
    """The feature classifier of a dataset: loaded from its cache, or trained and cached.

    The cache is ``<data_dir>/classifiers/<dataset_name>.keras``; delete it to train again.
    Training uses the dataset's train split (no fallback to another dataset: a classifier
    cached under a name must really belong to that dataset) and prints its test accuracy.

    Args:
        dataset_name: a name from ``ganlib.data.DATASETS``.
        data_dir: data folder; default ``ganlib.data.default_data_dir()``.
        epochs, seed: training settings when no cached classifier exists.
        allow_download: passed to ``ganlib.data.load_dataset``.

    Used in: bench/score_samples.py.
    """
    import keras

    if not isinstance(dataset_name, str) or dataset_name not in data.DATASETS:
        raise ValueError(f"Unknown dataset {dataset_name!r}; choose one of "
                         f"{sorted(data.DATASETS)}.")
    data_dir = Path(data_dir) if data_dir is not None else data.default_data_dir()
    path = data_dir / "classifiers" / f"{dataset_name}.keras"
    if path.exists():
        classifier = keras.models.load_model(path)
        print(f"Feature classifier for {dataset_name}: loaded from {path}", flush=True)
        return classifier
    train = data.load_dataset(dataset_name, split="train", data_dir=data_dir,
                              allow_download=allow_download, fallback=False)
    print(f"Feature classifier for {dataset_name}: no cache at {path}; training on "
          f"{len(train.images):,} images for {epochs} epochs ...", flush=True)
    classifier = train_feature_classifier(train.images, train.labels,
                                          num_classes=len(train.class_names),
                                          epochs=epochs, seed=seed)
    test = data.load_dataset(dataset_name, split="test", data_dir=data_dir,
                             allow_download=allow_download, fallback=False, verbose=False)
    predicted = classifier_probabilities(classifier, test.images).argmax(axis=1)
    accuracy = float(np.mean(predicted == test.labels))
    path.parent.mkdir(parents=True, exist_ok=True)
    classifier.save(path)
    print(f"Feature classifier for {dataset_name}: trained (test accuracy {accuracy:.3f}) "
          f"and cached in {path}", flush=True)
    return classifier
