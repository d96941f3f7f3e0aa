"""A sweep checked before anything runs: its grid, fixed parameters, folder and runs.

``plan_sweep`` refuses (``SweepError``) an unknown name, an empty or too large grid, a
value JSON cannot hold, two runs that would share a folder, and a folder that holds another
notebook's sweep, runs made with other parameters or a sweep still running elsewhere.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from coursekit.course_folder import find_course_dir
from coursekit.sweep.common import SweepError, format_assignments, format_value, plural
from coursekit.sweep.options import notebook_parameters
from coursekit.sweep.status import effective_status
from ganlib._files import read_json

__all__ = ["DEFAULT_MAX_RUNS", "OUTPUT_PARAMETER", "Run", "SweepPlan", "default_out_dir",
           "plan_sweep"]

#: A grid larger than this is refused unless ``max_runs`` (``--max-runs``) is raised.
DEFAULT_MAX_RUNS = 500

#: The parameter the sweep sets itself: each run's folder.
OUTPUT_PARAMETER = "OUTPUT_DIR"

_UNSAFE = re.compile(r"[^A-Za-z0-9._+-]+")
_MAX_ID_LENGTH = 150


@dataclass(frozen=True)
class Run:
    """One combination of the grid: its 1-based index, id, grid values and folder."""

    index: int
    run_id: str
    values: dict
    directory: Path


@dataclass
class SweepPlan:
    """A validated sweep: notebook, grid, fixed parameters, folder and the runs in order."""

    notebook: Path
    grid: dict
    fixed: dict
    out_dir: Path
    runs: list[Run]

    def state(self, run: Run) -> str:
        """``done`` (ok with metrics: skipped), ``new``, or the status a rerun will redo."""
        status = read_json(run.directory / "status.json")
        if status is None:
            return "new"
        if status.get("status") == "ok" and (run.directory / "metrics.json").is_file():
            return "done"
        return effective_status(status)

    def describe(self) -> str:
        """The runs, one a line, with what a sweep would do with each (for ``--dry-run``)."""
        sizes = " x ".join(f"{len(v)} {k}" for k, v in self.grid.items())
        lines = [f"Sweep of {self.notebook.name}: {plural(len(self.runs), 'run')} ({sizes}) "
                 f"into {self.out_dir}"]
        if self.fixed:
            lines.append("Set for every run: " + format_assignments(self.fixed))
        width = max(len(run.run_id) for run in self.runs)
        digits = len(str(len(self.runs)))
        action = {"done": "done earlier, will be skipped", "new": "will run"}
        for run in self.runs:
            state = self.state(run)
            lines.append(f"  [{run.index:>{digits}}/{len(self.runs)}] {run.run_id:<{width}}  "
                         f"{action.get(state, state + ' earlier, will run again')}")
        return "\n".join(lines)


def _jsonable(value, where: str):
    """The value as it reads back from JSON; refuses what JSON cannot hold."""
    try:
        return json.loads(json.dumps(value, allow_nan=False))
    except (TypeError, ValueError):
        raise SweepError(f"{where} = {value!r} ({type(value).__name__}) cannot be passed to a "
                         "notebook; use numbers, strings, True/False/None, or lists and dicts "
                         "of them.") from None


def _run_id(values: Mapping) -> str:
    """Readable, file-system safe id from the grid values, names sorted: stable run to run."""
    parts = [f"{name}={_UNSAFE.sub('_', format_value(values[name])) or '_'}"
             for name in sorted(values)]
    run_id = ",".join(parts)
    if len(run_id) > _MAX_ID_LENGTH:
        digest = hashlib.sha1(json.dumps(values, sort_keys=True).encode()).hexdigest()[:8]
        run_id = f"{run_id[:_MAX_ID_LENGTH - 9]}-{digest}"
    return run_id


def _check_names(names, known: dict, where: str, notebook: Path) -> None:
    for name in names:
        if not isinstance(name, str):
            raise SweepError(f"{where} parameter names must be strings, got {name!r}.")
        if name == OUTPUT_PARAMETER:
            raise SweepError(f"{OUTPUT_PARAMETER} cannot be in {where}: the sweep sets it to "
                             "each run's folder; choose the sweep folder with --out / out_dir.")
        if name not in known:
            raise SweepError(f"{name} is not a parameter of {notebook.name}; its parameters "
                             f"cell sets {', '.join(sorted(known))}.")


def default_out_dir(notebook: Path) -> Path:
    """``outputs/sweeps/<notebook stem>/`` in the notebook's course folder (or here)."""
    course = find_course_dir(Path(notebook).resolve().parent) or Path.cwd()
    return course / "outputs" / "sweeps" / notebook.stem


