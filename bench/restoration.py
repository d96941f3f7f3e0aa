"""Run notebook 15 (restoring damaged images) for one or more seeds; print its table, who
won each score, and its time.

    python bench/restoration.py --dataset fashion_mnist
    python bench/restoration.py --seeds 0 1 2 --set SECONDS=120

Executes ``notebooks/15_restoration.ipynb`` with papermill (through
``coursekit.runner.run_notebook``) once per seed, then prints for each run:

* the notebook's table (``restoration.json``): per task, the damaged input, the U-Net on L1
  alone and the same U-Net with the PatchGAN's adversarial term, each trained for the same
  wall-clock budget, scored on held-out test images (L1, PSNR, SSIM, sharpness relative to
  the truth, the share the course's classifier still puts in the right class);
* the verdict lines the notebook printed (which of the two did better on each score);
* the notebook's wall time, the peak resident memory of its kernels and the load average
  before and after, because every budget is wall time.

With several seeds it ends with a tally: on how many of the (seed, task) runs each method
won each score, which says whether the trade-off the notebook describes holds beyond one
run. Exits with status 1 if a run fails, or falls back to another dataset without
``--allow-fallback``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
from collections import Counter
from pathlib import Path

from related_models import (  # bench/ is on sys.path when run as a script
    add_notebook_options,
    run_with_load,
)

from coursekit import stated_time
from ganlib import viz
from ganlib.translation import restoration

PROJECT_DIR = Path(__file__).resolve().parent.parent
NOTEBOOK = PROJECT_DIR / "notebooks" / "15_restoration.ipynb"
COLUMNS = ["task", "method", "steps", "L1", "PSNR", "SSIM", "sharpness", "class kept"]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    return add_notebook_options(parser, "restoration").parse_args(argv)


def tally(results) -> dict:
    """{score: Counter of winners ("a tie" for none)} over every (run, task) of ``results``,
    each a ``restoration.json`` as a dict."""
    counts = {score: Counter() for score in restoration.SCORES}
    for result in results:
        for task in result["tasks"]:
            rows = [row for row in result["rows"] if row["task"] == task]
            for score, winner in restoration.winners(rows).items():
                counts[score][winner or "a tie"] += 1
    return counts


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.data_dir:
        os.environ["GANLIB_DATA_DIR"] = str(Path(args.data_dir).resolve())
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    results = []
    for seed in args.seeds:
        parameters = {"DATASET": args.dataset, "QUICK": args.quick, "SEED": seed,
                      **dict(args.set)}
        out_dir = Path(args.out_dir) / f"seed_{seed}"
        run, load_before, load_after = run_with_load(NOTEBOOK, out_dir, parameters)
        if run is None:
            return 1
        result = json.loads((out_dir / NOTEBOOK.stem / "restoration.json").read_text())
        results.append(result)
        print(f"\nDataset: {result['dataset']}; {result['test_images']:,} test images; "
              f"settings {result['settings']}")
        print(viz.markdown_table(result["rows"], COLUMNS))
        for task, sentences in result["verdicts"].items():
            print(f"{task}:")
            for sentence in sentences.values():
                print("   ", sentence)
        for row in result.get("random_against_crafted", []):
            print("class kept:", row)
        print(f"\nnotebook wall time: {run.seconds:.0f} s ({run.seconds / 60:.1f} min); "
              f"stated: {stated_time.stated_time(NOTEBOOK).full.phrase}")
        print(f"load average (1 min) before / after: {load_before:.1f} / {load_after:.1f} "
              f"on {os.cpu_count()} cores")
        print(f"executed notebook: {run.output}\n", flush=True)
        if result["dataset"] != args.dataset and not args.allow_fallback:
            print(f"The notebook used {result['dataset']!r}, not {args.dataset!r}; these are "
                  "not the benchmark's figures (pass --allow-fallback to accept them).")
            return 1
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak resident memory of the kernels: {peak_mb:,.0f} MB")
    runs = sum(len(result["tasks"]) for result in results)
    print(f"\nWinners over {len(results)} seed(s) x tasks = {runs} comparisons:")
    for score, counts in tally(results).items():
        print(f"  {score}: " + ", ".join(f"{name} {count}" for name, count
                                         in counts.most_common()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
