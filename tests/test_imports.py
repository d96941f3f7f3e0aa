"""Imports point down: ganlib's layers, no cycles, and the tooling beside the library.

Inside ``ganlib`` a module may import from its own subpackage or from a lower layer of
``LAYERS``, never from a higher one; no module of ``ganlib`` or ``coursekit`` is part of an
import cycle; ``ganlib`` never imports ``coursekit``; only ``ganlib.ui`` imports
ipywidgets. Everything is read from the source with ``ast``, so an import that only runs
in a rarely used branch (inside a function) counts as well.
"""

import ast
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]

#: ganlib's layers, bottom first. A part (a subpackage or a top-level module) may import
#: from itself and from the parts of lower layers only; parts of one layer do not import
#: each other. The package's own ``__init__`` (loads parts on demand) stands above all.
LAYERS = (
    ("_checks", "_files"),
    ("data", "losses", "viz"),
    ("nets",),
    ("evaluation",),
    ("training",),
    ("latent",),
    ("playground", "conditional", "translation", "robustness", "vae", "diffusion"),
    ("augmentation",),
    ("ui", "exercises"),
)
LEVEL = {part: level for level, parts in enumerate(LAYERS) for part in parts}



def _module_name(path: Path, root: Path) -> str:
    """``coursekit/sweep/cli.py`` -> ``coursekit.sweep.cli``; a package is its folder."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, root: Path):
    """(module names, line) for every import in the file, at any depth (functions too).

    The names are the candidates, most specific first: ``from a import b`` gives
    ``("a.b", "a")``, as b may be a submodule or a name defined in a. Relative imports are
    resolved; ``importlib.import_module("x")`` and ``__import__("x")`` give ``("x",)``.
    """
    name = _module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield (alias.name,), node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module
            for alias in node.names:
                yield (f"{module}.{alias.name}", module), node.lineno
        elif isinstance(node, ast.Call) and node.args \
                and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str) \
                and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
                    "import_module", "__import__"):
            yield (node.args[0].value,), node.lineno


def _import_graph(package_dir: Path) -> dict[str, dict[str, int]]:
    """{module: {module of the same package it imports: line}} for a package's files."""
    root = package_dir.parent
    files = {_module_name(path, root): path for path in sorted(package_dir.rglob("*.py"))}
    graph = {}
    for name, path in files.items():
        graph[name] = {}
        for candidates, line in _imports(path, root):
            target = next((c for c in candidates if c in files), None)
            if target is not None and target != name:
                graph[name].setdefault(target, line)
    return graph


def _cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """Every import cycle found by a depth-first walk, each as the modules around it."""
    found, done, path = [], set(), []

    def visit(module):
        if module in path:
            found.append(path[path.index(module):] + [module])
            return
        if module in done:
            return
        path.append(module)
        for target in sorted(graph[module]):
            visit(target)
        path.pop()
        done.add(module)

    for module in sorted(graph):
        visit(module)
    return found


