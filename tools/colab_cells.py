"""Give every notebook its "Open in Colab" badge and its Colab set-up cell (idempotent).

Usage: python tools/colab_cells.py [--check] [NOTEBOOK ...]   (default: notebooks/*.ipynb)

The badge ends the title cell (the first cell); the set-up cell, tagged ``colab-setup``,
comes right before the first code cell. Both are built from the repository address in
``coursekit.course_map`` (``REPOSITORY``, ``BRANCH``). A notebook that already has them gets
them updated in place; nothing else changes. ``--check`` writes nothing and lists the
notebooks that are out of date (exit 1), for the test that keeps them current.

Outside Colab the set-up cell does nothing. On Colab it installs the course from the
repository without its dependencies (Colab's TensorFlow, Keras and ipywidgets stay as they
are), then ``coursekit.install.setup_colab()`` adds what Colab lacks and works in a copy of
the course; the same kernel imports it at once (no restart).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from coursekit.course_map import BRANCH, COLAB_BADGE, REPOSITORY, colab_badge  # noqa: E402

#: The id and tag of the set-up cell.
SETUP_ID = "colab-setup"

SETUP_SOURCE = f'''\
# Colab set-up: on Google Colab, install the course (Colab's own TensorFlow, Keras and
# ipywidgets stay as they are) and work in a copy of it. Anywhere else this does nothing.
import os
import sys

if "google.colab" in sys.modules or "COLAB_RELEASE_TAG" in os.environ:
    import importlib
    import importlib.util
    import subprocess

    if importlib.util.find_spec("ganlib") is None:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps",
                        "ganlib @ git+{REPOSITORY}@{BRANCH}"], check=True)
        importlib.invalidate_caches()
    from coursekit.install import setup_colab

    setup_colab()'''


def _with_badge(title: str, notebook_name: str) -> str:
    """The title cell's text with exactly one badge, for this notebook, at its end."""
    lines = [line for line in title.rstrip().splitlines() if not COLAB_BADGE.fullmatch(line)]
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines) + "\n\n" + colab_badge(notebook_name)


def updated(notebook, notebook_name: str) -> bool:
    """Put the badge and the set-up cell into ``notebook``; True if anything changed."""
    cells = notebook.cells
    before = [(cell.get("id"), cell.source, cell.metadata.get("tags")) for cell in cells]
    cells[0].source = _with_badge(cells[0].source, notebook_name)
    setup = next((cell for cell in cells if cell.get("id") == SETUP_ID
                  or SETUP_ID in cell.metadata.get("tags", [])), None)
    if setup is None:
        setup = nbformat.v4.new_code_cell(SETUP_SOURCE)
        first_code = next(i for i, cell in enumerate(cells) if cell.cell_type == "code")
        cells.insert(first_code, setup)
    setup.id, setup.source, setup.outputs, setup.execution_count = \
        SETUP_ID, SETUP_SOURCE, [], None
    setup.metadata["tags"] = [SETUP_ID]
    return before != [(cell.get("id"), cell.source, cell.metadata.get("tags"))
                      for cell in cells]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if a notebook is out of date")
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((PROJECT_DIR / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    stale = []
    for path in paths:
        notebook = nbformat.read(path, as_version=4)
        if updated(notebook, path.name):
            stale.append(path.name)
            if not args.check:
                nbformat.write(notebook, path)
    if args.check and stale:
        print(f"Out of date (no Colab badge or set-up cell, or an old one): {', '.join(stale)}."
              "\nFix: python tools/colab_cells.py")
        return 1
    print(f"{len(stale)} of {len(paths)} notebook(s) "
          f"{'would change' if args.check else 'updated'}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
