"""A run's recorded status: "running" left by a process that is gone reads as interrupted.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from ganlib._files import process_alive

__all__ = ["effective_status"]


def effective_status(status: Mapping) -> str:
    """The recorded status; a 'running' one whose process is gone counts as interrupted."""
    value = status.get("status", "pending")
    if value == "running" and (status.get("pid") == os.getpid()
                               or not process_alive(status.get("pid"))):
        return "interrupted"
    return value
