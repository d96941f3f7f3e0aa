"""Restoration: both restorers train every weight, the table scores known images, the
verdicts name the winner the numbers show, and bad input is refused by name."""

import numpy as np
import pytest

from ganlib.data import pairs
from ganlib.evaluation import build_feature_classifier, label_accuracy
from ganlib.translation import pix2pix, restoration


def _pairs(n=16, size=8, seed=0):
    rng = np.random.default_rng(seed)
    targets = np.clip(rng.normal(0, 0.6, (n, size, size, 1)), -1, 1).astype(np.float32)
    return pairs.restoration_pairs(targets, "denoising", sigma=0.2, seed=seed)


@pytest.mark.parametrize("method, seconds, max_steps", [
    ("L1", 0.01, 1_000_000),            # the budget stops it after the first step
    ("L1 + adversarial", 600, 1),       # max_steps stops it long before the budget
])
def test_a_training_step_moves_every_weight_of_both_networks(method, seconds, max_steps):
    train = _pairs()
    settings = {"width": 4, "depth": 2, "l1_weight": 10.0, "seed": 3}
    weight = restoration.METHODS[method]
    model, used = restoration.train_restorer(train, weight, seconds=seconds,
                                             max_steps=max_steps, batch_size=8, **settings)
    assert model.steps_done == 1 and 0 < used < 600
    if max_steps > 1:
        assert used >= seconds  # stopped after the step that used up the budget
    assert model.adversarial_weight == weight and model.l1_weight == 10.0
    untrained = pix2pix.build_pix2pix((8, 8, 1), 1, adversarial_weight=weight,
                                      **{k: v for k, v in settings.items() if k != "l1_weight"})
    for name in ("generator", "discriminator"):
        before = getattr(untrained, name).trainable_variables
        after = getattr(model, name).trainable_variables
        assert len(before) == len(after)
        unmoved = [a.path for a, b in zip(after, before, strict=True)
                   if np.array_equal(a.numpy(), b.numpy())]
        assert not unmoved, f"{method}: {name} weights that did not move: {unmoved}"


def test_the_table_scores_the_damaged_input_first_then_each_restorer():
    test = _pairs(n=8, size=12, seed=1)
    classifier = build_feature_classifier((12, 12, 1), num_classes=3, seed=0)
    labels = np.arange(8) % 3
    rows = restoration.restoration_table(
        {"perfect": test.targets, "flat": np.zeros_like(test.targets)}, test.sources,
        test.targets, classifier=classifier, labels=labels)
    assert [row["method"] for row in rows] == [restoration.DAMAGED_INPUT, "perfect", "flat"]
    assert set(rows[0]) == {"method", *restoration.SCORES}
    perfect, flat = rows[1], rows[2]
    assert perfect["L1"] == 0 and perfect["PSNR"] == pytest.approx(100.0)
    assert perfect["SSIM"] == pytest.approx(1.0) and perfect["sharpness"] == pytest.approx(1.0)
    assert flat["sharpness"] == 0.0
    assert rows[0]["sharpness"] > 1.0  # noise has a large Laplacian
    assert perfect["class kept"] == label_accuracy(classifier, test.targets, labels)
    without = restoration.restoration_table({"perfect": test.targets}, test.sources,
                                            test.targets)
    assert "class kept" not in without[0]


def _row(method, **scores):
    return {"method": method, **scores}


def test_verdicts_name_the_winner_of_each_score_from_the_numbers():
    rows = [_row("damaged input", L1=0.2, PSNR=15.0, SSIM=0.4, sharpness=3.0),
            _row("L1", L1=0.05, PSNR=22.0, SSIM=0.8, sharpness=0.6),
            _row("L1 + adversarial", L1=0.06, PSNR=21.5, SSIM=0.8, sharpness=1.3)]
    said = restoration.verdicts(rows)
    assert said == {
        "L1": "L1 (lower is better): L1 wins, 0.05 against 0.06.",
        "PSNR": "PSNR (higher is better): L1 wins, 22 against 21.5.",
        "SSIM": "SSIM (higher is better): a tie, 0.8 against 0.8.",
        "sharpness": "sharpness (closer to 1 is better): L1 + adversarial wins, 1.3 "
                     "against 0.6.",
    }
    assert restoration.winners(rows) == {"L1": "L1", "PSNR": "L1", "SSIM": None,
                                         "sharpness": "L1 + adversarial"}
    assert restoration.winners(rows, "damaged input", "L1")["PSNR"] == "L1"
    rows[1]["sharpness"], rows[2]["sharpness"] = 0.5, 2.0  # equally far from 1 on a log scale
    assert "a tie" in restoration.verdicts(rows)["sharpness"]
    rows[2]["sharpness"] = 1.9
    assert "L1 + adversarial wins" in restoration.verdicts(rows)["sharpness"]


def test_bad_input_is_refused_by_name():
    train, images = _pairs(), np.zeros((2, 8, 8, 1), np.float32)
    with pytest.raises(ValueError, match=r"^seconds must be a finite number > 0, got 0\.$"):
        restoration.train_restorer(train, 0.0, seconds=0)
    with pytest.raises(ValueError, match=r"^max_steps must be a whole number >= 1"):
        restoration.train_restorer(train, 0.0, seconds=1, max_steps=0)
    with pytest.raises(ValueError, match=r"^adversarial_weight must be a finite number >= 0"):
        restoration.train_restorer(train, -1.0, seconds=1)
    with pytest.raises(TypeError, match=r"^train_pairs must be image pairs"):
        restoration.train_restorer(images, 0.0, seconds=1)
    with pytest.raises(TypeError, match=r"^restored must be a dict \{method: restored images\}"):
        restoration.restoration_table([images], images, images)
    with pytest.raises(ValueError, match=r"^classifier and labels must be given together"):
        restoration.restoration_table({"x": images}, images, images, labels=[0, 1])
    with pytest.raises(ValueError, match=r"^first and second must be one of \['L1', 'other'\]"):
        restoration.verdicts([_row("L1", PSNR=1.0), _row("other", PSNR=2.0)])