def plan_sweep(notebook, grid: Mapping, fixed: Mapping | None = None, out_dir=None,
               max_runs: int = DEFAULT_MAX_RUNS, x: str | None = None) -> SweepPlan:
    """Check a sweep before anything runs and list its runs; raise ``SweepError`` if wrong.

    ``grid`` maps parameter names to lists of values; ``fixed`` maps names to one value.
    ``x`` (optional) is checked to be a grid parameter, for the plot.
    """
    notebook = Path(notebook).resolve()
    known = notebook_parameters(notebook)
    if OUTPUT_PARAMETER not in known:
        raise SweepError(f"{notebook.name}'s parameters cell has no {OUTPUT_PARAMETER}; a sweep "
                         "gives each run its folder through it, so add OUTPUT_DIR = '...' there.")
    if not isinstance(grid, Mapping) or not grid:
        raise SweepError("the grid is empty; give at least one parameter with its values, "
                         "e.g. --grid SEED=0,1,2 or grid={'SEED': [0, 1, 2]}.")
    fixed = dict(fixed or {})
    _check_names(grid, known, "the grid", notebook)
    _check_names(fixed, known, "the fixed parameters", notebook)
    both = sorted(set(grid) & set(fixed))
    if both:
        raise SweepError(f"{', '.join(both)} is both in the grid and fixed (--set); keep each "
                         "name in one place.")
    clean_grid = {}
    for name, values in grid.items():
        if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
            raise SweepError(f"the grid's {name} must be a list of values, got {values!r}; "
                             f"write [{values!r}] for a single value.")
        values = [_jsonable(value, name) for value in values]
        if not values:
            raise SweepError(f"the grid's {name} has no values; give at least one, "
                             f"e.g. --grid {name}=1,2.")
        repeated = [v for i, v in enumerate(values) if v in values[:i]]
        if repeated:
            raise SweepError(f"the grid's {name} lists {repeated[0]!r} more than once; "
                             "give each value once.")
        clean_grid[name] = values
    fixed = {name: _jsonable(value, name) for name, value in fixed.items()}
    if x is not None and x not in clean_grid:
        raise SweepError(f"--x {x!r} is not a grid parameter; choose one of "
                         f"{', '.join(clean_grid)}.")
    count = math.prod(len(values) for values in clean_grid.values())
    if count > max_runs:
        sizes = " x ".join(str(len(v)) for v in clean_grid.values())
        raise SweepError(f"the grid makes {count} runs ({sizes}), more than the cap of "
                         f"{max_runs}; shrink the grid or raise the cap with --max-runs {count}.")
    out_dir = Path(out_dir) if out_dir is not None else default_out_dir(notebook)
    runs, seen = [], {}
    for index, combo in enumerate(itertools.product(*clean_grid.values()), start=1):
        values = dict(zip(clean_grid, combo, strict=True))
        run_id = _run_id(values)
        if run_id in seen:
            raise SweepError(f"{format_assignments(seen[run_id])} and "
                             f"{format_assignments(values)} would share the folder "
                             f"{run_id!r}; make the values differ in letters or digits.")
        seen[run_id] = values
        runs.append(Run(index, run_id, values, out_dir / run_id))
    plan = SweepPlan(notebook, clean_grid, fixed, out_dir, runs)
    _check_existing(plan)
    return plan


def _check_existing(plan: SweepPlan) -> None:
    """Refuse a folder that holds another notebook's sweep or runs with other parameters."""
    previous = read_json(plan.out_dir / "sweep.json")
    if previous and Path(previous.get("notebook", "")).name != plan.notebook.name:
        raise SweepError(f"{plan.out_dir} holds a sweep of {previous.get('notebook')}; choose "
                         "another folder with --out / out_dir.")
    for run in plan.runs:
        params = read_json(run.directory / "params.json")
        if params is None:
            continue
        before, now = params.get("parameters", {}), {**plan.fixed, **run.values}
        changed = sorted(k for k in set(before) | set(now) if before.get(k) != now.get(k))
        if changed:
            diff = "; ".join(f"{k} was {format_value(before.get(k, '(unset)'))}, now "
                             f"{format_value(now.get(k, '(unset)'))}" for k in changed)
            raise SweepError(f"{run.directory} was run with other parameters ({diff}); give "
                             "this sweep its own folder with --out / out_dir, or delete the old "
                             "one.")
        status = read_json(run.directory / "status.json") or {}
        if effective_status(status) == "running" and status.get("pid") != os.getpid():
            raise SweepError(f"another sweep (process {status.get('pid')}) is running "
                             f"{run.run_id} in {plan.out_dir}; wait for it or stop it first.")
