"""The ``metrics.json`` a run leaves behind: one flat JSON object that a sweep can read.

``coursekit.sweep`` collects each run's ``metrics.json`` into one table, one column per key,
so the file must be *flat*: every value a number, a string or True/False. Nested results
(one score per method, one accuracy per class) become dotted keys:
``{"scores": {"pix2pix": {"L1": 0.1}}}`` is written as ``{"scores.pix2pix.L1": 0.1}``.
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from ganlib._checks import refuse, whole_number
from ganlib._files import write_json_atomically

__all__ = ["flat_metrics", "write_run_metrics"]

_ACCEPTED = ("a finite number, a string or True/False (pass a list or an array as a dict "
             "{name: value}, one key per entry; leave a missing value out)")


def _plain(key: str, value, digits: int):
    """``value`` as a JSON value (numpy scalars to Python, floats rounded), or refused."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, (bool, str)):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        if not math.isfinite(value):
            refuse(f"metric {key!r}", value, "a finite number: JSON has no NaN or Infinity, so "
                   "leave the key out or write a string such as 'diverged'")
        return round(float(value), digits)
    return refuse(f"metric {key!r}", value, _ACCEPTED, TypeError)


def _flatten(metrics: Mapping, prefix: str, digits: int, flat: dict) -> None:
    for key, value in metrics.items():
        if not isinstance(key, str) or not key:
            where = f" under {prefix[:-1]!r}" if prefix else ""
            refuse(f"every key of metrics{where}", key,
                   "a non-empty string (it names a column of the sweep's table)", TypeError)
        dotted = prefix + key
        if isinstance(value, Mapping):
            _flatten(value, dotted + ".", digits, flat)
            continue
        if dotted in flat:
            raise ValueError(f"metrics give the key {dotted!r} twice (once nested, once with "
                             "a dot in its name); rename one of them.")
        flat[dotted] = _plain(dotted, value, digits)


def flat_metrics(metrics: Mapping, digits: int = 4) -> dict:
    """``metrics`` as one flat dict: nested keys joined with ".", floats rounded to ``digits``.

    Values must be numbers, strings or True/False; numpy scalars become Python ones.
    Anything else (a list, an array, None, NaN or Infinity) is refused with its key.
    """
    if not isinstance(metrics, Mapping):
        refuse("metrics", metrics, "a dict of {name: value}", TypeError)
    digits = whole_number(digits, "digits", minimum=0, hint=" (decimals kept, e.g. 4)")
    flat: dict = {}
    _flatten(metrics, "", digits, flat)
    if not flat:
        refuse("metrics", metrics, "a dict with at least one value (a sweep counts a run "
               "without metrics as failed)")
    return flat


def write_run_metrics(output_dir, metrics: Mapping, digits: int = 4) -> Path:
    """Write ``flat_metrics(metrics, digits)`` to ``<output_dir>/metrics.json``; return the path.

    The file is replaced atomically, so an interrupted run never leaves half a file.
    """
    if not isinstance(output_dir, (str, os.PathLike)):
        refuse("output_dir", output_dir, "a folder path such as OUTPUT_DIR", TypeError)
    return write_json_atomically(Path(output_dir) / "metrics.json", flat_metrics(metrics, digits))
