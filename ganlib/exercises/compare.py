"""Comparison helpers shared by the checkers: each turns a wrong answer into a sentence.

A checker calls the learner's function through ``call`` and compares what comes back with
``as_array``, ``scalar``, ``compare`` and ``require_gradients``. When something is wrong they
raise ``Mismatch`` with a sentence a learner can act on ("the loss is 4 times too large: a
sum over the batch instead of the mean?"); ``call`` turns an exception raised by the
learner's own code into ``LearnerError`` ("your function raised ValueError: ..., at line 3:
`...`") and a stub's ``NotImplementedError`` into ``NotDone``. ``ganlib.exercises.checking``
turns these into the message of the result.
"""

from __future__ import annotations

import inspect
import re
import sysconfig
import traceback
from pathlib import Path

import numpy as np
import tensorflow as tf

__all__ = ["LearnerError", "Mismatch", "NotDone", "as_array", "call", "compare",
           "describe_error", "require_gradients", "scalar", "show"]


class Mismatch(Exception):
    """The learner's answer is wrong; the message says what is wrong and how to fix it."""


class NotDone(Exception):
    """The learner's function raised ``NotImplementedError``: the stub is still a stub."""


class LearnerError(Exception):
    """The learner's code raised an exception; the message names it and the line."""


# --------------------------------------------------------------------------- calling


#: Folders of Python itself, the installed packages and ganlib: frames there are not the
#: learner's code.
_LIBRARY_FOLDERS = tuple({str(Path(p).resolve()) for p in (
    sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["purelib"],
    sysconfig.get_paths()["platlib"], Path(__file__).resolve().parents[1])})


def _first_line(error: BaseException) -> str:
    """The error's message as one short line (TensorFlow's ``{{function_node ...}}`` cut)."""
    text = re.sub(r"\{\{function_node [^}]*\}\}\s*", "", str(error)).strip()
    text = text.splitlines()[0].strip() if text else ""
    return text if len(text) <= 200 else text[:197] + "..."


def _learner_frame(error: BaseException, function):
    """The traceback frame in the learner's code closest to where ``error`` was raised."""
    frames = traceback.extract_tb(error.__traceback__)
    code = getattr(inspect.unwrap(function), "__code__", None)
    if code is not None:
        own = [frame for frame in frames if frame.filename == code.co_filename]
        if own:
            return own[-1]
    outside = [frame for frame in frames if not frame.filename.startswith("<frozen")
               and not str(Path(frame.filename).resolve()).startswith(_LIBRARY_FOLDERS)]
    return outside[-1] if outside else None


def describe_error(error: BaseException, function, doing: str = "Your function") -> str:
    """``"Your function raised ValueError: <message>, at line 3: `<code>`."``"""
    text = f"{doing} raised {type(error).__name__}"
    message = _first_line(error)
    if message:
        text += f": {message}"
    frame = _learner_frame(error, function)
    if frame is not None:
        text += f", at line {frame.lineno}"
        if frame.line:
            text += f": `{frame.line.strip()}`"
    return text + "."


def call(function, *args, doing: str = "Your function", **kwargs):
    """``function(*args, **kwargs)``; a stub's NotImplementedError becomes ``NotDone``, any
    other exception ``LearnerError`` describing it (``doing`` starts that sentence)."""
    try:
        return function(*args, **kwargs)
    except NotImplementedError as error:
        raise NotDone(str(error)) from error
    except Exception as error:  # the learner's code may raise anything; it is reported
        raise LearnerError(describe_error(error, function, doing)) from error


# --------------------------------------------------------------------------- values


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _number(value: float) -> str:
    return f"{value:.6g}"


def show(values) -> str:
    """A number or a small array as a short text: ``0.693147`` or ``[0.5, 0.25, 1]``."""
    array = np.asarray(values, dtype=np.float64)
    if array.ndim == 0:
        return _number(float(array))
    if array.size > 12:
        return f"an array of shape {array.shape}"

    def nested(part):
        if part.ndim == 0:
            return _number(float(part))
        return "[" + ", ".join(nested(row) for row in part) + "]"

    return nested(array)


def as_array(value, what: str) -> np.ndarray:
    """``value`` (a tensor, a NumPy array or a number) as a float64 array; else Mismatch."""
    if value is None:
        raise Mismatch(f"{_capital(what)} is None: your function returns nothing. Did you "
                       "forget `return`?")
    if isinstance(value, (str, bytes, dict)) or callable(value):
        raise Mismatch(f"{_capital(what)} must be numbers (a tensor or a NumPy array), but "
                       f"your function returned a {type(value).__name__}.")
    try:
        array = np.asarray(value)
    except (TypeError, ValueError, NotImplementedError):
        raise Mismatch(f"{_capital(what)} must be numbers (a tensor or a NumPy array), but "
                       f"your function returned a {type(value).__name__}.") from None
    if np.iscomplexobj(array):
        raise Mismatch(f"{_capital(what)} holds complex numbers (a matrix square root can "
                       "leave tiny imaginary parts): keep the real part with `.real`.")
    if array.dtype == bool or not np.issubdtype(array.dtype, np.number):
        raise Mismatch(f"{_capital(what)} must be numbers (a tensor or a NumPy array), but "
                       f"your function returned a {type(value).__name__} of "
                       f"{array.dtype}.")
    return array.astype(np.float64)


