"""Which notebook uses which module of ganlib, read from the notebooks' own code.

Every name a notebook imports from ``ganlib`` and every attribute it then reads from it
(``training.train_gan``, ``viz.plot_images``) is traced to the module that defines it, so
the table says ``ganlib.training.loop`` where a notebook calls ``training.train_gan``.
``python tools/usage_table.py`` rewrites the table in README.md between its two markers;
``tests/test_readme.py`` fails when the table there is out of date.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
START = "<!-- usage table: made by tools/usage_table.py, do not edit by hand -->"
END = "<!-- end of usage table -->"


def _defining_module(obj, name: str, fallback: str) -> str:
    """The ganlib module an object comes from: a module's own name, a function's or class's
    ``__module__``, or for a constant the deepest module that lists ``name`` in ``__all__``."""
    if inspect.ismodule(obj):
        return obj.__name__
    if inspect.isclass(obj) or inspect.isfunction(obj):
        module = getattr(obj, "__module__", "")
        return module if module.startswith("ganlib") else fallback
    homes = [module_name for module_name, module in sys.modules.items()
             if module_name.startswith(fallback) and getattr(module, name, None) is obj
             and name in getattr(module, "__all__", ())]
    return max(homes, key=len, default=fallback)


def _attribute(module, name: str, where: str):
    """``module.name``, or an error that says the notebook uses a name ganlib lacks."""
    try:
        return getattr(module, name)
    except AttributeError:
        try:
            return importlib.import_module(f"{module.__name__}.{name}")
        except ImportError:
            raise AttributeError(f"{where} uses {module.__name__}.{name}, which does not "
                                 "exist") from None


def notebook_modules(source: str, where: str = "the notebook") -> set[str]:
    """The ganlib modules a notebook's code uses (``source``: its code cells joined)."""
    tree = ast.parse(source)
    bound, used = {}, set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("ganlib"):
            package = importlib.import_module(node.module)
            for alias in node.names:
                obj = _attribute(package, alias.name, where)
                bound[alias.asname or alias.name] = obj
                if not inspect.ismodule(obj):
                    used.add(_defining_module(obj, alias.name, node.module))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("ganlib"):
                    bound[alias.asname or alias.name.split(".")[0]] = \
                        importlib.import_module(alias.name.split(".")[0])
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                and inspect.ismodule(bound.get(node.value.id)):
            module = bound[node.value.id]
            if node.attr != "__version__":
                obj = _attribute(module, node.attr, where)
                used.add(_defining_module(obj, node.attr, module.__name__))
    return used


def usage(notebook_dir=PROJECT_DIR / "notebooks") -> dict[str, list[str]]:
    """{ganlib module: [notebook numbers]} for every notebook in ``notebook_dir``."""
    table = {}
    for path in sorted(Path(notebook_dir).glob("[0-9][0-9]_*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        code = "\n".join(line for line in code.splitlines()
                         if not line.lstrip().startswith(("%", "!")))
        for module in notebook_modules(code, path.name):
            table.setdefault(module, []).append(path.name[:2])
    return table


def _order(module: str):
    import ganlib

    parts = module.split(".")
    top = parts[1] if len(parts) > 1 else ""
    return (ganlib.PARTS.index(top) if top in ganlib.PARTS else len(ganlib.PARTS), module)


def render(table: dict[str, list[str]]) -> str:
    """The Markdown table: one row per module, the notebooks that use it."""
    rows = ["| module | used in notebooks |", "|---|---|"]
    rows += [f"| `{module}` | {', '.join(table[module])} |"
             for module in sorted(table, key=_order)]
    return "\n".join(rows)


def readme_block(readme_text: str) -> str:
    """The table as README.md holds it now (between the markers), or "" if there is none."""
    if START not in readme_text or END not in readme_text:
        return ""
    return readme_text.split(START, 1)[1].split(END, 1)[0].strip()


def main() -> int:
    readme = PROJECT_DIR / "README.md"
    text = readme.read_text(encoding="utf-8")
    if START not in text or END not in text:
        print(f"README.md has no usage-table markers ({START} ... {END}).", file=sys.stderr)
        return 1
    before, rest = text.split(START, 1)
    after = rest.split(END, 1)[1]
    readme.write_text(f"{before}{START}\n{render(usage())}\n{END}{after}", encoding="utf-8")
    print("updated the usage table in", readme)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(PROJECT_DIR))
    sys.exit(main())
