"""Files that a crash cannot leave half-written, and JSON reads that say which file failed.

A write goes to a temporary file next to its target and is then renamed over it, so a
reader (or the next run, after Ctrl-C or a crash) sees the old file or the new one, never
a truncated mix.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

__all__ = ["read_json", "write_json_atomically", "write_text_atomically"]


def write_text_atomically(path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file and a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path


def write_json_atomically(path, content) -> Path:
    """Write ``content`` as indented JSON to ``path`` (see ``write_text_atomically``)."""
    return write_text_atomically(path, json.dumps(content, indent=1) + "\n")


def read_json(path, default=None):
    """The JSON in ``path``, or ``default`` when the file is missing or not valid JSON."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return default
