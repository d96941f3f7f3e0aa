"""A run's recorded status: "running" left by a process that is gone reads as interrupted.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

__all__ = ["effective_status", "process_alive"]


def process_alive(pid) -> bool:
    """True when a process with this id is running (always False off POSIX)."""
    if os.name != "posix" or not isinstance(pid, int):
        return False  # os.kill(pid, 0) would end the process on Windows
    try:
        os.kill(pid, 0)
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def effective_status(status: Mapping) -> str:
    """The recorded status; a 'running' one whose process is gone counts as interrupted."""
    value = status.get("status", "pending")
    if value == "running" and (status.get("pid") == os.getpid()
                               or not process_alive(status.get("pid"))):
        return "interrupted"
    return value
