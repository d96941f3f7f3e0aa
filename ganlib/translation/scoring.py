"""Score tables: a trained translation model next to the baselines that need no training.

- ``pix2pix_table``: pix2pix against the input itself, the input blurred and the mean
  training target, on held-out pairs (L1, PSNR, SSIM);
- ``cyclegan_table``: CycleGAN against the input itself and statistics transfer, with the
  real images of the target domain as the ceiling (judged the target domain each way,
  cycle errors, digit kept);
- ``beats_baselines``: on which scores the model does better than every baseline;
- ``scores_by_method``: a table as {method: {score: value}}, e.g. for a run's metrics.

A table is a list of rows, one dict per method with "method" first, ready for
``ganlib.viz.markdown_table(rows, list(rows[0]))``. The scores and the baselines themselves
are in ``ganlib.evaluation.translation_metrics``.
"""

from __future__ import annotations

from collections.abc import Mapping

from ganlib._checks import choice, flag, refuse
from ganlib.evaluation import translation_metrics

__all__ = ["CYCLEGAN_BASELINES", "CYCLEGAN_DOMAIN_SCORES", "PIX2PIX_BASELINES",
           "PIX2PIX_SCORES", "REAL_IMAGES", "beats_baselines", "cyclegan_table",
           "pix2pix_table", "scores_by_method"]

#: The rows of ``pix2pix_table`` after the model's, in order.
PIX2PIX_BASELINES = ("input itself", "input blurred", "mean training target")
#: The scores of ``pix2pix_table``: {score: True when higher is better}.
PIX2PIX_SCORES = {"L1": False, "PSNR": True, "SSIM": True}
#: The baselines of ``cyclegan_table`` (its last row, ``REAL_IMAGES``, is the ceiling).
CYCLEGAN_BASELINES = ("input itself", "statistics transfer")
#: The method of the real images in ``cyclegan_table``.
REAL_IMAGES = "real images of the target domain"
#: The scores that say whether a translation looks like its target domain (higher is better).
CYCLEGAN_DOMAIN_SCORES = {"A→B judged B": True, "B→A judged A": True}


def _check_has(value, name: str, attributes, expected: str):
    if not all(hasattr(value, attribute) for attribute in attributes):
        refuse(name, value, expected, TypeError)


def pix2pix_table(model, train_pairs, test_pairs) -> list[dict]:
    """L1, PSNR and SSIM on ``test_pairs`` of ``model`` (row "pix2pix") and the baselines.

    The baselines (``PIX2PIX_BASELINES``): the test inputs themselves, the inputs blurred,
    and the mean target of ``train_pairs``. The pairs are ``ganlib.data.pairs.ImagePairs``.
    """
    _check_has(model, "model", ["translate"], "a Pix2Pix model (anything with translate)")
    for pairs, name in ((train_pairs, "train_pairs"), (test_pairs, "test_pairs")):
        _check_has(pairs, name, ["sources", "targets"],
                   "image pairs from ganlib.data.pairs (with sources and targets)")
    sources, targets = test_pairs.sources, test_pairs.targets
    channels = targets.shape[-1]
    baselines = (translation_metrics.identity_baseline(sources, channels),
                 translation_metrics.blur_baseline(sources, channels),
                 translation_metrics.mean_baseline(train_pairs.targets, len(targets)))
    predictions = {"pix2pix": model.translate(sources),
                   **dict(zip(PIX2PIX_BASELINES, baselines, strict=True))}
    return translation_metrics.compare_translations(predictions, targets)


