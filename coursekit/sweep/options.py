"""Parameter values as the command line gives them, and the names a notebook accepts.

``--grid NAME=V1,V2,...`` and ``--set NAME=VALUE`` values are Python literals, anything
else is a string; ``notebook_parameters`` reads the names of a notebook's ``parameters``
cell, which a sweep checks every name against.
"""

from __future__ import annotations

import ast
from pathlib import Path

from coursekit.sweep.common import SweepError

__all__ = ["notebook_parameters", "parse_grid_option", "parse_set_option", "parse_value"]


def parse_value(text: str):
    """A Python literal (``1e-4``, ``True``, ``None``, ``[1, 2]``), otherwise the string."""
    text = text.strip()
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return text


def _split_top_level(text: str) -> list[str]:
    """Split on commas outside brackets and quotes: ``"[1,2],'a,b'"`` gives two items."""
    items, current, depth, quote = [], [], 0, None
    for char in text:
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "," and depth == 0:
            items.append("".join(current))
            current = []
            continue
        current.append(char)
    items.append("".join(current))
    return items


def _split_option(text: str, option: str, example: str) -> tuple[str, str]:
    name, sep, values = text.partition("=")
    name = name.strip()
    if not sep or not name:
        raise SweepError(f"{option} {text!r} is not NAME=...; write it like {option} {example}.")
    return name, values


def parse_grid_option(text: str) -> tuple[str, list]:
    """``"LOSS=hinge,least_squares"`` -> ``("LOSS", ["hinge", "least_squares"])``."""
    name, values = _split_option(text, "--grid", "SEED=0,1,2")
    if not values.strip():
        raise SweepError(f"--grid {text!r} lists no values for {name}; give at least one, "
                         f"e.g. --grid {name}=1,2.")
    items = _split_top_level(values)
    if any(not item.strip() for item in items):
        raise SweepError(f"--grid {text!r} has an empty value between commas; remove it, or "
                         "write '' for an empty string.")
    return name, [parse_value(item) for item in items]


def parse_set_option(text: str) -> tuple[str, object]:
    """``"QUICK=True"`` -> ``("QUICK", True)``; the value is not split on commas."""
    name, value = _split_option(text, "--set", "QUICK=True")
    return name, parse_value(value)


def notebook_parameters(notebook) -> dict[str, str]:
    """The names assigned in a notebook's ``parameters`` cell, with their default's source.

    Read with Python's ``ast`` (papermill's ``inspect_notebook`` skips lines whose comment
    holds an ``=``).
    """
    import nbformat

    path = Path(notebook)
    if not path.is_file():
        raise SweepError(f"notebook {str(path)!r} does not exist; give the path of an .ipynb "
                         "file, e.g. notebooks/04_dcgan.ipynb.")
    cells = [cell for cell in nbformat.read(path, as_version=4).cells
             if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", [])]
    if not cells:
        raise SweepError(f"{path.name} has no cell tagged 'parameters', so papermill cannot "
                         "set its parameters; tag the cell of UPPERCASE settings 'parameters'.")
    source = cells[0].source
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise SweepError(f"the parameters cell of {path.name} is not plain Python "
                         f"({exc.msg}, line {exc.lineno}); fix that line.") from None
    found = {}
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else (
            [node.target] if isinstance(node, ast.AnnAssign) and node.value else [])
        for target in targets:
            names = target.elts if isinstance(target, ast.Tuple) else [target]
            for name in names:
                if isinstance(name, ast.Name):
                    found[name.id] = ast.get_source_segment(source, node.value)
    return found
