"""Sweeps: run a notebook over a grid of papermill parameters, then one table and one plot.

A small "Are GANs created equal?" study (Lucic et al. 2018) that runs overnight on a
laptop: every combination of the grid is one run of the notebook, in its own folder, and
the metrics the runs write are collected into a table (CSV and Markdown) and a figure.

Command line::

    python -m coursekit.sweep notebooks/04_dcgan.ipynb \\
        --grid LOSS=non_saturating,hinge --grid G_LEARNING_RATE=1e-4,2e-4 \\
        --grid SEED=0,1,2 --set STEPS=3000
    python -m coursekit.sweep notebooks/04_dcgan.ipynb --grid SEED=0,1 --set QUICK=True --dry-run
    python -m coursekit.sweep notebooks/04_dcgan.ipynb --collect --x LOSS

Options: ``--grid NAME=V1,V2,...`` (repeat for each grid parameter; values are Python
literals, anything else is a string: ``1e-4``, ``True``, ``None``, ``hinge``, ``'a,b'``),
``--set NAME=VALUE`` (the same for every run), ``--out DIR`` (default
``outputs/sweeps/<notebook stem>/``), ``--x NAME`` (the grid parameter on the plot's x
axis; default the first), ``--dry-run`` (list the runs, run nothing), ``--collect`` (only
rebuild the table and plot), ``--max-runs N`` (default 500), ``--kernel NAME``,
``--timeout SECONDS`` (per cell). Exit status: 0 when every run is ok, 1 when any failed,
2 for a refused grid, 130 when interrupted.

Python::

    from coursekit import sweep
    result = sweep.run_sweep("notebooks/04_dcgan.ipynb",
                             {"LOSS": ["non_saturating", "hinge"], "SEED": [0, 1, 2]},
                             fixed={"STEPS": 3000})
    result.table.rows          # one dict per run: parameters, metrics, status, run_seconds
    sweep.collect(result.out_dir, x="LOSS")   # rebuild results.csv/.md/.png later

The convention the notebooks follow: one cell tagged ``parameters`` with UPPERCASE names,
among them ``OUTPUT_DIR``. A sweep passes each run ``OUTPUT_DIR=<its run folder>`` (the
notebook runs in its own folder, as under the course runner); the notebook writes its
figures there and a ``metrics.json``, a flat JSON object of numbers or strings (for example
fid, kid, score, precision, recall, steps, seconds). A run that finishes without a
``metrics.json`` counts as failed.

``results.csv`` has every column; ``results.md`` (also printed) leaves out the run id and
states once the metrics that are equal in every ok run. ``results.png`` has one panel per
metric: the runs grouped by the ``--x`` parameter, each run a dot, with the mean and
standard deviation over the other grid parameters (e.g. seeds).

The sweep folder holds ``sweep.json`` (the notebook, grid and fixed parameters),
``results.csv``, ``results.md``, ``results.png`` and one folder per run, named by its grid
values (``G_LEARNING_RATE=0.0001,LOSS=hinge,SEED=0``), with ``params.json``,
``status.json``, the executed notebook and whatever the notebook wrote. Failed runs are
reported with their error and the sweep goes on; the same command run again skips the runs
that are ok and have metrics, and redoes failed and interrupted ones. Status files are
replaced atomically, so Ctrl-C or a crash leaves a folder that the next run reads
correctly. A folder whose runs were made with other fixed parameters is refused rather
than mixed.

Modules: ``options`` (the ``--grid``/``--set`` values and a notebook's parameters),
``planning`` (``plan_sweep``: the checks before anything runs), ``running`` (``run_sweep``:
papermill, status files), ``collecting`` (``collect``: the table), ``plotting``
(``plot_sweep``), ``cli`` (``main``), with ``common`` (``SweepError``, value formatting) and
``status`` (a run's recorded status) beneath them.
"""

from __future__ import annotations

from coursekit.sweep.cli import main
from coursekit.sweep.collecting import SweepTable, collect
from coursekit.sweep.common import SweepError
from coursekit.sweep.options import (
    notebook_parameters,
    parse_grid_option,
    parse_set_option,
    parse_value,
)
from coursekit.sweep.planning import DEFAULT_MAX_RUNS, OUTPUT_PARAMETER, Run, SweepPlan, plan_sweep
from coursekit.sweep.plotting import LOWER_IS_BETTER, plot_sweep
from coursekit.sweep.running import SweepResult, run_sweep

__all__ = ["DEFAULT_MAX_RUNS", "LOWER_IS_BETTER", "OUTPUT_PARAMETER", "Run", "SweepError",
           "SweepPlan", "SweepResult", "SweepTable", "collect", "main", "notebook_parameters",
           "parse_grid_option", "parse_set_option", "parse_value", "plan_sweep", "plot_sweep",
           "run_sweep"]
