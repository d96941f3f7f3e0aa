"""Tests of ganlib.evaluation.evaluate_images: the metrics behave, inputs are checked, caching.

A small digits classifier (1,000 training images, 3 epochs) keeps these fast; the real
reference is the 297 test digits, and 297 more digits it has never seen play "real"
generated images.
"""

import json

import numpy as np
import pytest

from ganlib import data
from ganlib.evaluation import metrics
from ganlib.evaluation.classifier import train_feature_classifier

N = 297  # the size of the digits test split


@pytest.fixture(scope="module")
def digits():
    return data.load_dataset("digits", split="train", verbose=False)


@pytest.fixture(scope="module")
def classifier(digits):
    return train_feature_classifier(digits.images[:1000], digits.labels[:1000],
                                        epochs=3, seed=0)


@pytest.fixture(scope="module")
def unseen(digits):
    """297 real digits that neither the classifier nor the reference has seen."""
    return digits.images[1000:1000 + N], digits.labels[1000:1000 + N]


@pytest.fixture
def evaluate(classifier):
    def run(images, **kwargs):
        kwargs.setdefault("n_real", N)
        return metrics.evaluate_images(images, "digits", classifier=classifier, **kwargs)
    return run


def _noise(n=N):
    return np.random.default_rng(0).uniform(-1, 1, (n, 28, 28, 1)).astype(np.float32)


def test_the_reference_images_themselves_get_perfect_figures(evaluate):
    test = data.load_dataset("digits", split="test", verbose=False)
    result = evaluate(test.images)
    assert result["fid"] == pytest.approx(0.0, abs=1e-6)
    # Near 0, slightly below: the two sets are one, so KID's rounds may draw the same image
    # into both subsets, which an estimate for independent samples does not expect.
    assert -3 * result["kid_std"] < result["kid"] < 0.0
    assert result["precision"] == result["recall"] == 1.0
    assert result["diversity"] == pytest.approx(1.0)
    assert result["class_tv_real"] == 0.0
    assert result["modes_covered"] == result["num_classes"] == 10


def test_real_images_are_near_the_reference_and_noise_is_far(evaluate, unseen):
    real, noise = evaluate(unseen[0]), evaluate(_noise())
    assert real["fid"] < 0.1 * noise["fid"]
    assert abs(real["kid"]) < 0.1 * noise["kid"]
    assert real["precision"] > 0.6 and real["recall"] > 0.6
    assert noise["precision"] < 0.05 and noise["recall"] < 0.05
    assert real["modes_covered"] == 10
    assert real["classifier_score"] > 2 * noise["classifier_score"]
    assert 0.7 < real["diversity"] < 1.4


@pytest.mark.parametrize("one_class", [True, False])
def test_a_collapsed_set_of_ten_images_scores_badly(evaluate, unseen, one_class):
    images, labels = unseen
    ten = images[labels == 3][:10] if one_class else images[:10]
    assert len(ten) == 10
    collapsed = evaluate(np.resize(ten, (N, 28, 28, 1)))   # the ten images, repeated
    real = evaluate(images)
    assert collapsed["fid"] > 3 * real["fid"]
    assert collapsed["recall"] < 0.05 < 0.6 < real["recall"]     # the data is not covered
    assert collapsed["diversity"] < 0.05                         # the samples repeat
    assert collapsed["kid"] > 3 * real["kid"]
    if one_class:
        assert collapsed["modes_covered"] == 1
        assert collapsed["class_tv_uniform"] > 0.85
        assert collapsed["classifier_score"] < 1.5
    else:
        assert collapsed["modes_covered"] == len(set(labels[:10]))


