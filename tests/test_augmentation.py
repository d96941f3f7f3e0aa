"""The augmentation study: subsets, classic augmentation, the mix, the study's rows."""

import numpy as np
import pytest

from ganlib import augmentation, conditional
from ganlib.training import recipes


def _labelled(per_class=(6, 8, 7), shape=(16, 16, 1), seed=0):
    """Images in [-1, 1] with labels 0..len(per_class)-1, each class its own brightness."""
    rng = np.random.default_rng(seed)
    labels = np.concatenate([np.full(n, c) for c, n in enumerate(per_class)])
    rng.shuffle(labels)
    images = rng.uniform(-1, 1, (len(labels), *shape)).astype(np.float32)
    images[:, 4:12, 4:12, :] = (labels / len(per_class))[:, None, None, None]
    return images, labels.astype(np.int64)


@pytest.fixture
def tiny_gan_recipe():
    return recipes.DCGANRecipe(dataset="digits", latent_dim=8, width=8, batch_size=8,
                               steps=3, seed=0)


def test_subset_has_exactly_k_per_class_and_depends_on_the_seed():
    images, labels = _labelled()
    x, y = augmentation.labelled_subset(images, labels, 5, num_classes=3, seed=1)
    assert x.shape == (15, 16, 16, 1)
    assert np.bincount(y).tolist() == [5, 5, 5]
    # every chosen image is a real one with its own label
    for image, label in zip(x, y, strict=True):
        (index,) = np.flatnonzero((images == image).all(axis=(1, 2, 3)))
        assert labels[index] == label
    again, _ = augmentation.labelled_subset(images, labels, 5, num_classes=3, seed=1)
    other, _ = augmentation.labelled_subset(images, labels, 5, num_classes=3, seed=2)
    assert np.array_equal(x, again)
    assert not np.array_equal(x, other)


def test_subset_larger_than_the_smallest_class_is_refused_with_k_and_the_maximum():
    images, labels = _labelled()
    with pytest.raises(ValueError, match=r"per_class=7 .* at most 6"):
        augmentation.labelled_subset(images, labels, 7, num_classes=3)


def test_classic_augmentation_changes_images_but_keeps_shape_and_range():
    images, _ = _labelled()
    stack = augmentation.classic_augmentation(rotation_degrees=15, shift=0.1, zoom=0.1)
    moved = np.asarray(stack(images, training=True))
    assert moved.shape == images.shape
    assert moved.min() >= -1.0 - 1e-6 and moved.max() <= 1.0 + 1e-6
    assert np.abs(moved - images).mean() > 0.05
    # at inference the layers leave images alone
    assert np.allclose(np.asarray(stack(images, training=False)), images)


def test_augmented_copies_keep_the_label_of_the_image_they_come_from():
    images, labels = _labelled()
    stack = augmentation.classic_augmentation(rotation_degrees=0, shift=0, zoom=0)
    copies, copy_labels = augmentation.augmented_copies(images, labels, 30, stack, seed=3)
    assert copies.shape == (30, 16, 16, 1)
    for copy, label in zip(copies, copy_labels, strict=True):  # no movement: exact copies
        (index,) = np.flatnonzero(np.isclose(images, copy).all(axis=(1, 2, 3)))
        assert labels[index] == label


@pytest.mark.parametrize(("regime", "ratio", "extra", "generated"), [
    ("real", 2.0, 0, 0), ("classic", 2.0, 30, 0), ("gan", 2.0, 30, 30),
    ("both", 2.0, 30, 15), ("gan", 0.5, 8, 8), ("both", 0.0, 0, 0),
])
def test_training_set_has_the_requested_ratio_and_valid_labels(regime, ratio, extra,
                                                               generated, tiny_gan_recipe):
    images, labels = _labelled((5, 5, 5))
    gan = conditional.build_conditional_gan(tiny_gan_recipe, 3, images.shape[1:])
    x, y, is_extra = augmentation.training_set(regime, images, labels, ratio, gan, seed=0)
    assert len(x) == len(y) == 15 + extra
    assert is_extra.sum() == extra and not is_extra[:15].any()
    assert np.array_equal(x[:15], images) and np.array_equal(y[:15], labels)
    assert x.min() >= -1 and x.max() <= 1
    assert set(np.unique(y)) <= {0, 1, 2}
    if extra:  # the extra images keep the class balance of the subset
        assert np.bincount(y[15:], minlength=3).max() - np.bincount(y[15:],
                                                                    minlength=3).min() <= 1
    # generated images are not copies of real ones; classic copies stay close to them
    from_gan = x[15 + extra - generated:]
    assert all(not np.isclose(images, g).all(axis=(1, 2, 3)).any() for g in from_gan)


