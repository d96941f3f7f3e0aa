"""The course as a whole: its map, and the headless run of every notebook with papermill.

``python -m ganlib.course run [--quick]`` executes each notebook in ``notebooks/`` into
``outputs/notebooks/`` (figures go to ``outputs/<notebook>/``), renders them as a readable
site in ``outputs/site/`` (``ganlib.site``), then prints a one-screen summary of what ran,
how long it took and where the results are. Each notebook's first cell states its "Time on
a laptop CPU"; the summary flags a notebook that took longer here than it says, and
``outputs/timings.json`` keeps the measured seconds of the latest full and quick run.

Used in: notebooks/00_start_here.ipynb and the README's main command.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

__all__ = ["COURSE_MAP", "NotebookRun", "StatedDuration", "StatedTime", "available_notebooks",
           "check_time", "course_map_table", "format_summary", "main", "parse_stated_time",
           "run_course", "run_notebook", "stated_time"]

PROJECT_DIR = Path(__file__).resolve().parent.parent

#: (file stem, title, what it teaches), in the order a learner takes them.
COURSE_MAP = (
    ("00_start_here", "Start here", "course map, environment check, widgets and papermill"),
    ("01_background", "Why GANs", "from vision tasks to generative models; a 1-D GAN"),
    ("02_loss_mathematics", "The loss mathematics",
     "minimax game, optimal discriminator, JSD, vanishing gradients"),
    ("03_gan_playground_2d", "A 2-D GAN playground", "mode collapse and its remedies, live"),
    ("04_dcgan", "Train a DCGAN", "real images, live sample grids, checkpoints, widgets"),
    ("05_stability", "Stability", "failure modes and their fixes on the same budget"),
    ("06_evaluation", "Evaluation", "FID, KID, precision/recall without downloads"),
    ("07_conditional", "Conditional generation", "labelled data on demand"),
    ("08_augmentation", "Augmentation with generated images", "does it help? measured"),
    ("09_pix2pix", "Paired translation (pix2pix)", "edges to images, grey to colour"),
    ("10_cyclegan", "Unpaired translation (CycleGAN)", "cycle consistency"),
    ("11_robustness", "Adversarial robustness", "FGSM, PGD, a GAN-based defence and its limits"),
    ("12_related_models", "Related models", "VAE, self-attention, what came next"),
)


#: "about 6 minutes" may take up to this many times 6 minutes before it is flagged;
#: "under a minute" may not take longer than a minute.
ABOUT_MARGIN = 1.25
_UPPER_BOUNDS = ("under", "less than", "at most", "up to", "within")
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
                 "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "half a": 0.5,
                 "half an": 0.5}
_UNIT_SECONDS = {"s": 1, "sec": 1, "second": 1, "min": 60, "minute": 60, "h": 3600,
                 "hour": 3600}
_DURATION = re.compile(
    r"\b(?:(?P<qualifier>about|around|roughly|under|less than|at most|up to|within)\s+)?"
    r"(?:(?P<number>\d+(?:\.\d+)?)\s*"
    r"|(?P<word>half an?|an?|one|two|three|four|five|six|seven|eight|nine|ten)\s+)"
    r"(?P<unit>seconds?|secs?|s|minutes?|mins?|hours?|h)\b", re.IGNORECASE)
_STATED_MARK = "time on a laptop cpu"


@dataclass(frozen=True)
class StatedDuration:
    """One duration as a notebook states it, e.g. "about 6 minutes" (360 s, about)."""

    phrase: str
    seconds: float
    qualifier: str

    @property
    def limit(self) -> float:
        """The longest measured time that still agrees with the phrase, in seconds."""
        margin = 1.0 if self.qualifier in _UPPER_BOUNDS else ABOUT_MARGIN
        return self.seconds * margin


@dataclass(frozen=True)
class StatedTime:
    """A notebook's stated time with its defaults (``full``) and with ``QUICK = True``."""

    full: StatedDuration
    quick: StatedDuration


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


def _duration(match) -> StatedDuration:
    word = (match["word"] or "").lower()
    number = _NUMBER_WORDS[" ".join(word.split())] if word else float(match["number"])
    unit = match["unit"].lower().rstrip("s") or "s"
    qualifier = (match["qualifier"] or "about").lower()
    phrase = " ".join(match.group(0).split())
    return StatedDuration(phrase, number * _UNIT_SECONDS[unit], qualifier)


