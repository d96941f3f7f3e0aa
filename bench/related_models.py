"""Run notebook 12 (related models) in its default setting; print its table and its time.

    python bench/related_models.py --dataset fashion_mnist
    python bench/related_models.py --set SECONDS=200 --set EVAL_SAMPLES=10000

Executes ``notebooks/12_related_models.ipynb`` with papermill (through
``coursekit.runner.run_notebook``), then prints:

* the notebook's table: VAE, the course's default DCGAN and the DCGAN with self-attention,
  each trained for the same wall-clock budget (the notebook's ``SECONDS``), scored by
  ``ganlib.evaluation.metrics`` in the dataset classifier's feature space (NOT Inception figures);
* the notebook's wall time (kernel start to the last cell) and the peak resident memory
  of the kernel process;
* the load average before and after, because every model's budget is wall time: on a
  shared CPU each model makes fewer steps and scores worse.

Writes the executed notebook and its figures under ``--out-dir``. Exits with status 1 if
the notebook fails, or if it fell back to another dataset without ``--allow-fallback``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
from pathlib import Path

from coursekit import runner, stated_time
from ganlib import viz

PROJECT_DIR = Path(__file__).resolve().parent.parent
NOTEBOOK = PROJECT_DIR / "notebooks" / "12_related_models.ipynb"
COLUMNS = ["model", "steps", "seconds", "fid", "kid", "precision", "recall",
           "classifier_score"]


def _parameter(text: str):
    if "=" not in text:
        raise argparse.ArgumentTypeError(f"--set takes NAME=VALUE, got {text!r}.")
    name, value = text.split("=", 1)
    try:
        return name, json.loads(value)
    except ValueError:
        return name, value


def add_notebook_options(parser, name: str):
    """The options of a script that runs one notebook: --dataset, --data-dir, --out-dir
    (default ``outputs/bench/<name>``), --quick, --allow-fallback and --set NAME=VALUE."""
    parser.add_argument("--dataset", default="fashion_mnist")
    parser.add_argument("--data-dir", help="folder holding fashion_mnist/ (GANLIB_DATA_DIR)")
    parser.add_argument("--out-dir", default=str(PROJECT_DIR / "outputs" / "bench" / name))
    parser.add_argument("--quick", action="store_true", help="the notebook's QUICK setting")
    parser.add_argument("--allow-fallback", action="store_true",
                        help="accept the bundled digits when the dataset is not available")
    parser.add_argument("--set", action="append", type=_parameter, default=[],
                        metavar="NAME=VALUE", help="another notebook parameter (repeatable)")
    return parser


def run_with_load(notebook, out_dir, parameters):
    """Run ``notebook`` with papermill (``runner.run_notebook``), saying so with the load
    average. Returns ``(run, load before, load after)``; ``run`` is None when the notebook
    failed, which is said with its error."""
    load_before = os.getloadavg()[0]
    print(f"Running {notebook.name} with {parameters} (load average {load_before:.1f}) ...",
          flush=True)
    run = runner.run_notebook(notebook, out_dir, parameters)
    load_after = os.getloadavg()[0]
    if run.status != "ok":
        print(f"The notebook FAILED after {run.seconds:.0f} s: {run.error}\nSee {run.output}.")
        return None, load_before, load_after
    return run, load_before, load_after


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    return add_notebook_options(parser, "related_models").parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.data_dir:
        os.environ["GANLIB_DATA_DIR"] = str(Path(args.data_dir).resolve())
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    parameters = {"DATASET": args.dataset, "QUICK": args.quick, **dict(args.set)}
    out_dir = Path(args.out_dir)
    run, load_before, load_after = run_with_load(NOTEBOOK, out_dir, parameters)
    if run is None:
        return 1
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    result = json.loads((out_dir / NOTEBOOK.stem / "comparison.json").read_text())
    print(f"\nDataset: {result['dataset']}; {result['eval_samples']:,} samples per model; "
          f"training budget {result['budget']}")
    print("Classifier-feature figures (ganlib.evaluation.metrics), NOT Inception figures:\n")
    print(viz.markdown_table(result["rows"], COLUMNS))
    print(f"\nnotebook wall time: {run.seconds:.0f} s ({run.seconds / 60:.1f} min); "
          f"stated: {stated_time.stated_time(NOTEBOOK).full.phrase}")
    print(f"peak resident memory of the kernel: {peak_mb:,.0f} MB")
    print(f"load average (1 min) before / after: {load_before:.1f} / {load_after:.1f} "
          f"on {os.cpu_count()} cores")
    print(f"executed notebook: {run.output}")
    if result["dataset"] != args.dataset and not args.allow_fallback:
        print(f"The notebook used {result['dataset']!r}, not {args.dataset!r}; these are not "
              "the benchmark's figures (pass --allow-fallback to accept them).")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