def test_generated_images_are_of_the_requested_classes(tiny_gan_recipe):
    images, labels = _labelled((5, 5, 5))
    gan = conditional.build_conditional_gan(tiny_gan_recipe, 3, images.shape[1:])
    fakes, wanted = augmentation.generated_images(gan, labels, 9, seed=4)
    z = np.random.default_rng(4).standard_normal((9, gan.latent_dim))
    assert np.allclose(fakes, gan.generate(z, wanted), atol=1e-5)


def test_a_tiny_study_returns_one_row_per_regime_size_and_seed(tiny_gan_recipe):
    images, labels = _labelled((12, 12, 12))
    test_images, test_labels = _labelled((10, 10, 10), seed=9)
    gans = {}
    rows = augmentation.run_study(
        images, labels, test_images, test_labels, 3, per_class_sizes=(2, 4),
        seeds=(0, 1), ratio=1.0, gan_recipe=tiny_gan_recipe, classifier_updates=3,
        batch_size=8, gans=gans, verbose=False)
    keys = {(r["regime"], r["per_class"], r["seed"]) for r in rows}
    assert len(rows) == len(keys) == 4 * 2 * 2
    assert {k for _, k, _ in keys} == {2, 4} and {s for *_, s in keys} == {0, 1}
    assert set(gans) == {(2, 0), (2, 1), (4, 0), (4, 1)}
    for row in rows:
        assert 0.0 <= row["test_accuracy"] <= 1.0
        assert row["train_images"] == 3 * row["per_class"] * (1 if row["regime"] == "real"
                                                              else 2)
    summary = augmentation.summarize(rows)
    assert [(s["regime"], s["per_class"]) for s in summary] == [
        (r, k) for r in augmentation.REGIMES for k in (2, 4)]
    for s in summary:
        runs = [r["test_accuracy"] for r in rows
                if (r["regime"], r["per_class"]) == (s["regime"], s["per_class"])]
        assert s["runs"] == 2 and s["mean"] == pytest.approx(np.mean(runs))
        assert s["std"] == pytest.approx(np.std(runs, ddof=1))
    assert all(s["vs_real"] == 0 for s in summary if s["regime"] == "real")
    figure = augmentation.plot_study(rows)
    assert len(figure.axes[0].get_legend().get_texts()) == 4


def test_the_classifier_learns_from_the_subset():
    """A real effect: trained on a separable subset, it beats chance on the test split."""
    images, labels = _labelled((40, 40, 40))
    test_images, test_labels = _labelled((30, 30, 30), seed=5)
    model = augmentation.train_evaluation_classifier(images, labels, 3, updates=60,
                                                     batch_size=16)
    assert augmentation.evaluate_classifier(model, test_images, test_labels) > 0.8


@pytest.mark.parametrize(("change", "message"), [
    ({"per_class_sizes": (13,)}, r"asks for 13 images per class.*at most 12"),
    ({"ratio": -0.5}, r"ratio must be a finite number >= 0.*got -0.5"),
    ({"ratio": float("nan")}, r"ratio must be a finite number >= 0"),
    ({"regimes": ["real", "mixup"]}, r"regimes must be one or more of \['real'.*got \['real', "
                                     r"'mixup'\]"),
    ({"regimes": []}, r"regimes must be one or more of"),
    ({"per_class_sizes": (0,)}, r"per_class_sizes entry must be a whole number >= 1"),
    ({"gan_recipe": None}, r"need gan_recipe="),
])
def test_bad_study_input_is_refused_with_its_name(change, message, tiny_gan_recipe):
    images, labels = _labelled((12, 12, 12))
    arguments = {"per_class_sizes": (2,), "seeds": (0,), "gan_recipe": tiny_gan_recipe,
                 "verbose": False, **change}
    with pytest.raises(ValueError, match=message):
        augmentation.run_study(images, labels, images, labels, 3, **arguments)


def test_training_set_refuses_a_gan_regime_without_a_gan():
    images, labels = _labelled()
    with pytest.raises(ValueError, match="regime 'gan' needs gan="):
        augmentation.training_set("gan", images, labels, 1.0)
    with pytest.raises(ValueError, match=r"regime must be one of \['real', 'classic'"):
        augmentation.training_set("cutout", images, labels, 1.0)
