"""Sweeps: run a notebook over a grid of papermill parameters, then one table and one plot.

A small "Are GANs created equal?" study (Lucic et al. 2018) that runs overnight on a
laptop: every combination of the grid is one run of the notebook, in its own folder, and
the metrics the runs write are collected into a table (CSV and Markdown) and a figure.

Command line::

    python -m ganlib.sweep notebooks/04_dcgan.ipynb \\
        --grid LOSS=non_saturating,hinge --grid G_LEARNING_RATE=1e-4,2e-4 \\
        --grid SEED=0,1,2 --set STEPS=3000
    python -m ganlib.sweep notebooks/04_dcgan.ipynb --grid SEED=0,1 --set QUICK=True --dry-run
    python -m ganlib.sweep notebooks/04_dcgan.ipynb --collect --x LOSS

Options: ``--grid NAME=V1,V2,...`` (repeat for each grid parameter; values are Python
literals, anything else is a string: ``1e-4``, ``True``, ``None``, ``hinge``, ``'a,b'``),
``--set NAME=VALUE`` (the same for every run), ``--out DIR`` (default
``outputs/sweeps/<notebook stem>/``), ``--x NAME`` (the grid parameter on the plot's x
axis; default the first), ``--dry-run`` (list the runs, run nothing), ``--collect`` (only
rebuild the table and plot), ``--max-runs N`` (default 500), ``--kernel NAME``,
``--timeout SECONDS`` (per cell). Exit status: 0 when every run is ok, 1 when any failed,
2 for a refused grid, 130 when interrupted.

Python::

    from ganlib import sweep
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

Used in: ``python -m ganlib.sweep`` over notebooks/04_dcgan.ipynb (any notebook that
writes metrics.json into its OUTPUT_DIR works).
"""

from __future__ import annotations

import argparse
import ast
import csv
import datetime
import hashlib
import io
import itertools
import json
import logging
import math
import os
import re
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ganlib import viz

__all__ = ["DEFAULT_MAX_RUNS", "Run", "SweepError", "SweepPlan", "SweepResult", "SweepTable",
           "collect", "main", "notebook_parameters", "parse_grid_option", "parse_set_option",
           "parse_value", "plan_sweep", "plot_sweep", "run_sweep"]

PROJECT_DIR = Path(__file__).resolve().parent.parent

#: A grid larger than this is refused unless ``max_runs`` (``--max-runs``) is raised.
DEFAULT_MAX_RUNS = 500

#: The parameter the sweep sets itself: each run's folder.
OUTPUT_PARAMETER = "OUTPUT_DIR"

#: Metrics where a lower value is better; their plot titles say so.
LOWER_IS_BETTER = ("fid", "kid")

_RESERVED_COLUMNS = ("run", "status", "run_seconds", "error")
_UNSAFE = re.compile(r"[^A-Za-z0-9._+-]+")
_MAX_ID_LENGTH = 150


class SweepError(ValueError):
    """A sweep that cannot run as asked; the message names the problem and the fix."""


# --- parsing ----------------------------------------------------------------------------


def parse_value(text: str):
    """A Python literal (``1e-4``, ``True``, ``None``, ``[1, 2]``), otherwise the string."""
    text = text.strip()
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return text


def _split_top_level(text: str) -> list[str]:
    """Split on commas outside brackets and quotes: ``"[1,2],'a,b'"`` gives two items."""
    items, current, depth, quote = [], [], 0, None
    for char in text:
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "," and depth == 0:
            items.append("".join(current))
            current = []
            continue
        current.append(char)
    items.append("".join(current))
    return items


def _split_option(text: str, option: str, example: str) -> tuple[str, str]:
    name, sep, values = text.partition("=")
    name = name.strip()
    if not sep or not name:
        raise SweepError(f"{option} {text!r} is not NAME=...; write it like {option} {example}.")
    return name, values


def parse_grid_option(text: str) -> tuple[str, list]:
    """``"LOSS=hinge,least_squares"`` -> ``("LOSS", ["hinge", "least_squares"])``."""
    name, values = _split_option(text, "--grid", "SEED=0,1,2")
    if not values.strip():
        raise SweepError(f"--grid {text!r} lists no values for {name}; give at least one, "
                         f"e.g. --grid {name}=1,2.")
    items = _split_top_level(values)
    if any(not item.strip() for item in items):
        raise SweepError(f"--grid {text!r} has an empty value between commas; remove it, or "
                         "write '' for an empty string.")
    return name, [parse_value(item) for item in items]


