"""Where the course lives: a clone of its repository, or a folder copied out of the package.

A course folder holds ``notebooks/`` (and gets ``outputs/`` when it runs). In a clone it is
the clone itself; after ``pip install`` of the package, ``python -m coursekit get FOLDER``
copies the notebooks that ship inside the package (``coursekit/notebooks/``) into a folder
of the learner's choice, and the runner works from there.
"""

from __future__ import annotations

import shutil
from pathlib import Path

__all__ = ["CLONE_DIR", "SHIPPED_NOTEBOOKS", "CourseNotFoundError", "course_dir", "find_course_dir",
           "get_course", "notebook_dir"]

_PACKAGE_DIR = Path(__file__).resolve().parent

#: The clone this package is part of (``pyproject.toml`` and ``notebooks/`` beside the
#: package), or None for an installed package.
CLONE_DIR = (_PACKAGE_DIR.parent if (_PACKAGE_DIR.parent / "pyproject.toml").is_file()
             and (_PACKAGE_DIR.parent / "notebooks").is_dir() else None)

#: The course's notebooks as they ship: the clone's ``notebooks/``, or the copy inside an
#: installed package.
SHIPPED_NOTEBOOKS = CLONE_DIR / "notebooks" if CLONE_DIR else _PACKAGE_DIR / "notebooks"

_NOTEBOOK_PATTERN = "[0-9][0-9]_*.ipynb"


class CourseNotFoundError(FileNotFoundError):
    """Raised when there is no course folder here, with the command that makes one."""


def _holds_course(folder: Path) -> bool:
    return any((folder / "notebooks").glob(_NOTEBOOK_PATTERN))


def find_course_dir(start=None) -> Path | None:
    """The course folder: ``start`` (default: the current folder) or its parent if it holds
    ``notebooks/NN_*.ipynb``, else the clone this package belongs to, else None."""
    start = Path(start or Path.cwd()).resolve()
    for folder in (start, start.parent):
        if _holds_course(folder):
            return folder
    return CLONE_DIR


def course_dir(start=None) -> Path:
    """``find_course_dir(start)``, or a ``CourseNotFoundError`` that says how to get one."""
    folder = find_course_dir(start)
    if folder is None:
        here = Path(start or Path.cwd()).resolve()
        raise CourseNotFoundError(
            f"No course here: {here} has no notebooks/ folder with the course's notebooks. "
            "Copy the course into a folder of your choice first, then run it from there:\n"
            "    python -m coursekit get ~/gan-course\n"
            "    cd ~/gan-course && python -m coursekit run")
    return folder


def notebook_dir(start=None) -> Path:
    """The notebooks of the course folder, or the shipped ones when there is none."""
    folder = find_course_dir(start)
    return folder / "notebooks" if folder else SHIPPED_NOTEBOOKS


def get_course(destination, source=None) -> list[Path]:
    """Copy the shipped notebooks into ``destination/notebooks/``; return the files copied.

    A notebook already there is kept as it is (it may hold the learner's work), and named
    in the message printed; delete it to get a fresh copy.
    """
    destination = Path(destination).expanduser()
    source = Path(source or SHIPPED_NOTEBOOKS)
    notebooks = sorted(source.glob(_NOTEBOOK_PATTERN))
    if not notebooks:
        raise CourseNotFoundError(f"No notebooks in {source}: this installation of the course "
                                  "is incomplete; reinstall the package.")
    target = destination / "notebooks"
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OSError(f"Cannot create {target} ({(error.strerror or str(error)).lower()}); "
                      "choose a folder you can write to, e.g. ~/gan-course.") from None
    copied, kept = [], []
    for notebook in notebooks:
        if (target / notebook.name).exists():
            kept.append(notebook.name)
        else:
            copied.append(Path(shutil.copyfile(notebook, target / notebook.name)))
    print(f"Copied {len(copied)} notebook(s) into {target}.")
    if kept:
        print(f"Kept {len(kept)} notebook(s) already there (delete one to get a fresh copy): "
              + ", ".join(kept))
    print(f"Next: cd {destination} && jupyter lab notebooks/   (or: python -m coursekit run)")
    return copied
