"""Adversarial examples: FGSM and PGD with the true label, and accuracy against epsilon.

Both attacks work on **pixels in [0, 1]**, so ``epsilon`` is a fraction of the full pixel
range (0.3 = 30% of black-to-white, the usual MNIST setting). The classifier may expect
another input range: ``input_range`` (default (-1, 1), the range of ``ganlib.data`` and of
``ganlib.evaluation.classifier``) maps the pixels linearly into it before every call, so epsilon
always means the same thing.

* FGSM (Goodfellow, Shlens & Szegedy 2015, "Explaining and Harnessing Adversarial
  Examples"): one step ``x + epsilon * sign(grad_x loss(x, y))``, clipped to [0, 1].
* PGD (Madry et al. 2018, "Towards Deep Learning Models Resistant to Adversarial
  Attacks"): a random start in the epsilon ball, then ``steps`` sign-gradient steps, each
  followed by a projection back into the ball and into [0, 1].

The loss is the cross-entropy of the true label computed from the model's **logits**.
A model that ends in softmax is detected; its logits are recomputed from its last Dense
layer when it has one (else the log of its probabilities is used), because the
cross-entropy of already rounded probabilities can have a zero gradient on confident
images, which would make the attack look weaker than it is. A model whose outputs are
neither logits nor probabilities is refused with the reason.
"""

from __future__ import annotations

import weakref

import keras
import numpy as np
import tensorflow as tf

from ganlib import _checks, data

__all__ = ["MODEL_RANGE", "accuracy", "accuracy_vs_epsilon", "check_epsilon",
           "check_pixels", "fgsm", "input_gradient", "output_kind", "pgd", "predict",
           "to_pixels"]

#: The input range of ganlib's models (``ganlib.data`` scales images to it).
MODEL_RANGE = (-1.0, 1.0)
#: Images per forward/backward pass.
_BATCH = 500
#: Sub-models giving the pre-softmax values of a softmax classifier, per classifier.
_LOGIT_BODIES = weakref.WeakKeyDictionary()
#: Compiled input-gradient functions, per model and (output kind, input range).
_GRADIENTS = weakref.WeakKeyDictionary()


# --------------------------------------------------------------------------- checks


def check_epsilon(epsilon, name: str = "epsilon") -> float:
    """``epsilon`` as a float after checking it is a number in [0, 1] (pixels in [0, 1])."""
    _checks.number(epsilon, name, hint=" in [0, 1]")
    if not 0.0 <= float(epsilon) <= 1.0:
        hint = (f" If you mean {epsilon:g} grey levels out of 255, pass {epsilon:g} / 255 = "
                f"{epsilon / 255:.4f}." if 1 < epsilon <= 255 else "")
        raise ValueError(f"{name} = {epsilon!r} is outside [0, 1]: it is a change of pixel "
                         f"value for pixels in [0, 1] (0.3 = 30% of the range).{hint}")
    return float(epsilon)


def check_pixels(images, name: str = "images") -> np.ndarray:
    """``images`` as float32 (N, H, W, C) after checking they are finite pixels in [0, 1]."""
    array = np.asarray(images)
    if array.dtype == np.uint8:
        raise TypeError(f"{name} are uint8 in [0, 255]; the attacks work on float pixels in "
                        "[0, 1]. Convert them with images / 255.")
    if not np.issubdtype(array.dtype, np.floating):
        raise TypeError(f"{name} must be a float array of pixels in [0, 1], got dtype "
                        f"{array.dtype}.")
    if array.ndim != 4 or array.shape[0] == 0:
        raise ValueError(f"{name} must have shape (N, height, width, channels) with N >= 1, "
                         f"got {array.shape}.")
    array = array.astype(np.float32, copy=False)
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contain NaN or Inf values; remove or repair them first.")
    low, high = float(array.min()), float(array.max())
    if low < -1e-6 or high > 1.0 + 1e-6:
        fix = (" They look like model-range images in [-1, 1]: convert them with "
               "ganlib.robustness.to_pixels(images)." if low >= -1.0 - 1e-6 and high <= 1.0 + 1e-6
               else " Scale them into [0, 1] first (e.g. images / 255).")
        raise ValueError(f"{name} have values in [{low:g}, {high:g}] but the attacks need "
                         f"pixels in [0, 1].{fix}")
    return np.clip(array, 0.0, 1.0)


def to_pixels(images) -> np.ndarray:
    """Model-range images in [-1, 1] (as ``ganlib.data`` loads them) -> pixels in [0, 1]."""
    return (data.check_model_images(images) + 1.0) / 2.0


