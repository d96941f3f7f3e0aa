"""The Chinese way into the course stays true to the notebooks.

Every notebook has one Chinese summary cell, right after its title, that states the same
time as the title cell.
"""

import re
from pathlib import Path

import nbformat
import pytest

from coursekit.chinese import ZH_HEADING, zh_cells, zh_summary, zh_time_line
from coursekit.stated_time import parse_stated_time

PROJECT_DIR = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((PROJECT_DIR / "notebooks").glob("[0-9][0-9]_*.ipynb"))
#: Chinese characters (the CJK Unified Ideographs block).
CJK = re.compile(r"[\u4e00-\u9fff]")


def _chinese_characters(text):
    return len(CJK.findall(text))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_has_one_chinese_summary_after_its_title(notebook):
    cells = nbformat.read(notebook, as_version=4).cells
    tagged = zh_cells({"cells": cells})
    assert len(tagged) == 1, f"{notebook.name} has {len(tagged)} cells tagged zh, not one"
    assert cells[1] is tagged[0], f"{notebook.name}: the zh cell is not right after the title"
    cell = cells[1]
    assert cell.cell_type == "markdown" and cell.source.startswith(ZH_HEADING)
    assert _chinese_characters(cell.source) > 100, "the summary is not written in Chinese"
    summary = zh_summary({"cells": cells})
    assert summary.title and _chinese_characters(summary.title) > 0


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_chinese_summary_states_the_time_of_the_title_cell(notebook):
    cells = nbformat.read(notebook, as_version=4).cells
    stated = parse_stated_time(cells[0].source)
    line = zh_time_line(stated)
    assert line in cells[1].source.splitlines(), (
        f"{notebook.name}: the zh cell must state the title cell's time as the line "
        f"{line!r} (run the script that writes the zh cells again)")
