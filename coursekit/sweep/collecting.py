"""The runs of a sweep folder read into one table, written as CSV, Markdown and a plot."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from coursekit.sweep.common import SweepError, finite_number, format_assignments, plural
from coursekit.sweep.plotting import plot_sweep, save_png
from coursekit.sweep.status import effective_status
from ganlib import viz
from ganlib._files import read_json, write_text_atomically

__all__ = ["SweepTable", "collect"]

_RESERVED_COLUMNS = ("run", "status", "run_seconds", "error")


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
                if any(finite_number(row.get(name)) is not None for row in ok)]

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
            lines[:0] = [f"Same result in every ok run: {format_assignments(constant)}", ""]
        return "\n".join(lines)

    def summary(self) -> str:
        """Counts by status and where the files are."""
        counts = {}
        for row in self.rows:
            counts[row["status"]] = counts.get(row["status"], 0) + 1
        counted = ", ".join(f"{n} {s}" for s, n in counts.items())
        lines = [f"{plural(len(self.rows), 'run')}: {counted}", *self.notes]
        lines += [f"{kind}: {path}" for kind, path in self.files.items()]
        return "\n".join(lines)


def collect(out_dir, x: str | None = None, write: bool = True) -> SweepTable:
    """Read a sweep folder into a table; with ``write``, save results.csv, .md and .png.

    Runs of the latest grid (``sweep.json``) are listed, those not started as ``pending``.
    ``x`` is the grid parameter the plot groups by (default the first).
    """
    out_dir = Path(out_dir)
    sweep = read_json(out_dir / "sweep.json")
    if not isinstance(sweep, dict):
        raise SweepError(f"{out_dir} has no readable sweep.json, so it is not a sweep folder; "
                         "run python -m coursekit.sweep NOTEBOOK --grid NAME=V1,V2 first.")
    grid = sweep["grid"]
    if x is not None and x not in grid:
        raise SweepError(f"--x {x!r} is not a grid parameter; choose one of {', '.join(grid)}.")
    rows, metric_names, nested = [], [], set()
    reserved = set(_RESERVED_COLUMNS) | set(grid)
    for entry in sweep["runs"]:
        run_dir = out_dir / entry["run_id"]
        status = read_json(run_dir / "status.json") or {}
        state = effective_status(status) if status else "pending"
        row = {"run": entry["run_id"], **entry["values"], "status": state,
               "run_seconds": status.get("seconds"), "error": status.get("error")}
        metrics = read_json(run_dir / "metrics.json") if state == "ok" else None
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
        write_text_atomically(out_dir / "results.csv", table.to_csv())
        table.files["csv"] = out_dir / "results.csv"
        header = (f"# Sweep of {Path(table.notebook).name}\n\nGrid: "
                  + "; ".join(f"{k} in {v}" for k, v in grid.items())
                  + (f". Set for every run: {format_assignments(table.fixed)}"
                     if table.fixed else "") + ".\n\n")
        write_text_atomically(out_dir / "results.md", header + table.to_markdown() + "\n")
        table.files["markdown"] = out_dir / "results.md"
        figure = plot_sweep(table, x=x)
        if figure is None:
            table.notes.append("No plot: no ok run has a numeric metric yet.")
        else:
            save_png(figure, out_dir / "results.png")
            table.files["plot"] = out_dir / "results.png"
    return table
