"""Score tables of translation models on tiny images whose every score is known by hand."""

from types import SimpleNamespace

import keras
import numpy as np
import pytest

from ganlib import translation
from ganlib.data import pairs
from ganlib.evaluation.classifier import FEATURES_LAYER
from ganlib.translation import scoring


def _constant_pairs(source, target, n=4, name="constant"):
    return pairs.ImagePairs(np.full((n, 8, 8, 1), source, np.float32),
                            np.full((n, 8, 8, 1), target, np.float32), name, "test")


def _known_pix2pix_data():
    """Black inputs, white targets; the training targets average to mid-grey (0)."""
    train = pairs.ImagePairs(np.full((4, 8, 8, 1), -1.0, np.float32),
                             np.concatenate([np.full((2, 8, 8, 1), v, np.float32)
                                             for v in (1.0, -1.0)]), "half white", "train")
    return train, _constant_pairs(-1.0, 1.0)


def test_a_model_that_gives_the_targets_beats_every_baseline_on_every_score():
    train, test = _known_pix2pix_data()
    exact = SimpleNamespace(translate=lambda sources: test.targets)
    rows = scoring.pix2pix_table(exact, train, test)
    assert [row["method"] for row in rows] == ["pix2pix", *scoring.PIX2PIX_BASELINES]
    assert list(rows[0]) == ["method", "L1", "PSNR", "SSIM"]
    assert rows[0]["L1"] == 0 and rows[0]["PSNR"] == pytest.approx(100.0)
    assert rows[0]["SSIM"] == pytest.approx(1.0)
    # black for white is off by 1 on [0, 1] (0 dB), with or without blur; grey by 0.5
    assert [row["L1"] for row in rows[1:]] == pytest.approx([1.0, 1.0, 0.5])
    assert [row["PSNR"] for row in rows[1:]] == pytest.approx([0.0, 0.0, 6.0206], abs=1e-4)
    assert scoring.beats_baselines(rows, scoring.PIX2PIX_SCORES) == {
        "L1": True, "PSNR": True, "SSIM": True}


def test_a_model_that_gives_its_inputs_ties_the_identity_baseline_and_does_not_beat_it():
    train, test = _known_pix2pix_data()
    rows = scoring.pix2pix_table(SimpleNamespace(translate=lambda sources: sources),
                                 train, test)
    assert {key: rows[0][key] for key in scoring.PIX2PIX_SCORES} == {
        key: rows[1][key] for key in scoring.PIX2PIX_SCORES}
    assert scoring.beats_baselines(rows, scoring.PIX2PIX_SCORES) == {
        "L1": False, "PSNR": False, "SSIM": False}
    # against the mean training target alone, it is worse on L1 and PSNR
    assert scoring.beats_baselines(rows, {"L1": False, "PSNR": True},
                                   baselines=["mean training target"]) == {
        "L1": False, "PSNR": False}


def test_scores_by_method_keys_each_row_by_its_method():
    rows = [{"method": "a", "L1": 0.1}, {"method": "b", "L1": 0.2}]
    assert scoring.scores_by_method(rows) == {"a": {"L1": 0.1}, "b": {"L1": 0.2}}


# ------------------------------------------------------------------------ CycleGAN

SIZE = 8


def _pattern_judge(pattern):
    """A classifier that says class 1 when an image correlates positively with ``pattern``."""
    inputs = keras.Input(pattern.shape)
    features = keras.layers.Dense(1, name=FEATURES_LAYER)
    decision = keras.layers.Dense(2, activation="softmax")
    judge = keras.Model(inputs, decision(features(keras.layers.Flatten()(inputs))))
    features.set_weights([pattern.reshape(-1, 1), np.zeros(1, np.float32)])
    decision.set_weights([np.array([[-10.0, 10.0]], np.float32), np.zeros(2, np.float32)])
    return judge


