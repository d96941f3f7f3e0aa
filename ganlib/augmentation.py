"""Does adding generated images help a classifier trained on few labels? The study.

A classifier is trained on a small labelled subset (k images per class) under four
regimes and scored on the real test split:

* ``"real"``: the subset alone;
* ``"classic"``: plus ``ratio * n`` randomly rotated, shifted and zoomed copies of its
  images (Keras preprocessing layers; Simard et al. 2003 for distortions as extra data);
* ``"gan"``: plus ``ratio * n`` images of a conditional GAN trained on that same subset
  only (``ganlib.conditional``; the "GAN augmentation" of Antoniou et al. 2017,
  "Data Augmentation Generative Adversarial Networks");
* ``"both"``: plus half of each.

Every regime adds the same number of images and every classifier makes the same number
of updates, so the regimes differ only in *what* the extra images are. The classifier is
``ganlib.evaluation.classifier``'s small CNN, trained from scratch for each run.
"""

from __future__ import annotations

import math
import time

import keras
import numpy as np
from keras import layers

from ganlib import _checks, conditional, data, training
from ganlib.evaluation import classifier
from ganlib.training.recipes import DCGANRecipe

__all__ = [
    "REGIMES",
    "augmented_copies",
    "check_ratio",
    "check_regimes",
    "classic_augmentation",
    "evaluate_classifier",
    "generated_images",
    "labelled_subset",
    "plot_study",
    "run_study",
    "summarize",
    "train_evaluation_classifier",
    "train_subset_gan",
    "training_set",
]

#: The regimes of the study, in the order tables and plots show them.
REGIMES = ("real", "classic", "gan", "both")



def check_ratio(ratio) -> float:
    """``ratio`` (extra images per real image) as a float after checking it is >= 0."""
    return _checks.number(ratio, "ratio", minimum=0,
                          hint=" (extra images per real image, e.g. 1.0)")


def check_regimes(regimes) -> list[str]:
    """``regimes`` as a list after checking each name is one of ``REGIMES``."""
    return list(_checks.choices(regimes, "regimes", REGIMES))


def labelled_subset(images, labels, per_class, num_classes=None, seed=0):
    """The first k = ``per_class`` images of each class after a seeded shuffle.

    Returns (images, labels), class by class. Raises ValueError naming k and the largest
    k every class can supply when a class has fewer than k images.
    """
    images = data.check_model_images(images)
    labels = data.check_labels(labels, num_classes, n=len(images))
    per_class = _checks.whole_number(per_class, "per_class")
    classes = np.arange(num_classes) if num_classes is not None else np.unique(labels)
    counts = np.bincount(labels, minlength=len(classes))[classes]
    if per_class > counts.min():
        raise ValueError(f"per_class={per_class} images per class is more than the data "
                         f"holds: the smallest class has {int(counts.min())} images, so "
                         f"per_class can be at most {int(counts.min())}.")
    order = np.random.default_rng(seed).permutation(len(labels))
    chosen = np.concatenate([order[labels[order] == c][:per_class] for c in classes])
    return images[chosen], labels[chosen]


def classic_augmentation(rotation_degrees=10.0, shift=0.1, zoom=0.1, seed=0):
    """Keras preprocessing layers: small random rotation, shift and zoom.

    The empty border they create is filled with -1 (black in the [-1, 1] range), and
    bilinear interpolation keeps values inside [-1, 1]. The layers change images only when
    called with ``training=True``.
    """
    for value, name in ((rotation_degrees, "rotation_degrees"), (shift, "shift"),
                        (zoom, "zoom")):
        _checks.number(value, name, minimum=0)
    fill = {"fill_mode": "constant", "fill_value": -1.0}
    return keras.Sequential([
        layers.RandomRotation(rotation_degrees / 360.0, seed=seed, **fill),
        layers.RandomTranslation(shift, shift, seed=seed + 1, **fill),
        layers.RandomZoom(zoom, seed=seed + 2, **fill),
    ], name="classic_augmentation")


def _balanced_order(labels, n, seed):
    """``n`` indices into ``labels`` that take the classes in turns (a seeded shuffle
    within each class), so any first m of them are as class-balanced as the data allows."""
    order = np.random.default_rng(seed).permutation(len(labels))
    shuffled = labels[order]
    rank = np.empty(len(order), np.int64)
    for c in np.unique(shuffled):
        rank[shuffled == c] = np.arange(np.sum(shuffled == c))
    return np.resize(order[np.argsort(rank, kind="stable")], n)


def augmented_copies(images, labels, n, augmentation=None, seed=0):
    """``n`` randomly transformed copies of ``images`` (each used about n / N times, the
    classes in turns).

    Returns (copies in [-1, 1], their labels). ``augmentation`` defaults to
    ``classic_augmentation(seed=seed)``.
    """
    images = data.check_model_images(images)
    labels = data.check_labels(labels, n=len(images))
    n = _checks.whole_number(n, "n", 0)
    if augmentation is None:
        augmentation = classic_augmentation(seed=seed)
    picked = _balanced_order(labels, n, seed)
    copies = [np.asarray(augmentation(images[picked[i:i + 512]], training=True))
              for i in range(0, n, 512)]
    copies = np.concatenate(copies) if copies else images[:0]
    return np.clip(copies, -1.0, 1.0).astype(np.float32), labels[picked]


