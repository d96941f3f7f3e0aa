"""What every part of a sweep shares: its error, and how values read in ids and messages."""

from __future__ import annotations

import math
from collections.abc import Mapping

__all__ = ["SweepError", "finite_number", "format_assignments", "format_value", "plural"]


class SweepError(ValueError):
    """A sweep that cannot run as asked; the message names the problem and the fix."""


def format_value(value) -> str:
    """A string as it is, anything else as its repr: ``hinge``, ``0.0001``, ``True``."""
    return value if isinstance(value, str) else repr(value)


def format_assignments(values: Mapping) -> str:
    """``NAME=value, ...`` for messages and tables."""
    return ", ".join(f"{name}={format_value(value)}" for name, value in values.items())


def plural(number: int, noun: str) -> str:
    """``1 run``, ``3 runs``."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def finite_number(value) -> float | None:
    """The value as a float if it is a finite number (not a bool), else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None
