"""Every knob of a 2-D playground GAN, checked on creation, and the measured presets."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from ganlib import _checks, losses
from ganlib.data import toy
from ganlib.training import hyperparameters

__all__ = ["OPTIMIZERS", "PRESETS", "PRESET_VARIANTS", "USER_POINTS", "PlaygroundSettings",
           "preset"]


#: Optimizer names the playground accepts.
OPTIMIZERS = ("adam", "rmsprop", "sgd")


#: Name of the user-defined distribution in settings and in the panel.
USER_POINTS = "my points"


@dataclass(frozen=True)
class PlaygroundSettings:
    """Every knob of a playground GAN, checked on creation (a ValueError names the bad one).

    The learning-rate decay is linear, from the learning rate to 1% of it over
    ``lr_decay_steps`` generator steps, then constant (0 switches it off).
    """

    distribution: str = "ring8"           # a name in ganlib.data.toy.DISTRIBUTIONS, or "my points"
    loss: str = "non_saturating"          # a name in ganlib.losses.LOSSES
    optimizer: str = "adam"               # "adam", "rmsprop" or "sgd"
    d_learning_rate: float = 1e-3         # discriminator learning rate, > 0
    g_learning_rate: float = 1e-3         # generator learning rate, > 0
    beta1: float = 0.5                    # Adam's beta1 (ignored by rmsprop and sgd)
    lr_decay_steps: int = 0               # linear decay to 1% over this many steps; 0: off
    d_steps: int = 1                      # discriminator updates per generator update
    gradient_penalty_weight: float = 0.0  # WGAN-GP weight (10 in Gulrajani et al.); 0: off
    r1_weight: float = 0.0                # R1 penalty gamma on real points; 0: off
    latent_dim: int = 2                   # noise dimension
    g_width: int = 64                     # units per hidden layer of the generator
    d_width: int = 64                     # units per hidden layer of the discriminator
    depth: int = 2                        # hidden layers of each network
    batch_size: int = 128                 # real (and fake) points per step
    steps: int = 6000                     # generator steps of a full run (bench, notebook)
    seed: int = 0                         # seeds weights, noise and data

    def __post_init__(self):
        # Kept as the checks return them: a numpy number becomes a Python one.
        checked = {
            "distribution": _checks.choice(self.distribution, "distribution",
                                           [*toy.DISTRIBUTIONS, USER_POINTS]),
            "loss": _checks.choice(self.loss, "loss", sorted(losses.LOSSES)),
            "optimizer": _checks.choice(self.optimizer, "optimizer", OPTIMIZERS),
        }
        checked.update({field.name: hyperparameters.check(field.name, getattr(self, field.name))
                        for field in dataclasses.fields(self)
                        if field.name in hyperparameters.LIMITS})
        for name, value in checked.items():
            object.__setattr__(self, name, value)  # the dataclass is frozen

    def replace(self, **changes) -> PlaygroundSettings:
        """A copy with some values changed (checked again)."""
        return dataclasses.replace(self, **changes)


#: Named settings, measured in bench/toy_modes.py (figures in bench/README.md).
#: "vanilla": the non-saturating GAN of Goodfellow et al. 2014 at the playground's default
#: size, constant learning rates. "best": the built-in remedy on ring8: twice the width in
#: both networks, batches of 256, and learning rates decaying linearly to 1% over the run
#: (so the generator settles instead of hopping between modes). "best_grid": the remedy on
#: grid25, which needs depth and a gentler discriminator: "best" with 4 hidden layers per
#: network, batches of 512 (fewer, larger steps keep the run within the time budget) and
#: an R1 penalty of gamma 1 (without it, half of the seeds stall at 17 to 23 modes).
PRESETS = {
    "vanilla": PlaygroundSettings(steps=6000),
    "best": PlaygroundSettings(g_width=128, d_width=128, batch_size=256, steps=10000,
                               lr_decay_steps=10000),
    "best_grid": PlaygroundSettings(distribution="grid25", g_width=128, d_width=128, depth=4,
                                    batch_size=512, r1_weight=1.0, steps=7000,
                                    lr_decay_steps=7000),
}


#: Per-distribution variants of a preset, used by ``preset``: (name, distribution) -> key.
PRESET_VARIANTS = {("best", "grid25"): "best_grid"}


def preset(name, distribution) -> PlaygroundSettings:
    """The preset ``name`` for ``distribution``, with that distribution set.

    Takes the distribution's own variant when there is one (``preset("best", "grid25")``
    is ``PRESETS["best_grid"]``), else ``PRESETS[name]``.
    """
    _checks.choice(name, "preset", sorted(PRESETS))
    key = PRESET_VARIANTS.get((name, distribution), name)
    return PRESETS[key].replace(distribution=distribution)
