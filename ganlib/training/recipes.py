"""Training recipes: validated hyperparameters and the function that builds a compiled GAN.

A recipe is the single place where the course's defaults live, so the notebooks, the widget
panel and ``bench/train_budget.py`` train exactly the same thing. Every value is checked
with a message that names the parameter and the fix, which is what a learner sees when a
papermill parameter or a widget value is wrong.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import numbers
from dataclasses import dataclass

import keras

from ganlib import data, losses, nets
from ganlib.training.gan import GAN

__all__ = ["DCGANRecipe", "PLAIN", "VARIANTS", "build_dcgan", "variant"]


@dataclass(frozen=True)
class DCGANRecipe:
    """Hyperparameters of the DCGAN notebook; the defaults are the course's CPU recipe.

    Why these defaults: on a CPU the cost of a step grows with the number of weights and
    activations, while early progress depends on how many updates are made. A narrow
    network (width 32, about 0.25 M generator weights) with small batches makes several
    times more updates per minute than the 2.3 M-weight tutorial model. On top of the
    Radford et al. optimizer (beta1 0.5), two changes measured in ``bench/`` pay off on a
    5-minute budget: twice their learning rate (4e-4 instead of 2e-4), and samples drawn
    from an average of the generator's weights (``ema_decay`` 0.999), which smooths out
    the noise the larger steps add. ``VARIANTS["plain"]`` is the recipe without them.
    """

    dataset: str = "fashion_mnist"      # "mnist", "fashion_mnist", "cifar10" or "digits"
    latent_dim: int = 64                # size of the noise vector z
    width: int = 32                     # channels of the narrowest layer; cost grows ~width^2
    batch_size: int = 64                # images per step
    d_learning_rate: float = 4e-4       # Adam learning rate of the discriminator
    g_learning_rate: float = 4e-4       # Adam learning rate of the generator
    beta1: float = 0.5                  # Adam's first-moment decay (Radford et al.: 0.5)
    steps: int = 10000                  # generator updates in total (about 5 min on 2 cores)
    loss: str = "non_saturating"        # a name in ganlib.losses.LOSSES, e.g. "minimax"
    d_steps: int = 1                    # discriminator updates per generator update
    gradient_penalty_weight: float = 0.0  # WGAN-GP penalty weight (10 in the paper); 0: off
    r1_weight: float = 0.0              # gamma of the R1 penalty on real images; 0: off
    spectral_norm: bool = False         # spectral normalisation in the discriminator
    ema_decay: float = 0.999            # average of the generator's weights; 0: off
    seed: int = 0                       # seeds weights, latent sampling and shuffling

    def __post_init__(self):
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            expected = field.type if isinstance(field.type, str) else field.type.__name__
            if expected == "bool":
                if not isinstance(value, bool):
                    self._refuse(field.name, value, "True or False")
            elif expected == "int":
                if isinstance(value, bool) or not isinstance(value, numbers.Integral):
                    self._refuse(field.name, value, "a whole number, e.g. 64")
            elif expected == "float":
                if isinstance(value, bool) or not isinstance(value, numbers.Real):
                    self._refuse(field.name, value, "a number, e.g. 0.0002")
            elif not isinstance(value, str):
                self._refuse(field.name, value, "a string in quotes")
        for name in ("latent_dim", "width", "batch_size", "steps", "d_steps"):
            if getattr(self, name) <= 0:
                self._refuse(name, getattr(self, name), "a positive whole number")
        for name in ("d_learning_rate", "g_learning_rate"):
            if not 0 < getattr(self, name) < 1:
                self._refuse(name, getattr(self, name), "a learning rate between 0 and 1, "
                             "typically 1e-4 to 1e-3")
        if not 0 <= self.beta1 < 1:
            self._refuse("beta1", self.beta1, "a number in [0, 1), typically 0.5 or 0.9")
        if not 0 <= self.ema_decay < 1:
            self._refuse("ema_decay", self.ema_decay, "a number in [0, 1): 0 (off) or close "
                         "to 1, typically 0.999")
        for name in ("gradient_penalty_weight", "r1_weight"):
            if not 0 <= getattr(self, name) <= 1000:
                self._refuse(name, getattr(self, name), "a number >= 0 (0 switches it off; "
                             "10 is usual for the gradient penalty, 0.1 to 10 for R1)")
        if self.seed < 0:
            self._refuse("seed", self.seed, "a non-negative whole number")
        if self.dataset not in data.DATASETS:
            self._refuse("dataset", self.dataset, f"one of {sorted(data.DATASETS)}")
        if self.loss not in losses.LOSSES:
            self._refuse("loss", self.loss, f"one of {sorted(losses.LOSSES)}")
        if self.width > 512 or self.latent_dim > 4096 or self.batch_size > 8192:
            self._refuse("width/latent_dim/batch_size",
                         (self.width, self.latent_dim, self.batch_size),
                         "values a laptop can train: width <= 512, latent_dim <= 4096, "
                         "batch_size <= 8192")

    @staticmethod
    def _refuse(name, value, expected):
        raise ValueError(f"Parameter {name.upper()} = {value!r} ({type(value).__name__}) is "
                         f"not valid: it must be {expected}.")

    def fingerprint(self) -> str:
        """Eight hex digits that identify the model and its training, ``steps`` left out.

        Checkpoints are kept per fingerprint, so a run with more steps continues an earlier
        one, and a run with another width or learning rate starts afresh.
        """
        values = dataclasses.asdict(self)
        values.pop("steps")
        return hashlib.sha1(json.dumps(values, sort_keys=True).encode()).hexdigest()[:8]

    def replace(self, **changes) -> DCGANRecipe:
        """A copy with some values changed (and checked again)."""
        return dataclasses.replace(self, **changes)


#: The plain DCGAN: Radford et al.'s optimizer settings (Adam 2e-4, beta1 0.5) and no
#: average of the generator's weights. The remedies below are each this with one change.
PLAIN = {"d_learning_rate": 2e-4, "g_learning_rate": 2e-4, "ema_decay": 0.0}

#: Named recipes: the course default (``DCGANRecipe()``), the plain DCGAN, and the plain
#: DCGAN with one stability remedy applied. Measured side by side in bench/ and in
#: notebooks/05_stability.ipynb.
VARIANTS = {
    "default": {},                                        # learning rates x2, weight average
    "plain": PLAIN,
    "minimax": {**PLAIN, "loss": "minimax"},              # the saturating loss of the paper
    "least_squares": {**PLAIN, "loss": "least_squares"},  # Mao et al. 2017
    "hinge_sn": {**PLAIN, "loss": "hinge", "spectral_norm": True},  # Miyato et al. 2018
    "wgan_gp": {**PLAIN, "loss": "wasserstein", "gradient_penalty_weight": 10.0,
                "d_steps": 2},                            # Gulrajani et al. 2017
    "r1": {**PLAIN, "r1_weight": 1.0},                    # Mescheder et al. 2018
    "ttur": {**PLAIN, "d_learning_rate": 4e-4, "g_learning_rate": 1e-4},  # Heusel et al. 2017
    "ema": {**PLAIN, "ema_decay": 0.999},                 # Yazici et al. 2019
}


def variant(name: str, **changes) -> DCGANRecipe:
    """The recipe ``name`` (a key of ``VARIANTS``: the default's values with those changes),
    then ``changes`` (e.g. ``dataset="mnist", seed=1``)."""
    if name not in VARIANTS:
        raise ValueError(f"Unknown recipe variant {name!r}; choose one of {list(VARIANTS)}.")
    return DCGANRecipe().replace(**VARIANTS[name]).replace(**changes)


def build_dcgan(recipe: DCGANRecipe, image_shape=(28, 28, 1), attention_resolution=None) -> GAN:
    """Build and compile the DCGAN described by ``recipe`` for images of ``image_shape``.

    ``attention_resolution``: when given (e.g. 14), a SAGAN self-attention layer is
    inserted in both networks after their feature maps of that size
    (``ganlib.nets.add_self_attention``).
    """
    if not isinstance(recipe, DCGANRecipe):
        raise TypeError(f"recipe must be a DCGANRecipe, got {type(recipe).__name__}.")
    keras.utils.set_random_seed(recipe.seed)
    generator = nets.dcgan_generator(recipe.latent_dim, image_shape, width=recipe.width)
    discriminator = nets.dcgan_discriminator(image_shape, width=recipe.width,
                                               spectral_norm=recipe.spectral_norm)
    if attention_resolution is not None:
        generator, discriminator = nets.add_self_attention(generator, discriminator,
                                                                attention_resolution)
    gan = GAN(generator, discriminator, seed=recipe.seed)
    gan.compile(
        d_optimizer=keras.optimizers.Adam(recipe.d_learning_rate, beta_1=recipe.beta1),
        g_optimizer=keras.optimizers.Adam(recipe.g_learning_rate, beta_1=recipe.beta1),
        loss=recipe.loss, d_steps=recipe.d_steps,
        gradient_penalty_weight=recipe.gradient_penalty_weight, r1_weight=recipe.r1_weight,
        ema_decay=recipe.ema_decay,
    )
    return gan
