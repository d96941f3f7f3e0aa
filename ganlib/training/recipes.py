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
from dataclasses import dataclass

import keras

from ganlib import _checks, data, losses, nets
from ganlib.training import hyperparameters
from ganlib.training.gan import GAN

__all__ = ["DCGANRecipe", "LONG", "LONG_BUDGET_SECONDS", "PLAIN", "VARIANTS", "build_dcgan",
           "for_budget", "variant"]


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
    steps: int = 5000                   # generator updates in total (2 to 4 min on 2 cores)
    loss: str = "non_saturating"        # a name in ganlib.losses.LOSSES, e.g. "minimax"
    d_steps: int = 1                    # discriminator updates per generator update
    gradient_penalty_weight: float = 0.0  # WGAN-GP penalty weight (10 in the paper); 0: off
    r1_weight: float = 0.0              # gamma of the R1 penalty on real images; 0: off
    spectral_norm: bool = False         # spectral normalisation in the discriminator
    d_batch_norm: bool = False          # batch normalisation in the discriminator (Radford)
    ema_decay: float = 0.999            # average of the generator's weights; 0: off
    lr_decay: float = 0.0               # last share of training: learning rates fall to 0
    seed: int = 0                       # seeds weights, latent sampling and shuffling

    def __post_init__(self):
        # Each value is refused with the name the notebook's parameter cell uses, and kept
        # as the check returns it (a numpy number as a Python one, so the recipe is JSON).
        checked = {field.name: hyperparameters.check(field.name, getattr(self, field.name),
                                                     field.name.upper())
                   for field in dataclasses.fields(self) if field.name in hyperparameters.LIMITS}
        checked["dataset"] = _checks.choice(self.dataset, "DATASET", sorted(data.DATASETS))
        checked["loss"] = _checks.choice(self.loss, "LOSS", sorted(losses.LOSSES))
        checked["spectral_norm"] = _checks.flag(self.spectral_norm, "SPECTRAL_NORM")
        checked["d_batch_norm"] = _checks.flag(self.d_batch_norm, "D_BATCH_NORM")
        if checked["d_batch_norm"] and (checked["gradient_penalty_weight"]
                                        or checked["r1_weight"]):
            raise ValueError(
                "D_BATCH_NORM=True does not go with a gradient penalty (GRADIENT_PENALTY_WEIGHT "
                f"{self.gradient_penalty_weight}, R1_WEIGHT {self.r1_weight}): batch "
                "normalisation makes each image's logit depend on the rest of its batch, so "
                "the per-image gradient the penalty constrains is no longer per image. Set "
                "D_BATCH_NORM=False, or both penalty weights to 0.")
        for name, value in checked.items():
            object.__setattr__(self, name, value)  # the dataclass is frozen

    def fingerprint(self, images=None) -> str:
        """Eight hex digits that identify what is learned: the recipe without ``steps`` and,
        with ``images`` (the ``ganlib.data.ImageData`` trained on), the data actually
        loaded: its name, number and shape of images.

        Checkpoints are kept per fingerprint, so a run with more steps continues an earlier
        one, while another width, learning rate, dataset (an offline fallback included) or
        data limit starts afresh.
        """
        values = dataclasses.asdict(self)
        values.pop("steps")
        for added_later in ("lr_decay", "d_batch_norm"):  # off: earlier runs' fingerprints
            if not values[added_later]:
                values.pop(added_later)
        if images is not None:
            values["data"] = [images.name, len(images.images), list(images.images.shape[1:])]
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
    _checks.choice(name, "variant", VARIANTS)
    return DCGANRecipe().replace(**VARIANTS[name]).replace(**changes)


#: The course's longer setting: the default's optimizer and weight average on networks of
#: twice the width (0.56 M generator weights instead of 0.25 M), with batch normalisation
#: in the discriminator as in Radford et al. Each step costs about twice as much, which
#: loses on short budgets; given 15 minutes it is ahead of Radford et al.'s recipe (FID 6.55
#: against 8.96, three seeds each; bench/README.md, "The course recipe for a longer
#: budget", third round; width 64 alone was level with it, and ``lr_decay=0.5`` behind).
LONG = {"width": 64, "d_batch_norm": True}

#: Training budgets (seconds of wall time) from which ``for_budget`` picks ``LONG``: 10
#: minutes, between the two budgets measured (5 and 15 minutes), not a measured crossover.
LONG_BUDGET_SECONDS = 600.0


def for_budget(seconds, **changes) -> DCGANRecipe:
    """The course's recipe for ``seconds`` of training: ``DCGANRecipe()`` below
    ``LONG_BUDGET_SECONDS`` (small networks, many updates per minute), the wider ``LONG``
    setting from there; then ``changes`` (e.g. ``dataset="mnist", seed=1``)."""
    seconds = _checks.number(seconds, "seconds", above=0,
                             hint=" (the training budget in seconds of wall time, e.g. 900)")
    setting = LONG if seconds >= LONG_BUDGET_SECONDS else {}
    return DCGANRecipe().replace(**setting).replace(**changes)


def build_dcgan(recipe: DCGANRecipe, image_shape=(28, 28, 1), attention_resolution=None,
                discriminator=None) -> GAN:
    """Build and compile the DCGAN described by ``recipe`` for images of ``image_shape``.

    ``attention_resolution``: when given (e.g. 14), a SAGAN self-attention layer is
    inserted in both networks after their feature maps of that size
    (``ganlib.nets.add_self_attention``). ``discriminator``: a network of your own (images
    -> one logit) in place of the DCGAN's, e.g. ``ganlib.nets.build_vit_discriminator``;
    the generator, losses and optimizers stay the recipe's.
    """
    if not isinstance(recipe, DCGANRecipe):
        raise TypeError(f"recipe must be a DCGANRecipe, got {type(recipe).__name__}.")
    keras.utils.set_random_seed(recipe.seed)
    generator = nets.dcgan_generator(recipe.latent_dim, image_shape, width=recipe.width)
    if discriminator is None:
        discriminator = nets.dcgan_discriminator(image_shape, width=recipe.width,
                                                 spectral_norm=recipe.spectral_norm,
                                                 batch_norm=recipe.d_batch_norm)
    elif attention_resolution is not None:
        raise ValueError("attention_resolution inserts attention into the DCGAN's own "
                         "discriminator; pass it or a discriminator of your own, not both.")
    if attention_resolution is not None:
        generator, discriminator = nets.add_self_attention(generator, discriminator,
                                                                attention_resolution)
    gan = GAN(generator, discriminator, seed=recipe.seed)
    gan.compile(
        d_optimizer=keras.optimizers.Adam(recipe.d_learning_rate, beta_1=recipe.beta1),
        g_optimizer=keras.optimizers.Adam(recipe.g_learning_rate, beta_1=recipe.beta1),
        loss=recipe.loss, d_steps=recipe.d_steps,
        gradient_penalty_weight=recipe.gradient_penalty_weight, r1_weight=recipe.r1_weight,
        ema_decay=recipe.ema_decay, lr_decay=recipe.lr_decay,
    )
    return gan
