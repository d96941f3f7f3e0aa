"""The command line: ``python -m coursekit.sweep NOTEBOOK --grid NAME=V1,V2 ...``.

Exit status: 0 when every run is ok, 1 when any failed, 2 for a refused grid, 130 when
interrupted. See the package's docstring (``coursekit.sweep``) for every option.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from coursekit.sweep.collecting import collect
from coursekit.sweep.common import SweepError
from coursekit.sweep.options import parse_grid_option, parse_set_option
from coursekit.sweep.planning import DEFAULT_MAX_RUNS, default_out_dir, plan_sweep
from coursekit.sweep.running import run_sweep

__all__ = ["main"]


def _collect_options(options, parse, flag) -> dict:
    result = {}
    for text in options:
        name, value = parse(text)
        if name in result:
            raise SweepError(f"{flag} {name} is given twice; give each name once.")
        result[name] = value
    return result


def main(argv=None) -> int:
    """The command line; returns the exit status (0 ok, 1 failed runs, 2 refused, 130 ^C)."""
    parser = argparse.ArgumentParser(
        prog="python -m coursekit.sweep",
        description="Run a notebook over a grid of papermill parameters; collect the "
                    "metrics.json of every run into one table (CSV, Markdown) and one plot.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="example:\n  python -m coursekit.sweep notebooks/04_dcgan.ipynb --grid "
               "LOSS=non_saturating,hinge \\\n      --grid SEED=0,1,2 --set STEPS=3000")
    parser.add_argument("notebook", help="the notebook to run, e.g. notebooks/04_dcgan.ipynb")
    parser.add_argument("--grid", action="append", default=[], metavar="NAME=V1,V2",
                        help="a grid parameter and its values (repeat for more parameters)")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        dest="fixed", help="a parameter with one value for every run")
    parser.add_argument("--out", metavar="DIR",
                        help="sweep folder (default outputs/sweeps/<notebook stem>/)")
    parser.add_argument("--x", metavar="NAME",
                        help="grid parameter on the plot's x axis (default the first)")
    parser.add_argument("--dry-run", action="store_true", help="list the runs, run nothing")
    parser.add_argument("--collect", action="store_true",
                        help="only rebuild the table and plot from the sweep folder")
    parser.add_argument("--max-runs", type=int, default=DEFAULT_MAX_RUNS, metavar="N",
                        help=f"refuse larger grids (default {DEFAULT_MAX_RUNS})")
    parser.add_argument("--kernel", metavar="NAME",
                        help="Jupyter kernel (default: the notebook's own)")
    parser.add_argument("--timeout", type=float, metavar="SECONDS",
                        help="seconds one cell may take")
    args = parser.parse_args(argv)
    try:
        if args.collect:
            out_dir = Path(args.out) if args.out else default_out_dir(Path(args.notebook))
            table = collect(out_dir, x=args.x)
            print(table.to_markdown())
            print(table.summary())
            return 0 if all(row["status"] == "ok" for row in table.rows) else 1
        grid = _collect_options(args.grid, parse_grid_option, "--grid")
        fixed = _collect_options(args.fixed, parse_set_option, "--set")
        if args.dry_run:
            print(plan_sweep(args.notebook, grid, fixed, args.out, max_runs=args.max_runs,
                             x=args.x).describe())
            return 0
        # TensorFlow's informational start-up lines would break the progress lines.
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "1")
        result = run_sweep(args.notebook, grid, fixed, args.out, kernel_name=args.kernel,
                           timeout=args.timeout, max_runs=args.max_runs, x=args.x)
    except SweepError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0 if result.ok else 1
