"""The course runner: the map, the summary, a failing notebook reported, not hidden, and
each notebook's stated time checked against the time it took."""

import json
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from ganlib import course

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"


def _write_notebook(path, code, first_cell="# t"):
    cell = new_code_cell("QUICK = False\nOUTPUT_DIR = '.'")
    cell.metadata["tags"] = ["parameters"]
    nb = new_notebook(cells=[new_markdown_cell(first_cell), cell, new_code_cell(code)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, path)


def test_course_map_marks_available_notebooks(tmp_path):
    _write_notebook(tmp_path / "04_dcgan.ipynb", "x = 1")
    table = course.course_map_table(tmp_path)
    assert "[ready ] 04  Train a DCGAN" in table
    assert "[coming] 05  Stability" in table
    assert len(table.splitlines()) == len(course.COURSE_MAP)


def test_run_course_reports_success_failure_and_summary(tmp_path, capsys):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    # It sleeps 1.5 s, so its stated time ("under 1 second") is always exceeded.
    _write_notebook(notebooks / "01_ok.ipynb",
                    "import time\nassert QUICK is True\ntime.sleep(1.5)\nprint('fine')",
                    "# 01 · Fine\n\n**Time on a laptop CPU:** under 1 second.")
    _write_notebook(notebooks / "02_broken.ipynb", "raise ValueError('learner-facing error')",
                    "# 02 · Broken\n\n**Time on a laptop CPU:** under 1 second.")
    runs = course.run_course(tmp_path / "out", quick=True, notebook_dir=notebooks)
    assert [(r.notebook, r.status) for r in runs] == [("01_ok", "ok"), ("02_broken", "FAILED")]
    assert "learner-facing error" in runs[1].error
    summary = (tmp_path / "out" / "summary.txt").read_text()
    assert "1 of 2 notebooks ran (quick setting)" in summary
    assert "jupyter lab notebooks/" in summary
    assert (tmp_path / "out" / "notebooks" / "01_ok.ipynb").exists()
    assert "FAILED" in capsys.readouterr().out
    # The stated time: flagged for the notebook that ran, not for the one that failed.
    assert runs[0].stated == "under 1 second" and "under 1 second" in runs[0].time_check
    assert runs[1].time_check == ""
    assert "01_ok                     stated: under 1 second  <- SLOWER than stated" in summary
    assert "1 notebook(s) took longer" in summary
    timings = json.loads((tmp_path / "out" / "timings.json").read_text())
    assert timings["01_ok"]["quick"]["seconds"] == round(runs[0].seconds, 1)
    assert timings["02_broken"]["quick"]["status"] == "FAILED"
    # The site: an index that links both executed notebooks.
    index = (tmp_path / "out" / "site" / "index.html").read_text()
    assert 'href="01_ok.html">01 · Fine</a>' in index
    assert 'href="02_broken.html">02 · Broken</a>' in index
    assert f"Readable site      : {tmp_path / 'out' / 'site' / 'index.html'}" in summary


FOUR = "**Time on a laptop CPU with the defaults:** "


@pytest.mark.parametrize(("text", "full", "quick"), [
    (FOUR + "about 6 minutes (5 of them training).\nWith `QUICK = True` the whole notebook "
     "runs in under a minute.", ("about 6 minutes", 360, "about"),
     ("under a minute", 60, "under")),
    (FOUR + "about 30 seconds on 2 cores (two training runs, of about 5 and 15\nseconds). "
     "With `QUICK = True` the whole notebook runs in about 15\nseconds.",
     ("about 30 seconds", 30, "about"), ("about 15 seconds", 15, "about")),
    ("**Time on a laptop CPU:** about 10 seconds (the same with `QUICK = True`).",
     ("about 10 seconds", 10, "about"), ("about 10 seconds", 10, "about")),
    ("**Time on a laptop CPU:** under a minute.\n\nA later paragraph: about 2 hours.",
     ("under a minute", 60, "under"), ("under a minute", 60, "under")),
    ("Time on a laptop CPU: 1.5 h; with QUICK = True, half an hour.",
     ("1.5 h", 5400, "about"), ("half an hour", 1800, "about")),
    ("Time on a laptop CPU: as long as a minimax game takes, about 20 min.",
     ("about 20 min", 1200, "about"), ("about 20 min", 1200, "about")),
])
def test_stated_time_is_read_from_the_first_cell(text, full, quick):
    stated = course.parse_stated_time("# Title\n\nWhat you will see.\n\n" + text)
    assert (stated.full.phrase, stated.full.seconds, stated.full.qualifier) == full
    assert (stated.quick.phrase, stated.quick.seconds, stated.quick.qualifier) == quick


@pytest.mark.parametrize("text", ["# Title\n\nNo time here.",
                                  "**Time on a laptop CPU:** it depends.",
                                  "**Time on a laptop CPU:**\n\nabout 5 minutes"])
def test_no_stated_time_gives_none(text):
    assert course.parse_stated_time(text) is None


@pytest.mark.parametrize(("seconds", "phrase", "flagged"), [
    (449, "about 6 minutes", False),  # "about" allows 25% more: 450 s
    (451, "about 6 minutes", True),
    (59, "under a minute", False),
    (61, "under a minute", True),
    (38.2, "about 30 seconds", True),  # limit 37.5 s: shown with its decimal
])
def test_check_time_flags_only_a_notebook_slower_than_it_says(seconds, phrase, flagged):
    stated = course.parse_stated_time(f"Time on a laptop CPU: {phrase}.").full
    message = course.check_time(seconds, stated)
    assert bool(message) is flagged
    if flagged:
        assert phrase in message and f"took {seconds} s" in message
    if seconds == 38.2:
        assert message.endswith("(up to 37.5 s)")


def test_every_notebook_states_a_time_the_summary_can_check():
    notebooks = sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))
    assert notebooks
    for path in notebooks:
        stated = course.stated_time(path)
        assert stated is not None, f"{path.name}: no 'Time on a laptop CPU: about N minutes'"
        assert stated.quick.seconds <= stated.full.seconds, path.name


def test_main_map_command_prints_the_map(capsys):
    assert course.main(["map"]) == 0
    assert "Train a DCGAN" in capsys.readouterr().out
