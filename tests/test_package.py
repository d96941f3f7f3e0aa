"""Package-wide promises of ganlib and coursekit: no network at import, an explicit public
surface, docstrings, and package docstrings that say what lives where."""

import importlib
import inspect
import pkgutil
import subprocess
import sys

import pytest

import coursekit
import ganlib


def _modules(package):
    """Every module and subpackage of ``package`` whose own name is not private."""
    return sorted(m.name for m in pkgutil.walk_packages(package.__path__, package.__name__ + ".")
                  if not m.name.rpartition(".")[2].startswith("_"))


MODULES = _modules(ganlib) + _modules(coursekit)
PACKAGES = sorted(m.name for m in pkgutil.walk_packages(ganlib.__path__, "ganlib.") if m.ispkg)


def test_every_part_is_found():
    assert {"ganlib.training.gan", "ganlib.ui.training_panel", "ganlib.data.datasets",
            "coursekit.runner", "coursekit.sweep.running"} <= set(MODULES)


def test_importing_every_module_opens_no_connection():
    """Import everything under an audit hook that refuses every socket connection and name
    lookup (Python's audit events see them from C code too)."""
    script = (
        "import importlib, sys\n"
        "def refuse(event, args):\n"
        "    if event in ('socket.connect', 'socket.getaddrinfo', 'socket.gethostbyname'):\n"
        "        raise RuntimeError(f'network used at import time: {event} {args}')\n"
        "sys.addaudithook(refuse)\n"
        f"modules = [importlib.import_module(name) for name in {MODULES!r}]\n"
        "print('imported', len(modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"imported {len(MODULES)}" in result.stdout


@pytest.mark.parametrize("name", MODULES)
def test_module_has_explicit_public_surface_with_docstrings(name):
    module = importlib.import_module(name)
    assert module.__doc__, f"{name} has no docstring"
    assert module.__all__, f"{name} has an empty __all__"
    for public in module.__all__:
        obj = getattr(module, public)  # every listed name exists
        if inspect.isfunction(obj) or inspect.isclass(obj):
            assert obj.__doc__, f"{name}.{public} has no docstring"


@pytest.mark.parametrize("package", PACKAGES)
def test_package_docstring_names_each_of_its_modules(package):
    """The face of a subpackage says what lives where: every module is named in it."""
    module = importlib.import_module(package)
    for child in _modules(module):
        short = child.rpartition(".")[2]
        assert f"``{short}``" in module.__doc__, f"{package}'s docstring does not name {short}"


def test_the_top_level_lists_every_part_in_its_docstring():
    parts = {m.name for m in pkgutil.iter_modules(ganlib.__path__) if not m.name.startswith("_")}
    assert set(ganlib.PARTS) == parts
    for part in ganlib.PARTS:
        assert f"ganlib.{part}" in ganlib.__doc__
        assert importlib.import_module(f"ganlib.{part}") is getattr(ganlib, part)
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        ganlib.nope  # noqa: B018
