"""Restoration as paired translation: a U-Net trained on L1 alone against L1 plus a PatchGAN.

A damaged image and its original make a pix2pix pair (``ganlib.data.pairs.restoration_pairs``),
so one model class serves both losses: ``Pix2Pix`` with ``adversarial_weight=0`` is the U-Net
on L1 alone (its discriminator still trains but the generator never hears it), and with
``adversarial_weight > 0`` it is pix2pix.

* ``METHODS``: the two restorers, by name, with their adversarial weights;
* ``train_restorer``: build one model and train it for a wall-clock budget;
* ``restoration_table``: held-out scores of the damaged input and of each restorer
  (L1, PSNR, SSIM, sharpness against the truth's and, with a classifier, the class kept);
* ``winners`` and ``verdicts``: which method did better on each score, read from a table
  (as names, and as one sentence each), so the prose never has to guess the winner;
* ``restored_images``: each model's restorations of the same damaged images.
"""

from __future__ import annotations

import numpy as np

from ganlib import _checks, data
from ganlib.data import pairs
from ganlib.evaluation import sharpness, translation_metrics
from ganlib.training import callbacks, hyperparameters, loop
from ganlib.translation.pix2pix import build_pix2pix
from ganlib.translation.scoring import _check_has, _methods

__all__ = ["DAMAGED_INPUT", "METHODS", "SCORES", "restoration_table", "restored_images",
           "train_restorer", "verdicts", "winners"]

#: The two restorers: {name: adversarial weight} (the L1 weight is shared).
METHODS = {"L1": 0.0, "L1 + adversarial": 1.0}
#: The first row of ``restoration_table``: the damaged image itself, no restoration.
DAMAGED_INPUT = "damaged input"
#: The scores of ``restoration_table`` and what "better" means for each.
SCORES = {"L1": "lower", "PSNR": "higher", "SSIM": "higher", "sharpness": "closer to 1",
          "class kept": "higher"}


def train_restorer(train_pairs, adversarial_weight, *, seconds, max_steps=1_000_000,
                   batch_size=32, width=16, depth=2, l1_weight=100.0, learning_rate=2e-4,
                   beta1=0.5, seed=0):
    """A pix2pix model for ``train_pairs`` trained for ``seconds`` of wall time (or until
    ``max_steps`` generator updates, if that comes first).

    ``adversarial_weight`` 0 trains the U-Net on L1 alone (``METHODS["L1"]``); the other
    arguments are those of ``build_pix2pix``. Returns ``(model, seconds used)``; the steps
    made are ``model.steps_done``.
    """
    _check_has(train_pairs, "train_pairs", ["sources", "targets"],
               "image pairs from ganlib.data.pairs (with sources and targets)")
    seconds = _checks.number(seconds, "seconds", above=0)
    max_steps = hyperparameters.check("steps", max_steps, "max_steps")
    model = build_pix2pix(train_pairs.sources.shape[1:], train_pairs.targets.shape[-1],
                          width=width, depth=depth, l1_weight=l1_weight,
                          adversarial_weight=adversarial_weight, learning_rate=learning_rate,
                          beta1=beta1, seed=seed)
    dataset = pairs.make_pair_dataset(train_pairs, batch_size, seed=seed)
    stop = callbacks.StopAfterSeconds(seconds)
    loop.train_gan(model, dataset, max_steps, steps_per_epoch=100, verbose=0,
                   callbacks=[callbacks.NonFiniteGuard(), stop])
    return model, stop.elapsed


def restoration_table(restored, damaged, targets, *, classifier=None, labels=None) -> list:
    """Scores on held-out images: one row for the damaged input, then one per restorer.

    Args:
        restored: {method: restored images}, e.g. {"L1": ..., "L1 + adversarial": ...}.
        damaged: the damaged images the restorers were given (the first row).
        targets: the true images.
        classifier, labels: a class classifier (``ganlib.evaluation.feature_classifier``)
            and the targets' classes; when given, "class kept" is the share of images the
            classifier still puts in their class.

    Returns:
        A list of dicts with "method" and the keys of ``SCORES``: L1, PSNR and SSIM
        (``translation_metrics``, on [0, 1]) and sharpness (``sharpness.sharpness_ratio``).
    """
    if not isinstance(restored, dict) or not restored:
        _checks.refuse("restored", restored, "a dict {method: restored images}", TypeError)
    if (classifier is None) != (labels is None):
        _checks.refuse("classifier and labels", (classifier, labels),
                       "given together (a classifier and the targets' classes) or both None")
    predictions = {DAMAGED_INPUT: damaged, **restored}
    rows = translation_metrics.compare_translations(predictions, targets)
    for row in rows:
        images = predictions[row["method"]]
        row["sharpness"] = sharpness.sharpness_ratio(images, targets)
        if classifier is not None:
            row["class kept"] = translation_metrics.label_accuracy(classifier, images, labels)
    return rows


def _better(score, a, b):
    """1 when value ``a`` is better than ``b`` on ``score``, -1 when worse, 0 on a tie."""
    if SCORES[score] == "closer to 1":
        a, b = -abs(np.log(max(a, 1e-12))), -abs(np.log(max(b, 1e-12)))
    elif SCORES[score] == "lower":
        a, b = -a, -b
    return int(np.sign(round(a - b, 12)))


def winners(rows, first="L1", second="L1 + adversarial") -> dict:
    """{score: the method of ``first`` and ``second`` that did better on it, or None on a tie}.

    Each score of ``SCORES`` that both rows have is compared the way ``SCORES`` says
    (sharpness: the ratio closer to 1, on a log scale, so 0.5 and 2 are equally far).
    """
    methods = _methods(rows)
    for method in (first, second):
        _checks.choice(method, "first and second", methods)
    a, b = ({row["method"]: row for row in rows}[m] for m in (first, second))
    outcomes = {score: _better(score, a[score], b[score]) for score in SCORES
                if score in a and score in b}
    return {score: {1: first, -1: second, 0: None}[outcome]
            for score, outcome in outcomes.items()}


def verdicts(rows, first="L1", second="L1 + adversarial") -> dict:
    """{score: one sentence saying which of two methods of ``rows`` did better on it, with
    both values}, from ``winners``."""
    found = winners(rows, first, second)  # checks the rows and the two methods
    by_method = {row["method"]: row for row in rows}
    sentences = {}
    for score, winner in found.items():
        ranked = (winner, second if winner == first else first) if winner else (first, second)
        values = " against ".join(f"{by_method[m][score]:.4g}" for m in ranked)
        result = f"{winner} wins" if winner else "a tie"
        sentences[score] = f"{score} ({SCORES[score]} is better): {result}, {values}."
    return sentences


def restored_images(models, sources) -> dict:
    """{method: model.translate(sources)} for ``models`` = {method: model}."""
    array = data.check_model_images(sources, "sources")
    return {method: model.translate(array) for method, model in models.items()}

