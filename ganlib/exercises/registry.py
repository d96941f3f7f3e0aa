"""The registry of exercises: name -> ``Exercise`` (its task, reference and checker).

Each topic module registers its exercises with ``register`` when it is imported; the
package imports them all, so ``EXERCISES`` is complete once ``ganlib.exercises`` is.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from ganlib import _checks

__all__ = ["EXERCISES", "Exercise", "lookup", "register"]


@dataclasses.dataclass(frozen=True)
class Exercise:
    """One exercise: what the learner reads, writes and is checked against.

    Attributes:
        name: the function the learner writes (also the reference's name).
        task: the text a learner reads: what to write, the signature, the input and output
            types and shapes.
        reference: the reference implementation (short learner-level TensorFlow/NumPy).
        checker: ``checker(function) -> str`` calls ``function`` on known inputs; returns
            what was verified or raises ``compare.Mismatch`` saying what is wrong.
    """

    name: str
    task: str
    reference: Callable = dataclasses.field(repr=False)
    checker: Callable = dataclasses.field(repr=False)


#: Exercise name -> ``Exercise``.
EXERCISES: dict[str, Exercise] = {}


def register(reference: Callable, checker: Callable, task: str) -> Exercise:
    """Add an exercise named after ``reference`` (the function the learner writes)."""
    name = reference.__name__
    if name in EXERCISES:
        raise ValueError(f"an exercise named {name!r} is already registered; give the "
                         "reference function another name.")
    exercise = Exercise(name, task.strip(), reference, checker)
    EXERCISES[name] = exercise
    return exercise


def lookup(name) -> Exercise:
    """The exercise registered under ``name`` (an unknown name is refused, listing them)."""
    _checks.choice(name, "name", sorted(EXERCISES), hint=" (exercises.EXERCISES lists them)")
    return EXERCISES[name]
