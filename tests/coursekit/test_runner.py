"""The course runner: the summary, a failing notebook reported, not hidden, each notebook's
stated time checked against the time it took, and the map command."""

import json
import subprocess
import sys

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from coursekit import runner


def _write_notebook(path, code, first_cell="# t"):
    cell = new_code_cell("QUICK = False\nOUTPUT_DIR = '.'")
    cell.metadata["tags"] = ["parameters"]
    nb = new_notebook(cells=[new_markdown_cell(first_cell), cell, new_code_cell(code)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, path)


def test_run_course_reports_success_failure_and_summary(tmp_path, capsys):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    # It sleeps 1.5 s, so its stated time ("under 1 second") is always exceeded.
    _write_notebook(notebooks / "01_ok.ipynb",
                    "import time\nassert QUICK is True\ntime.sleep(1.5)\nprint('fine')",
                    "# 01 · Fine\n\n**Time on a laptop CPU:** under 1 second.")
    _write_notebook(notebooks / "02_broken.ipynb", "raise ValueError('learner-facing error')",
                    "# 02 · Broken\n\n**Time on a laptop CPU:** under 1 second.")
    runs = runner.run_course(tmp_path / "out", quick=True, notebook_dir=notebooks)
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


def test_main_map_command_prints_the_map(capsys):
    assert runner.main(["map"]) == 0
    assert "Train a DCGAN" in capsys.readouterr().out


def test_python_m_coursekit_runs_the_command_line():
    result = subprocess.run([sys.executable, "-m", "coursekit", "map"], capture_output=True,
                            text=True, check=True)
    assert "Train a DCGAN" in result.stdout


@pytest.mark.parametrize("content", ["[]", "{not json", '{"01_ok": {"quick": 12}}', ""])
def test_a_garbage_timings_file_is_started_afresh_with_a_notice(tmp_path, capsys, content):
    """Before: a timings.json holding [] crashed the runner with an AttributeError."""
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    _write_notebook(notebooks / "01_ok.ipynb", "print('fine')",
                    "# 01 · Fine\n\n**Time on a laptop CPU:** under 1 minute.")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "timings.json").write_text(content)
    runs = runner.run_course(tmp_path / "out", quick=True, notebook_dir=notebooks, site=False)
    assert runs[0].status == "ok"
    assert f"NOTICE: {tmp_path / 'out' / 'timings.json'} is not a record of notebook times" \
        in capsys.readouterr().out
    timings = json.loads((tmp_path / "out" / "timings.json").read_text())
    assert list(timings) == ["01_ok"] and timings["01_ok"]["quick"]["status"] == "ok"
    assert not list((tmp_path / "out").glob(".*.tmp"))  # written through a temporary file
