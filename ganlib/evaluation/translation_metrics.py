"""How good is a translation? Pixel metrics on held-out pairs, simple baselines, domain checks.

Paired translation (pix2pix), on held-out (source, target) pairs:

* ``l1_error``: mean absolute difference, on images scaled to [0, 1] (lower is better);
* ``psnr``: peak signal-to-noise ratio in dB, ``10 log10(1 / MSE)`` on [0, 1] (higher);
* ``ssim``: structural similarity (Wang et al. 2004) with a 7x7 Gaussian window, which
  suits 28x28 and 32x32 images (higher, at most 1);

against baselines that need no training: the source itself (``identity_baseline``), the
source blurred (``blur_baseline``) and the mean training target (``mean_baseline``).

Unpaired translation (CycleGAN), where no ground truth exists:

* ``domain_accuracy``: the share of translated images that a classifier trained to tell the
  two real domains apart puts in the target domain;
* ``cycle_error``: L1 between images and their round trip A -> B -> A;
* ``label_accuracy``: whether a translation keeps what the image shows (a class
  classifier still names the right class);

with ``statistics_transfer`` as the baseline (each channel's mean and spread moved to
those of the other domain: Reinhard et al. 2001's colour transfer, without the colour
space change).
"""

from __future__ import annotations

import numpy as np

from ganlib import data
from ganlib.evaluation.classifier import classifier_probabilities, train_feature_classifier

__all__ = ["blur_baseline", "compare_translations", "cycle_error", "domain_accuracy",
           "identity_baseline", "l1_error", "label_accuracy", "mean_baseline", "psnr", "ssim",
           "statistics_transfer", "train_domain_classifier", "translation_scores"]

#: Window of ``ssim``: 7x7 Gaussian, sigma 1.5 (the usual 11x11 is too wide for 28x28).
SSIM_FILTER_SIZE = 7
SSIM_FILTER_SIGMA = 1.5


def _unit(images, name):
    """Model images in [-1, 1] as float32 in [0, 1]."""
    return (data.check_model_images(images, name) + 1.0) / 2.0


def _compared(predicted, targets):
    predicted, targets = _unit(predicted, "predicted"), _unit(targets, "targets")
    if predicted.shape != targets.shape:
        raise ValueError(f"predicted {predicted.shape} and targets {targets.shape} must have "
                         "the same shape: one prediction per target, with the target's "
                         "channels.")
    return predicted, targets


def l1_error(predicted, targets) -> np.ndarray:
    """Mean absolute error of each image on the [0, 1] scale, shape (N,)."""
    predicted, targets = _compared(predicted, targets)
    return np.abs(predicted - targets).reshape(len(targets), -1).mean(axis=1)


def psnr(predicted, targets) -> np.ndarray:
    """Peak signal-to-noise ratio of each image in dB (peak 1 on [0, 1]), shape (N,).

    A perfect image would be infinite; the error is floored at 1e-10 (100 dB).
    """
    predicted, targets = _compared(predicted, targets)
    mse = ((predicted - targets) ** 2).reshape(len(targets), -1).mean(axis=1)
    return 10.0 * np.log10(1.0 / np.maximum(mse, 1e-10))


def ssim(predicted, targets) -> np.ndarray:
    """Structural similarity of each image (colour: mean over channels), shape (N,)."""
    import tensorflow as tf

    predicted, targets = _compared(predicted, targets)
    if min(targets.shape[1:3]) < SSIM_FILTER_SIZE:
        raise ValueError(f"ssim needs images of at least {SSIM_FILTER_SIZE}x"
                         f"{SSIM_FILTER_SIZE} pixels, got {targets.shape[1:3]}.")
    return tf.image.ssim(predicted, targets, max_val=1.0, filter_size=SSIM_FILTER_SIZE,
                         filter_sigma=SSIM_FILTER_SIGMA).numpy()


def translation_scores(predicted, targets) -> dict:
    """Mean L1, PSNR and SSIM of ``predicted`` against ``targets``."""
    return {"L1": float(l1_error(predicted, targets).mean()),
            "PSNR": float(psnr(predicted, targets).mean()),
            "SSIM": float(ssim(predicted, targets).mean())}


def _to_channels(images, channels):
    array = data.check_model_images(images)
    return data.resize_images(array, array.shape[1:3] + (channels,))


def identity_baseline(sources, target_channels) -> np.ndarray:
    """The sources as they are, as the prediction (grey repeated to colour, colour to grey)."""
    return _to_channels(sources, target_channels)


def _gaussian_kernel(sigma):
    radius = max(1, int(np.ceil(3 * sigma)))
    offsets = np.arange(-radius, radius + 1, dtype=np.float32)
    kernel = np.exp(-0.5 * (offsets / sigma) ** 2)
    return kernel / kernel.sum()