def test_figures_do_not_depend_on_the_value_range(evaluate, unseen):
    as_uint8 = data.to_uint8(unseen[0])
    results = [evaluate(as_uint8),
               evaluate(as_uint8.astype(np.float32) / 255.0),
               evaluate(as_uint8.astype(np.float32) / 127.5 - 1.0),
               evaluate(as_uint8[..., 0]),                      # grey, no channel axis
               evaluate(as_uint8.astype(np.float64), value_range=(0, 255))]
    assert [r["value_range"] for r in results] == [
        [0, 255], [0, 1], [-1, 1], [0, 255], [0, 255]]
    for result in results[1:]:
        for key, value in results[0].items():
            if key == "value_range":
                continue
            if isinstance(value, float):
                assert result[key] == pytest.approx(value, rel=1e-4, abs=1e-6), key
            else:
                assert result[key] == value, key


def test_zero_to_one_floats_are_announced(evaluate, unseen, capsys):
    evaluate((unseen[0][:20] + 1.0) / 2.0, metrics="fid")
    assert "read as [0, 1]; pass value_range=(-1, 1)" in capsys.readouterr().out


def test_only_the_requested_metrics_are_computed(evaluate, unseen):
    result = evaluate(unseen[0], metrics="fid")
    assert set(result) == {"dataset", "n_samples", "n_real", "value_range", "fid"}
    result = evaluate(unseen[0], metrics=("kid", "modes"))
    assert {"kid", "kid_std", "modes_covered", "class_shares"} <= set(result)
    assert "fid" not in result and "precision" not in result
    assert len(result["class_shares"]) == 10
    assert sum(result["class_shares"]) == pytest.approx(1.0)
    json.dumps(result)  # a plain dict of numbers, lists and strings
    numbers = metrics.scalar_figures(result)
    assert set(numbers) == {"n_samples", "n_real", "kid", "kid_std", "modes_covered",
                            "num_classes", "class_tv_uniform", "class_tv_real", "confidence"}
    assert numbers["kid"] == result["kid"] and isinstance(numbers["n_real"], float)


def test_every_metric_is_listed_and_documented():
    assert set(metrics.DEFAULT_METRICS) == set(metrics.METRICS) == {
        "fid", "kid", "classifier_score", "modes", "precision_recall", "diversity"}


def test_the_real_reference_is_computed_once(classifier, unseen, monkeypatch):
    calls = []
    load = data.load_dataset
    monkeypatch.setattr(data, "load_dataset",
                        lambda *args, **kwargs: calls.append(kwargs) or load(*args, **kwargs))
    first = metrics.real_reference("digits", classifier, n_real=200, seed=1)
    again = metrics.real_reference("digits", classifier, n_real=200, seed=1)
    assert again is first and len(calls) == 1 and len(first) == 200
    other = metrics.real_reference("digits", classifier, n_real=100, seed=1)
    assert other is not first and len(calls) == 2
    metrics.evaluate_images(unseen[0][:50], "digits", metrics="fid", classifier=classifier,
                            n_real=200, seed=1)
    assert len(calls) == 2
    # A seeded subset: the same seed picks the same images, another seed others.
    reseeded = metrics.real_reference("digits", classifier, n_real=200, seed=2)
    assert not np.array_equal(reseeded.features, first.features)


def test_a_retrained_classifier_gets_fresh_reference_features(digits):
    small = digits.images[:200], digits.labels[:200]
    one = train_feature_classifier(*small, epochs=1, seed=0)
    two = train_feature_classifier(*small, epochs=1, seed=1)
    first = metrics.real_reference("digits", one, n_real=50)
    second = metrics.real_reference("digits", two, n_real=50)
    assert second is not first
    assert not np.allclose(first.features, second.features)


