"""The accepted range of every training setting, in one place.

``GAN.compile``, ``DCGANRecipe`` (the notebooks' parameters and the training panel) and
``PlaygroundSettings`` check their values here, so a learning rate or a penalty weight is
refused in the same way, with the same limits, wherever a learner types it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ganlib import _checks

__all__ = ["LIMITS", "Limit", "check"]


@dataclass(frozen=True)
class Limit:
    """The values a setting accepts: whole numbers or numbers, within bounds.

    ``minimum``/``maximum`` are inclusive, ``above``/``below`` exclusive; ``hint`` ends
    the message a refused value gets (usual values, what 0 means).
    """

    whole: bool
    minimum: float | None = None
    maximum: float | None = None
    above: float | None = None
    below: float | None = None
    hint: str = ""


LEARNING_RATE = Limit(False, above=0, below=1, hint=" (typically 1e-4 to 1e-3)")
WIDTH = Limit(True, 1, 512, hint=" (the cost of a step grows with its square)")

#: Setting name -> its limit. Names are the fields of the recipes and settings classes.
LIMITS = {
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
    "latent_dim": Limit(True, 1, 4096, hint=" (the size of the noise vector z)"),
    "width": WIDTH,
    "g_width": WIDTH,
    "d_width": WIDTH,
    "depth": Limit(True, 1, 16, hint=" (hidden layers per network)"),
    "batch_size": Limit(True, 1, 8192),
    "steps": Limit(True, 1, hint=" (generator updates in total)"),
    "lr_decay_steps": Limit(True, 0, hint=" (0 switches the decay off)"),
    "seed": Limit(True, 0),
}


def check(name: str, value, label: str | None = None):
    """``value`` of the setting ``name`` as an int or float, after checking its limit.

    ``label`` is the name the message shows (``LATENT_DIM`` for a notebook parameter);
    by default ``name`` itself.
    """
    limit = LIMITS[name]
    label = label or name
    if limit.whole:
        return _checks.whole_number(value, label, limit.minimum, limit.maximum, limit.hint)
    return _checks.number(value, label, minimum=limit.minimum, maximum=limit.maximum,
                          above=limit.above, below=limit.below, hint=limit.hint)
