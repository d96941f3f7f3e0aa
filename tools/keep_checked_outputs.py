"""Store in a notebook only the outputs that nbval checks; clear all others.

Usage: python tools/keep_checked_outputs.py notebooks/04_dcgan.ipynb executed.ipynb

``executed.ipynb`` is the same notebook run with papermill (any setting whose checked cells
give the same output). Cells marked ``# NBVAL_CHECK_OUTPUT`` take their outputs from it;
every other cell is cleared, so committed notebooks stay small and reviewable.
"""

import sys

import nbformat

MARK = "NBVAL_CHECK_OUTPUT"


def keep_checked_outputs(source_path, executed_path):
    """Rewrite ``source_path`` in place; return the number of cells that kept outputs."""
    source = nbformat.read(source_path, as_version=4)
    executed = nbformat.read(executed_path, as_version=4)
    executed_by_id = {cell.get("id"): cell for cell in executed.cells}
    kept = 0
    for cell in source.cells:
        if cell.cell_type != "code":
            continue
        cell.execution_count = None
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if MARK in cell.source:
            if cell.get("id") not in executed_by_id:
                raise SystemExit(f"cell {cell.get('id')} is missing from {executed_path}")
            # nbval treats a cell with outputs but no execution count as an error
            cell.execution_count = executed_by_id[cell.get("id")].execution_count
            cell.outputs = executed_by_id[cell.get("id")].get("outputs", [])
            kept += 1
        else:
            cell.outputs = []
    nbformat.write(source, source_path)
    return kept


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    print(f"kept the outputs of {keep_checked_outputs(sys.argv[1], sys.argv[2])} checked cells")
