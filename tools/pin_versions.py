"""Write constraints.txt: the exact version of every package installed in this environment.

Run it after a fresh install without constraints, once the tests pass with those versions:

    python3 -m venv /tmp/fresh && /tmp/fresh/bin/pip install -e ".[test]"
    /tmp/fresh/bin/python tools/pin_versions.py        # rewrites constraints.txt

A pin whose release refuses one of the supported Pythons (its Requires-Python) carries that
condition as a marker, so that Python gets the newest release it accepts instead. TensorFlow
is pinned under both of its names (``tensorflow`` and ``tensorflow-cpu``), as each platform
installs one of them (pyproject.toml). ``--check`` only says whether the file is up to date.
"""

from __future__ import annotations

import argparse
import re
import sys
from importlib import metadata
from pathlib import Path

from packaging.specifiers import SpecifierSet

PROJECT_DIR = Path(__file__).resolve().parent.parent
CONSTRAINTS = PROJECT_DIR / "constraints.txt"
#: The Pythons the course supports (course.sh and pyproject.toml's requires-python).
SUPPORTED_PYTHONS = ("3.10.0", "3.11.0", "3.12.0", "3.13.0")
#: Not pinned: the project itself and the installers.
UNPINNED = {"ganlib", "pip", "setuptools", "wheel"}
TENSORFLOW_NAMES = ("tensorflow", "tensorflow-cpu")

HEADER = """\
# The exact versions the course was tested with (Python 3.11, Linux x86_64). Written by
# tools/pin_versions.py; bash course.sh and the README's commands install with them:
#   pip install -c constraints.txt -e ".[test]"
# Bounds that any version must meet are in pyproject.toml.
"""


def normalise(name: str) -> str:
    """A distribution's name as pip compares it: ``Jinja2`` and ``jinja2`` are one."""
    return re.sub(r"[-_.]+", "-", name).lower()


def python_marker(requires_python: str | None) -> str:
    """``; python_full_version ...`` when the release refuses a supported Python, else ""."""
    if not requires_python:
        return ""
    specifiers = SpecifierSet(requires_python)
    if all(specifiers.contains(version) for version in SUPPORTED_PYTHONS):
        return ""
    return "; " + " and ".join(f'python_full_version {s.operator} "{s.version}"'
                               for s in sorted(specifiers, key=str))


def pins() -> list[str]:
    """One ``name==version[; marker]`` line per installed distribution, sorted by name."""
    found = {}
    for dist in metadata.distributions():
        name = normalise(dist.metadata["Name"])
        if name not in UNPINNED:
            found[name] = (dist.version, python_marker(dist.metadata["Requires-Python"]))
    for name, twin in (TENSORFLOW_NAMES, TENSORFLOW_NAMES[::-1]):
        if name in found:
            found.setdefault(twin, found[name])
    return [f"{name}=={version}{marker}" for name, (version, marker) in sorted(found.items())]


def render() -> str:
    return HEADER + "\n".join(pins()) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if constraints.txt differs from this environment")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        same = CONSTRAINTS.read_text(encoding="utf-8") == text
        print(f"{CONSTRAINTS.name} is {'up to date' if same else 'out of date'}.")
        return 0 if same else 1
    CONSTRAINTS.write_text(text, encoding="utf-8")
    print(f"Wrote {len(text.splitlines()) - HEADER.count(chr(10))} pins to {CONSTRAINTS}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
