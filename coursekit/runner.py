"""The course as a whole: its map, a copy of it, and the headless run of every notebook.

``python -m coursekit get FOLDER`` copies the course out of an installed package into
``FOLDER/notebooks/`` (``coursekit.course_folder``); run the rest from that folder (or a clone).
``python -m coursekit run [--quick]`` executes each notebook in ``notebooks/`` (papermill) into
``outputs/notebooks/`` (figures go to ``outputs/<notebook>/``), renders them as a readable
site in ``outputs/site/`` (``coursekit.site``), then prints a one-screen summary of what ran,
how long it took and where the results are. Each notebook's first cell states its "Time on
a laptop CPU"; the summary flags a notebook that took longer here than it says, and
``outputs/timings.json`` keeps the measured seconds of the latest full and quick run.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from coursekit.course_folder import course_dir, get_course
from coursekit.course_map import available_notebooks, course_map_table
from coursekit.site import render_site
from coursekit.stated_time import StatedDuration, check_time, stated_time
from ganlib._files import read_json, write_json_atomically, write_text_atomically

__all__ = ["NotebookRun", "format_summary", "main", "run_course", "run_notebook"]


@dataclass
class NotebookRun:
    """What happened when one notebook was executed, and how long it says it takes."""

    notebook: str
    status: str
    seconds: float
    output: str
    error: str = ""
    stated: str = ""
    time_check: str = ""


def run_notebook(path, output_dir, parameters=None, kernel_name="python3",
                 progress=None) -> NotebookRun:
    """Execute one notebook with papermill; figures go to ``output_dir/<stem>/``.

    ``progress`` (a label) shows a bar of executed cells with the elapsed time.
    """
    import papermill

    path, output_dir = Path(path), Path(output_dir)
    figure_dir = output_dir / path.stem
    executed = output_dir / "notebooks" / path.name
    executed.parent.mkdir(parents=True, exist_ok=True)
    params = {"OUTPUT_DIR": str(figure_dir.resolve())}
    params.update(parameters or {})
    start = time.perf_counter()
    try:
        bar = {"desc": progress, "bar_format": "{desc} |{bar:20}| {n_fmt}/{total_fmt} "
               "cells, {elapsed} so far"} if progress else False
        papermill.execute_notebook(str(path), str(executed), parameters=params,
                                   kernel_name=kernel_name, cwd=str(path.parent),
                                   progress_bar=bar)
    except Exception as exc:  # a failed notebook is reported, and the others still run
        message = str(exc).strip().splitlines()
        return NotebookRun(path.stem, "FAILED", time.perf_counter() - start, str(executed),
                           message[-1] if message else type(exc).__name__)
    return NotebookRun(path.stem, "ok", time.perf_counter() - start, str(executed))


def _estimate(stated: StatedDuration | None, last: dict | None) -> str:
    parts = [f"its first cell says {stated.phrase}"] if stated else []
    if last and last.get("status") == "ok":
        parts.append(f"last run here took {last['seconds']:.0f} s")
    return "; ".join(parts)


def _is_timings(content) -> bool:
    """True for {notebook: {setting: {"seconds": number, "status": text, ...}}}."""
    return isinstance(content, dict) and all(
        isinstance(settings, dict) and all(
            isinstance(run, dict) and isinstance(run.get("seconds"), (int, float))
            and isinstance(run.get("status"), str) for run in settings.values())
        for settings in content.values())


def _render_site(output_dir: Path, timings: dict, stems) -> str:
    """Render outputs/site/ for these notebooks; return its index path, or why it failed."""
    notes = {}
    for stem, settings in timings.items():
        setting, last = max(settings.items(), key=lambda item: item[1].get("finished", ""))
        notes[stem] = (f"{last['status']} in {last['seconds']:.0f} s ({setting} setting, "
                       f"{last.get('finished', '?')[:10]})")
    screenshots = output_dir / "browser"
    try:
        result = render_site(output_dir / "notebooks", output_dir / "site", notes=notes,
                             screenshot_dir=screenshots if screenshots.is_dir() else None,
                             include=set(stems))
    except Exception as exc:  # the notebooks ran; a broken page must not hide that
        return f"FAILED ({type(exc).__name__}: {str(exc)[:200]})"
    return str(result.index)


def run_course(output_dir=None, quick=False, only=None, notebook_dir=None, site=True,
               parameters=None):
    """Run every notebook (or those whose name starts with one of ``only``); return the runs.

    ``parameters`` are passed to every notebook (after ``QUICK``). Also renders the site
    (``site=False`` skips it) and updates ``timings.json``.
    """
    if output_dir is None or notebook_dir is None:
        course = course_dir()
        output_dir = Path(output_dir or course / "outputs")
        notebook_dir = notebook_dir or course / "notebooks"
    output_dir = Path(output_dir)
    notebooks = available_notebooks(notebook_dir)
    if only:
        notebooks = [nb for nb in notebooks if any(nb.stem.startswith(o) for o in only)]
    if not notebooks:
        raise SystemExit(f"No notebooks matched {only!r} in {notebook_dir or 'notebooks/'}.")
    # TensorFlow's informational start-up lines (level 0) would flood the summary; its
    # warnings and errors still show. Set TF_CPP_MIN_LOG_LEVEL yourself to change this.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "1")
    setting = "quick" if quick else "full"
    timings_path = output_dir / "timings.json"
    timings = read_json(timings_path, default={} if not timings_path.exists() else None)
    if not _is_timings(timings):
        print(f"NOTICE: {timings_path} is not a record of notebook times; it is started "
              "afresh (the earlier times are lost, the notebooks are not affected).",
              flush=True)
        timings = {}
    runs = []
    for path in notebooks:
        stated = stated_time(path)
        duration = None if stated is None else (stated.quick if quick else stated.full)
        estimate = _estimate(duration, timings.get(path.stem, {}).get(setting))
        print(f"Running {path.name} ({setting} setting{'; ' + estimate if estimate else ''})"
              " ...", flush=True)
        progress = f"  {path.stem}" if sys.stderr.isatty() else None
        run = run_notebook(path, output_dir, {**({"QUICK": True} if quick else {}),
                                              **(parameters or {})}, progress=progress)
        run.stated = duration.phrase if duration else "(no time stated)"
        run.time_check = check_time(run.seconds, duration) if run.status == "ok" else ""
        print(f"  {run.status} in {run.seconds:.0f} s", flush=True)
        runs.append(run)
        timings.setdefault(path.stem, {})[setting] = {
            "seconds": round(run.seconds, 1), "status": run.status,
            "stated": run.stated, "finished": datetime.datetime.now().isoformat(
                timespec="seconds"), "cpu_count": os.cpu_count()}
        output_dir.mkdir(parents=True, exist_ok=True)
        write_json_atomically(timings_path, timings)
    write_json_atomically(output_dir / "summary.json", [asdict(r) for r in runs])
    # Every notebook that exists (not only those run now), but none whose source is gone.
    stems = [path.stem for path in available_notebooks(notebook_dir)]
    site_line = _render_site(output_dir, timings, stems) if site else "(not rendered)"
    summary = format_summary(runs, output_dir, quick, site_line)
    write_text_atomically(output_dir / "summary.txt", summary + "\n")
    print(summary)
    return runs


def format_summary(runs, output_dir, quick, site_line=None) -> str:
    """The one-screen summary printed at the end of the main job."""
    total = sum(run.seconds for run in runs)
    failed = [run for run in runs if run.status != "ok"]
    slow = [run for run in runs if run.time_check]
    lines = ["", "=" * 72,
             f"GAN course: {len(runs) - len(failed)} of {len(runs)} notebooks ran "
             f"({'quick' if quick else 'full'} setting) in {total / 60:.1f} min",
             "=" * 72]
    for run in runs:
        stated = f"  stated: {run.stated}" if run.stated else ""
        flag = "  <- SLOWER than stated" if run.time_check else ""
        lines.append(f"  {run.status:<7} {run.seconds:7.0f} s  {run.notebook:<24}{stated}{flag}")
        if run.error:
            lines.append(f"          {run.error[:120]}")
    if slow:
        lines += ["", f"{len(slow)} notebook(s) took longer on this machine ({os.cpu_count()} "
                  "CPU cores) than the time in their first cell:"]
        lines += [f"  {run.notebook}: {run.time_check}" for run in slow]
        lines.append("  Fix: update \"Time on a laptop CPU\" in that cell, or find the slowdown "
                     "(was the machine busy?).")
    lines += ["",
              f"Executed notebooks : {output_dir / 'notebooks'}",
              f"Figures and GIFs   : {output_dir}/<notebook name>/"]
    if site_line is not None:
        lines.append(f"Readable site      : {site_line}")
    lines += [f"Measured times     : {output_dir / 'timings.json'}",
              f"This summary       : {output_dir / 'summary.txt'}",
              "Open the course    : jupyter lab notebooks/   (in a clone: bash course.sh lab)",
              "=" * 72]
    return "\n".join(lines)


def main(argv=None):
    """Command line: ``python -m coursekit run [--quick] [--only 04] [--out outputs]``.

    ``--no-site`` skips the site; ``get FOLDER`` copies the course, ``map`` shows its map.
    """
    parser = argparse.ArgumentParser(prog="python -m coursekit", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["run", "map", "get"])
    parser.add_argument("folder", nargs="?",
                        help="get: the folder to copy the course into, e.g. ~/gan-course")
    parser.add_argument("--quick", action="store_true",
                        help="small, fast setting (QUICK=True in every notebook)")
    parser.add_argument("--only", nargs="*", help="notebook name prefixes, e.g. 00 04")
    parser.add_argument("--out", default=None, help="output folder (default: outputs/)")
    parser.add_argument("--no-site", action="store_true",
                        help="do not render the readable site into <out>/site/")
    args = parser.parse_args(argv)
    if (args.command == "get") != (args.folder is not None):
        parser.error("a folder goes with get only: python -m coursekit get ~/gan-course")
    if args.command == "map":
        print(course_map_table())
        return 0
    try:
        if args.command == "get":
            get_course(args.folder)
            return 0
        runs = run_course(args.out, quick=args.quick, only=args.only, site=not args.no_site)
    except OSError as error:  # no course folder here, or one that cannot be written
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0 if all(run.status == "ok" for run in runs) else 1
