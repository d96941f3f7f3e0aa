"""The feature space of ganlib's metrics: a small CNN classifier per dataset, trained here.

No download: ``feature_classifier(dataset)`` loads the classifier cached in
``data/classifiers/<dataset>.keras`` or trains it on the dataset's train split (seeded, a
few minutes on a CPU, with a progress line and an estimate of the time left) and caches
it (through a temporary file and a rename; a corrupt cache is moved aside and retrained).
Its penultimate layer ("features", 128 values) plays the part of Inception-v3's pool
layer in FID, its softmax the part of Inception's class probabilities in the Inception
Score. Figures in this feature space are NOT Inception figures (see ``ganlib.evaluation.metrics``).
"""

from __future__ import annotations

import math
import time
import warnings
import weakref
from pathlib import Path

import keras
import numpy as np

from ganlib import _checks, _files, data, viz

__all__ = [
    "FEATURES_LAYER",
    "build_feature_classifier",
    "classifier_features",
    "classifier_outputs",
    "classifier_probabilities",
    "feature_classifier",
    "feature_network",
    "train_feature_classifier",
]

#: Name of the classifier layer whose output is used as features.
FEATURES_LAYER = "features"

_PREDICT_BATCH = 500
_EXTRACTORS = weakref.WeakKeyDictionary()   # classifier -> model giving (features, probs)
_LOADED = {}                                # classifier path -> (mtime, classifier)


def _model_images(images, name: str = "images") -> np.ndarray:
    """uint8 [0, 255] or float [-1, 1] images (N, H, W, C) -> float32 in [-1, 1]."""
    array = np.asarray(images)
    if array.dtype == np.uint8:
        array = data.to_model_range(array)
    elif not np.issubdtype(array.dtype, np.floating):
        raise TypeError(f"{name} must be uint8 in [0, 255] or float in [-1, 1], "
                        f"got dtype {array.dtype}.")
    return data.check_model_images(array, name=name)


class _ProgressLine(keras.callbacks.Callback):
    """One self-updating line while ``fit`` runs: bar, share done, time elapsed, time left."""

    def __init__(self, label: str, epochs: int, steps_per_epoch: int, every_seconds=1.0):
        super().__init__()
        self.label, self.epochs, self.steps_per_epoch = label, epochs, steps_per_epoch
        self.total = epochs * steps_per_epoch
        self.every_seconds = every_seconds
        self.epoch, self.start, self.last = 0, 0.0, -math.inf

    def show(self, done: int, end: str = "", note: str = "") -> None:
        line = viz.progress_text(f"{self.label}: epoch {self.epoch + 1}/{self.epochs}", done,
                                 self.total, time.monotonic() - self.start)
        print(f"\r{line}{note}   ", end=end, flush=True)

    def on_train_begin(self, logs=None):
        self.start = time.monotonic()

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        now = time.monotonic()
        if now - self.last >= self.every_seconds:
            self.last = now
            self.show(self.epoch * self.steps_per_epoch + batch + 1)

    def on_epoch_end(self, epoch, logs=None):
        accuracy = (logs or {}).get("accuracy")
        note = f", train accuracy {float(accuracy):.3f}" if accuracy is not None else ""
        self.show((epoch + 1) * self.steps_per_epoch,
                  end="\n" if epoch + 1 == self.epochs else "", note=note)


def _check_classifier(classifier):
    if not isinstance(classifier, keras.Model):
        raise TypeError(f"classifier must be a keras.Model from train_feature_classifier or "
                        f"feature_classifier, got {type(classifier).__name__}.")
    return classifier


def _check_for_classifier(classifier, images) -> np.ndarray:
    _check_classifier(classifier)
    array = _model_images(images)
    expected = tuple(classifier.input_shape[1:])
    if tuple(array.shape[1:]) != expected:
        raise ValueError(f"images have shape {tuple(array.shape[1:])} per image but the "
                         f"classifier was trained on {expected}; score images of the "
                         "dataset the classifier was trained on.")
    return array


def build_feature_classifier(image_shape, num_classes: int = 10, seed: int = 0):
    """The feature classifier's network, compiled and untrained (weights seeded with ``seed``).

    Conv(32) - pool - Conv(64) - pool - Dense(128, "features") - Dropout - Dense(softmax),
    for images in [-1, 1] of ``image_shape`` (height, width, channels).
    """
    from keras import layers

    image_shape = _checks.image_shape(image_shape)
    keras.utils.set_random_seed(seed)
    inputs = keras.Input(image_shape, name="image")
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
    return classifier


def train_feature_classifier(images, labels, num_classes: int = 10, epochs: int = 5,
                             batch_size: int = 128, seed: int = 0, verbose: int = 0,
                             progress: str | None = None):
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
        progress: a label; when given, one line with a progress bar, the time elapsed and
            an estimate of the time left is printed and updated while training runs.

    Returns:
        A compiled ``keras.Model`` mapping images to class probabilities.
    """
    array = _model_images(images)
    labels = np.asarray(labels)
    if labels.shape != (len(array),) or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"labels must be integers of shape ({len(array)},), got "
                         f"{labels.dtype} {labels.shape}.")
    for value, name in ((num_classes, "num_classes"), (epochs, "epochs"),
                        (batch_size, "batch_size")):
        _checks.whole_number(value, name)
    if num_classes < 2 or labels.min() < 0 or labels.max() >= num_classes:
        raise ValueError(f"labels must lie in [0, {num_classes}) with num_classes >= 2, got "
                         f"values in [{labels.min()}, {labels.max()}].")

    classifier = build_feature_classifier(array.shape[1:], num_classes, seed=seed)
    callbacks = []
    if progress:
        callbacks.append(_ProgressLine(progress, int(epochs),
                                       math.ceil(len(array) / int(batch_size))))
    classifier.fit(array, labels.astype(np.int64), epochs=int(epochs),
                   batch_size=int(batch_size), shuffle=True, verbose=verbose,
                   callbacks=callbacks)
    return classifier


def _features_layer(classifier):
    try:
        return classifier.get_layer(FEATURES_LAYER)
    except ValueError as exc:
        raise ValueError(f"classifier has no layer named {FEATURES_LAYER!r}; build it "
                         "with ganlib.evaluation.classifier.train_feature_classifier.") from exc


def _extractor(classifier):
    """A model with the classifier's two outputs: (features, probabilities)."""
    if classifier not in _EXTRACTORS:
        layer = _features_layer(classifier)
        _EXTRACTORS[classifier] = keras.Model(classifier.input, [layer.output, classifier.output])
    return _EXTRACTORS[classifier]