def test_without_a_classifier_the_cached_one_is_used(classifier, unseen, tmp_path, capsys):
    path = tmp_path / "classifiers" / "digits.keras"
    path.parent.mkdir()
    classifier.save(path)
    result = metrics.evaluate_images(unseen[0], "digits", n_real=N, data_dir=tmp_path,
                                     metrics=("fid", "modes"))
    assert f"loaded from {path}" in capsys.readouterr().out
    expected = metrics.evaluate_images(unseen[0], "digits", n_real=N, classifier=classifier,
                                       metrics=("fid", "modes"))
    assert result["fid"] == pytest.approx(expected["fid"], rel=1e-5)
    assert result["class_shares"] == expected["class_shares"]


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("images, match", [
    (np.zeros((5, 32, 32, 1), np.uint8), "32x32 but digits images .* are 28x28"),
    (np.zeros((5, 28, 28, 3), np.uint8), "3 channel.* digits images have 1"),
    (np.zeros((5, 28, 28, 1, 1), np.uint8), "shape \\(N, height, width, channels\\)"),
    (np.full((5, 28, 28, 1), 200.0, np.float32), "value_range=\\(0, 255\\)"),
    (np.full((5, 28, 28, 1), -3.0, np.float32), "neither"),
])
def test_bad_images_get_a_clear_error(evaluate, images, match):
    with pytest.raises(ValueError, match=match):
        evaluate(images)


def test_nan_images_are_refused_with_a_count(evaluate, unseen):
    images = unseen[0][:30].copy()
    images[[4, 7]] = np.nan
    with pytest.raises(ValueError, match="NaN or Inf in 2 of 30 image.*index 4"):
        evaluate(images)


def test_other_dtypes_need_a_value_range(evaluate, unseen):
    as_int = data.to_uint8(unseen[0]).astype(np.int64)
    with pytest.raises(TypeError, match="value_range"):
        evaluate(as_int)
    with pytest.raises(TypeError, match="numeric"):
        evaluate(np.zeros((5, 28, 28, 1), bool))
    assert evaluate(as_int, value_range=(0, 255), metrics="fid")["fid"] >= 0


def test_values_outside_the_declared_range_are_refused(evaluate, unseen):
    with pytest.raises(ValueError, match="outside value_range=\\(0.0, 1.0\\)"):
        evaluate(unseen[0], value_range=(0, 1))
    with pytest.raises(ValueError, match="value_range must be"):
        evaluate(unseen[0], value_range=255)


def test_unknown_metric_names_list_the_known_ones(evaluate, unseen):
    with pytest.raises(ValueError, match=r"metrics must be one or more of \['fid', 'kid', "
                                         r"'classifier_score'.*got \('fid', 'is'\)"):
        evaluate(unseen[0], metrics=("fid", "is"))
    with pytest.raises(ValueError, match="metrics must be one or more of"):
        evaluate(unseen[0], metrics=())


def test_too_few_samples_say_how_many_each_metric_needs(evaluate, unseen):
    with pytest.raises(ValueError) as error:
        evaluate(unseen[0][:3])
    message = str(error.value)
    assert "3 image(s), too few for kid, classifier_score, precision_recall, diversity" \
        in message
    assert "fid 2, kid 4, classifier_score 10, modes 1, precision_recall 4, diversity 4" \
        in message
    # The same three images are enough for the metrics that need fewer.
    assert evaluate(unseen[0][:3], metrics=("fid", "modes"))["modes_covered"] >= 1
    with pytest.raises(ValueError, match="n_real=3, too few for precision_recall"):
        evaluate(unseen[0], n_real=3, metrics=("fid", "precision_recall"))


@pytest.mark.parametrize("setting", [{"n_real": None}, {"n_real": 0}, {"k": 0},
                                     {"score_splits": 2.5}, {"kid_subsets": True}])
def test_bad_settings_are_refused_before_any_work(unseen, setting):
    name, value = next(iter(setting.items()))
    with pytest.raises(ValueError, match=f"{name} must be a whole number >= 1, got "
                                         f"{value!r}"):
        metrics.evaluate_images(unseen[0], "digits", **setting)  # no classifier is loaded


def test_a_real_set_larger_than_the_split_is_refused(evaluate, unseen):
    with pytest.raises(ValueError, match="n_real=500 but the test split of digits has 297 "
                                         "images; pass n_real <= 297 or split='train'"):
        evaluate(unseen[0], n_real=500)


def test_unknown_dataset_is_refused(unseen):
    with pytest.raises(ValueError, match=r"dataset must be one of \[.*\], got 'imagenet'"):
        metrics.evaluate_images(unseen[0], "imagenet")
