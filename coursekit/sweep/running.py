"""A sweep's runs executed one by one with papermill, each with its status recorded.

Every run gets its folder (``OUTPUT_DIR``), ``params.json`` and ``status.json`` (written
atomically: ``running``, then ``ok``, ``failed`` or ``interrupted``); a run that ends
without ``metrics.json`` counts as failed. Runs that are ok with metrics are skipped, the
others run again; the table and plot are collected at the end, and on Ctrl-C.
"""

from __future__ import annotations

import datetime
import logging
import os
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from coursekit.sweep.collecting import SweepTable, collect
from coursekit.sweep.common import plural
from coursekit.sweep.planning import (
    DEFAULT_MAX_RUNS,
    OUTPUT_PARAMETER,
    Run,
    SweepPlan,
    plan_sweep,
)
from ganlib._files import read_json, write_json_atomically

__all__ = ["SweepResult", "run_sweep"]


def _now() -> str:
    return datetime.datetime.now().isoformat(timespec="seconds")


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
    metrics = read_json(path)
    if not isinstance(metrics, dict):
        return "metrics.json is not a JSON object of name: value pairs"
    return None


def _run_one(plan: SweepPlan, run: Run, kernel_name, timeout) -> dict:
    """Execute one run and record its status; re-raise KeyboardInterrupt once recorded."""
    run.directory.mkdir(parents=True, exist_ok=True)
    write_json_atomically(run.directory / "params.json",
                          {"run_id": run.run_id, "notebook": str(plan.notebook), "grid": run.values,
                           "parameters": {**plan.fixed, **run.values}})
    (run.directory / "metrics.json").unlink(missing_ok=True)  # only this run's metrics count
    status_path = run.directory / "status.json"
    record = {"status": "running", "error": None, "seconds": None, "started": _now(),
              "finished": None, "pid": os.getpid()}
    write_json_atomically(status_path, record)
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
    write_json_atomically(status_path, record)
    if interrupted:
        raise KeyboardInterrupt
    return record


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
    write_json_atomically(plan.out_dir / "sweep.json",
                          {"notebook": str(plan.notebook), "grid": plan.grid, "fixed": plan.fixed,
                           "runs": [{"run_id": run.run_id, "values": run.values}
                                    for run in plan.runs]})
    done = {run.run_id for run in plan.runs if plan.state(run) == "done"}
    total, to_run = len(plan.runs), len(plan.runs) - len(done)
    say(f"Sweep of {plan.notebook.name}: {plural(total, 'run')} into {plan.out_dir}; "
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
                        f"({plural(left, 'run')})" if left else "no runs left")
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