def blur_baseline(sources, target_channels, sigma=1.0) -> np.ndarray:
    """The sources blurred with a Gaussian of ``sigma`` pixels (edges reflected)."""
    if not float(sigma) > 0:
        raise ValueError(f"sigma must be > 0 (pixels), got {sigma!r}.")
    array = identity_baseline(sources, target_channels)
    kernel = _gaussian_kernel(float(sigma))
    radius = len(kernel) // 2
    for axis in (1, 2):
        pad = [(0, 0)] * 4
        pad[axis] = (radius, radius)
        padded = np.pad(array, pad, mode="reflect")
        array = sum(weight * np.take(padded, np.arange(i, i + array.shape[axis]), axis=axis)
                    for i, weight in enumerate(kernel))
    return np.clip(array, -1.0, 1.0).astype(np.float32)


def mean_baseline(train_targets, n) -> np.ndarray:
    """The mean training target, repeated ``n`` times: the best input-blind prediction in
    squared error."""
    mean = data.check_model_images(train_targets, "train_targets").mean(axis=0)
    return np.repeat(mean[None], int(n), axis=0)


def compare_translations(predictions, targets) -> list:
    """One row per name in ``predictions`` ({name: predicted images}): its L1, PSNR, SSIM.

    Returns a list of dicts with keys "method", "L1", "PSNR", "SSIM", ready for
    ``ganlib.viz.markdown_table(rows, ["method", "L1", "PSNR", "SSIM"])``.
    """
    if not predictions:
        raise ValueError("predictions is empty: pass {name: predicted images}.")
    return [{"method": name, **translation_scores(images, targets)}
            for name, images in predictions.items()]


# --------------------------------------------------------------------------- unpaired


def train_domain_classifier(domain_a, domain_b, epochs=3, seed=0):
    """A small CNN (``ganlib.evaluation.train_feature_classifier``) that tells real images of
    domain A (class 0) from real images of domain B (class 1)."""
    a = data.check_model_images(domain_a, "domain_a")
    b = data.check_model_images(domain_b, "domain_b")
    if a.shape[1:] != b.shape[1:]:
        raise ValueError(f"domain_a {a.shape[1:]} and domain_b {b.shape[1:]} must have the "
                         "same image shape; build them with ganlib.data.pairs.unpaired_domains.")
    labels = np.concatenate([np.zeros(len(a), np.int64), np.ones(len(b), np.int64)])
    return train_feature_classifier(
        np.concatenate([a, b]), labels, num_classes=2, epochs=epochs, seed=seed)


def domain_accuracy(domain_classifier, images, domain) -> float:
    """The share of ``images`` that ``domain_classifier`` puts in ``domain`` ("A" or "B")."""
    if domain not in ("A", "B"):
        raise ValueError(f"domain must be 'A' or 'B', got {domain!r}.")
    probabilities = classifier_probabilities(domain_classifier, images)
    return float(np.mean(probabilities.argmax(axis=1) == "AB".index(domain)))


def cycle_error(forward, backward, images) -> float:
    """Mean L1 (on [0, 1]) between ``images`` and ``backward(forward(images))``.

    ``forward`` and ``backward`` are functions from images to images, e.g. a CycleGAN's
    ``translate_ab`` and ``translate_ba``.
    """
    array = data.check_model_images(images)
    return float(l1_error(backward(forward(array)), array).mean())


def statistics_transfer(images, reference) -> np.ndarray:
    """Move each channel's mean and standard deviation to those of ``reference``.

    The simplest unpaired translation: it changes the overall colour and contrast of a
    domain, nothing local. Images of both arguments must have the same channels.
    """
    array = data.check_model_images(images)
    target = data.check_model_images(reference, "reference")
    if array.shape[-1] != target.shape[-1]:
        raise ValueError(f"images have {array.shape[-1]} channel(s) and reference "
                         f"{target.shape[-1]}; give both the same channels.")
    mean, std = array.mean(axis=(0, 1, 2)), array.std(axis=(0, 1, 2))
    target_mean, target_std = target.mean(axis=(0, 1, 2)), target.std(axis=(0, 1, 2))
    moved = (array - mean) / np.maximum(std, 1e-6) * target_std + target_mean
    return np.clip(moved, -1.0, 1.0).astype(np.float32)


def label_accuracy(classifier, images, labels) -> float:
    """The share of ``images`` that ``classifier`` gives their ``labels``: does a
    translation keep what the image shows? Colour images are turned to grey first when the
    classifier reads grey images (and grey ones repeated when it reads colour)."""
    array = data.check_model_images(images)
    labels = data.check_labels(labels, n=len(array))
    channels = int(classifier.input_shape[-1])
    array = data.resize_images(array, tuple(classifier.input_shape[1:3]) + (channels,))
    predicted = classifier_probabilities(classifier, array).argmax(axis=1)
    return float(np.mean(predicted == labels))
