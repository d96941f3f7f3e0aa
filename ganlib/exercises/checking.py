"""The learner's face of the exercises: ``check``, ``solution``, ``task`` and ``Result``.

``check(name, function)`` runs the exercise's checker on the learner's function and says
at once what is right or wrong; whatever happens, ``result.function`` is a working
function (the learner's when it passed, else the reference), so a notebook runs on.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable

from ganlib import _checks
from ganlib.exercises.compare import LearnerError, Mismatch, NotDone
from ganlib.exercises.registry import lookup

__all__ = ["NOT_DONE", "Result", "check", "solution", "task"]

#: The message for a stub left as it is.
NOT_DONE = ("Not done yet: the reference solution is used so the rest of the notebook runs. "
            "`exercises.solution('{name}')` shows it.")


@dataclasses.dataclass(frozen=True)
class Result:
    """What ``check`` found.

    Attributes:
        name: the exercise.
        passed: whether the learner's function passed every check.
        message: what was verified, or what is wrong and how to fix it.
        function: the learner's function when it passed, else the reference solution.
    """

    name: str
    passed: bool
    message: str
    function: Callable = dataclasses.field(repr=False)

    def __str__(self) -> str:
        return self.message


def _failure(name: str, sentence: str) -> str:
    return (f"{name}: not right yet. {sentence} For now the reference solution is used so "
            f"the rest of the notebook runs; `exercises.solution('{name}')` shows it.")


def check(name, function, *, verbose: bool = True) -> Result:
    """Check the learner's ``function`` for exercise ``name``; print and return the result.

    The checker calls ``function`` on known inputs (NumPy arrays and tensors, extreme
    values where stability matters) and compares with known values. Nothing it does raises:
    a wrong value, an exception in ``function`` or a stub (``NotImplementedError``) all
    give ``passed=False``, a message saying what to fix, and the reference as ``function``.
    """
    exercise = lookup(name)
    verbose = _checks.flag(verbose, "verbose")
    passed = False
    if not callable(function):
        message = _failure(name, f"check needs your function itself, as in "
                                 f"check({name!r}, {name}), not what it returns; got "
                                 f"a {type(function).__name__}.")
    else:
        try:
            verified = exercise.checker(function)
        except NotDone:
            message = NOT_DONE.format(name=name)
        except (Mismatch, LearnerError) as error:
            message = _failure(name, str(error))
        except Exception as error:  # an answer so unexpected that a comparison failed
            message = _failure(name, f"The check could not use what your function returned "
                                     f"({type(error).__name__}: {error}).")
        else:
            passed = True
            message = f"{name}: correct. Checked {verified}."
    if verbose:
        print(message)
    return Result(name, passed, message, function if passed else exercise.reference)


def solution(name) -> str:
    """Print the source of exercise ``name``'s reference solution, and return it."""
    source = inspect.getsource(lookup(name).reference)
    print(source)
    return source


def task(name) -> str:
    """Print what exercise ``name`` asks for (the signature, inputs and outputs), and return it."""
    text = lookup(name).task
    print(text)
    return text
