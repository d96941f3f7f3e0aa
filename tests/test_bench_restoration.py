"""Tests of bench/restoration.py's tally of winners over runs (what the bench README reports)."""


def _rows(task, l1_psnr, adversarial_psnr):
    return [{"task": task, "method": "damaged input", "PSNR": 10.0},
            {"task": task, "method": "L1", "PSNR": l1_psnr, "sharpness": 0.6},
            {"task": task, "method": "L1 + adversarial", "PSNR": adversarial_psnr,
             "sharpness": 0.8}]


def test_the_tally_counts_each_task_of_each_run(bench_module):
    restoration = bench_module("restoration")
    results = [{"tasks": ["denoising", "inpainting"],
                "rows": _rows("denoising", 22.0, 21.0) + _rows("inpainting", 20.0, 20.0)},
               {"tasks": ["denoising"], "rows": _rows("denoising", 21.0, 21.5)}]
    counts = restoration.tally(results)
    assert counts["PSNR"] == {"L1": 1, "a tie": 1, "L1 + adversarial": 1}
    assert counts["sharpness"] == {"L1 + adversarial": 3}
    assert not counts["SSIM"]  # a score the rows lack is not counted
