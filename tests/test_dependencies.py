"""The packages the course declares: every package its code imports, each pinned in
constraints.txt at the version installed here, and the other install files built on them."""

import ast
import json
import re
import sys
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

PROJECT_DIR = Path(__file__).resolve().parents[1]
tomllib = pytest.importorskip("tomllib")
PROJECT = tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text(encoding="utf-8"))["project"]
#: Imported, but not a dependency: pip's own copy of packaging is coursekit.install's fallback
#: in an environment that has nothing else yet.
NOT_DEPENDENCIES = {"pip", "ganlib", "coursekit"}


def _name(text):
    return re.sub(r"[-_.]+", "-", text).lower()


def _declared(*extras):
    lines = PROJECT["dependencies"] + [line for extra in extras
                                       for line in PROJECT["optional-dependencies"][extra]]
    return {_name(Requirement(line).name) for line in lines}


def _top_level_imports(source):
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module.split(".")[0]


def _code_cells(notebook):
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] == "code":
            yield "\n".join(line for line in "".join(cell["source"]).splitlines()
                            if not line.lstrip().startswith(("%", "!")))


def _imported_distributions():
    """{distribution: first file importing it} for ganlib, coursekit and the notebooks."""
    sources = [(path, path.read_text(encoding="utf-8"))
               for package in ("ganlib", "coursekit")
               for path in sorted((PROJECT_DIR / package).rglob("*.py"))]
    sources += [(path, cell) for path in sorted((PROJECT_DIR / "notebooks").glob("*.ipynb"))
                for cell in _code_cells(path)]
    owners = metadata.packages_distributions()
    found = {}
    for path, source in sources:
        for module in _top_level_imports(source):
            if module in sys.stdlib_module_names or module in NOT_DEPENDENCIES:
                continue
            for dist in owners.get(module, [module]):
                found.setdefault(_name(dist), path.relative_to(PROJECT_DIR))
    return found


def test_every_package_the_code_imports_is_a_runtime_dependency():
    declared = _declared() | {"tensorflow-cpu", "tensorflow"}
    missing = {dist: str(where) for dist, where in _imported_distributions().items()
               if dist not in declared}
    assert not missing, f"add these to [project] dependencies in pyproject.toml: {missing}"


def _pins():
    pins = {}
    for line in (PROJECT_DIR / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            requirement = Requirement(line)
            pins[_name(requirement.name)] = requirement
    return pins


def test_constraints_pin_every_declared_package_and_both_tensorflows_alike():
    pins = _pins()
    assert not _declared("test") - set(pins), "run python tools/pin_versions.py"
    assert all(str(pin.specifier).startswith("==") for pin in pins.values())
    assert pins["tensorflow"].specifier == pins["tensorflow-cpu"].specifier


def test_the_installed_versions_are_the_pinned_ones():
    """What the tests ran with is what constraints.txt says was tested."""
    differ = {}
    for name, pin in _pins().items():
        if pin.marker is not None and not pin.marker.evaluate():
            continue  # a pin for another Python
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
        if not pin.specifier.contains(version, prereleases=True):
            differ[name] = f"{version} installed, {pin.specifier} pinned"
    assert not differ, ("reinstall with bash course.sh test, or pin what you tested with "
                        f"python tools/pin_versions.py: {differ}")


def test_requirements_and_environment_files_install_the_package_with_the_pins():
    requirements = (PROJECT_DIR / "requirements.txt").read_text(encoding="utf-8")
    assert [line for line in requirements.splitlines() if not line.startswith("#")] == [
        "-c constraints.txt", "-e .[test]"]
    environment = (PROJECT_DIR / "environment.yml").read_text(encoding="utf-8")
    assert "      - -c constraints.txt\n      - -e .\n" in environment
