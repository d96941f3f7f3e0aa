"""The course's packages for this machine, and the set-up of a Colab runtime.

``python -m coursekit.install [--gpu] [--extra test]`` prints the requirements of the
installed ganlib that apply here (their markers evaluated), with TensorFlow's CUDA build
(``tensorflow[and-cuda]``) in place of the CPU one for ``--gpu``: ``bash course.sh``
installs them with ``constraints.txt``, so that two TensorFlow packages never meet.

``setup_colab()`` is what the set-up cell of every notebook calls on Colab once the package
is there (``tools/colab_cells.py`` writes that cell): it adds only the packages Colab lacks,
never changing one it has (its TensorFlow, Keras and ipywidgets above all).
"""

from __future__ import annotations

import argparse
import importlib
import os
import re
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

try:
    from packaging.requirements import Requirement
    from packaging.version import InvalidVersion, Version
except ImportError:  # a fresh environment, before its packages: pip's own copy
    from pip._vendor.packaging.requirements import Requirement
    from pip._vendor.packaging.version import InvalidVersion, Version

from coursekit.course_folder import find_course_dir, get_course

__all__ = ["COLAB_SKIPS", "TENSORFLOW_NAMES", "main", "missing_requirements",
           "requirements", "setup_colab"]

#: The names TensorFlow is published under; an environment must hold one of them only.
TENSORFLOW_NAMES = ("tensorflow", "tensorflow-cpu")

#: Requirements the set-up on Colab leaves alone: Colab's own TensorFlow, Keras and
#: ipywidgets (7.7.1, the version its page renders), its kernel, and what the notebooks do
#: not need there (the JupyterLab front end, the headless runner, the TensorBoard viewer).
COLAB_SKIPS = (*TENSORFLOW_NAMES, "keras", "ipywidgets", "ipykernel", "jupyterlab",
               "papermill", "tensorboard")


def _name(text: str) -> str:
    """A distribution's name as pip compares it: ``Jinja2`` and ``jinja2`` are one."""
    return re.sub(r"[-_.]+", "-", text).lower()


def requirements(extras=(), gpu: bool = False, distribution: str = "ganlib") -> list[str]:
    """The requirement lines of ``distribution`` that apply on this machine, with ``extras``.

    ``gpu`` puts ``tensorflow[and-cuda]`` (same bounds) in place of the TensorFlow line.
    """
    lines = []
    for text in metadata.requires(distribution) or []:
        requirement = Requirement(text)
        if requirement.marker is not None and not any(
                requirement.marker.evaluate({"extra": extra}) for extra in ("", *extras)):
            continue
        name, wanted = requirement.name, sorted(requirement.extras)
        if gpu and _name(name) in TENSORFLOW_NAMES:
            name, wanted = "tensorflow", ["and-cuda"]
        line = f"{name}{'[' + ','.join(wanted) + ']' if wanted else ''}{requirement.specifier}"
        if line not in lines:
            lines.append(line)
    return lines


def _installed(name: str) -> bool:
    try:
        metadata.version(name)
    except metadata.PackageNotFoundError:
        return False
    return True


def missing_requirements(skip=COLAB_SKIPS) -> list[str]:
    """The requirements of ganlib that are not installed at all, except those in ``skip``."""
    return [line for line in requirements()
            if _name(Requirement(line).name) not in skip
            and not _installed(Requirement(line).name)]


def _pins() -> str:
    """``name==version`` of every installed distribution: pip may add, never change one."""
    pins = {}
    for dist in metadata.distributions():  # in import order: the first of a name is used
        try:
            pins.setdefault(_name(dist.metadata["Name"]), Version(dist.version))
        except (InvalidVersion, TypeError):  # a name or version pip could not compare
            continue
    return "".join(f"{name}=={version}\n" for name, version in sorted(pins.items()))


def setup_colab(folder="gan-course") -> Path:
    """Set up a Colab runtime for the course, once ganlib is installed; return the folder.

    Installs the requirements Colab lacks (``missing_requirements``) with every installed
    package pinned to its version, then copies the course into ``folder`` (unless the
    current folder is already in a course) and makes its ``notebooks/`` the working folder,
    so that the notebooks' outputs go to ``<folder>/outputs/`` as in a clone.
    """
    missing = missing_requirements()
    if missing:
        print("Adding what Colab lacks:", ", ".join(missing), flush=True)
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as pins:
            pins.write(_pins())
        try:
            subprocess.run([sys.executable, "-m", "pip", "install", "-q", "-c", pins.name,
                            *missing], check=True)
        finally:
            os.unlink(pins.name)
        importlib.invalidate_caches()
    kept = [f"{name} {metadata.version(name)}" for name in ("tensorflow", "keras", "ipywidgets")
            if _installed(name)]
    if kept:
        print("Kept Colab's own", ", ".join(kept) + ".")
    course = find_course_dir()
    if course is None:
        course = Path(folder).resolve()
        get_course(course)
    os.chdir(course / "notebooks")
    print(f"Working folder: {course / 'notebooks'} (outputs go to {course / 'outputs'}).")
    return course


def main(argv=None) -> int:
    """Command line: print the requirement lines for this machine (see the module's doc)."""
    parser = argparse.ArgumentParser(prog="python -m coursekit.install",
                                     description=__doc__.split("\n\n")[1])
    parser.add_argument("--gpu", action="store_true",
                        help="TensorFlow's CUDA build in place of the CPU one")
    parser.add_argument("--extra", action="append", default=[],
                        help="an extra of the package too, e.g. test")
    args = parser.parse_args(argv)
    print("\n".join(requirements(args.extra, gpu=args.gpu)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