def cyclegan_table(model, test_a, test_b, train_a, train_b, judge, digit_judge=None,
                   test_labels=None) -> list[dict]:
    """The three questions of an unpaired translation, for ``model`` and its baselines.

    Rows: "CycleGAN", the baselines (``CYCLEGAN_BASELINES``: the input itself, and statistics
    transfer to ``train_b`` or ``train_a``) and ``REAL_IMAGES`` (``test_b`` as the
    translation of ``test_a`` and the reverse: the ceiling, without cycle errors). Columns:
    the shares ``judge`` (``translation_metrics.train_domain_classifier``) puts in the target
    domain, the cycle errors and, with a ``digit_judge`` and the ``test_labels`` of the
    images (the same for ``test_a`` and ``test_b``), the shares whose class is kept.
    """
    _check_has(model, "model", ["translate_ab", "translate_ba"],
               "a CycleGAN model (anything with translate_ab and translate_ba)")
    if (digit_judge is None) != (test_labels is None):
        refuse("digit_judge and test_labels", (digit_judge, test_labels),
               "given together (a classifier and the classes of the test images) or both None")

    def judged(method, to_b, to_a, cycle_errors):
        row = {"method": method,
               "A→B judged B": translation_metrics.domain_accuracy(judge, to_b, "B"),
               "B→A judged A": translation_metrics.domain_accuracy(judge, to_a, "A"),
               **cycle_errors}
        if digit_judge is not None:
            row["digit kept A→B"] = translation_metrics.label_accuracy(digit_judge, to_b,
                                                                       test_labels)
            row["digit kept B→A"] = translation_metrics.label_accuracy(digit_judge, to_a,
                                                                       test_labels)
        return row

    def translated(method, forward, backward):
        return judged(method, forward(test_a), backward(test_b), {
            "cycle error A": translation_metrics.cycle_error(forward, backward, test_a),
            "cycle error B": translation_metrics.cycle_error(backward, forward, test_b)})

    def unchanged(images):
        return images

    return [translated("CycleGAN", model.translate_ab, model.translate_ba),
            translated("input itself", unchanged, unchanged),
            translated("statistics transfer",
                       lambda images: translation_metrics.statistics_transfer(images, train_b),
                       lambda images: translation_metrics.statistics_transfer(images, train_a)),
            judged(REAL_IMAGES, test_b, test_a, {})]


def _methods(rows) -> list:
    if not isinstance(rows, (list, tuple)) or not rows \
            or not all(isinstance(row, Mapping) and "method" in row for row in rows):
        refuse("rows", rows, "a table from pix2pix_table or cyclegan_table (a list of dicts, "
               "each with a 'method')", TypeError)
    return [row["method"] for row in rows]


def beats_baselines(rows, higher_is_better: Mapping, model: str | None = None,
                    baselines=None) -> dict:
    """{score: whether ``model`` does strictly better than every baseline} (a tie does not).

    ``higher_is_better`` is {score: True when higher is better}, e.g. ``PIX2PIX_SCORES``;
    ``model`` is a method of ``rows`` (default: the first row's) and ``baselines`` the
    methods to beat (default: every other row).
    """
    methods = _methods(rows)
    model = methods[0] if model is None else choice(model, "model", methods)
    if baselines is None:
        baselines = [method for method in methods if method != model]
    elif isinstance(baselines, str) or not baselines \
            or not all(b in methods and b != model for b in baselines):
        refuse("baselines", baselines, f"a list of the other methods of rows: "
               f"{[m for m in methods if m != model]}")
    if not isinstance(higher_is_better, Mapping) or not higher_is_better:
        refuse("higher_is_better", higher_is_better,
               "a dict {score: True when higher is better}, e.g. PIX2PIX_SCORES", TypeError)
    by_method = {row["method"]: row for row in rows}
    compared = [by_method[model], *(by_method[b] for b in baselines)]
    beats = {}
    for score, higher in higher_is_better.items():
        flag(higher, f"higher_is_better[{score!r}]")
        missing = [row["method"] for row in compared if score not in row]
        if missing:
            scores = [key for key in by_method[model] if key != "method"]
            raise ValueError(f"higher_is_better names {score!r}, which the rows {missing} do "
                             f"not have; name scores of every row compared: {scores}.")
        ours, theirs = by_method[model][score], [by_method[b][score] for b in baselines]
        beats[score] = bool(ours > max(theirs) if higher else ours < min(theirs))
    return beats


def scores_by_method(rows) -> dict:
    """The table as {method: {score: value}}, e.g. under "scores" in a run's metrics."""
    _methods(rows)
    return {row["method"]: {key: value for key, value in row.items() if key != "method"}
            for row in rows}