def scalar(value, what: str = "the loss",
           reduce: str = "take the mean over the batch (tf.reduce_mean)") -> float:
    """``value`` as a float after checking it is one number (not one per sample)."""
    array = as_array(value, what)
    if array.size != 1:
        raise Mismatch(f"{_capital(what)} must be a single number, but your function returned "
                       f"an array of shape {array.shape}: {reduce}.")
    return float(array.reshape(()))


def _close(got, expected, rtol, atol) -> bool:
    return bool(np.shape(got) == np.shape(expected)
                and np.allclose(got, expected, rtol=rtol, atol=atol))


def _factor(got: np.ndarray, expected: np.ndarray, rtol, atol) -> str:
    """The sign or the whole-number factor by which ``got`` differs from ``expected``."""
    if not np.any(np.abs(expected) > atol):
        return ""
    if _close(got, -expected, rtol, atol):
        return "The sign is flipped."
    ratio = float(np.sum(got * expected) / np.sum(expected * expected))
    if not _close(got, ratio * expected, 1e-3, atol) or abs(ratio) < 1e-12:
        return ""
    for value, sentence in ((ratio, "{k} times too large"), (1.0 / ratio, "{k} times too small")):
        k = round(value)
        if k >= 2 and abs(value - k) < 1e-3 * k:
            text = sentence.format(k=k)
            return (f"It is {text}: a missing or extra factor of 2?" if k == 2 else
                    f"It is {text}: a sum where a mean was meant (or the reverse)?")
    return ""


def compare(got, expected, what: str, *, on: str = "", wrong=(), hint: str = "",
            rtol: float = 1e-4, atol: float = 1e-5) -> None:
    """Raise ``Mismatch`` unless ``got`` is close to ``expected``, saying why if known.

    Args:
        got, expected: numbers or arrays of one shape (check the shape before).
        what: what the values are, e.g. "the loss".
        on: the inputs, e.g. " for real logits [1, 2] and fake logits [0, 1]".
        wrong: (value, sentence) pairs of typical mistakes; the first one ``got`` matches
            gives the sentence.
        hint: said when no typical mistake matches (and when ``got`` is not finite);
            without one, a flipped sign or a whole-number factor is named if there is one.
    """
    got = np.asarray(got, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    if got.shape != expected.shape:
        raise Mismatch(f"{_capital(what)}{on} has shape {got.shape}; it must have shape "
                       f"{expected.shape}.")
    if not np.all(np.isfinite(got)):
        raise Mismatch(f"{_capital(what)}{on} is not finite ({show(got)}); it should be "
                       f"{show(expected)}. {hint}".rstrip())
    if _close(got, expected, rtol, atol):
        return
    if got.size <= 12:
        text = f"{_capital(what)}{on} is {show(got)} but should be {show(expected)}."
    else:
        far = ~np.isclose(got, expected, rtol=rtol, atol=atol)
        text = (f"{_capital(what)}{on}: {far.sum()} of {far.size} values differ from the "
                f"expected ones (by up to {np.abs(got - expected).max():.3g}).")
    for value, sentence in wrong:
        if value is not None and _close(got, np.asarray(value, np.float64), rtol, atol):
            raise Mismatch(f"{text} {sentence}")
    raise Mismatch(f"{text} {hint or _factor(got, expected, rtol, atol)}".rstrip())


# --------------------------------------------------------------------------- gradients


def require_gradients(function, args, watched: dict, *, what: str = "your result",
                      why: str = "") -> None:
    """Call ``function(*args)`` with the arguments at the positions of ``watched`` (position ->
    name) as watched float32 tensors; raise ``Mismatch`` naming those no gradient reaches.

    ``why`` says why a gradient is needed, e.g. "The loss trains the discriminator.".
    """
    args = list(args)
    for position in watched:
        args[position] = tf.convert_to_tensor(args[position], tf.float32)
    with tf.GradientTape() as tape:
        for position in watched:
            tape.watch(args[position])
        result = call(function, *args)
        total = tf.reduce_sum(tf.cast(result, tf.float32)) if tf.is_tensor(result) else None
    names = " and ".join(watched.values())
    fix = ("Use TensorFlow operations (tf.reduce_mean, tf.abs, tf.nn...) throughout, no NumPy "
           "and no .numpy() inside.")
    if total is None:
        kind = type(result).__name__
        kind = f"NumPy {kind}" if type(result).__module__ == "numpy" else kind
        raise Mismatch(f"{why} But {what} is a {kind}, not a TensorFlow "
                       f"tensor, so no gradient can flow back to {names}. {fix}".lstrip())
    gradients = tape.gradient(total, [args[position] for position in watched])
    missing = [name for name, gradient in zip(watched.values(), gradients, strict=True)
               if gradient is None]
    if missing:
        raise Mismatch(f"{why} But no gradient flows from {what} back to "
                       f"{' and '.join(missing)}. {fix}".lstrip())