def _check_range(input_range):
    try:
        low, high = (float(v) for v in input_range)
    except (TypeError, ValueError):
        raise TypeError(f"input_range must be (low, high), the model's input range, got "
                        f"{input_range!r}.") from None
    if not high > low:
        raise ValueError(f"input_range must be (low, high) with high > low, got "
                         f"{input_range!r}.")
    return low, high


def _check_model(model):
    if not callable(model):
        raise TypeError(f"model must be a Keras model (callable on images), got "
                        f"{type(model).__name__}.")


# --------------------------------------------------------------------------- model outputs


def _model_input(pixels, input_range):
    low, high = input_range
    return pixels * (high - low) + low


def output_kind(model, images, input_range=MODEL_RANGE) -> str:
    """Whether ``model`` outputs "logits" or "probabilities", from its outputs on ``images``.

    Probabilities: every row in [0, 1] and summing to 1. Logits: any other finite (N, K)
    output with K >= 2. Anything else (one value per image, images, NaN, or scores in
    [0, 1] that do not sum to 1 such as independent sigmoids) raises a ValueError saying
    what the outputs look like. ``images`` are pixels in [0, 1].
    """
    _check_model(model)
    low, high = _check_range(input_range)
    pixels = check_pixels(images)[:64]
    outputs = np.asarray(model(_model_input(pixels, (low, high)), training=False))
    what = "neither logits nor probabilities"
    if outputs.ndim != 2 or outputs.shape[1] < 2:
        raise ValueError(f"model outputs have shape {outputs.shape}: {what}. An attack needs "
                         "a classifier giving (N, num_classes) scores with num_classes >= 2.")
    if not np.all(np.isfinite(outputs)):
        raise ValueError(f"model outputs contain NaN or Inf: {what}. Check the model's "
                         "weights and that input_range matches what it was trained on.")
    if outputs.min() >= 0.0 and outputs.max() <= 1.0:
        sums = outputs.sum(axis=1)
        if np.allclose(sums, 1.0, atol=1e-3):
            return "probabilities"
        raise ValueError(
            f"model outputs lie in [0, 1] but each image's scores sum to between "
            f"{sums.min():.3g} and {sums.max():.3g}, not 1: independent per-class scores "
            f"(a sigmoid?), {what}. End the model with a Dense layer without activation "
            "(logits) or with a softmax (probabilities).")
    return "logits"


def _logit_function(model, kind):
    """A function pixels-in-model-range -> logits tensor, for a model of output ``kind``."""
    if kind == "logits":
        return lambda x: model(x, training=False)
    last = model.layers[-1] if isinstance(model, keras.Model) and model.layers else None
    if isinstance(last, keras.layers.Dense) and last.activation is keras.activations.softmax:
        if model not in _LOGIT_BODIES:
            _LOGIT_BODIES[model] = keras.Model(model.inputs, last.input)
        body = _LOGIT_BODIES[model]

        def logits(x):
            values = tf.matmul(body(x, training=False), last.kernel)
            return values + last.bias if last.bias is not None else values

        return logits
    return lambda x: tf.math.log(tf.clip_by_value(model(x, training=False), 1e-30, 1.0))


def input_gradient(model, images, labels, input_range=MODEL_RANGE) -> np.ndarray:
    """Gradient of the true label's cross-entropy with respect to the pixels in [0, 1].

    One gradient per image (the loss of an image depends on that image only), computed in
    batches. ``labels`` are class indices.
    """
    _check_model(model)
    input_range = _check_range(input_range)
    pixels = check_pixels(images)
    labels = data.check_labels(labels, n=len(pixels))
    kind = output_kind(model, pixels, input_range)
    key = (kind, input_range)
    functions = _GRADIENTS.setdefault(model, {})
    if key not in functions:
        logits_of = _logit_function(model, kind)

        @tf.function(reduce_retracing=True)
        def gradient(x, y):
            with tf.GradientTape() as tape:
                tape.watch(x)
                logits = logits_of(_model_input(x, input_range))
                loss = tf.reduce_sum(tf.nn.sparse_softmax_cross_entropy_with_logits(y, logits))
            return tape.gradient(loss, x)

        functions[key] = gradient
    return np.concatenate([
        functions[key](tf.constant(pixels[i:i + _BATCH]), tf.constant(labels[i:i + _BATCH]))
        .numpy() for i in range(0, len(pixels), _BATCH)])