def parse_stated_time(markdown: str) -> StatedTime | None:
    """Read "Time on a laptop CPU: about 6 minutes ... With `QUICK = True` ... under a minute".

    The first duration after the mark is the time with the defaults. The quick-setting
    time is the first duration after "QUICK = True"; "the same with `QUICK = True`" or no
    mention of the quick setting means the same time. Returns None when the text has no
    "Time on a laptop CPU" or no duration after it.
    """
    start = markdown.lower().find(_STATED_MARK)
    if start < 0:
        return None
    paragraph = re.split(r"\n\s*\n", markdown[start + len(_STATED_MARK):], maxsplit=1)[0]
    quick_at = paragraph.find("QUICK = True")
    before = paragraph if quick_at < 0 else paragraph[:quick_at]
    full = _DURATION.search(before)
    if full is None:
        return None
    full = _duration(full)
    quick = None
    if quick_at >= 0 and not re.search(r"the same\W+with\W+$", before):
        found = _DURATION.search(paragraph, quick_at)
        quick = _duration(found) if found else None
    return StatedTime(full, quick or full)


def stated_time(notebook_path) -> StatedTime | None:
    """The stated time in the first cell of a notebook file (None if it states none)."""
    import nbformat

    cells = nbformat.read(str(notebook_path), as_version=4).cells
    return parse_stated_time(cells[0].source) if cells else None


def check_time(seconds: float, stated: StatedDuration | None) -> str:
    """An empty string if ``seconds`` agrees with ``stated``, else a one-line reason."""
    if stated is None or seconds <= stated.limit:
        return ""

    def shown(value):  # whole seconds, unless rounding would hide the difference
        return f"{value:.0f}" if round(value) == round(value, 1) else f"{value:.1f}"

    return (f"took {shown(seconds)} s here; its first cell says {stated.phrase} "
            f"(up to {shown(stated.limit)} s)")


def available_notebooks(notebook_dir=None):
    """The notebooks that exist, in course order."""
    notebook_dir = Path(notebook_dir or PROJECT_DIR / "notebooks")
    return sorted(notebook_dir.glob("[0-9][0-9]_*.ipynb"))


def course_map_table(notebook_dir=None) -> str:
    """The course map as a text table, marking which notebooks are available yet."""
    present = {path.stem[:2] for path in available_notebooks(notebook_dir)}
    lines = []
    for stem, title, teaches in COURSE_MAP:
        mark = "ready " if stem[:2] in present else "coming"
        lines.append(f"[{mark}] {stem[:2]}  {title:<36} {teaches}")
    return "\n".join(lines)


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


def _load_timings(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def _estimate(stated: StatedDuration | None, last: dict | None) -> str:
    parts = [f"its first cell says {stated.phrase}"] if stated else []
    if last and last.get("status") == "ok":
        parts.append(f"last run here took {last['seconds']:.0f} s")
    return "; ".join(parts)


def _render_site(output_dir: Path, timings: dict, stems) -> str:
    """Render outputs/site/ for these notebooks; return its index path, or why it failed."""
    from ganlib import site

    notes = {}
    for stem, settings in timings.items():
        setting, last = max(settings.items(), key=lambda item: item[1].get("finished", ""))
        notes[stem] = (f"{last['status']} in {last['seconds']:.0f} s ({setting} setting, "
                       f"{last.get('finished', '?')[:10]})")
    screenshots = output_dir / "browser"
    try:
        result = site.render_site(output_dir / "notebooks", output_dir / "site", notes=notes,
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
    output_dir = Path(output_dir or PROJECT_DIR / "outputs")
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
    timings = _load_timings(timings_path)
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
        timings_path.write_text(json.dumps(timings, indent=1))
    (output_dir / "summary.json").write_text(json.dumps([asdict(r) for r in runs], indent=1))
    # Every notebook that exists (not only those run now), but none whose source is gone.
    stems = [path.stem for path in available_notebooks(notebook_dir)]
    site_line = _render_site(output_dir, timings, stems) if site else "(not rendered)"
    summary = format_summary(runs, output_dir, quick, site_line)
    (output_dir / "summary.txt").write_text(summary + "\n")
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
              "Open the course    : .venv/bin/jupyter lab notebooks/",
              "=" * 72]
    return "\n".join(lines)


def main(argv=None):
    """Command line: ``python -m ganlib.course run [--quick] [--only 04] [--out outputs]``.

    ``--no-site`` skips the site.
    """
    parser = argparse.ArgumentParser(prog="python -m ganlib.course", description=__doc__)
    parser.add_argument("command", choices=["run", "map"])
    parser.add_argument("--quick", action="store_true",
                        help="small, fast setting (QUICK=True in every notebook)")
    parser.add_argument("--only", nargs="*", help="notebook name prefixes, e.g. 00 04")
    parser.add_argument("--out", default=None, help="output folder (default: outputs/)")
    parser.add_argument("--no-site", action="store_true",
                        help="do not render the readable site into <out>/site/")
    args = parser.parse_args(argv)
    if args.command == "map":
        print(course_map_table())
        return 0
    runs = run_course(args.out, quick=args.quick, only=args.only, site=not args.no_site)
    return 0 if all(run.status == "ok" for run in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
