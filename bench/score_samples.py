"""Score saved samples with ganlib.evaluation: FID, KID, classifier score, modes, precision/recall.

    python bench/score_samples.py outputs/bench/samples_default.npz [more.npz ...] \
        --dataset fashion_mnist [--out-table outputs/bench/results.md] [--out-json r.json]

Each file's ``images`` (uint8 (N, H, W) or (N, H, W, C), or floats in [0, 1] or [-1, 1])
are scored by ``ganlib.evaluation.metrics.evaluate_images`` against 10,000 real test images, in the
feature space of the dataset's own small classifier (``ganlib.evaluation.classifier``: loaded from
data/classifiers/, or trained there on first use, a few minutes on a CPU). NOT
Inception figures: compare only rows of this script, same dataset, same number of samples
(use 10,000, the default of train_budget.py).

- FID: Fréchet distance of classifier features to the real test images (lower is better).
- KID: unbiased kernel distance (cubic polynomial kernel), mean ± spread over 100 rounds
  of 1,000 samples; about 0 for real images, and unlike FID not biased by the sample size.
- score: the classifier score (Inception-Score formula), 1 to 10 for 10 classes.
- modes: classes that get at least 2% of the samples (the classifier's arg-max); fewer than
  10 of 10 points at mode collapse. TV: total variation of the class histogram from the
  real one.
- precision / recall: share of samples inside the real data's k-NN manifold / of real
  images inside the samples' manifold (k = 3, Kynkäänniemi et al. 2019).
- diversity: median k-NN distance among the samples / among real images (1 for real data).
- conditional accuracy (files with ``labels``, from ``train_budget.py --recipe
  conditional``): the share of images the classifier puts in the class they were asked
  for, overall and per class, in a second table.

A reference row scores 10,000 real train images the same way: the floor a generator can hope
for with this classifier.

Files named ``<run>_s<seed>.npz`` (e.g. ``default_300_s0.npz``, ``default_300_s1.npz``) are
also summarised per run over their seeds: mean ± standard deviation of every figure.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import numpy as np

from ganlib import conditional, data
from ganlib.evaluation import metrics

#: Published Inception-FID figures (Lucic et al. 2018, "Are GANs Created Equal?", best FID
#: per model), printed beside the table as an anchor in ANOTHER feature space.
PUBLISHED_ANCHORS = {
    "fashion_mnist": "Lucic et al. 2018 best Inception-FID on Fashion-MNIST: about 21.5 "
                     "(WGAN) to 30.7 (LSGAN)",
    "mnist": "Lucic et al. 2018 best Inception-FID on MNIST: about 6.7 to 9.8",
}

HEADER = ("| samples | N | FID | KID | score | modes | TV to real | precision | recall "
          "| diversity | from |")


def load_samples(path: Path, dataset: str):
    """The ``images`` of a .npz file, their requested ``labels`` (or None), and a note on
    where they came from."""
    with np.load(path) as arrays:
        if "images" not in arrays:
            raise ValueError(f"{path} has no 'images' array (it has {sorted(arrays)}); "
                             "write it with bench/train_budget.py.")
        images = arrays["images"]
        labels = arrays["labels"] if "labels" in arrays else None
        saved_dataset = str(arrays["dataset"]) if "dataset" in arrays else None
        meta = {key: arrays[key].item() for key in
                ("recipe", "steps", "train_seconds", "images_per_second", "sample_seconds")
                if key in arrays}
    parts = []
    if "recipe" in meta:
        parts.append(str(meta["recipe"]))
    if "steps" in meta:
        parts.append(f"{meta['steps']:,} steps")
    if "train_seconds" in meta:
        parts.append(f"{meta['train_seconds']:.0f} s")
    if "images_per_second" in meta:
        parts.append(f"{meta['images_per_second']:.0f} img/s")
    if "sample_seconds" in meta:
        parts.append(f"sampled in {meta['sample_seconds']:.0f} s")
    if saved_dataset is not None and saved_dataset != dataset:
        print(f"WARNING: {path} was trained on {saved_dataset!r}, scored against {dataset!r}.")
    return images, labels, ", ".join(parts)


def accuracy_row(name: str, accuracy: dict, class_names) -> str:
    """One markdown row: overall conditional accuracy, then each class's."""
    per_class = " | ".join(f"{accuracy['per_class'].get(c, float('nan')):.3f}"
                           for c in range(len(class_names)))
    return (f"| {name} | {len(accuracy['requested']):,} | **{accuracy['accuracy']:.3f}** | "
            f"{per_class} |")


def table_row(name: str, result: dict, note: str) -> str:
    """One markdown row of the table from an ``evaluate_images`` result."""
    return (f"| {name} | {result['n_samples']:,} | {result['fid']:.2f} | "
            f"{result['kid']:.4f} ± {result['kid_std']:.4f} | "
            f"{result['classifier_score']:.2f} | "
            f"{result['modes_covered']}/{result['num_classes']} | "
            f"{result['class_tv_real']:.3f} | {result['precision']:.3f} | "
            f"{result['recall']:.3f} | {result['diversity']:.2f} | {note} |")