def predict(model, images, input_range=MODEL_RANGE) -> np.ndarray:
    """The model's predicted class (arg-max) for each image of pixels in [0, 1]."""
    _check_model(model)
    input_range = _check_range(input_range)
    pixels = check_pixels(images)
    scores = [np.asarray(model(_model_input(pixels[i:i + _BATCH], input_range),
                               training=False)) for i in range(0, len(pixels), _BATCH)]
    return np.concatenate(scores).argmax(axis=1)


def accuracy(model, images, labels, input_range=MODEL_RANGE) -> float:
    """Share of images (pixels in [0, 1]) the model classifies as their label."""
    labels = data.check_labels(labels, n=len(np.asarray(images)))
    return float(np.mean(predict(model, images, input_range) == labels))


# --------------------------------------------------------------------------- attacks


def pgd(model, images, labels, epsilon, *, steps: int = 10, step_size=None,
        random_start: bool = True, seed: int = 0, input_range=MODEL_RANGE,
        gradient=None) -> np.ndarray:
    """Projected gradient descent in the L-infinity ball of radius ``epsilon`` (Madry et al.).

    Args:
        model: a classifier giving logits or probabilities (checked by ``output_kind``).
        images: pixels in [0, 1], (N, H, W, C); labels: their true class indices.
        epsilon: the largest change of any pixel, in [0, 1].
        steps: sign-gradient steps; step_size: their size (default 2.5 * epsilon / steps,
            so the walk can cross the ball).
        random_start: start from a uniform random point of the ball (seeded by ``seed``).
        input_range: the range the model expects its inputs in.
        gradient: optional ``gradient(pixels, labels) -> array`` replacing the model's own
            input gradient (``ganlib.robustness.bpda_attack`` passes its approximation here).

    Returns:
        Adversarial pixels: float32, within ``epsilon`` of ``images`` and in [0, 1].
    """
    original = check_pixels(images)
    epsilon = check_epsilon(epsilon)
    labels = data.check_labels(labels, n=len(original))
    steps = _checks.whole_number(steps, "steps")
    step_size = 2.5 * epsilon / steps if step_size is None else step_size
    _checks.number(step_size, "step_size", minimum=0, maximum=1)
    if gradient is None:
        _check_model(model)
        input_range = _check_range(input_range)
        output_kind(model, original, input_range)  # refuse a wrong model before any work

        def gradient(pixels, labels):
            return input_gradient(model, pixels, labels, input_range)

    low = np.clip(original - epsilon, 0.0, 1.0)
    high = np.clip(original + epsilon, 0.0, 1.0)
    adversarial = original.copy()
    if random_start and epsilon > 0:
        noise = np.random.default_rng(seed).uniform(-epsilon, epsilon, original.shape)
        adversarial = np.clip(original + noise.astype(np.float32), low, high)
    for _ in range(int(steps)):
        step = np.sign(gradient(adversarial, labels)).astype(np.float32)
        adversarial = np.clip(adversarial + float(step_size) * step, low, high)
    return adversarial


def fgsm(model, images, labels, epsilon, *, input_range=MODEL_RANGE) -> np.ndarray:
    """Fast gradient sign method: ``clip(x + epsilon * sign(grad), 0, 1)`` (Goodfellow et al.).

    Uses the true ``labels``; ``images`` are pixels in [0, 1]; returns float32 pixels.
    """
    return pgd(model, images, labels, epsilon, steps=1, step_size=check_epsilon(epsilon),
               random_start=False, input_range=input_range)


_ATTACKS = {"fgsm": fgsm, "pgd": pgd}


def accuracy_vs_epsilon(model, images, labels, epsilons, attack: str = "fgsm", *,
                        input_range=MODEL_RANGE, **attack_options) -> dict:
    """Accuracy under ``attack`` ("fgsm" or "pgd") at each epsilon: ``{epsilon: accuracy}``.

    Epsilon 0 gives the clean accuracy. ``attack_options`` go to the attack (e.g.
    ``steps=20`` for PGD).
    """
    _checks.choice(attack, "attack", sorted(_ATTACKS))
    epsilons = [check_epsilon(e) for e in np.atleast_1d(np.asarray(epsilons, dtype=object))]
    result = {}
    for epsilon in epsilons:
        adversarial = _ATTACKS[attack](model, images, labels, epsilon,
                                       input_range=input_range, **attack_options)
        result[epsilon] = accuracy(model, adversarial, labels, input_range)
    return result
