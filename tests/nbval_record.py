"""A pytest plugin for the nbval runs of ``tests/test_notebooks.py``: it records what every
cell printed, so that one execution of a notebook is both compared by nbval and read by the
headless checks (files written, the dataset line, the exercises' fallback).

At the end of the session the cells run (source, tags and outputs as nbval received them)
are written as a notebook to the path in ``$NBVAL_RECORD``.
"""

import os

import nbformat
import pytest

_cells = []


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    yield
    cell = getattr(item, "cell", None)
    if cell is not None and cell.cell_type == "code":
        outputs = getattr(item, "test_outputs", None)
        if outputs is None:
            raise RuntimeError("nbval kept no test_outputs: the recording plugin needs updating")
        recorded = nbformat.v4.new_code_cell(cell.source, metadata=cell.metadata)
        recorded.outputs = [nbformat.from_dict(output) for output in outputs]
        _cells.append(recorded)


def pytest_sessionfinish(session):
    path = os.environ.get("NBVAL_RECORD")
    if path:
        nbformat.write(nbformat.v4.new_notebook(cells=_cells), path)
