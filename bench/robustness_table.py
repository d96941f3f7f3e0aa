"""Run notebooks/11_robustness.ipynb and print its table and its time.

The table (clean, attacked and defended accuracy at epsilon 0.1, 0.2 and 0.3, pixels in
[0, 1]) is computed by the notebook itself (``ganlib.robustness.defense.robustness_table``), so the
figures printed here are exactly the notebook's; this script adds the wall time of the
whole notebook, the time of its main parts, the peak memory of the kernel and the load of
the machine, and prints the published Defense-GAN figures beside the table.

    python bench/robustness_table.py                     # the notebook's defaults
    python bench/robustness_table.py -p DEFENSE_IMAGES 500 -p GAN_STEPS 10000

The notebook uses notebook 04's DCGAN when ``outputs/04_dcgan/checkpoints`` holds one that fits
(it prints which); ``-p REUSE False`` trains its own GAN for ``GAN_STEPS`` steps instead.

Writes to outputs/bench/robustness/ (the executed notebook, figures, robustness.json).

Used in: bench/README.md.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import resource
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from coursekit import runner  # noqa: E402
from ganlib import viz  # noqa: E402
from ganlib.robustness import defense  # noqa: E402


def _value(text):
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-p", "--parameter", nargs=2, action="append", default=[],
                        metavar=("NAME", "VALUE"), help="a notebook parameter, e.g. -p QUICK True")
    parser.add_argument("--out-dir", default=str(PROJECT_DIR / "outputs" / "bench" / "robustness"))
    args = parser.parse_args(argv)
    parameters = {name: _value(value) for name, value in args.parameter}
    out_dir = Path(args.out_dir)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    notebook = PROJECT_DIR / "notebooks" / "11_robustness.ipynb"
    print(f"Running {notebook.name} with {parameters or 'its defaults'} ...", flush=True)
    load_before = os.getloadavg()[0]
    start = time.perf_counter()
    run = runner.run_notebook(notebook, out_dir, {"OUTPUT_DIR": str(out_dir / "figures"),
                                                  **parameters})
    seconds = time.perf_counter() - start
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak_mb, cpu_seconds = children.ru_maxrss / 1024, children.ru_utime + children.ru_stime
    if run.status != "ok":
        raise SystemExit(f"The notebook failed: {run.error} (see {run.output})")
    result = json.loads((out_dir / "figures" / "robustness.json").read_text())
    print(f"\n{result['dataset']}, {result['table_images']} test images; projection "
          f"R = {result['restarts']} restarts x L = {result['projection_steps']} steps; "
          f"PGD {result['pgd_steps']} steps; BPDA {result['bpda_steps']} steps; GAN "
          f"{result['gan_steps']:,} steps; adversarial training {result['adv_attack']} at "
          f"{result['adv_epsilon']}, {result['adv_epochs']} epochs\n")
    print(viz.markdown_table(result["rows"], defense.TABLE_COLUMNS))
    published = result["published"]
    print(f"\nPublished, a DIFFERENT setting ({published['source']}):")
    for key in ("clean, no defence", "FGSM, no defence", "FGSM, Defense-GAN"):
        value = published[key]
        print(f"  {key:>18}: {'not verified here' if value is None else f'{value:.3f}'}")
    print(f"  note: {published['note']}")
    parts = ", ".join(f"{name} {value:.0f} s" for name, value in result["seconds"].items())
    print(f"\nNotebook time: {seconds:.0f} s ({seconds / 60:.1f} min) wall, papermill "
          f"included; parts: {parts}")
    print(f"CPU time of the kernel: {cpu_seconds:.0f} s (on an otherwise idle machine the "
          "wall time is this divided by the cores TensorFlow keeps busy)")
    print(f"Peak memory of the kernel (max RSS of child processes): {peak_mb:,.0f} MB")
    print(f"1-minute load average: {load_before:.1f} before, {os.getloadavg()[0]:.1f} after; "
          f"{os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