SEED_SUFFIX = re.compile(r"^(?P<run>.+)_s(?P<seed>\d+)$")
SUMMARY_FIGURES = (("FID", "fid", ".2f"), ("KID", "kid", ".3f"),
                   ("score", "classifier_score", ".2f"), ("modes", "modes_covered", ".1f"),
                   ("precision", "precision", ".3f"), ("recall", "recall", ".3f"))


def seed_summary(results: dict) -> str:
    """A markdown table of mean ± std over seeds for files named ``<run>_s<seed>.npz``."""
    groups = {}
    for path, result in results.items():
        match = SEED_SUFFIX.match(Path(path).stem)
        if match and "fid" in result:
            groups.setdefault(match["run"], []).append(result)
    if not groups:
        return ""
    header = "| run | seeds | " + " | ".join(name for name, _, _ in SUMMARY_FIGURES) + " |"
    lines = [header, "|---|---:|" + "---:|" * len(SUMMARY_FIGURES)]
    for run, members in groups.items():
        cells = []
        for _, key, spec in SUMMARY_FIGURES:
            values = np.array([member[key] for member in members], float)
            spread = values.std(ddof=1) if len(values) > 1 else float("nan")
            cells.append(f"{values.mean():{spec}} ± {spread:{spec}}")
        lines.append(f"| {run} | {len(members)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", type=Path, help=".npz files with an 'images' array")
    parser.add_argument("--dataset", default="fashion_mnist", choices=sorted(data.DATASETS))
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="data folder (default: ganlib.data.default_data_dir())")
    parser.add_argument("--num-real", type=int, default=10_000,
                        help="real test images to compare with (default 10,000)")
    parser.add_argument("--no-reference", action="store_true",
                        help="skip the reference row of real train images")
    parser.add_argument("--out-table", type=Path, default=None,
                        help="also write the table (markdown) to this file")
    parser.add_argument("--out-json", type=Path, default=None,
                        help="also write every figure of every file (JSON) to this file")
    args = parser.parse_args(argv)

    try:
        classifier = metrics.feature_classifier(args.dataset, data_dir=args.data_dir)
        real = metrics.real_reference(args.dataset, classifier, n_real=args.num_real,
                                      data_dir=args.data_dir)
    except data.DatasetUnavailableError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 2

    def evaluate(images):
        return metrics.evaluate_images(images, args.dataset, n_real=args.num_real,
                                       classifier=classifier, data_dir=args.data_dir)

    rows, results = [], {}
    if not args.no_reference:
        train = data.load_dataset(args.dataset, split="train", data_dir=args.data_dir,
                                  fallback=False, limit=args.num_real, verbose=False)
        name = f"real {args.dataset} train images (reference)"
        results[name] = evaluate(train.images)
        rows.append(table_row(name, results[name], ""))
    accuracy_rows = []
    class_names = data.DATASETS[args.dataset]["classes"]
    for path in args.files:
        images, labels, note = load_samples(path, args.dataset)
        if labels is not None:
            accuracy = conditional.requested_class_accuracy(classifier, images, labels)
            results[f"{path} conditional accuracy"] = {
                "accuracy": accuracy["accuracy"], "per_class": accuracy["per_class"],
                "confusion": accuracy["confusion"].tolist()}
            accuracy_rows.append(accuracy_row(str(path), accuracy, class_names))
        if len(images) != len(real):
            print(f"NOTE: {path} holds {len(images):,} images, the real set {len(real):,}; "
                  "FID and precision/recall of different sample sizes are not comparable.")
        results[str(path)] = {**evaluate(images), "from": note}
        rows.append(table_row(str(path), results[str(path)], note))

    table = "\n".join([HEADER, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|", *rows])
    print(f"\nClassifier-feature metrics against {len(real):,} real {args.dataset} test "
          "images (NOT Inception figures; compare only rows of this script).\n")
    print(table)
    summary = seed_summary(results)
    if summary:
        print("\nMean ± standard deviation over seeds (files <run>_s<seed>.npz):\n")
        print(summary)
        table += "\n\nMean ± standard deviation over seeds:\n\n" + summary
    if accuracy_rows:
        table += ("\n\nConditional accuracy: share of images the classifier puts in the "
                  "class they were generated for.\n\n"
                  f"| samples | N | accuracy | {' | '.join(class_names)} |\n"
                  f"|---|---:|---:|{'---:|' * len(class_names)}\n" + "\n".join(accuracy_rows))
        print(table[table.index("\n\nConditional accuracy"):])
    if args.dataset in PUBLISHED_ANCHORS:
        print(f"\nPublished anchor, a DIFFERENT feature space (Inception-v3), not comparable "
              f"with the table: {PUBLISHED_ANCHORS[args.dataset]}.")
    if args.out_table:
        args.out_table.parent.mkdir(parents=True, exist_ok=True)
        args.out_table.write_text(table + "\n")
        print(f"\nTable written to {args.out_table}")
    if args.out_json:
        args.out_json.parent.mkdir(parents=True, exist_ok=True)
        args.out_json.write_text(json.dumps(results, indent=1))
        print(f"Figures written to {args.out_json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
