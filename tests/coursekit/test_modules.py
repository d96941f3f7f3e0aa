"""The promises ganlib's modules keep hold for coursekit's too: no network at import, an
explicit public surface, docstrings that say where each module is used."""

import importlib
import inspect
import pkgutil
import subprocess
import sys

import pytest

import coursekit

MODULES = sorted(m.name for m in pkgutil.walk_packages(coursekit.__path__, "coursekit.")
                 if not m.name.rpartition(".")[2].startswith("_"))


def test_every_module_is_found():
    assert {"coursekit.runner", "coursekit.site", "coursekit.sweep",
            "coursekit.sweep.running"} <= set(MODULES)


def test_importing_every_module_opens_no_connection():
    """Import all of coursekit under an audit hook that refuses every socket connection
    and name lookup (Python's audit events see them from C code too)."""
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
    assert module.__doc__ and "Used in" in module.__doc__, f"{name}: say where it is used"
    assert module.__all__, f"{name} has an empty __all__"
    for public in module.__all__:
        obj = getattr(module, public)  # every listed name exists
        if inspect.isfunction(obj) or inspect.isclass(obj):
            assert obj.__doc__, f"{name}.{public} has no docstring"
