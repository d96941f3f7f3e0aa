"""Conditional accuracy: do the samples belong to the class asked for?

The judge is the dataset's feature classifier (``ganlib.evaluation.classifier``), trained
on real images; the answer is the share of generated images it puts in the requested
class, per class and overall, with the confusion matrix.
"""

from __future__ import annotations

import numpy as np

from ganlib import data
from ganlib.conditional.sampling import _check_gan, class_grid
from ganlib.evaluation.classifier import classifier_probabilities

__all__ = ["conditional_accuracy", "requested_class_accuracy"]


def conditional_accuracy(gan, classifier, per_class=100, classes=None, seed=0):
    """Generate ``per_class`` images of each class and classify them.

    Args:
        gan: a trained ``ConditionalGAN``.
        classifier: ``ganlib.evaluation.classifier.feature_classifier(dataset)`` for the dataset the
            GAN learned (same classes, same order).
        classes: the classes to ask for (default: all).

    Returns a dict: ``accuracy`` (overall share classified as requested),
    ``per_class`` (accuracy of each requested class, a dict), ``confusion`` (counts,
    rows = requested class, columns = predicted class, num_classes x num_classes),
    ``requested`` and ``predicted`` (one per image).
    """
    _check_gan(gan)
    outputs = int(classifier.output_shape[-1])
    if outputs != gan.num_classes:
        raise ValueError(f"The classifier tells {outputs} classes apart but the GAN was "
                         f"built for {gan.num_classes}; use the classifier of the dataset "
                         "the GAN was trained on.")
    images, requested = class_grid(gan, per_class, classes, seed=seed)
    return requested_class_accuracy(classifier, images, requested)


def requested_class_accuracy(classifier, images, requested):
    """How often ``classifier`` puts each image in the class it was generated for.

    Args:
        classifier: the dataset's ``ganlib.evaluation.classifier.feature_classifier``.
        images: uint8 in [0, 255] or float in [-1, 1], (N, H, W, C) or grey (N, H, W).
        requested: the class each image was asked for, int (N,).

    Returns the dict described in ``conditional_accuracy``.
    """
    num_classes = int(classifier.output_shape[-1])
    images = np.asarray(images)
    if images.ndim == 3:
        images = images[..., None]
    requested = data.check_labels(requested, num_classes=num_classes, n=len(images),
                                  name="requested")
    predicted = classifier_probabilities(classifier, images).argmax(1)
    confusion = np.zeros((num_classes, num_classes), np.int64)
    np.add.at(confusion, (requested, predicted), 1)
    correct = predicted == requested
    return {"accuracy": float(correct.mean()),
            "per_class": {int(c): float(correct[requested == c].mean())
                          for c in np.unique(requested)},
            "confusion": confusion, "requested": requested, "predicted": predicted}
