"""Package-wide promises: no network at import, explicit public surface, docstrings."""

import importlib
import inspect
import pkgutil
import subprocess
import sys

import pytest

import ganlib

MODULES = sorted(m.name for m in pkgutil.iter_modules(ganlib.__path__)
                 if not m.name.startswith("_"))


def test_importing_every_module_opens_no_connection():
    """Import all of ganlib with sockets forbidden: any connection attempt fails the import."""
    script = (
        "import socket\n"
        "def refuse(*args, **kwargs):\n"
        "    raise RuntimeError('network used at import time')\n"
        "socket.socket.connect = refuse\n"
        "socket.create_connection = refuse\n"
        "socket.getaddrinfo = refuse\n"
        f"for name in {MODULES!r}:\n"
        "    __import__('ganlib.' + name)\n"
        "print('imported', len(" + repr(MODULES) + "))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"imported {len(MODULES)}" in result.stdout


@pytest.mark.parametrize("name", MODULES)
def test_module_has_explicit_public_surface_with_docstrings(name):
    module = importlib.import_module(f"ganlib.{name}")
    assert module.__doc__ and "Used in" in module.__doc__
    assert module.__all__, f"ganlib.{name} has an empty __all__"
    for public in module.__all__:
        obj = getattr(module, public)  # every listed name exists
        if inspect.isfunction(obj) or inspect.isclass(obj):
            assert obj.__doc__, f"ganlib.{name}.{public} has no docstring"
