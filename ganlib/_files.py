"""Files that a crash cannot leave half-written, and JSON reads that say which file failed.

A write goes to a temporary file next to its target and is then renamed over it, so a
reader (or the next run, after Ctrl-C or a crash) sees the old file or the new one, never
a truncated mix. ``replacing`` does this for any writer (``np.savez``, ``model.save``);
``move_aside`` keeps a damaged file for inspection instead of deleting it.
"""

from __future__ import annotations

import contextlib
import json
import os
import uuid
from pathlib import Path

__all__ = ["move_aside", "process_alive", "read_json", "replacing", "write_json_atomically",
           "write_text_atomically"]


@contextlib.contextmanager
def replacing(path):
    """Yield a temporary path next to ``path``; on success rename it over ``path``.

    The temporary name keeps the suffix of ``path`` (``np.savez`` and Keras choose the
    format by it). If the block raises, the temporary file is removed and ``path`` is left
    as it was.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.stem}.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp"
                               f"{path.suffix}")
    try:
        yield temporary
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def move_aside(path) -> Path:
    """Rename a damaged ``path`` to ``<name>.corrupt`` (``.corrupt-2``... if taken); return it."""
    path = Path(path)
    target, number = path.with_name(f"{path.name}.corrupt"), 1
    while target.exists():
        number += 1
        target = path.with_name(f"{path.name}.corrupt-{number}")
    os.replace(path, target)
    return target


def write_text_atomically(path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file and a rename."""
    with replacing(path) as temporary:
        temporary.write_text(text, encoding="utf-8")
    return Path(path)


def write_json_atomically(path, content) -> Path:
    """Write ``content`` as indented JSON to ``path`` (see ``write_text_atomically``)."""
    return write_text_atomically(path, json.dumps(content, indent=1) + "\n")


def read_json(path, default=None):
    """The JSON in ``path``, or ``default`` when the file is missing or not valid JSON."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return default


#: Whether ``os.kill(pid, 0)`` is a harmless probe here.
_POSIX = os.name == "posix"


def process_alive(pid, unknown: bool = False) -> bool:
    """Whether the process ``pid`` (from a lock or status file) still runs on this machine.

    Off POSIX there is no harmless probe (``os.kill(pid, 0)`` ends the process on Windows),
    so the answer is ``unknown``: True where a wrong "gone" would let two writers in.
    """
    if not isinstance(pid, int) or isinstance(pid, bool) or pid <= 0:
        return False
    if not _POSIX:
        return unknown
    try:
        os.kill(pid, 0)
    except PermissionError:  # it runs, under another user
        return True
    except OSError:
        return False
    return True