def _reachable(graph: dict[str, dict[str, int]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for target in graph[todo.pop()]:
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def test_ganlib_never_imports_coursekit():
    offending = [f"{path.relative_to(PROJECT_DIR)}:{line} imports {module}"
                 for path in sorted((PROJECT_DIR / "ganlib").rglob("*.py"))
                 for candidates, line in _imports(path, PROJECT_DIR)
                 for module in candidates[-1:]
                 if module == "coursekit" or module.startswith("coursekit.")]
    assert not offending, ("ganlib is the teaching library and must not depend on the "
                           "course's tooling; move the code into coursekit instead:\n"
                           + "\n".join(offending))


def test_coursekit_has_no_import_cycle():
    graph = _import_graph(PROJECT_DIR / "coursekit")
    assert {"coursekit.runner", "coursekit.site", "coursekit.sweep.cli"} <= set(graph)
    cycles = [" -> ".join(f"{a} (line {graph[a][b]})" for a, b in zip(c, c[1:], strict=False))
              + f" -> {c[-1]}" for c in _cycles(graph)]
    assert not cycles, "import cycles in coursekit; break each one:\n" + "\n".join(cycles)


def test_the_site_does_not_import_the_runner():
    graph = _import_graph(PROJECT_DIR / "coursekit")
    assert "coursekit.site" in _reachable(graph, "coursekit.runner")
    assert "coursekit.runner" not in _reachable(graph, "coursekit.site")
    assert "coursekit.course_map" in _reachable(graph, "coursekit.site")


def test_the_cycle_check_sees_imports_inside_functions_and_relative_ones(tmp_path):
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from pkg.sub import b\n")
    (package / "sub" / "__init__.py").write_text("")
    (package / "sub" / "b.py").write_text("def later():\n    from .. import c\n")
    (package / "c.py").write_text("import importlib\nimportlib.import_module('pkg.a')\n")
    graph = _import_graph(package)
    assert graph["pkg.sub.b"] == {"pkg.c": 2}
    assert _cycles(graph) == [["pkg.a", "pkg.sub.b", "pkg.c", "pkg.a"]]


def _part(module: str) -> str:
    """``ganlib.training.gan`` -> ``training``; ``ganlib`` itself -> ``""``."""
    return module.split(".")[1] if module.count(".") else ""


def _ganlib_edges():
    """(importer, imported, line) for every import between two modules of ganlib."""
    graph = _import_graph(PROJECT_DIR / "ganlib")
    return [(a, b, line) for a, targets in graph.items() for b, line in targets.items()]


def test_every_part_of_ganlib_has_a_layer():
    parts = {_part(name) for name in _import_graph(PROJECT_DIR / "ganlib")} - {""}
    assert parts == set(LEVEL), "add new parts of ganlib to LAYERS (or remove gone ones)"


def test_ganlib_imports_point_down_the_layers():
    upward = [f"{a} (line {line}) imports {b}: {_part(b)} is not below {_part(a)}"
              for a, b, line in _ganlib_edges()
              if _part(a) and _part(a) != _part(b) and LEVEL[_part(b)] >= LEVEL[_part(a)]]
    assert not upward, ("imports must point down ganlib's layers (tests/test_imports.py, "
                        "LAYERS); move the code or the import:\n" + "\n".join(upward))


def test_ganlib_has_no_import_cycle():
    graph = _import_graph(PROJECT_DIR / "ganlib")
    # Importing ganlib.x.y also runs ganlib.x's __init__ (which imports its modules): count
    # that edge for importers outside the subpackage.
    for module, targets in graph.items():
        for target in list(targets):
            parent = target.rpartition(".")[0]
            if parent in graph and parent not in ("ganlib", module) \
                    and not module.startswith(parent + "."):
                targets.setdefault(parent, targets[target])
    cycles = [" -> ".join(c) for c in _cycles(graph)]
    assert not cycles, "import cycles in ganlib; break each one:\n" + "\n".join(cycles)


def test_only_the_ui_imports_ipywidgets():
    offending = [f"{path.relative_to(PROJECT_DIR)}:{line}"
                 for path in sorted((PROJECT_DIR / "ganlib").rglob("*.py"))
                 if path.parent.name != "ui"
                 for candidates, line in _imports(path, PROJECT_DIR)
                 if candidates[-1].split(".")[0] == "ipywidgets"]
    assert not offending, "screen controls belong in ganlib/ui: " + ", ".join(offending)


def test_the_layer_check_sees_an_upward_import(tmp_path):
    package = tmp_path / "ganlib"
    (package / "nets").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "nets" / "__init__.py").write_text("")
    (package / "nets" / "dcgan.py").write_text("def f():\n    from ganlib.training import gan\n")
    (package / "training").mkdir()
    (package / "training" / "__init__.py").write_text("")
    (package / "training" / "gan.py").write_text("from ganlib.nets import dcgan\n")
    graph = _import_graph(package)
    assert graph["ganlib.nets.dcgan"] == {"ganlib.training.gan": 2}
    assert LEVEL[_part("ganlib.training.gan")] > LEVEL[_part("ganlib.nets.dcgan")]
    assert _cycles(graph)
