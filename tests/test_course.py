"""The course runner: the map, the summary, and a failing notebook reported, not hidden."""

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from ganlib import course


def _write_notebook(path, code):
    cell = new_code_cell("QUICK = False\nOUTPUT_DIR = '.'")
    cell.metadata["tags"] = ["parameters"]
    nb = new_notebook(cells=[new_markdown_cell("# t"), cell, new_code_cell(code)])
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
    _write_notebook(notebooks / "01_ok.ipynb", "assert QUICK is True\nprint('fine')")
    _write_notebook(notebooks / "02_broken.ipynb", "raise ValueError('learner-facing error')")
    runs = course.run_course(tmp_path / "out", quick=True, notebook_dir=notebooks)
    assert [(r.notebook, r.status) for r in runs] == [("01_ok", "ok"), ("02_broken", "FAILED")]
    assert "learner-facing error" in runs[1].error
    summary = (tmp_path / "out" / "summary.txt").read_text()
    assert "1 of 2 notebooks ran (quick setting)" in summary
    assert "jupyter lab notebooks/" in summary
    assert (tmp_path / "out" / "notebooks" / "01_ok.ipynb").exists()
    assert "FAILED" in capsys.readouterr().out


def test_main_map_command_prints_the_map(capsys):
    assert course.main(["map"]) == 0
    assert "Train a DCGAN" in capsys.readouterr().out
