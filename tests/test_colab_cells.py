"""tools/colab_cells.py: every notebook has its "Open in Colab" badge and its set-up cell,
the script only adds or updates them, and the cell does nothing outside Colab."""

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from coursekit import install
from coursekit.course_map import colab_badge


@pytest.fixture(scope="module")
def tool(tool_module):
    return tool_module("colab_cells")


def test_every_notebook_has_its_colab_badge_and_set_up_cell(tool, capsys):
    assert tool.main(["--check"]) == 0, capsys.readouterr().out


def test_the_set_up_cell_does_nothing_outside_colab(tool, monkeypatch, tmp_path):
    def refuse(*args, **kwargs):
        pytest.fail(f"the set-up cell ran {args} outside Colab")

    monkeypatch.delenv("COLAB_RELEASE_TAG", raising=False)
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    monkeypatch.setattr(subprocess, "run", refuse)
    monkeypatch.setattr(install, "setup_colab", refuse)
    monkeypatch.chdir(tmp_path)
    exec(compile(tool.SETUP_SOURCE, "colab-setup", "exec"), {})
    assert Path.cwd() == tmp_path and list(tmp_path.iterdir()) == []


def _notebook():
    return new_notebook(cells=[
        new_markdown_cell("# 99 · A notebook\n\n**Time on a laptop CPU:** a minute."),
        new_markdown_cell("## Setup"),
        new_code_cell("import numpy"),
        new_code_cell("QUICK = False", metadata={"tags": ["parameters"]}),
    ])


def test_the_badge_ends_the_title_and_the_cell_comes_before_the_first_code(tool, tmp_path):
    path = tmp_path / "99_example.ipynb"
    nbformat.write(_notebook(), path)
    assert tool.main([str(path), "--check"]) == 1
    assert tool.main([str(path)]) == 0
    cells = nbformat.read(path, as_version=4).cells
    assert cells[0].source == ("# 99 · A notebook\n\n**Time on a laptop CPU:** a minute.\n\n"
                               + colab_badge("99_example.ipynb"))
    assert [cell.get("id") for cell in cells][2] == "colab-setup"
    assert cells[2].source == tool.SETUP_SOURCE and cells[2].metadata.tags == ["colab-setup"]
    assert [cell.source for cell in cells[3:]] == ["import numpy", "QUICK = False"]
    assert tool.main([str(path), "--check"]) == 0  # a second run changes nothing


def test_an_old_badge_and_cell_are_updated_in_place(tool):
    notebook = _notebook()
    tool.updated(notebook, "99_example.ipynb")
    old = "https://github.com/someone/old-course"
    notebook.cells[0].source = notebook.cells[0].source.replace(
        "gan-course/gan-course", "someone/old-course") + "\n"
    setup = notebook.cells.pop(2)
    setup.source = setup.source.replace("https://github.com/gan-course/gan-course", old)
    notebook.cells.append(setup)  # moved to the end by hand: it stays there
    assert tool.updated(notebook, "99_example.ipynb")
    assert notebook.cells[0].source.endswith(colab_badge("99_example.ipynb"))
    assert notebook.cells[0].source.count("Open in Colab") == 1
    assert notebook.cells[-1].source == tool.SETUP_SOURCE
    assert len(notebook.cells) == 5 and not tool.updated(notebook, "99_example.ipynb")
    assert os.path.basename(old) not in notebook.cells[-1].source
