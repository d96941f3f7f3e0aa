"""Argument checks, with one message style: "<name> must be <what is accepted>, got <value>."

Every public function of ``ganlib`` checks its arguments with these before it computes
anything, so a wrong value is refused at once with a message that names the argument as
the learner typed it (``latent_dim``, or ``LATENT_DIM`` for a notebook parameter), says
what would be accepted, and shows what was given. Each check returns the value in the
form the caller computes with (an ``int``, a ``float``, an array).
"""

from __future__ import annotations

import math
import numbers
import os
import shutil
from pathlib import Path

import numpy as np

__all__ = ["MAX_IMAGE_SIDE", "choice", "choices", "finite_array", "flag", "image_shape", "number",
           "refuse", "whole_number", "writable_folder"]

#: The largest height or width ``image_shape`` accepts: 1024 pixels (one 1024x1024x3 float32
#: image is 12 MB; the course's images are 28 to 64 pixels wide).
MAX_IMAGE_SIDE = 1024


def _shown(value) -> str:
    """``value`` as the message shows it: its repr (shortened), with its type where the
    repr alone may hide it (a string that looks like a number, an object)."""
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    if not isinstance(value, (bool, numbers.Number, type(None), list, tuple, dict, set)):
        text += f" ({type(value).__name__})"  # "'64' (str)": the quotes were typed
    return text


def refuse(name: str, value, expected: str, error=ValueError):
    """Raise ``error`` saying that ``name`` must be ``expected`` and showing ``value``."""
    raise error(f"{name} must be {expected}, got {_shown(value)}.")


def _bound(value) -> str:
    """A bound as the message shows it: a whole number in full (4294967295), else short."""
    return str(value) if isinstance(value, numbers.Integral) else f"{value:g}"


def _bounds_text(minimum, maximum, above, below) -> str:
    parts = []
    if minimum is not None:
        parts.append(f">= {_bound(minimum)}")
    if above is not None:
        parts.append(f"> {_bound(above)}")
    if maximum is not None:
        parts.append(f"<= {_bound(maximum)}")
    if below is not None:
        parts.append(f"< {_bound(below)}")
    return " " + " and ".join(parts) if parts else ""


def whole_number(value, name: str, minimum: int | None = 1, maximum: int | None = None,
                 hint: str = "") -> int:
    """``value`` as an int, after checking it is a whole number in [minimum, maximum].

    ``hint`` is added to the message, e.g. " (10 for MNIST)". Booleans are refused.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) \
            or (minimum is not None and value < minimum) \
            or (maximum is not None and value > maximum):
        refuse(name, value, "a whole number" + _bounds_text(minimum, maximum, None, None)
               + hint)
    return int(value)


def number(value, name: str, *, minimum=None, maximum=None, above=None, below=None,
           hint: str = "") -> float:
    """``value`` as a float, after checking it is a finite number within the bounds.

    ``minimum``/``maximum`` are inclusive bounds, ``above``/``below`` exclusive ones;
    ``hint`` is added to the message, e.g. " (0 switches it off, 10 is usual)".
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real) \
            or not math.isfinite(value) \
            or (minimum is not None and value < minimum) \
            or (maximum is not None and value > maximum) \
            or (above is not None and value <= above) \
            or (below is not None and value >= below):
        refuse(name, value, "a finite number" + _bounds_text(minimum, maximum, above, below)
               + hint)
    return float(value)


def flag(value, name: str) -> bool:
    """``value`` as a bool after checking it is True or False (numpy's too; not 0, 1 or a
    string such as "no")."""
    if not isinstance(value, bool | np.bool_):
        refuse(name, value, "True or False")
    return bool(value)


def choice(value, name: str, options, hint: str = ""):
    """``value`` after checking it is one of ``options`` (``hint`` ends the message).

    A numpy number or string counts as its Python twin (and is returned as one); a value
    must have the type of the option it equals, so True is not 1 and 7.0 is not 7.
    """
    options = list(options)
    if isinstance(value, np.generic):
        value = value.item()
    if not any(type(value) is type(option) and value == option for option in options):
        refuse(name, value, f"one of {options}{hint}")
    return value


def choices(values, name: str, options) -> tuple:
    """``values`` (one name, or several) as a tuple after checking each is one of ``options``."""
    options = list(options)
    names = (values,) if isinstance(values, str) else tuple(values)
    if not names or any(not isinstance(v, str) or v not in options for v in names):
        refuse(name, values, f"one or more of {options}")
    return names


def image_shape(value, name: str = "image_shape", *, max_side: int = MAX_IMAGE_SIDE,
                channels=(1, 3)) -> tuple[int, int, int]:
    """``value`` as (height, width, channels) ints, after checking it is three whole numbers
    with height and width in 1..``max_side`` and channels one of ``channels``."""
    allowed = " or ".join(str(c) for c in channels)
    expected = (f"(height, width, channels) of whole numbers, height and width 1 to "
                f"{max_side}, channels {allowed}")
    try:
        parts = () if isinstance(value, str | bytes | dict | set) else tuple(value)
    except TypeError:  # not a sequence at all: 28, None
        parts = ()
    if len(parts) != 3 or any(isinstance(v, bool) or not isinstance(v, numbers.Integral)
                              for v in parts) \
            or not all(1 <= v <= max_side for v in parts[:2]) or parts[2] not in channels:
        refuse(name, value, expected)
    return tuple(int(v) for v in parts)


def finite_array(values, name: str, ndim: int | None = None) -> np.ndarray:
    """``values`` as a float64 array, after checking it is numeric, finite and of ``ndim``."""
    array = np.asarray(values)
    if array.dtype == bool or not (np.issubdtype(array.dtype, np.integer)
                                   or np.issubdtype(array.dtype, np.floating)):
        raise TypeError(f"{name} must be a numeric array, got dtype {array.dtype}.")
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} axes, got shape {array.shape}.")
    array = array.astype(np.float64)
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite, but it holds NaN or Inf values.")
    return array


def writable_folder(folder, name: str, *, free_mb: int = 0, hint: str = "") -> Path:
    """``folder`` as a Path, after creating it if needed and checking that a file can be
    written there and that ``free_mb`` megabytes are free; else an ``OSError`` that names
    the folder and the reason (no permission, a read-only or full disk) and ends with ``hint``.

    Call it before a long download or training whose result goes into ``folder``.
    """
    folder = Path(folder).expanduser()
    expected = "a folder you can write to" + (f" with {free_mb} MB free" if free_mb else "")
    probe = folder / f".write-test-{os.getpid()}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        try:
            with open(probe, "wb") as file:
                file.write(b"ok")
                file.flush()
                os.fsync(file.fileno())
        finally:
            probe.unlink(missing_ok=True)
        free = shutil.disk_usage(folder).free
    except OSError as error:
        reason = (error.strerror or type(error).__name__).lower()
        raise OSError(f"{name} must be {expected}, got {str(folder)!r} ({reason}).{hint}") \
            from None
    if free < free_mb * 2**20:
        raise OSError(f"{name} must be {expected}, got {str(folder)!r} (only "
                      f"{free / 2**20:.0f} MB free).{hint}")
    return folder
