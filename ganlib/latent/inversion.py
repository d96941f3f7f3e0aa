"""GAN inversion: find the latent code whose generated image is closest to a given image.

A generator maps codes to images; it has no encoder going back. Inversion by optimisation
(Zhu et al. 2016, "Generative Visual Manipulation on the Natural Image Manifold"; Creswell
& Bharath 2018, "Inverting the Generator of a Generative Adversarial Network") searches

    z* = argmin_z  loss(G(z), x)

by gradient descent on z, with the generator's weights fixed. ``invert`` runs Adam on z
from ``restarts`` random starts per image and keeps, for each image, the start that ends
with the lowest loss: the loss is not convex in z, and different starts end in different
valleys. The loss is the mean squared (``"l2"``) or absolute (``"l1"``) difference of the
pixels, measured on the 0-to-1 scale, plus, with ``feature_model``, ``feature_weight``
times the mean squared difference of the two images' features (a feature loss: images
that differ by a small shift are close in features and far in pixels).

Defense-GAN's projection (``ganlib.robustness.defense.project``) is this inversion with
the squared pixel loss.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import keras
import numpy as np
import tensorflow as tf

from ganlib import _checks, data

__all__ = ["LOSSES", "Inversion", "invert"]

#: The pixel losses ``invert`` knows: name -> what it measures per image.
LOSSES = {"l2": "mean squared difference of the pixels (0-to-1 scale)",
          "l1": "mean absolute difference of the pixels (0-to-1 scale)"}

_BATCH = 256  # codes optimised together: images per batch times the restarts
_STEP_FUNCTIONS = weakref.WeakKeyDictionary()  # generator -> {(loss, features): Adam step}
_ADAM = (0.9, 0.999, 1e-8)


@dataclass(frozen=True)
class Inversion:
    """The result of ``invert``, per image: the closest generated image and how close it is.

    ``images``: G(z*) in [-1, 1]; ``latent``: z* (N, latent_dim); ``errors``: mean squared
    pixel error of G(z*) (pixels on the 0-to-1 scale); ``start_errors``: the smallest such
    error among the image's random starts before any step; ``losses``: the loss being
    minimised, (steps + 1, N, restarts), at every step of every start.
    """

    images: np.ndarray
    latent: np.ndarray
    errors: np.ndarray
    start_errors: np.ndarray
    losses: np.ndarray


def _check_generator(generator, images):
    if not isinstance(generator, keras.Model):
        raise TypeError(f"generator must be a keras.Model mapping latent codes to images "
                        f"(e.g. gan.sampler), got {type(generator).__name__}.")
    output = tuple(generator.output_shape[1:])
    if output != tuple(images.shape[1:]):
        raise ValueError(f"the generator draws images of shape {output} but the images have "
                         f"shape {tuple(images.shape[1:])}; project images of the dataset "
                         "the GAN was trained on.")
    return int(generator.input_shape[-1])


def _step_function(generator, loss, feature_model):
    """One compiled Adam step on z: returns the new state, then the loss and the squared
    pixel error of z *before* the step (per code)."""
    steps = _STEP_FUNCTIONS.setdefault(generator, {})
    if (loss, feature_model) not in steps:
        beta1, beta2, tiny = _ADAM

        @tf.function(reduce_retracing=True)
        def step(z, m, v, t, target, target_features, learning_rate, feature_weight):
            with tf.GradientTape() as tape:
                tape.watch(z)
                drawn = generator(z, training=False)
                difference = (drawn - target) / 2.0          # pixels on the 0-to-1 scale
                squared = tf.reduce_mean(tf.square(difference), axis=[1, 2, 3])
                objective = squared if loss == "l2" else \
                    tf.reduce_mean(tf.abs(difference), axis=[1, 2, 3])
                if feature_model is not None:               # + w * mean((f(G(z)) - f(x))^2)
                    gap = feature_model(drawn, training=False) - target_features
                    objective += feature_weight * tf.reduce_mean(tf.square(gap), axis=1)
                total = tf.reduce_sum(objective)  # each z only changes its own loss
            grad = tape.gradient(total, z)
            m = beta1 * m + (1.0 - beta1) * grad                # Adam's two moments
            v = beta2 * v + (1.0 - beta2) * tf.square(grad)
            m_hat = m / (1.0 - tf.pow(beta1, t))
            v_hat = v / (1.0 - tf.pow(beta2, t))
            return z - learning_rate * m_hat / (tf.sqrt(v_hat) + tiny), m, v, objective, squared

        steps[loss, feature_model] = step
    return steps[loss, feature_model]


def _starts(n, latent_dim, restarts, seed, initial_latent):
    """The starting codes, (n, restarts, latent_dim): given ones, or standard normal draws."""
    if initial_latent is None:
        rng = np.random.default_rng(seed)
        return rng.standard_normal((n, restarts, latent_dim)).astype(np.float32)
    starts = np.asarray(initial_latent, np.float32)
    if starts.shape != (n, latent_dim):
        raise ValueError(f"initial_latent must have shape ({n}, {latent_dim}), got "
                         f"{starts.shape}.")
    if restarts != 1:
        raise ValueError(f"initial_latent gives one start per image; pass restarts=1, "
                         f"got restarts={restarts}.")
    return starts[:, None, :]


def invert(generator, images, *, restarts: int = 4, steps: int = 100,
           learning_rate: float = 0.1, loss: str = "l2", feature_model=None,
           feature_weight: float = 0.0, seed: int = 0, initial_latent=None) -> Inversion:
    """GAN inversion by optimisation: ``z* = argmin_z loss(G(z), x)`` for each image x.

    Args:
        generator: a Keras generator mapping (N, latent_dim) to images in [-1, 1] of the
            images' shape (e.g. ``gan.sampler``); used in inference mode, never changed.
        images: the images to invert, in [-1, 1], (N, H, W, C).
        restarts: random starts per image; the start with the lowest final loss is kept.
        steps: Adam steps per start (0: keep the best random start).
        learning_rate: Adam's step size on z.
        loss: a name of ``LOSSES``, "l2" or "l1".
        feature_model: optional Keras model mapping images in [-1, 1] to feature vectors
            (e.g. ``ganlib.evaluation.classifier.feature_network(classifier)``); its
            squared feature difference, times ``feature_weight``, joins the loss.
        seed: seeds the random starts.
        initial_latent: optional (N, latent_dim) starting codes (a warm start); then
            ``restarts`` must be 1.

    Returns:
        An ``Inversion``: G(z*), z*, the errors after and before, and every loss curve.
    """
    targets = data.check_model_images(images)
    latent_dim = _check_generator(generator, targets)
    restarts = _checks.whole_number(restarts, "restarts")
    steps = _checks.whole_number(steps, "steps", minimum=0)
    learning_rate = _checks.number(learning_rate, "learning_rate", above=0, maximum=10)
    _checks.choice(loss, "loss", list(LOSSES))
    feature_weight = _checks.number(feature_weight, "feature_weight", minimum=0)
    if feature_model is not None and not callable(feature_model):
        _checks.refuse("feature_model", feature_model, "a Keras model mapping images to "
                       "features, or None", TypeError)
    starts = _starts(len(targets), latent_dim, restarts, seed, initial_latent)
    step = _step_function(generator, loss, feature_model)
    rate, weight = tf.constant(learning_rate), tf.constant(feature_weight)
    kept = {"images": [], "latent": [], "errors": [], "start_errors": [], "losses": []}
    per_batch = max(1, _BATCH // restarts)
    for first in range(0, len(targets), per_batch):
        target = np.repeat(targets[first:first + per_batch], restarts, axis=0)
        target_features = (tf.zeros((len(target), 1)) if feature_model is None
                           else feature_model(target, training=False))
        z = tf.constant(starts[first:first + per_batch].reshape(-1, latent_dim))
        m = v = tf.zeros_like(z)
        curve, before = [], None
        for t in range(1, steps + 2):  # the last pass only measures the final codes
            moved, m_next, v_next, objective, squared = step(
                z, m, v, tf.constant(float(t)), target, target_features, rate, weight)
            curve.append(objective.numpy())
            before = squared.numpy() if before is None else before
            if t <= steps:
                z, m, v = moved, m_next, v_next
        count = len(target) // restarts
        final = curve[-1].reshape(count, restarts)
        best = final.argmin(axis=1) + np.arange(count) * restarts  # the kept start per image
        kept["latent"].append(z.numpy()[best])
        kept["errors"].append(squared.numpy()[best])
        kept["start_errors"].append(before.reshape(count, restarts).min(axis=1))
        kept["losses"].append(np.stack(curve).reshape(len(curve), count, restarts))
    latent = np.concatenate(kept["latent"])
    return Inversion(images=np.asarray(generator.predict(latent, batch_size=_BATCH, verbose=0)),
                     latent=latent, errors=np.concatenate(kept["errors"]),
                     start_errors=np.concatenate(kept["start_errors"]),
                     losses=np.concatenate(kept["losses"], axis=1))
