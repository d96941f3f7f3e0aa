"""The flat metrics.json of a run: flattening, rounding, numpy values, refusals, the file."""

import json

import numpy as np
import pytest

from ganlib import evaluation
from ganlib.evaluation import report


def test_nested_results_become_dotted_keys_and_floats_are_rounded(tmp_path):
    path = report.write_run_metrics(tmp_path, {
        "task": "edges", "steps": 30, "train_seconds": 12.345678,
        "scores": {"pix2pix": {"L1": 0.123456, "PSNR": 19.25}, "input itself": {"L1": 0.5}},
        "beats_every_baseline": {"L1": True, "SSIM": False},
    })
    assert path == tmp_path / "metrics.json"
    assert json.loads(path.read_text(encoding="utf-8")) == {
        "task": "edges", "steps": 30, "train_seconds": 12.3457,
        "scores.pix2pix.L1": 0.1235, "scores.pix2pix.PSNR": 19.25,
        "scores.input itself.L1": 0.5,
        "beats_every_baseline.L1": True, "beats_every_baseline.SSIM": False,
    }


def test_the_keys_keep_their_order_and_digits_sets_the_rounding():
    flat = report.flat_metrics({"b": 2.0 / 3.0, "a": {"z": 1, "y": 0.25}}, digits=2)
    assert list(flat) == ["b", "a.z", "a.y"]
    assert flat == {"b": 0.67, "a.z": 1, "a.y": 0.25}
    assert report.flat_metrics({"x": 2.5}, digits=0) == {"x": 2.0}


def test_numpy_scalars_become_python_numbers(tmp_path):
    flat = report.flat_metrics({"fid": np.float32(1.23456789), "steps": np.int64(60),
                                "ok": np.bool_(True), "name": np.str_("digits")})
    assert flat == {"fid": 1.2346, "steps": 60, "ok": True, "name": "digits"}
    assert [type(v) for v in flat.values()] == [float, int, bool, str]
    path = report.write_run_metrics(tmp_path / "run", {"accuracy": np.float64(0.5)})
    assert json.loads(path.read_text(encoding="utf-8")) == {"accuracy": 0.5}


@pytest.mark.parametrize(("metrics", "error", "words"), [
    ({"per_class": [0.9, 0.8]}, TypeError, "metric 'per_class' must be a finite number"),
    ({"fid": None}, TypeError, "metric 'fid' must be a finite number, a string or True/False"),
    ({"scores": {"x": np.zeros(3)}}, TypeError, "metric 'scores.x'"),
    ({"fid": float("nan")}, ValueError, "JSON has no NaN or Infinity"),
    ({"scores": {"kid": np.float32("inf")}}, ValueError, "metric 'scores.kid'"),
    ({"a.b": 1, "a": {"b": 2}}, ValueError, "give the key 'a.b' twice"),
    ({"scores": {3: 0.5}}, TypeError, "every key of metrics under 'scores'"),
    ({}, ValueError, "at least one value"),
    ([("fid", 1.0)], TypeError, "metrics must be a dict"),
])
def test_values_that_json_or_a_sweep_cannot_hold_are_refused_by_key(tmp_path, metrics, error,
                                                                     words):
    with pytest.raises(error, match=words.replace("(", r"\(")):
        report.write_run_metrics(tmp_path, metrics)
    assert list(tmp_path.iterdir()) == []


def test_digits_and_output_dir_are_checked(tmp_path):
    with pytest.raises(ValueError, match="digits must be a whole number >= 0"):
        report.flat_metrics({"x": 1.0}, digits=-1)
    with pytest.raises(TypeError, match="output_dir must be a folder path"):
        report.write_run_metrics(None, {"x": 1.0})


def test_the_file_is_replaced_atomically_and_is_valid_json(tmp_path):
    (tmp_path / "metrics.json").write_text("{half a file", encoding="utf-8")
    evaluation.write_run_metrics(tmp_path, {"steps": 1, "domain": "A→B"})
    evaluation.write_run_metrics(tmp_path, {"steps": 2, "domain": "A→B"})
    assert [p.name for p in tmp_path.iterdir()] == ["metrics.json"]  # no temporary file left
    assert json.loads((tmp_path / "metrics.json").read_text(encoding="utf-8")) == {
        "steps": 2, "domain": "A→B"}
