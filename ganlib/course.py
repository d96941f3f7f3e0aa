"""The course as a whole: its map, and the headless run of every notebook with papermill.

``python -m ganlib.course run [--quick]`` executes each notebook in ``notebooks/`` into
``outputs/notebooks/`` (figures go to ``outputs/<notebook>/``), then prints a one-screen
summary of what ran, how long it took and where the results are.

Used in: notebooks/00_start_here.ipynb and the README's main command.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

__all__ = ["COURSE_MAP", "NotebookRun", "available_notebooks", "course_map_table",
           "format_summary", "main", "run_course", "run_notebook"]

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
    ("07_conditional_gan", "Conditional generation", "labelled data on demand"),
    ("08_augmentation", "Augmentation with generated images", "does it help? measured"),
    ("09_pix2pix", "Paired translation (pix2pix)", "edges to images, grey to colour"),
    ("10_cyclegan", "Unpaired translation (CycleGAN)", "cycle consistency"),
    ("11_robustness", "Adversarial robustness", "FGSM, PGD, a GAN-based defence and its limits"),
    ("12_related_models", "Related models", "VAE, self-attention, what came next"),
)


@dataclass
class NotebookRun:
    """What happened when one notebook was executed."""

    notebook: str
    status: str
    seconds: float
    output: str
    error: str = ""


def available_notebooks(notebook_dir=None):
    """The notebooks that exist, in course order."""
    notebook_dir = Path(notebook_dir or PROJECT_DIR / "notebooks")
    return sorted(notebook_dir.glob("[0-9][0-9]_*.ipynb"))


def course_map_table(notebook_dir=None) -> str:
    """The course map as a text table, marking which notebooks are available yet."""
    present = {path.stem for path in available_notebooks(notebook_dir)}
    lines = []
    for stem, title, teaches in COURSE_MAP:
        mark = "ready " if stem in present else "coming"
        lines.append(f"[{mark}] {stem[:2]}  {title:<36} {teaches}")
    return "\n".join(lines)


def run_notebook(path, output_dir, parameters=None, kernel_name="python3") -> NotebookRun:
    """Execute one notebook with papermill; figures go to ``output_dir/<stem>/``."""
    import papermill

    path, output_dir = Path(path), Path(output_dir)
    figure_dir = output_dir / path.stem
    executed = output_dir / "notebooks" / path.name
    executed.parent.mkdir(parents=True, exist_ok=True)
    params = {"OUTPUT_DIR": str(figure_dir.resolve())}
    params.update(parameters or {})
    start = time.perf_counter()
    try:
        papermill.execute_notebook(str(path), str(executed), parameters=params,
                                   kernel_name=kernel_name, cwd=str(path.parent),
                                   progress_bar=False)
    except Exception as exc:  # a failed notebook is reported, and the others still run
        message = str(exc).strip().splitlines()
        return NotebookRun(path.stem, "FAILED", time.perf_counter() - start, str(executed),
                           message[-1] if message else type(exc).__name__)
    return NotebookRun(path.stem, "ok", time.perf_counter() - start, str(executed))


def run_course(output_dir=None, quick=False, only=None, notebook_dir=None):
    """Run every notebook (or those whose name starts with one of ``only``); return the runs."""
    output_dir = Path(output_dir or PROJECT_DIR / "outputs")
    notebooks = available_notebooks(notebook_dir)
    if only:
        notebooks = [nb for nb in notebooks if any(nb.stem.startswith(o) for o in only)]
    if not notebooks:
        raise SystemExit(f"No notebooks matched {only!r} in {notebook_dir or 'notebooks/'}.")
    # TensorFlow's informational start-up lines (level 0) would flood the summary; its
    # warnings and errors still show. Set TF_CPP_MIN_LOG_LEVEL yourself to change this.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "1")
    runs = []
    for path in notebooks:
        print(f"Running {path.name} {'(quick setting)' if quick else ''} ...", flush=True)
        run = run_notebook(path, output_dir, {"QUICK": True} if quick else None)
        print(f"  {run.status} in {run.seconds:.0f} s", flush=True)
        runs.append(run)
    (output_dir / "summary.json").write_text(json.dumps([asdict(r) for r in runs], indent=1))
    summary = format_summary(runs, output_dir, quick)
    (output_dir / "summary.txt").write_text(summary + "\n")
    print(summary)
    return runs


def format_summary(runs, output_dir, quick) -> str:
    """The one-screen summary printed at the end of the main job."""
    total = sum(run.seconds for run in runs)
    failed = [run for run in runs if run.status != "ok"]
    lines = ["", "=" * 72,
             f"GAN course: {len(runs) - len(failed)} of {len(runs)} notebooks ran "
             f"({'quick' if quick else 'full'} setting) in {total / 60:.1f} min",
             "=" * 72]
    for run in runs:
        lines.append(f"  {run.status:<7} {run.seconds:7.0f} s  {run.notebook}")
        if run.error:
            lines.append(f"          {run.error[:120]}")
    lines += ["",
              f"Executed notebooks : {output_dir / 'notebooks'}",
              f"Figures and GIFs   : {output_dir}/<notebook name>/",
              f"This summary       : {output_dir / 'summary.txt'}",
              "Open the course    : .venv/bin/jupyter lab notebooks/",
              "=" * 72]
    return "\n".join(lines)


def main(argv=None):
    """Command line: ``python -m ganlib.course run [--quick] [--only 04] [--out outputs]``."""
    parser = argparse.ArgumentParser(prog="python -m ganlib.course", description=__doc__)
    parser.add_argument("command", choices=["run", "map"])
    parser.add_argument("--quick", action="store_true",
                        help="small, fast setting (QUICK=True in every notebook)")
    parser.add_argument("--only", nargs="*", help="notebook name prefixes, e.g. 00 04")
    parser.add_argument("--out", default=None, help="output folder (default: outputs/)")
    args = parser.parse_args(argv)
    if args.command == "map":
        print(course_map_table())
        return 0
    runs = run_course(args.out, quick=args.quick, only=args.only)
    return 0 if all(run.status == "ok" for run in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