def generated_images(gan, labels, n, seed=0):
    """``n`` images of the conditional ``gan`` with the class mix of ``labels`` (the
    classes in turns).

    Returns (images in [-1, 1], the classes asked for).
    """
    labels = gan.check_labels(labels)
    n = _checks.whole_number(n, "n", 0)
    wanted = labels[_balanced_order(labels, n, seed)]
    if n == 0:
        return np.zeros((0, *gan.generator.output_shape[1:]), np.float32), wanted
    return gan.generate(labels=wanted, seed=seed).astype(np.float32), wanted


def training_set(regime, images, labels, ratio=1.0, gan=None, augmentation=None, seed=0):
    """The real subset plus round(ratio * N) extra images of ``regime``.

    "real" adds none; "classic" adds transformed copies; "gan" images of ``gan`` (a
    ``ConditionalGAN`` trained on the subset); "both" half of each. Returns
    (images, labels, is_extra), the real images first.
    """
    regime = _checks.choice(regime, "regime", REGIMES)
    ratio = check_ratio(ratio)
    images = data.check_model_images(images)
    labels = data.check_labels(labels, n=len(images))
    extra = 0 if regime == "real" else round(ratio * len(images))
    n_classic = {"real": 0, "classic": extra, "gan": 0, "both": extra // 2}[regime]
    n_generated = extra - n_classic
    if n_generated and gan is None:
        raise ValueError(f"regime {regime!r} needs gan=, a ConditionalGAN trained on the "
                         "subset (see train_subset_gan).")
    parts = [(images, labels),
             augmented_copies(images, labels, n_classic, augmentation, seed=seed)]
    if n_generated:
        parts.append(generated_images(gan, labels, n_generated, seed=seed))
    all_images = np.concatenate([p[0] for p in parts])
    all_labels = np.concatenate([p[1] for p in parts]).astype(np.int64)
    is_extra = np.arange(len(all_images)) >= len(images)
    return all_images, all_labels, is_extra


def train_subset_gan(images, labels, recipe: DCGANRecipe, num_classes):
    """A ``ConditionalGAN`` built from ``recipe`` and trained on (images, labels) only,
    for ``recipe.steps`` steps. Mirza & Osindero 2014; Miyato & Koyama 2018."""
    images = data.check_model_images(images)
    gan = conditional.build_conditional_gan(recipe, num_classes, images.shape[1:])
    dataset = data.make_dataset(images, recipe.batch_size, labels=labels,
                                num_classes=num_classes, seed=recipe.seed)
    training.train_gan(gan, dataset, recipe.steps, steps_per_epoch=min(recipe.steps, 500),
                       verbose=0)
    return gan


def train_evaluation_classifier(images, labels, num_classes, updates=400, batch_size=64,
                                seed=0):
    """``ganlib.evaluation.classifier``'s small CNN trained for about ``updates`` gradient steps.

    The number of epochs is chosen so that a larger training set gets the same number of
    updates as a small one: the regimes then differ in data, not in training time.
    """
    updates = _checks.whole_number(updates, "updates")
    batch_size = _checks.whole_number(batch_size, "batch_size")
    per_epoch = math.ceil(len(images) / batch_size)
    return classifier.train_feature_classifier(
        images, labels, num_classes=num_classes, epochs=max(1, round(updates / per_epoch)),
        batch_size=batch_size, seed=seed)


def evaluate_classifier(model, images, labels) -> float:
    """Share of ``images`` (uint8 or [-1, 1]) that ``model`` puts in their class."""
    labels = data.check_labels(labels, n=len(images))
    predicted = classifier.classifier_probabilities(model, images).argmax(axis=1)
    return float(np.mean(predicted == labels))


def run_study(train_images, train_labels, test_images, test_labels, num_classes, *,
              per_class_sizes=(10, 50, 100), regimes=REGIMES, seeds=(0, 1, 2), ratio=1.0,
              gan_recipe: DCGANRecipe | None = None, classifier_updates=400,
              batch_size=64, augmentation_settings=None, gans=None, verbose=True):
    """Train and test one classifier per (regime, images per class, seed).

    For each size k and seed: draw the subset (``labelled_subset(..., seed=seed)``), train
    a conditional GAN on it alone (when a regime needs one; ``gan_recipe`` with
    ``seed=seed``), then one classifier per regime. Returns one dict per run: ``regime``,
    ``per_class``, ``seed``, ``train_images`` and ``test_accuracy`` (on the whole test
    split). ``augmentation_settings``: keyword arguments of ``classic_augmentation``;
    ``gans``: a dict that receives each trained GAN under (per_class, seed).
    """
    regimes = check_regimes(regimes)
    ratio = check_ratio(ratio)
    train_images = data.check_model_images(train_images, "train_images")
    train_labels = data.check_labels(train_labels, num_classes, n=len(train_images))
    sizes = [_checks.whole_number(k, "per_class_sizes entry") for k in per_class_sizes]
    seeds = [_checks.whole_number(s, "seeds entry", 0) for s in seeds]
    if not sizes or not seeds:
        raise ValueError("per_class_sizes and seeds must each hold at least one value.")
    smallest = int(np.bincount(train_labels, minlength=num_classes).min())
    if max(sizes) > smallest:
        raise ValueError(f"per_class_sizes asks for {max(sizes)} images per class, but the "
                         f"smallest class has {smallest}; use at most {smallest}.")
    needs_gan = any(r in ("gan", "both") for r in regimes) and ratio > 0
    if needs_gan and not isinstance(gan_recipe, DCGANRecipe):
        raise ValueError("The 'gan' and 'both' regimes need gan_recipe=, a DCGANRecipe.")
    rows = []
    for k in sizes:
        for seed in seeds:
            images, labels = labelled_subset(train_images, train_labels, k, num_classes,
                                             seed=seed)
            gan = None
            if needs_gan:
                start = time.perf_counter()
                gan = train_subset_gan(images, labels, gan_recipe.replace(seed=seed),
                                       num_classes)
                if gans is not None:
                    gans[(k, seed)] = gan
                if verbose:
                    print(f"k={k:>4} seed={seed}: GAN, {gan_recipe.steps:,} steps on "
                          f"{len(images):,} images in {time.perf_counter() - start:.0f} s",
                          flush=True)
            augmentation = classic_augmentation(seed=seed, **(augmentation_settings or {}))
            for regime in regimes:
                start = time.perf_counter()
                x, y, _ = training_set(regime, images, labels, ratio, gan, augmentation,
                                       seed=seed)
                model = train_evaluation_classifier(x, y, num_classes, classifier_updates,
                                                    batch_size, seed=seed)
                accuracy = evaluate_classifier(model, test_images, test_labels)
                rows.append({"regime": regime, "per_class": k, "seed": seed,
                             "train_images": len(x), "test_accuracy": accuracy})
                if verbose:
                    print(f"k={k:>4} seed={seed}: {regime:>7} on {len(x):>5,} images -> "
                          f"test accuracy {accuracy:.3f} "
                          f"({time.perf_counter() - start:.0f} s)", flush=True)
    return rows


def summarize(rows):
    """Mean, standard deviation (ddof=1; 0 for one run), min and max of the test accuracy
    per (regime, per_class), in ``REGIMES`` order then by size; ``vs_real`` is the mean
    minus the "real" regime's mean at the same size (None without a "real" run)."""
    groups = {}
    for row in rows:
        groups.setdefault((row["regime"], row["per_class"]), []).append(row["test_accuracy"])
    order = sorted(groups, key=lambda key: (REGIMES.index(key[0]), key[1]))
    summary = []
    for regime, k in order:
        values = np.asarray(groups[(regime, k)], np.float64)
        summary.append({"regime": regime, "per_class": k, "runs": len(values),
                        "mean": float(values.mean()),
                        "std": float(values.std(ddof=1)) if len(values) > 1 else 0.0,
                        "min": float(values.min()), "max": float(values.max())})
    real = {s["per_class"]: s["mean"] for s in summary if s["regime"] == "real"}
    for s in summary:
        s["vs_real"] = s["mean"] - real[s["per_class"]] if s["per_class"] in real else None
    return summary


def plot_study(rows, title="Test accuracy by regime and labelled images per class"):
    """Mean test accuracy per regime against images per class, a bar of +-1 standard
    deviation and one dot per seed. Returns the matplotlib figure."""
    from matplotlib.figure import Figure

    summary = summarize(rows)
    sizes = sorted({row["per_class"] for row in rows})
    regimes = [r for r in REGIMES if any(s["regime"] == r for s in summary)]
    figure = Figure(figsize=(7, 4.2))
    axis = figure.add_subplot()
    offsets = np.linspace(-0.06, 0.06, len(regimes)) if len(regimes) > 1 else [0.0]
    for regime, offset in zip(regimes, offsets, strict=True):
        points = [s for s in summary if s["regime"] == regime]
        x = np.array([s["per_class"] for s in points], np.float64) * 10 ** offset
        line = axis.errorbar(x, [s["mean"] for s in points], yerr=[s["std"] for s in points],
                             marker="o", capsize=3, label=regime)
        dots = [(row["per_class"] * 10 ** offset, row["test_accuracy"]) for row in rows
                if row["regime"] == regime]
        axis.scatter(*zip(*dots, strict=True), s=10, alpha=0.4, color=line[0].get_color())
    axis.set_xscale("log")
    axis.set_xticks(sizes, [str(k) for k in sizes])
    axis.minorticks_off()
    axis.set_xlabel("labelled real images per class (log scale)")
    axis.set_ylabel("test accuracy")
    axis.set_title(title, fontsize=10)
    axis.grid(alpha=0.3)
    axis.legend(title="regime", fontsize=8)
    figure.tight_layout()
    return figure