def feature_network(classifier) -> keras.Model:
    """The classifier up to its features: a Keras model from images in [-1, 1] to their 128
    features, differentiable (for a feature loss, e.g. ``ganlib.latent.inversion.invert``)."""
    layer = _features_layer(_check_classifier(classifier))
    return keras.Model(classifier.input, layer.output)


def classifier_outputs(classifier, images) -> tuple[np.ndarray, np.ndarray]:
    """Features (N, 128) and class probabilities (N, num_classes) in one pass.

    ``images`` are uint8 in [0, 255] or float in [-1, 1], shaped like the classifier's input.
    """
    array = _check_for_classifier(classifier, images)
    model = _extractor(classifier)
    parts = [model(array[i:i + _PREDICT_BATCH], training=False)
             for i in range(0, len(array), _PREDICT_BATCH)]
    features = np.concatenate([np.asarray(p[0]) for p in parts]).astype(np.float32)
    probabilities = np.concatenate([np.asarray(p[1]) for p in parts]).astype(np.float32)
    return features, probabilities


def classifier_features(classifier, images) -> np.ndarray:
    """The classifier's penultimate-layer features (N, 128) of uint8 or [-1, 1] images."""
    return classifier_outputs(classifier, images)[0]


def classifier_probabilities(classifier, images) -> np.ndarray:
    """The classifier's class probabilities (N, num_classes) of uint8 or [-1, 1] images."""
    return classifier_outputs(classifier, images)[1]


def feature_classifier(dataset_name: str, data_dir=None, *, epochs: int = 5, seed: int = 0,
                       allow_download: bool = True):
    """The feature classifier of a dataset: from memory, from its cache, or trained and cached.

    The cache is ``<data_dir>/classifiers/<dataset_name>.keras``; delete it to train again.
    A cache that cannot be loaded (cut short by a crash) is moved aside to
    ``<dataset_name>.keras.corrupt`` with a warning naming it, and a new classifier is trained.
    Training uses the dataset's train split (no fallback to another dataset: a classifier
    cached under a name must really belong to that dataset), shows a progress line with the
    time left, and prints the test accuracy. A classifier loaded once is kept in memory
    (until its file changes), so repeated calls are free.

    Args:
        dataset_name: a name from ``ganlib.data.DATASETS``.
        data_dir: data folder; default ``ganlib.data.default_data_dir()``.
        epochs, seed: training settings when no cached classifier exists.
        allow_download: passed to ``ganlib.data.load_dataset``.
    """
    _checks.choice(dataset_name, "dataset", sorted(data.DATASETS))
    data_dir = Path(data_dir) if data_dir is not None else data.default_data_dir()
    path = data_dir / "classifiers" / f"{dataset_name}.keras"
    if path.exists():
        stamp = path.stat().st_mtime_ns
        if path in _LOADED and _LOADED[path][0] == stamp:
            return _LOADED[path][1]
        try:
            classifier = keras.models.load_model(path)
        except Exception as exc:  # Keras says "File not found" or BadZipFile, by where it was cut
            moved = _files.move_aside(path)
            warnings.warn(f"The feature classifier cache {path} is corrupt ({type(exc).__name__}"
                          f": {str(exc)[:160]}); moved it to {moved} and training a new one.",
                          stacklevel=2)
        else:
            _LOADED[path] = (stamp, classifier)
            print(f"Feature classifier for {dataset_name}: loaded from {path}", flush=True)
            return classifier
    data.check_data_folder(path.parent)  # before training, not after it
    train = data.load_dataset(dataset_name, split="train", data_dir=data_dir,
                              allow_download=allow_download, fallback=False)
    print(f"Feature classifier for {dataset_name}: no cache at {path}; training on "
          f"{len(train.images):,} {dataset_name} train images for {epochs} epochs.",
          flush=True)
    classifier = train_feature_classifier(train.images, train.labels,
                                          num_classes=len(train.class_names),
                                          epochs=epochs, seed=seed,
                                          progress=f"{dataset_name} classifier")
    test = data.load_dataset(dataset_name, split="test", data_dir=data_dir,
                             allow_download=allow_download, fallback=False, verbose=False)
    predicted = classifier_probabilities(classifier, test.images).argmax(axis=1)
    accuracy = float(np.mean(predicted == test.labels))
    with _files.replacing(path) as temporary:
        classifier.save(temporary)
    _LOADED[path] = (path.stat().st_mtime_ns, classifier)
    print(f"Feature classifier for {dataset_name}: trained (test accuracy {accuracy:.3f}) "
          f"and cached in {path}", flush=True)
    return classifier