def parse_set_option(text: str) -> tuple[str, object]:
    """``"QUICK=True"`` -> ``("QUICK", True)``; the value is not split on commas."""
    name, value = _split_option(text, "--set", "QUICK=True")
    return name, parse_value(value)


def notebook_parameters(notebook) -> dict[str, str]:
    """The names assigned in a notebook's ``parameters`` cell, with their default's source.

    Read with Python's ``ast`` (papermill's ``inspect_notebook`` skips lines whose comment
    holds an ``=``).
    """
    import nbformat

    path = Path(notebook)
    if not path.is_file():
        raise SweepError(f"notebook {str(path)!r} does not exist; give the path of an .ipynb "
                         "file, e.g. notebooks/04_dcgan.ipynb.")
    cells = [cell for cell in nbformat.read(path, as_version=4).cells
             if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", [])]
    if not cells:
        raise SweepError(f"{path.name} has no cell tagged 'parameters', so papermill cannot "
                         "set its parameters; tag the cell of UPPERCASE settings 'parameters'.")
    source = cells[0].source
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise SweepError(f"the parameters cell of {path.name} is not plain Python "
                         f"({exc.msg}, line {exc.lineno}); fix that line.") from None
    found = {}
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else (
            [node.target] if isinstance(node, ast.AnnAssign) and node.value else [])
        for target in targets:
            names = target.elts if isinstance(target, ast.Tuple) else [target]
            for name in names:
                if isinstance(name, ast.Name):
                    found[name.id] = ast.get_source_segment(source, node.value)
    return found


# --- planning ---------------------------------------------------------------------------


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
        status = _read_json(run.directory / "status.json")
        if status is None:
            return "new"
        if status.get("status") == "ok" and (run.directory / "metrics.json").is_file():
            return "done"
        return _effective_status(status)

    def describe(self) -> str:
        """The runs, one a line, with what a sweep would do with each (for ``--dry-run``)."""
        sizes = " x ".join(f"{len(v)} {k}" for k, v in self.grid.items())
        lines = [f"Sweep of {self.notebook.name}: {_count(len(self.runs), 'run')} ({sizes}) "
                 f"into {self.out_dir}"]
        if self.fixed:
            lines.append("Set for every run: " + _format_assignments(self.fixed))
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


def _format_value(value) -> str:
    return value if isinstance(value, str) else repr(value)


def _format_assignments(values: Mapping) -> str:
    return ", ".join(f"{name}={_format_value(value)}" for name, value in values.items())


def _run_id(values: Mapping) -> str:
    """Readable, file-system safe id from the grid values, names sorted: stable run to run."""
    parts = [f"{name}={_UNSAFE.sub('_', _format_value(values[name])) or '_'}"
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


def _default_out_dir(notebook: Path) -> Path:
    return PROJECT_DIR / "outputs" / "sweeps" / notebook.stem


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
    out_dir = Path(out_dir) if out_dir is not None else _default_out_dir(notebook)
    runs, seen = [], {}
    for index, combo in enumerate(itertools.product(*clean_grid.values()), start=1):
        values = dict(zip(clean_grid, combo, strict=True))
        run_id = _run_id(values)
        if run_id in seen:
            raise SweepError(f"{_format_assignments(seen[run_id])} and "
                             f"{_format_assignments(values)} would share the folder "
                             f"{run_id!r}; make the values differ in letters or digits.")
        seen[run_id] = values
        runs.append(Run(index, run_id, values, out_dir / run_id))
    plan = SweepPlan(notebook, clean_grid, fixed, out_dir, runs)
    _check_existing(plan)
    return plan


def _check_existing(plan: SweepPlan) -> None:
    """Refuse a folder that holds another notebook's sweep or runs with other parameters."""
    previous = _read_json(plan.out_dir / "sweep.json")
    if previous and Path(previous.get("notebook", "")).name != plan.notebook.name:
        raise SweepError(f"{plan.out_dir} holds a sweep of {previous.get('notebook')}; choose "
                         "another folder with --out / out_dir.")
    for run in plan.runs:
        params = _read_json(run.directory / "params.json")
        if params is None:
            continue
        before, now = params.get("parameters", {}), {**plan.fixed, **run.values}
        changed = sorted(k for k in set(before) | set(now) if before.get(k) != now.get(k))
        if changed:
            diff = "; ".join(f"{k} was {_format_value(before.get(k, '(unset)'))}, now "
                             f"{_format_value(now.get(k, '(unset)'))}" for k in changed)
            raise SweepError(f"{run.directory} was run with other parameters ({diff}); give "
                             "this sweep its own folder with --out / out_dir, or delete the old "
                             "one.")
        status = _read_json(run.directory / "status.json") or {}
        if _effective_status(status) == "running" and status.get("pid") != os.getpid():
            raise SweepError(f"another sweep (process {status.get('pid')}) is running "
                             f"{run.run_id} in {plan.out_dir}; wait for it or stop it first.")


# --- files ------------------------------------------------------------------------------


def _write_text(path: Path, text: str) -> None:
    """Write through a temporary file and a rename: readers see the old or the new file."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def _write_json(path: Path, data) -> None:
    _write_text(path, json.dumps(data, indent=1) + "\n")


def _read_json(path: Path):
    """The file's JSON, or None when it is missing or unreadable."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _process_alive(pid) -> bool:
    if os.name != "posix" or not isinstance(pid, int):
        return False  # os.kill(pid, 0) would end the process on Windows
    try:
        os.kill(pid, 0)
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def _effective_status(status: Mapping) -> str:
    """The recorded status; a 'running' one whose process is gone counts as interrupted."""
    value = status.get("status", "pending")
    if value == "running" and (status.get("pid") == os.getpid()
                               or not _process_alive(status.get("pid"))):
        return "interrupted"
    return value


def _now() -> str:
    return datetime.datetime.now().isoformat(timespec="seconds")


# --- running ----------------------------------------------------------------------------


class _CheckedParameters(logging.Filter):
    """Drop papermill's parameter-parsing warnings: the sweep checked every name with ast."""

    def filter(self, record):
        return not record.getMessage().startswith(("Unable to parse line",
                                                   "Passed unknown parameter"))


def _execute(notebook: Path, run_dir: Path, parameters: dict, kernel_name, timeout) -> None:
    """Execute the notebook with papermill into the run folder (cwd: the notebook's folder)."""
    import papermill

    loggers = [logging.getLogger(name) for name in ("papermill", "papermill.translators")]
    quiet = _CheckedParameters()
    for logger in loggers:
        logger.addFilter(quiet)
    try:
        papermill.execute_notebook(str(notebook), str(run_dir / notebook.name),
                                   parameters=parameters, kernel_name=kernel_name,
                                   cwd=str(notebook.parent), progress_bar=False,
                                   execution_timeout=timeout)
    finally:
        for logger in loggers:
            logger.removeFilter(quiet)


def _error_line(exc: BaseException) -> str:
    """The exception's last line: ``ValueError: message`` (the notebook's own for papermill)."""
    if hasattr(exc, "ename") and hasattr(exc, "evalue"):
        text = f"{exc.ename}: {exc.evalue}"
    else:
        lines = [line for line in str(exc).splitlines() if line.strip()]
        text = f"{type(exc).__name__}: {lines[-1].strip() if lines else ''}".rstrip(": ")
    return " ".join(text.split())[:500]


def _metrics_problem(run_dir: Path) -> str | None:
    path = run_dir / "metrics.json"
    if not path.is_file():
        return (f"the notebook finished but wrote no metrics.json in its {OUTPUT_PARAMETER}; "
                "a sweep needs one (a JSON object of numbers or strings)")
    metrics = _read_json(path)
    if not isinstance(metrics, dict):
        return "metrics.json is not a JSON object of name: value pairs"
    return None


def _run_one(plan: SweepPlan, run: Run, kernel_name, timeout) -> dict:
    """Execute one run and record its status; re-raise KeyboardInterrupt once recorded."""
    run.directory.mkdir(parents=True, exist_ok=True)
    _write_json(run.directory / "params.json",
                {"run_id": run.run_id, "notebook": str(plan.notebook), "grid": run.values,
                 "parameters": {**plan.fixed, **run.values}})
    (run.directory / "metrics.json").unlink(missing_ok=True)  # only this run's metrics count
    status_path = run.directory / "status.json"
    record = {"status": "running", "error": None, "seconds": None, "started": _now(),
              "finished": None, "pid": os.getpid()}
    _write_json(status_path, record)
    parameters = {**plan.fixed, **run.values,
                  OUTPUT_PARAMETER: str(run.directory.resolve())}
    start = time.perf_counter()
    interrupted = False
    try:
        _execute(plan.notebook, run.directory, parameters, kernel_name, timeout)
    except KeyboardInterrupt:
        interrupted = True
        record.update(status="interrupted", error="KeyboardInterrupt")
    except Exception as exc:  # a failed run is recorded and the sweep goes on
        interrupted = getattr(exc, "ename", None) == "KeyboardInterrupt"
        record.update(status="interrupted" if interrupted else "failed",
                      error=_error_line(exc))
    else:
        problem = _metrics_problem(run.directory)
        record.update(status="failed" if problem else "ok", error=problem)
    record.update(seconds=round(time.perf_counter() - start, 2), finished=_now())
    _write_json(status_path, record)
    if interrupted:
        raise KeyboardInterrupt
    return record


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    hours, minutes = divmod(round(seconds / 60), 60)
    return f"{hours} h {minutes:02d} min"


@dataclass
class SweepResult:
    """What a sweep did: its folder, the collected table, and how many runs ran or skipped."""

    out_dir: Path
    table: SweepTable
    ran: int
    skipped: int

    @property
    def failed(self) -> list[dict]:
        """The table's rows whose status is not ok."""
        return [row for row in self.table.rows if row["status"] != "ok"]

    @property
    def ok(self) -> bool:
        """True when every run of the grid is ok."""
        return not self.failed


def run_sweep(notebook, grid: Mapping, fixed: Mapping | None = None, out_dir=None, *,
              kernel_name: str | None = None, timeout: float | None = None,
              max_runs: int = DEFAULT_MAX_RUNS, x: str | None = None,
              stream=None) -> SweepResult:
    """Run ``notebook`` once per grid combination, then collect the table and the plot.

    Runs that are already ok with metrics are skipped; failed and interrupted ones run
    again. ``kernel_name`` None uses the notebook's kernel; ``timeout`` is papermill's
    per-cell limit in seconds; progress goes to ``stream`` (default stdout). On Ctrl-C the
    current run is recorded as interrupted, the table is written, and KeyboardInterrupt is
    raised again.
    """
    plan = plan_sweep(notebook, grid, fixed, out_dir, max_runs=max_runs, x=x)
    stream = stream or sys.stdout

    def say(text, end="\n"):
        stream.write(text + end)
        stream.flush()

    plan.out_dir.mkdir(parents=True, exist_ok=True)
    _write_json(plan.out_dir / "sweep.json",
                {"notebook": str(plan.notebook), "grid": plan.grid, "fixed": plan.fixed,
                 "runs": [{"run_id": run.run_id, "values": run.values} for run in plan.runs]})
    done = {run.run_id for run in plan.runs if plan.state(run) == "done"}
    total, to_run = len(plan.runs), len(plan.runs) - len(done)
    say(f"Sweep of {plan.notebook.name}: {_count(total, 'run')} into {plan.out_dir}; "
        f"{len(done)} done earlier, {to_run} to run.")
    durations = []
    try:
        for run in plan.runs:
            prefix = f"[{run.index}/{total}] {run.run_id}"
            if run.run_id in done:
                say(f"{prefix}  done earlier, skipped")
                continue
            say(f"{prefix} ...", end=" ")
            record = _run_one(plan, run, kernel_name, timeout)
            durations.append(record["seconds"])
            left = to_run - len(durations)
            estimate = (f"about {_duration(left * sum(durations) / len(durations))} left "
                        f"({_count(left, 'run')})" if left else "no runs left")
            failure = f" ({record['error']}; see {run.directory})" if record["error"] else ""
            say(f"{record['status']}{failure} in {_duration(record['seconds'])}; {estimate}")
    except KeyboardInterrupt:
        say("interrupted")
        table = collect(plan.out_dir, x=x)
        say(f"Interrupted. Results so far: {table.files.get('markdown')}. Run the same "
            "command again to continue; finished runs are skipped.")
        raise
    table = collect(plan.out_dir, x=x)
    say("")
    say(table.to_markdown())
    say("")
    say(table.summary())
    return SweepResult(plan.out_dir, table, ran=len(durations), skipped=len(done))


# --- collecting -------------------------------------------------------------------------


@dataclass
class SweepTable:
    """All runs of a sweep: one row each with grid values, metrics, status and time."""

    notebook: str
    grid: dict
    fixed: dict
    metric_names: list[str]
    rows: list[dict]
    files: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def columns(self) -> list[str]:
        """Column order: run id, grid parameters, metrics, status, run_seconds, error."""
        return ["run", *self.grid, *self.metric_names, "status", "run_seconds", "error"]

    def numeric_columns(self) -> list[str]:
        """Metrics with at least one finite number among the ok runs, then run_seconds."""
        ok = [row for row in self.rows if row["status"] == "ok"]
        return [name for name in [*self.metric_names, "run_seconds"]
                if any(_number(row.get(name)) is not None for row in ok)]

    def constant_metrics(self) -> dict:
        """Metrics with the same value in every ok run (empty with fewer than two ok runs)."""
        ok = [row for row in self.rows if row["status"] == "ok"]
        if len(ok) < 2:
            return {}
        return {name: ok[0].get(name) for name in self.metric_names
                if all(row.get(name) == ok[0].get(name) for row in ok)}

    def to_csv(self) -> str:
        """The table as CSV text (empty cells for missing values)."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(self.columns)
        for row in self.rows:
            writer.writerow(["" if row.get(c) is None else row[c] for c in self.columns])
        return buffer.getvalue()

    def to_markdown(self) -> str:
        """An aligned Markdown table (numbers to 4 significant digits) for reading.

        Shorter than the CSV: no run id (the grid values say it), metrics with one value
        in every ok run stated once above the table, the error column only when needed.
        """
        constant = self.constant_metrics()
        columns = [*self.grid, *(m for m in self.metric_names if m not in constant),
                   "status", "run_seconds"]
        if any(row.get("error") for row in self.rows):
            columns.append("error")
        lines = viz.markdown_table(self.rows, columns).split("\n")
        if constant:
            lines[:0] = [f"Same result in every ok run: {_format_assignments(constant)}", ""]
        return "\n".join(lines)

    def summary(self) -> str:
        """Counts by status and where the files are."""
        counts = {}
        for row in self.rows:
            counts[row["status"]] = counts.get(row["status"], 0) + 1
        counted = ", ".join(f"{n} {s}" for s, n in counts.items())
        lines = [f"{_count(len(self.rows), 'run')}: {counted}", *self.notes]
        lines += [f"{kind}: {path}" for kind, path in self.files.items()]
        return "\n".join(lines)


def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def collect(out_dir, x: str | None = None, write: bool = True) -> SweepTable:
    """Read a sweep folder into a table; with ``write``, save results.csv, .md and .png.

    Runs of the latest grid (``sweep.json``) are listed, those not started as ``pending``.
    ``x`` is the grid parameter the plot groups by (default the first).
    """
    out_dir = Path(out_dir)
    sweep = _read_json(out_dir / "sweep.json")
    if not isinstance(sweep, dict):
        raise SweepError(f"{out_dir} has no readable sweep.json, so it is not a sweep folder; "
                         "run python -m ganlib.sweep NOTEBOOK --grid NAME=V1,V2 first.")
    grid = sweep["grid"]
    if x is not None and x not in grid:
        raise SweepError(f"--x {x!r} is not a grid parameter; choose one of {', '.join(grid)}.")
    rows, metric_names, nested = [], [], set()
    reserved = set(_RESERVED_COLUMNS) | set(grid)
    for entry in sweep["runs"]:
        run_dir = out_dir / entry["run_id"]
        status = _read_json(run_dir / "status.json") or {}
        state = _effective_status(status) if status else "pending"
        row = {"run": entry["run_id"], **entry["values"], "status": state,
               "run_seconds": status.get("seconds"), "error": status.get("error")}
        metrics = _read_json(run_dir / "metrics.json") if state == "ok" else None
        for key, value in (metrics if isinstance(metrics, dict) else {}).items():
            column = f"metric_{key}" if key in reserved else key
            if isinstance(value, (dict, list)):
                nested.add(key)
                value = json.dumps(value)
            row[column] = value
            if column not in metric_names:
                metric_names.append(column)
        rows.append(row)
    table = SweepTable(sweep["notebook"], grid, sweep.get("fixed", {}), metric_names, rows)
    if nested:
        table.notes.append(f"NOTICE: metrics {', '.join(sorted(nested))} are not numbers or "
                           "strings; they are kept as JSON text and left out of the plot.")
    listed = {entry["run_id"] for entry in sweep["runs"]}
    others = [p.name for p in out_dir.iterdir()
              if p.is_dir() and (p / "params.json").is_file() and p.name not in listed]
    if others:
        table.notes.append(f"{len(others)} run folders of an earlier grid are left out of the "
                           f"table (e.g. {sorted(others)[0]}).")
    if write:
        _write_text(out_dir / "results.csv", table.to_csv())
        table.files["csv"] = out_dir / "results.csv"
        header = (f"# Sweep of {Path(table.notebook).name}\n\nGrid: "
                  + "; ".join(f"{k} in {v}" for k, v in grid.items())
                  + (f". Set for every run: {_format_assignments(table.fixed)}"
                     if table.fixed else "") + ".\n\n")
        _write_text(out_dir / "results.md", header + table.to_markdown() + "\n")
        table.files["markdown"] = out_dir / "results.md"
        figure = plot_sweep(table, x=x)
        if figure is None:
            table.notes.append("No plot: no ok run has a numeric metric yet.")
        else:
            _save_png(figure, out_dir / "results.png")
            table.files["plot"] = out_dir / "results.png"
    return table


# --- plotting ---------------------------------------------------------------------------


def _save_png(figure, path: Path) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    figure.savefig(temporary, format="png", dpi=100)
    os.replace(temporary, path)


def plot_sweep(table: SweepTable, x: str | None = None):
    """One panel per numeric metric that varies, plus run time: ok runs grouped by ``x``.

    Dots are single runs; the marker and bar are the mean and standard deviation over the
    other grid parameters (e.g. seeds). Returns a matplotlib Figure (no pyplot), or None
    when there is nothing numeric to plot.
    """
    import numpy as np
    from matplotlib.figure import Figure

    x = x or next(iter(table.grid))
    if x not in table.grid:
        raise SweepError(f"x={x!r} is not a grid parameter; choose one of "
                         f"{', '.join(table.grid)}.")
    constant = table.constant_metrics()
    metrics = [name for name in table.numeric_columns() if name not in constant]
    if not metrics:
        return None
    levels = table.grid[x]
    labels = [_format_value(level) for level in levels]
    ncols = min(3, len(metrics))
    nrows = math.ceil(len(metrics) / ncols)
    figure = Figure(figsize=(4.2 * ncols, 3.3 * nrows + 0.9), layout="constrained")
    axes = figure.subplots(nrows, ncols, squeeze=False).ravel()
    ok = [row for row in table.rows if row["status"] == "ok"]
    for axis, metric in zip(axes, metrics, strict=False):
        for position, level in enumerate(levels):
            values = [v for row in ok if row[x] == level
                      for v in [_number(row.get(metric))] if v is not None]
            if not values:
                continue
            jitter = np.linspace(-0.12, 0.12, len(values)) if len(values) > 1 else [0.0]
            axis.scatter(position + np.asarray(jitter), values, s=16, color="0.55", zorder=2)
            axis.errorbar(position, np.mean(values),
                          yerr=np.std(values) if len(values) > 1 else None, fmt="D",
                          color="C3", markersize=7, capsize=6, elinewidth=2, zorder=3)
        better = " (lower is better)" if metric in LOWER_IS_BETTER else ""
        title = "run time (s)" if metric == "run_seconds" else metric
        axis.set_title(title + better)
        axis.set_xticks(range(len(levels)), labels,
                        rotation=20 if max(map(len, labels)) > 8 else 0,
                        ha="right" if max(map(len, labels)) > 8 else "center")
        axis.set_xlim(-0.5, len(levels) - 0.5)
        axis.set_xlabel(x)
        axis.grid(axis="y", alpha=0.3)
    for axis in axes[len(metrics):]:
        axis.remove()
    others = [name for name in table.grid if name != x]
    over = f"over {', '.join(others)}" if others else "(one run per value)"
    failed = len(table.rows) - len(ok)
    figure.suptitle(f"{Path(table.notebook).stem}: metrics by {x} ({len(ok)} ok runs"
                    f"{f', {failed} not ok and not shown' if failed else ''})\n"
                    f"grey dots: single runs; red: mean \u00b1 std {over}", fontsize=11)
    return figure


# --- command line -----------------------------------------------------------------------


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
        prog="python -m ganlib.sweep",
        description="Run a notebook over a grid of papermill parameters; collect the "
                    "metrics.json of every run into one table (CSV, Markdown) and one plot.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="example:\n  python -m ganlib.sweep notebooks/04_dcgan.ipynb --grid "
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
            out_dir = Path(args.out) if args.out else _default_out_dir(Path(args.notebook))
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


if __name__ == "__main__":
    sys.exit(main())
