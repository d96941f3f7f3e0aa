"""The accepted range of every training setting and notebook parameter, in one place.

``GAN.compile`` (its settings and its optimizers' learning rates), ``DCGANRecipe`` (the
notebooks' parameters and the training panel) and ``PlaygroundSettings`` check their values
here, so a learning rate or a penalty weight is refused in the same way, with the same
limits, wherever a learner types it.

A notebook checks its whole parameter cell with ``check_parameters``, by the names it uses:
``PARAMETERS`` holds the rule of every name the notebooks share (``QUICK``, ``SEED``,
``DATA_LIMIT``, the recipe's fields in upper case, ...); a notebook gives the rules of its
own names (``TASK``, ``DISCRIMINATOR``) itself. A rule is a function ``rule(value, name)``
that returns the value checked or raises with the name: a ``Limit``, one made by
``whole``, ``real``, ``one_of``, ``each`` or ``optional``, ``folder``, or
``ganlib._checks.flag`` (True or False).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import keras

from ganlib import _checks, data, losses

__all__ = ["LIMITS", "Limit", "PARAMETERS", "check", "check_optimizer", "check_parameters",
           "each", "folder", "one_of", "optional", "real", "whole"]


@dataclass(frozen=True)
class Limit:
    """The values a setting accepts: whole numbers or numbers, within bounds.

    ``minimum``/``maximum`` are inclusive, ``above``/``below`` exclusive; ``hint`` ends
    the message a refused value gets (usual values, what 0 means). Call it as a rule:
    ``limit(value, name)`` is the value as an int or float.
    """

    whole: bool
    minimum: float | None = None
    maximum: float | None = None
    above: float | None = None
    below: float | None = None
    hint: str = ""

    def __call__(self, value, name: str):
        if self.whole:
            return _checks.whole_number(value, name, self.minimum, self.maximum, self.hint)
        return _checks.number(value, name, minimum=self.minimum, maximum=self.maximum,
                              above=self.above, below=self.below, hint=self.hint)


LEARNING_RATE = Limit(False, above=0, below=1, hint=" (typically 1e-4 to 1e-3)")
WIDTH = Limit(True, 1, 512, hint=" (the cost of a step grows with its square)")
STEPS = Limit(True, 1, hint=" (generator updates in total)")
SEED = Limit(True, 0, 2**32 - 1, hint=" (Keras seeds are below 2**32)")

#: Setting name -> its limit. Names are the fields of the recipes and settings classes and
#: the arguments of the model builders.
LIMITS = {
    "learning_rate": LEARNING_RATE,  # one rate for every network (pix2pix, CycleGAN, VAE)
    "d_learning_rate": LEARNING_RATE,
    "g_learning_rate": LEARNING_RATE,
    "beta1": Limit(False, 0, below=1, hint=" (Adam's first-moment decay; 0.5 or 0.9)"),
    "d_steps": Limit(True, 1, 100, hint=" (discriminator updates per generator update, "
                                        "e.g. 1, or 5 for WGAN)"),
    "gradient_penalty_weight": Limit(False, 0, 1000, hint=" (0 switches it off; WGAN-GP "
                                                          "uses 10)"),
    "r1_weight": Limit(False, 0, 1000, hint=" (0 switches R1 off; 0.1 to 10 are usual)"),
    "ema_decay": Limit(False, 0, below=1, hint=" (0 switches the average off; 0.999 is "
                                               "usual)"),
    "lr_decay": Limit(False, 0, 1, hint=" (the last share of training in which both learning "
                                        "rates fall to 0; 0 switches it off, 0.5 is usual)"),
    "latent_dim": Limit(True, 1, 4096, hint=" (the size of the noise vector z)"),
    "width": WIDTH,
    "g_width": WIDTH,
    "d_width": WIDTH,
    "depth": Limit(True, 1, 16, hint=" (hidden layers per network)"),
    "batch_size": Limit(True, 1, 8192),
    "steps": STEPS,
    "lr_decay_steps": Limit(True, 0, hint=" (0 switches the decay off)"),
    "seed": SEED,
}


def check(name: str, value, label: str | None = None):
    """``value`` of the setting ``name`` as an int or float, after checking its limit.

    ``label`` is the name the message shows (``LATENT_DIM`` for a notebook parameter);
    by default ``name`` itself.
    """
    return LIMITS[name](value, label or name)


def check_optimizer(optimizer, name: str):
    """``optimizer`` after checking it is a Keras optimizer with a learning rate within the
    limit of ``learning_rate`` (that of every learning rate); the message names it
    "<name>'s learning rate". A learning-rate schedule is not a number: it is accepted.
    """
    if not isinstance(optimizer, keras.optimizers.Optimizer):
        _checks.refuse(name, optimizer, "a Keras optimizer, e.g. keras.optimizers.Adam(2e-4)",
                       TypeError)
    rate = optimizer._learning_rate  # as given: a number (held in a variable) or a schedule
    if not isinstance(rate, keras.optimizers.schedules.LearningRateSchedule) \
            and not callable(rate):
        value = float(str(keras.ops.convert_to_numpy(rate)))  # float32 shown as typed: 0.001
        check("learning_rate", value, f"{name}'s learning rate")
    return optimizer


# ------------------------------------------------------------------ rules of notebook parameters


def whole(minimum: int | None = 1, maximum: int | None = None, hint: str = "") -> Limit:
    """The rule of a whole number in [minimum, maximum]."""
    return Limit(True, minimum, maximum, hint=hint)


def real(minimum=None, maximum=None, *, above=None, below=None, hint: str = "") -> Limit:
    """The rule of a finite number within the bounds (``above``/``below``: exclusive)."""
    return Limit(False, minimum, maximum, above, below, hint)


def folder(value, name: str):
    """Rule: a folder, as a non-empty text or a ``pathlib.Path``."""
    if not isinstance(value, os.PathLike) and not (isinstance(value, str) and value.strip()):
        _checks.refuse(name, value, "a folder (a non-empty text or a Path)")
    return value


def one_of(options, hint: str = ""):
    """The rule of one value out of ``options`` (in their order in the message)."""
    options = list(options)

    def rule(value, name):
        return _checks.choice(value, name, options, hint)

    return rule


def each(rule):
    """The rule of a non-empty list (or tuple) whose entries each pass ``rule``; an entry
    is named ``NAME[i]`` in the message. A list stays a list, a tuple a tuple."""

    def check_each(values, name):
        if not isinstance(values, list | tuple) or not values:
            _checks.refuse(name, values, "a list of one or more values")
        return type(values)(rule(value, f"{name}[{i}]") for i, value in enumerate(values))

    return check_each


def optional(rule):
    """The rule of None, or of a value that passes ``rule`` (say what None means in the
    inner rule's hint, e.g. ``whole(1, hint=" (or None: every image)")``)."""

    def check_optional(value, name):
        return None if value is None else rule(value, name)

    return check_optional


#: Notebook parameter -> its rule, for the names the notebooks share. A notebook gives the
#: rules of its own names to ``check_parameters``.
PARAMETERS = {
    "QUICK": _checks.flag,
    "RESUME": _checks.flag,
    "ALLOW_DOWNLOAD": _checks.flag,
    "OUTPUT_DIR": folder,
    # the fields of DCGANRecipe, in upper case
    "DATASET": one_of(sorted(data.DATASETS)),
    "LOSS": one_of(sorted(losses.LOSSES)),
    "SPECTRAL_NORM": _checks.flag,
    "D_BATCH_NORM": _checks.flag,
    **{name.upper(): LIMITS[name] for name in (
        "latent_dim", "width", "batch_size", "d_learning_rate", "g_learning_rate", "beta1",
        "steps", "d_steps", "gradient_penalty_weight", "r1_weight", "ema_decay", "lr_decay",
        "seed")},
    # the rest of the training, its budget and what it writes
    "LEARNING_RATE": LIMITS["learning_rate"],
    "GAN_STEPS": STEPS,
    "DEPTH": whole(1, 16, hint=" (stride-2 levels of the U-Net and the PatchGAN)"),
    "DATA_LIMIT": optional(whole(1, hint=" (or None: every image)")),
    "EVAL_SAMPLES": whole(1, hint=" (generated images scored at the end)"),
    "REFRESH_EVERY": whole(1, hint=" (steps between two refreshes of the live grid)"),
    "CHECKPOINT_EVERY": whole(1, hint=" (steps between two checkpoints)"),
}


def check_parameters(values: dict, rules: dict | None = None) -> dict:
    """A notebook's parameters ``{NAME: value}``, each checked by its rule, as checked values.

    The rule of a name is ``rules[NAME]`` (the notebook's own names, or a narrower rule of
    a shared one), else ``PARAMETERS[NAME]``. A name with neither is refused, so that
    every parameter of a notebook is checked.
    """
    rules = {**PARAMETERS, **(rules or {})}
    unknown = sorted(set(values) - set(rules))
    if unknown:
        raise ValueError(f"No rule for the parameters {unknown}: give each one in rules= "
                         "(e.g. rules={'TASK': one_of(['edges', 'colour'])}) or add it to "
                         "ganlib.training.hyperparameters.PARAMETERS.")
    return {name: rules[name](value, name) for name, value in values.items()}
