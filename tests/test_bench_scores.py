"""Tests of bench/score_samples.py's summary over seeds (the figures the bench README reports)."""

import math

import pytest


def _result(fid, kid=0.5, score=5.0, modes=10, precision=0.5, recall=0.6):
    return {"fid": fid, "kid": kid, "classifier_score": score, "modes_covered": modes,
            "precision": precision, "recall": recall}


def test_seed_summary_gives_mean_and_sample_spread_per_run(bench_module):
    score_samples = bench_module("score_samples")
    results = {
        "out/default_300_s0.npz": _result(14.0, modes=10),
        "out/default_300_s1.npz": _result(16.0, modes=9),
        "out/default_300_s2.npz": _result(18.0, modes=10),
        "out/radford_300_s0.npz": _result(20.0),
        "real fashion_mnist train images (reference)": _result(0.1),
        "out/default_300_s0.npz conditional accuracy": {"accuracy": 0.9},
    }
    lines = score_samples.seed_summary(results).splitlines()
    assert len(lines) == 4 and lines[0].startswith("| run | seeds | FID | KID |")
    default_row = next(line for line in lines if line.startswith("| default_300 |"))
    cells = [cell.strip() for cell in default_row.strip("|").split("|")]
    assert cells[1] == "3"
    assert cells[2] == "16.00 ± 2.00"        # sample standard deviation of 14, 16, 18
    assert cells[5] == f"9.7 ± {math.sqrt(1 / 3):.1f}"
    radford_row = next(line for line in lines if line.startswith("| radford_300 |"))
    assert "20.00 ± nan" in radford_row       # one seed: no spread to report


def test_seed_summary_is_empty_without_seeded_file_names(bench_module):
    score_samples = bench_module("score_samples")
    assert score_samples.seed_summary({"samples.npz": _result(3.0)}) == ""


@pytest.mark.parametrize("stem, run", [("default_300_s12", "default_300"),
                                       ("a_s_b_s3", "a_s_b")])
def test_seed_suffix_names_the_run(bench_module, stem, run):
    assert bench_module("score_samples").SEED_SUFFIX.match(stem)["run"] == run
