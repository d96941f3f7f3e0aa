"""Run the translation notebooks in their default setting; print time, scores and peak RSS.

    python bench/translation.py [--only 09_pix2pix] [--out outputs/bench/translation]
        [-p NAME VALUE ...]

Each notebook runs headless with papermill (its own defaults unless ``-p`` overrides a
parameter, e.g. ``-p ALLOW_DOWNLOAD False``), writing into ``<out>/<notebook>/``. The
script then prints the wall time of the whole notebook, the training time the notebook
measured itself, its scores next to the baselines (from the ``metrics.json`` it writes),
and the peak resident memory of the kernel that ran it (``ru_maxrss`` of this process's
finished children; the kernel is one).

Used for: the targets of notebooks/09_pix2pix.ipynb and notebooks/10_cyclegan.ipynb
(at most 10 minutes of training on 2 CPU cores, beat the baselines, under 4 GiB).
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import subprocess
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
NOTEBOOKS = ("09_pix2pix", "10_cyclegan")


def _value(text):
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def run_one(stem, out_dir, parameters):
    """Run one notebook in a fresh process; return (seconds, peak RSS in MiB, metrics)."""
    out = out_dir / stem
    out.mkdir(parents=True, exist_ok=True)
    script = (
        "import papermill, resource, sys, json\n"
        f"papermill.execute_notebook({str(PROJECT_DIR / 'notebooks' / (stem + '.ipynb'))!r}, "
        f"{str(out / 'executed.ipynb')!r}, cwd={str(PROJECT_DIR / 'notebooks')!r}, "
        f"kernel_name='python3', progress_bar=False, "
        f"parameters={{**json.loads(sys.argv[1]), 'OUTPUT_DIR': {str(out)!r}}})\n"
        "kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print('PEAK_KIB', kb)\n"
    )
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", script, json.dumps(parameters)],
                            capture_output=True, text=True, env=os.environ.copy())
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{stem} failed:\n{result.stderr[-3000:]}")
    peak = int(result.stdout.split("PEAK_KIB")[-1].split()[0]) / 1024
    return seconds, peak, json.loads((out / "metrics.json").read_text())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=NOTEBOOKS, action="append")
    parser.add_argument("--out", default=str(PROJECT_DIR / "outputs" / "bench" / "translation"))
    parser.add_argument("-p", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"))
    args = parser.parse_args(argv)
    parameters = {name: _value(value) for name, value in args.p}
    print(f"load average before: {os.getloadavg()[0]:.2f}; parameters: {parameters or 'defaults'}")
    for stem in args.only or NOTEBOOKS:
        seconds, peak, metrics = run_one(stem, Path(args.out).resolve(), parameters)
        print(f"\n== {stem}: {seconds / 60:.1f} min for the whole notebook, "
              f"{metrics['train_seconds'] / 60:.1f} min of it training "
              f"({metrics['steps']:,} steps); peak RSS of its kernel {peak:,.0f} MiB; "
              f"load average now {os.getloadavg()[0]:.2f}")
        for method, scores in metrics["scores"].items():
            print(f"  {method:<28} " + "  ".join(f"{k} {v:.4g}" for k, v in scores.items()))
        print("  beats every baseline on:", ", ".join(
            k for k, v in metrics["beats_every_baseline"].items() if v) or "nothing")


if __name__ == "__main__":
    main()