def _halves(axis):
    """-1 on the first half of the rows (axis 0) or columns (axis 1), +1 on the second."""
    line = np.where(np.arange(SIZE) < SIZE // 2, -1.0, 1.0).astype(np.float32)
    grid = line[:, None] if axis == 0 else line[None, :]
    return np.broadcast_to(grid, (SIZE, SIZE))[..., None].repeat(3, axis=-1)


def _flip(images):
    return np.flip(images, axis=2).copy()


def _known_domains():
    """Domain A is bright on the left, B on the right; the class says top or bottom.

    Both domains have the same pixel values, so statistics transfer changes nothing, and a
    left-right flip is a perfect translation that keeps the class.
    """
    labels = np.array([0, 1, 1, 0])
    test_a = np.stack([-0.5 * _halves(1) + (0.3 if label else -0.3) * -_halves(0)
                       for label in labels]).astype(np.float32)
    domain_judge = _pattern_judge(_halves(1))  # class 1 (B): brighter on the right
    digit_judge = _pattern_judge(-_halves(0))  # class 1: brighter at the top
    return test_a, _flip(test_a), labels, domain_judge, digit_judge


def test_a_perfect_translation_is_judged_the_target_domain_and_beats_both_baselines():
    test_a, test_b, labels, judge, digit_judge = _known_domains()
    flipper = SimpleNamespace(translate_ab=_flip, translate_ba=_flip)
    rows = scoring.cyclegan_table(flipper, test_a, test_b, test_a, test_b, judge,
                                  digit_judge, labels)
    assert [row["method"] for row in rows] == ["CycleGAN", *scoring.CYCLEGAN_BASELINES,
                                               scoring.REAL_IMAGES]
    assert list(rows[0]) == ["method", "A→B judged B", "B→A judged A", "cycle error A",
                             "cycle error B", "digit kept A→B", "digit kept B→A"]
    expected = [[1, 1, 0, 0, 1, 1], [0, 0, 0, 0, 1, 1], [0, 0, 0, 0, 1, 1]]
    for row, values in zip(rows, expected, strict=False):
        assert [row[key] for key in list(rows[0])[1:]] == pytest.approx(values, abs=1e-5)
    assert rows[3] == {"method": scoring.REAL_IMAGES, "A→B judged B": 1.0,
                       "B→A judged A": 1.0, "digit kept A→B": 1.0, "digit kept B→A": 1.0}
    assert scoring.beats_baselines(rows, scoring.CYCLEGAN_DOMAIN_SCORES,
                                   baselines=scoring.CYCLEGAN_BASELINES) == {
        "A→B judged B": True, "B→A judged A": True}
    # the real images are the ceiling, not a baseline: they tie with a perfect translation
    assert scoring.beats_baselines(rows, scoring.CYCLEGAN_DOMAIN_SCORES) == {
        "A→B judged B": False, "B→A judged A": False}


def test_a_model_that_changes_nothing_ties_the_input_itself_and_needs_no_digit_judge():
    test_a, test_b, _, judge, _ = _known_domains()
    unchanged = SimpleNamespace(translate_ab=lambda x: x, translate_ba=lambda x: x)
    rows = scoring.cyclegan_table(unchanged, test_a, test_b, test_a, test_b, judge)
    assert list(rows[0]) == ["method", "A→B judged B", "B→A judged A", "cycle error A",
                             "cycle error B"]
    assert rows[0] == {**rows[1], "method": "CycleGAN"}
    assert translation.beats_baselines(rows, translation.CYCLEGAN_DOMAIN_SCORES,
                                       baselines=translation.CYCLEGAN_BASELINES) == {
        "A→B judged B": False, "B→A judged A": False}


def test_wrong_arguments_are_refused_with_their_name():
    train, test = _known_pix2pix_data()
    with pytest.raises(TypeError, match="model must be a Pix2Pix model"):
        scoring.pix2pix_table(object(), train, test)
    with pytest.raises(TypeError, match="test_pairs must be image pairs"):
        scoring.pix2pix_table(SimpleNamespace(translate=lambda s: s), train, test.targets)
    test_a, test_b, labels, judge, digit_judge = _known_domains()
    flipper = SimpleNamespace(translate_ab=_flip, translate_ba=_flip)
    with pytest.raises(ValueError, match="digit_judge and test_labels must be given together"):
        scoring.cyclegan_table(flipper, test_a, test_b, test_a, test_b, judge, digit_judge)
    with pytest.raises(TypeError, match="model must be a CycleGAN model"):
        scoring.cyclegan_table(SimpleNamespace(translate=_flip), test_a, test_b, test_a,
                               test_b, judge)
    rows = [{"method": "model", "L1": 0.1}, {"method": "baseline", "L1": 0.2}]
    with pytest.raises(ValueError, match=r"model must be one of \['model', 'baseline'\]"):
        scoring.beats_baselines(rows, {"L1": False}, model="pix2pix")
    with pytest.raises(ValueError, match=r"baselines must be a list of the other methods"):
        scoring.beats_baselines(rows, {"L1": False}, baselines=["model"])
    with pytest.raises(ValueError, match="higher_is_better names 'FID', which the rows"):
        scoring.beats_baselines(rows, {"FID": False})
    with pytest.raises(ValueError, match=r"higher_is_better\['L1'\] must be True or False"):
        scoring.beats_baselines(rows, {"L1": "lower"})
    with pytest.raises(TypeError, match="rows must be a table"):
        scoring.beats_baselines({"method": "model"}, {"L1": False})
