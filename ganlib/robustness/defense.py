"""Defences against adversarial examples: a GAN projection, and adversarial training.

**Defense-GAN** (Samangouei, Kabkab & Chellappa 2018, "Defense-GAN: Protecting Classifiers
Against Adversarial Attacks Using Generative Models"): before classifying an image x,
replace it by the closest image the generator can draw. ``project`` searches the latent
code z minimising the reconstruction error ``mean((G(z) - x)^2)`` by gradient descent
(Adam here) from ``restarts`` random starts and keeps the best: GAN inversion, done by
``ganlib.latent.inversion``. ``defended_predict`` classifies ``G(z*)``. A small
perturbation off the generator's range is mostly removed.

**Its limit**: the projection is an optimisation, so its gradient is hard to use, which
hides the defence from gradient attacks but does not make it robust (Athalye, Carlini &
Wagner 2018, "Obfuscated Gradients Give a False Sense of Security"). ``bpda_attack``
runs PGD through it with the *backward pass differentiable approximation*: forward through
the real projection, backward as if the projection were the identity (straight-through),
so the attacker uses the classifier's gradient at the projected image.

**Adversarial training** (Goodfellow et al. 2015; Madry et al. 2018): train the
classifier on a mix of clean and attacked images made on the fly against its current
weights. ``adversarial_training`` trains ``ganlib.evaluation.classifier``'s network that way.

All images here are pixels in [0, 1]; generators output [-1, 1] (tanh) and classifiers
take ``input_range`` (default (-1, 1)), both converted inside.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from ganlib import _checks, data, viz
from ganlib.evaluation import classifier
from ganlib.latent import inversion
from ganlib.robustness import attacks

__all__ = ["PUBLISHED_DEFENSE_GAN", "Projection", "TABLE_COLUMNS", "adversarial_training",
           "bpda_attack", "defended_accuracy", "defended_predict", "project",
           "robustness_table"]


@dataclass(frozen=True)
class Projection:
    """The result of ``project``: the closest generated images and how close they are.

    ``images``: G(z*) as pixels in [0, 1]; ``latent``: z* (N, latent_dim); ``errors``:
    mean squared error (pixels in [0, 1]) of each projection; ``start_errors``: the
    smallest error among each image's random starts, before any optimisation.
    """

    images: np.ndarray
    latent: np.ndarray
    errors: np.ndarray
    start_errors: np.ndarray


def project(generator, images, *, restarts: int = 4, steps: int = 100,
            learning_rate: float = 0.1, seed: int = 0, initial_latent=None) -> Projection:
    """Project images onto the generator's range: ``z* = argmin_z mean((G(z) - x)^2)``.

    This is GAN inversion with the squared pixel loss (``ganlib.latent.inversion.invert``,
    taught in notebook 14), on pixels in [0, 1].

    Args:
        generator: a Keras generator mapping (N, latent_dim) to images in [-1, 1] of the
            images' shape (e.g. ``gan.sampler``); used in inference mode.
        images: pixels in [0, 1], (N, H, W, C).
        restarts: random starts per image (R in the paper); the best end point is kept.
        steps: Adam steps per start (L in the paper); learning_rate: Adam's step size.
        seed: seeds the random starts.
        initial_latent: optional (N, latent_dim) starting codes (a warm start, used by
            ``bpda_attack``); then ``restarts`` must be 1.

    Returns:
        A ``Projection`` with the projected pixels, z*, and the errors after and before.
    """
    pixels = attacks.check_pixels(images)
    found = inversion.invert(generator, pixels * 2.0 - 1.0, restarts=restarts, steps=steps,
                             learning_rate=learning_rate, seed=seed,
                             initial_latent=initial_latent)
    return Projection(np.clip((found.images + 1.0) / 2.0, 0, 1).astype(np.float32),
                      found.latent, found.errors, found.start_errors)


def defended_predict(model, generator, images, *, input_range=attacks.MODEL_RANGE,
                     **projection_options):
    """Defense-GAN's prediction: classify the projection of each image.

    Returns (predicted classes, the ``Projection``). ``projection_options`` go to
    ``project`` (restarts, steps, learning_rate, seed).
    """
    projection = project(generator, images, **projection_options)
    return attacks.predict(model, projection.images, input_range), projection


def defended_accuracy(model, generator, images, labels, *, input_range=attacks.MODEL_RANGE,
                      **projection_options) -> float:
    """Share of images whose projection the model classifies as their label."""
    labels = data.check_labels(labels, n=len(np.asarray(images)))
    predicted, _ = defended_predict(model, generator, images, input_range=input_range,
                                    **projection_options)
    return float(np.mean(predicted == labels))


def bpda_attack(model, generator, images, labels, epsilon, *, steps: int = 10,
                step_size=None, projection_steps: int = 20, learning_rate: float = 0.1,
                initial_latent=None, seed: int = 0,
                input_range=attacks.MODEL_RANGE) -> np.ndarray:
    """An adaptive PGD attack on Defense-GAN with a straight-through (BPDA) gradient.

    Each PGD step projects the current adversarial image (warm-started from the previous
    step's z, ``projection_steps`` Adam steps) and uses the classifier's input gradient
    *at the projection* as the gradient with respect to the image: the projection's own
    Jacobian is replaced by the identity (Athalye et al. 2018). Evaluate the result with
    the full defence (``defended_accuracy``), not with the cheap inner projection.

    Args:
        initial_latent: z of each clean image's projection (e.g. ``Projection.latent``);
            default: a 4-restart projection of the clean images is made first.
        Other arguments as in ``ganlib.robustness.attacks.pgd`` and ``project``.

    Returns:
        Adversarial pixels within ``epsilon`` of ``images`` and in [0, 1].
    """
    pixels = attacks.check_pixels(images)
    attacks.check_epsilon(epsilon)
    attacks.output_kind(model, pixels, input_range)
    if initial_latent is None:
        initial_latent = project(generator, pixels, restarts=4, steps=projection_steps * 2,
                                 learning_rate=learning_rate, seed=seed).latent
    state = {"latent": initial_latent}

    def through_projection(adversarial, labels):
        projection = project(generator, adversarial, restarts=1, steps=projection_steps,
                             learning_rate=learning_rate, initial_latent=state["latent"])
        state["latent"] = projection.latent
        return attacks.input_gradient(model, projection.images, labels, input_range)

    return attacks.pgd(model, pixels, labels, epsilon, steps=steps, step_size=step_size,
                       random_start=True, seed=seed, gradient=through_projection)


def adversarial_training(images, labels, *, epsilon: float = 0.3, attack: str = "fgsm",
                         pgd_steps: int = 5, epochs: int = 2, batch_size: int = 128,
                         num_classes: int | None = None, seed: int = 0,
                         progress: str | None = None):
    """Train ``ganlib.evaluation.classifier``'s network on half clean, half attacked images.

    Every batch of ``batch_size`` clean images is attacked against the current weights
    (FGSM, or PGD with ``pgd_steps`` steps, at ``epsilon``) and the model takes one step
    on the clean and the attacked batch together: Goodfellow et al.'s 50/50 mix of the
    clean and the adversarial loss.

    Args:
        images: pixels in [0, 1], (N, H, W, C); labels: class indices.
        num_classes: default: the largest label + 1.
        progress: a label; when given, one progress line is updated while training.

    Returns:
        The trained classifier (softmax outputs, inputs in [-1, 1] like the course's).
    """
    pixels = attacks.check_pixels(images)
    labels = data.check_labels(labels, n=len(pixels))
    epsilon = attacks.check_epsilon(epsilon)
    _checks.choice(attack, "attack", ("fgsm", "pgd"))
    epochs = _checks.whole_number(epochs, "epochs")
    batch_size = _checks.whole_number(batch_size, "batch_size")
    pgd_steps = _checks.whole_number(pgd_steps, "pgd_steps")
    num_classes = int(labels.max()) + 1 if num_classes is None \
        else _checks.whole_number(num_classes, "num_classes", 2)
    model = classifier.build_feature_classifier(pixels.shape[1:], num_classes, seed=seed)
    rng = np.random.default_rng(seed)
    per_epoch = math.ceil(len(pixels) / batch_size)
    start, shown = time.monotonic(), -math.inf
    for epoch in range(epochs):
        order = rng.permutation(len(pixels))
        for index, first in enumerate(range(0, len(pixels), batch_size)):
            chosen = order[first:first + batch_size]
            clean, truth = pixels[chosen], labels[chosen]
            if attack == "fgsm":
                attacked = attacks.fgsm(model, clean, truth, epsilon)
            else:
                attacked = attacks.pgd(model, clean, truth, epsilon, steps=pgd_steps,
                                       seed=int(rng.integers(2**31)))
            batch = np.concatenate([clean, attacked]) * 2.0 - 1.0
            model.train_on_batch(batch, np.concatenate([truth, truth]))
            done = epoch * per_epoch + index + 1
            if progress and (time.monotonic() - shown >= 5.0 or done == epochs * per_epoch):
                shown = time.monotonic()
                line = viz.progress_text(f"{progress}: epoch {epoch + 1}/{epochs}", done,
                                         epochs * per_epoch, shown - start)
                print(f"\r{line}   ", end="\n" if done == epochs * per_epoch else "",
                      flush=True)
    return model


#: Published Defense-GAN figures on MNIST: a different setting from this course's (their
#: WGAN and classifiers, L = 200 steps, R = 10 restarts, MNIST, white-box FGSM at 0.3 made
#: on the classifier alone). Only the values confirmed by a second source are filled in.
PUBLISHED_DEFENSE_GAN = {
    "source": "Samangouei, Kabkab & Chellappa, ICLR 2018, Table 4 (MNIST, classifier "
              "model A, white-box FGSM, epsilon 0.3)",
    "epsilon": 0.3,
    "clean, no defence": 0.997,
    "FGSM, no defence": 0.217,
    "FGSM, Defense-GAN": None,
    "note": "clean and undefended values as quoted from the paper's Table 4 in the "
            "kabkabm/defensegan issue #2; the Defense-GAN value of that table could not be "
            "checked offline, so it is left out rather than quoted from memory.",
}

#: The columns of ``robustness_table``, in order.
TABLE_COLUMNS = ("epsilon", "no defence, FGSM", "no defence, PGD", "Defense-GAN, FGSM",
                 "Defense-GAN, PGD", "Defense-GAN, BPDA-PGD", "adv. trained, FGSM",
                 "adv. trained, PGD")


def robustness_table(model, generator, images, labels, epsilons=(0.1, 0.2, 0.3), *,
                     robust_model=None, pgd_steps: int = 10, restarts: int = 4,
                     projection_steps: int = 100, learning_rate: float = 0.1,
                     bpda_steps: int = 10, bpda_projection_steps: int = 20, seed: int = 0,
                     input_range=attacks.MODEL_RANGE, verbose: bool = True) -> list:
    """Clean, attacked and defended accuracy at each epsilon, one row (dict) per epsilon.

    Row epsilon 0 holds the clean accuracies. Columns (``TABLE_COLUMNS``): the classifier
    alone under FGSM and PGD; Defense-GAN (projection with ``restarts`` x
    ``projection_steps``) against FGSM and PGD made on the classifier alone, and against
    the adaptive ``bpda_attack``; ``robust_model`` (adversarially trained; columns left
    empty without it) under FGSM and PGD. The projection dominates the cost: about
    ``(1 + 3 * len(epsilons)) * len(images) * restarts * projection_steps`` generator
    steps, plus the BPDA attack's inner projections.
    """
    pixels = attacks.check_pixels(images)
    labels = data.check_labels(labels, n=len(pixels))
    settings = {"restarts": restarts, "steps": projection_steps,
                "learning_rate": learning_rate, "seed": seed}
    start = time.monotonic()

    def say(text):
        if verbose:
            print(f"  {text} ({time.monotonic() - start:.0f} s so far)", flush=True)

    def defended(adversarial):
        projection = project(generator, adversarial, **settings)
        predicted = attacks.predict(model, projection.images, input_range)
        return float(np.mean(predicted == labels)), projection

    clean_defended, clean_projection = defended(pixels)
    clean = attacks.accuracy(model, pixels, labels, input_range)
    rows = [{"epsilon": 0.0, "no defence, FGSM": clean, "no defence, PGD": clean,
             "Defense-GAN, FGSM": clean_defended, "Defense-GAN, PGD": clean_defended,
             "Defense-GAN, BPDA-PGD": clean_defended}]
    if robust_model is not None:
        robust_clean = attacks.accuracy(robust_model, pixels, labels, input_range)
        rows[0].update({"adv. trained, FGSM": robust_clean, "adv. trained, PGD": robust_clean})
    say(f"clean: classifier {clean:.3f}, Defense-GAN {clean_defended:.3f}")
    for epsilon in epsilons:
        epsilon = attacks.check_epsilon(epsilon)
        row = {"epsilon": epsilon}
        made = {"FGSM": attacks.fgsm(model, pixels, labels, epsilon, input_range=input_range),
                "PGD": attacks.pgd(model, pixels, labels, epsilon, steps=pgd_steps, seed=seed,
                                   input_range=input_range)}
        for name, adversarial in made.items():
            row[f"no defence, {name}"] = attacks.accuracy(model, adversarial, labels,
                                                          input_range)
            row[f"Defense-GAN, {name}"] = defended(adversarial)[0]
        adaptive = bpda_attack(model, generator, pixels, labels, epsilon, steps=bpda_steps,
                               projection_steps=bpda_projection_steps,
                               learning_rate=learning_rate,
                               initial_latent=clean_projection.latent, seed=seed,
                               input_range=input_range)
        row["Defense-GAN, BPDA-PGD"] = defended(adaptive)[0]
        if robust_model is not None:
            row["adv. trained, FGSM"] = attacks.accuracy(
                robust_model, attacks.fgsm(robust_model, pixels, labels, epsilon,
                                           input_range=input_range), labels, input_range)
            row["adv. trained, PGD"] = attacks.accuracy(
                robust_model, attacks.pgd(robust_model, pixels, labels, epsilon,
                                          steps=pgd_steps, seed=seed, input_range=input_range),
                labels, input_range)
        rows.append(row)
        say(f"epsilon {epsilon:g}: " + ", ".join(f"{k} {v:.3f}" for k, v in row.items()
                                                 if k != "epsilon"))
    return rows
