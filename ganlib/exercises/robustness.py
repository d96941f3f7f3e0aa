"""Robustness exercise: the fast gradient sign method (FGSM) on a classifier's logits.

Known values come from ``ganlib.robustness.fgsm`` and ``input_gradient`` (with the model
reading pixels in [0, 1]) on a tiny linear classifier with fixed weights.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from ganlib.exercises import compare
from ganlib.exercises.registry import register
from ganlib.robustness import attacks

__all__ = ["fgsm"]

#: The tiny classifier reads pixels in [0, 1] as they are.
PIXEL_RANGE = (0.0, 1.0)


def fgsm(model, images, labels, epsilon):
    """FGSM: clip(x + epsilon * sign(grad_x cross-entropy(labels, model(x))), 0, 1)."""
    images = tf.convert_to_tensor(images, tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(images)
        logits = model(images, training=False)
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=labels, logits=logits))                 # the true labels' cross-entropy
    gradient = tape.gradient(loss, images)
    adversarial = images + epsilon * tf.sign(gradient)     # one step up the loss
    return tf.clip_by_value(adversarial, 0.0, 1.0)         # pixels stay in [0, 1]


def _tiny_classifier(rng):
    """A linear classifier of (3, 3, 1) pixels into 4 classes, with fixed weights."""
    model = keras.Sequential([keras.Input((3, 3, 1)), layers.Flatten(),
                              layers.Dense(4, kernel_initializer="zeros")], name="classifier")
    for variable in model.trainable_variables:
        variable.assign(rng.normal(0, 1.0, variable.shape).astype(np.float32))
    return model


def _probability_gradient(model, images, labels):
    """The input gradient when logits are handed to a cross-entropy made for probabilities."""
    images = tf.constant(images)
    with tf.GradientTape() as tape:
        tape.watch(images)
        loss = tf.reduce_sum(keras.losses.sparse_categorical_crossentropy(
            labels, model(images), from_logits=False))
    return np.asarray(tape.gradient(loss, images))


def _check_fgsm(function):
    rng = np.random.default_rng(10)
    model = _tiny_classifier(rng)
    images = rng.uniform(0, 1, (6, 3, 3, 1)).astype(np.float32)
    images.flat[::4] = 0.0  # pixels at the edges of [0, 1], where clipping matters
    images.flat[1::4] = 1.0
    images.flat[2::9] = 0.97
    labels = rng.integers(0, 4, 6)
    # Known values for all six images at once (one shape, so the library traces once); each
    # case uses the first few, as every image's attack depends on that image only.
    gradient = attacks.input_gradient(model, images, labels, input_range=PIXEL_RANGE)
    predicted = attacks.predict(model, images, input_range=PIXEL_RANGE)
    wrong_label = attacks.input_gradient(model, images, predicted, input_range=PIXEL_RANGE)
    as_probabilities = _probability_gradient(model, images, labels)
    cases = [(6, 0.1, False), (4, 0.25, True), (3, 0.0, False)]
    for n, epsilon, as_tensor in cases:
        x, y = images[:n], labels[:n]
        inputs = (tf.constant(x), tf.constant(y, tf.int32)) if as_tensor else (x, y)
        on = (f" for epsilon {epsilon:g} (images and labels as "
              f"{'tensors' if as_tensor else 'NumPy arrays'})")
        got = compare.as_array(compare.call(function, model, *inputs, epsilon),
                               "the adversarial images")
        if got.shape != x.shape:
            raise compare.Mismatch(f"The adversarial images{on} have shape {got.shape}; they "
                                   f"must have the images' shape {x.shape}.")
        if np.all(np.isfinite(got)) and (got.min() < -1e-6 or got.max() > 1 + 1e-6):
            raise compare.Mismatch(
                f"The pixels{on} leave [0, 1] (from {got.min():.3g} to {got.max():.3g}): "
                "clip the result with tf.clip_by_value(x, 0.0, 1.0).")
        expected = attacks.fgsm(model, images, labels, epsilon, input_range=PIXEL_RANGE)[:n]
        sign = np.sign(gradient[:n])
        compare.compare(got, expected, "the adversarial images", on=on, wrong=[
            (np.clip(x - epsilon * sign, 0, 1),
             "The step goes down the loss, which helps the model; FGSM adds "
             "epsilon * sign(gradient) to increase the loss."),
            *[(np.clip(x + epsilon * gradient[:n] / scale, 0, 1),
               "The step is epsilon * sign(gradient) (tf.sign), not epsilon * gradient.")
              for scale in (1, n)],  # the gradient of the summed or of the mean loss
            (np.clip(x + sign, 0, 1), "The step must be scaled by epsilon."),
            (np.clip(x + epsilon * np.sign(as_probabilities[:n]), 0, 1),
             "The model gives logits: compute the cross-entropy with from_logits=True (or "
             "tf.nn.sparse_softmax_cross_entropy_with_logits)."),
            (np.clip(x + epsilon * np.sign(wrong_label[:n]), 0, 1),
             "Use the true labels, not the model's predictions."),
        ], hint="FGSM takes one step x + epsilon * sign(gradient of the true labels' "
                "cross-entropy with respect to the images), then clips to [0, 1].")
    return ("one signed-gradient step of the true labels' cross-entropy on a classifier's "
            "logits, clipped to [0, 1], for epsilon 0.1, 0.25 and 0, with NumPy arrays and "
            "tensors")


register(fgsm, _check_fgsm, task="""
Write `fgsm(model, images, labels, epsilon)`: the fast gradient sign method (Goodfellow,
Shlens & Szegedy 2015), one step that increases the classifier's loss on each pixel:

    x_adv = clip(x + epsilon * sign(grad_x loss(model(x), labels)), 0, 1)

where loss is the cross-entropy of the true labels computed from the model's logits
(tf.nn.sparse_softmax_cross_entropy_with_logits, or from_logits=True).

Args:
    model: a keras.Model mapping images with pixels in [0, 1] to logits (N, num_classes).
    images: pixels in [0, 1], shape (N, H, W, C).
    labels: the true class of each image, shape (N,), integers.
    epsilon: the largest change of any pixel, a float (0.1 = 10% of the range).
Returns:
    The adversarial images, shape (N, H, W, C), pixels in [0, 1].

NumPy arrays and tensors are both accepted (tape.watch needs a tensor: convert the images
with tf.convert_to_tensor first).
""")
