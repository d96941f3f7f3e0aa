"""Score saved samples with ganlib.metrics: classifier-feature FID, confidence, class coverage.

    python bench/score_samples.py outputs/bench/samples_default.npz [more.npz ...] \
        --dataset fashion_mnist [--out-table outputs/bench/results.md]

Each file's ``images`` (uint8 (N, H, W) or (N, H, W, C), or floats in [-1, 1]) are scored
against 10,000 real test images in the feature space of the dataset's own small classifier
(``ganlib.metrics.feature_classifier``: loaded from data/classifiers/, or trained there on
first use, a few minutes on a CPU):

- FID (clf): Fréchet distance of classifier features to the real test images. NOT an
  Inception-FID: compare it only with other rows of this script, same dataset, same number
  of samples (use 10,000, the default of train_budget.py).
- confidence: mean over samples of the classifier's largest class probability.
- classes >= 2%: how many of the classes get at least 2% of the samples (the classifier's
  arg-max); 10 of 10 means no class is missing, fewer points at mode collapse.

A reference row scores 10,000 real train images the same way: the floor a generator can hope
for with this classifier.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from ganlib import data, metrics

COVERAGE_SHARE = 0.02


def score(classifier, real_features, images, num_classes):
    """Return (fid, confidence, covered classes, class shares) for one set of images."""
    features = metrics.classifier_features(classifier, images)
    probabilities = metrics.classifier_probabilities(classifier, images)
    shares = np.bincount(probabilities.argmax(axis=1), minlength=num_classes) / len(images)
    return (metrics.frechet_distance(real_features, features),
            float(probabilities.max(axis=1).mean()),
            int(np.sum(shares >= COVERAGE_SHARE)), shares)


def load_samples(path: Path, dataset: str):
    """The ``images`` of a .npz file with a channel axis, and a note on where they came from."""
    with np.load(path) as arrays:
        if "images" not in arrays:
            raise ValueError(f"{path} has no 'images' array (it has {sorted(arrays)}); "
                             "write it with bench/train_budget.py.")
        images = arrays["images"]
        saved_dataset = str(arrays["dataset"]) if "dataset" in arrays else None
        meta = {key: arrays[key].item() for key in
                ("recipe", "steps", "train_seconds", "images_per_second") if key in arrays}
    parts = []
    if "recipe" in meta:
        parts.append(str(meta["recipe"]))
    if "steps" in meta:
        parts.append(f"{meta['steps']:,} steps")
    if "train_seconds" in meta:
        parts.append(f"{meta['train_seconds']:.0f} s")
    if "images_per_second" in meta:
        parts.append(f"{meta['images_per_second']:.0f} img/s")
    note = ", ".join(parts)
    if saved_dataset is not None and saved_dataset != dataset:
        print(f"WARNING: {path} was trained on {saved_dataset!r}, scored against {dataset!r}.")
    if images.ndim == 3:
        images = images[..., None]
    return images, note


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
    args = parser.parse_args(argv)

    try:
        classifier = metrics.feature_classifier(args.dataset, data_dir=args.data_dir)
        real = data.load_dataset(args.dataset, split="test", data_dir=args.data_dir,
                                 fallback=False, limit=args.num_real)
    except data.DatasetUnavailableError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 2
    num_classes = len(real.class_names)
    real_features = metrics.classifier_features(classifier, real.images)

    rows = []
    if not args.no_reference:
        train = data.load_dataset(args.dataset, split="train", data_dir=args.data_dir,
                                  fallback=False, limit=args.num_real, verbose=False)
        rows.append((f"real {args.dataset} train images (reference)", len(train.images),
                     *score(classifier, real_features, train.images, num_classes), ""))
    for path in args.files:
        images, note = load_samples(path, real.name)
        if len(images) != len(real.images):
            print(f"NOTE: {path} holds {len(images):,} images, the real set "
                  f"{len(real.images):,}; FID values of different sample sizes are not "
                  "comparable.")
        rows.append((str(path), len(images),
                     *score(classifier, real_features, images, num_classes), note))

    header = ("| samples | N | FID (clf) | confidence | classes >= 2% | smallest class share "
              "| from |")
    lines = [header, "|---|---:|---:|---:|---:|---:|---|"]
    for name, n, fid, confidence, covered, shares, note in rows:
        lines.append(f"| {name} | {n:,} | {fid:.2f} | {confidence:.3f} | "
                     f"{covered}/{num_classes} | {shares.min():.1%} | {note} |")
    table = "\n".join(lines)
    print(f"\nClassifier-feature FID against {len(real.images):,} real {real.name} test "
          "images (NOT Inception-FID; compare only rows of this script).\n")
    print(table)
    if args.out_table:
        args.out_table.parent.mkdir(parents=True, exist_ok=True)
        args.out_table.write_text(table + "\n")
        print(f"\nTable written to {args.out_table}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
