"""Reference recipes the course's default is benchmarked against (bench only, not ganlib).

Every recipe is trained by the same ``ganlib.training.GAN`` (one discriminator step, then
one generator step with fresh noise, non-saturating loss on logits), so only architectures
and hyperparameters differ between them:

- ``default``:  ``ganlib.training.recipes.DCGANRecipe()`` built by
  ``ganlib.training.recipes.build_dcgan``, exactly as notebooks/04_dcgan.ipynb uses it (only
  ``dataset`` and ``seed`` are set).
- every other name in ``ganlib.training.recipes.VARIANTS`` (``ema``, ``hinge_sn``,
  ``wgan_gp``, ...): the default with that remedy applied, built the same way.
- ``budget``: ``ganlib.training.recipes.for_budget(seconds)``, the course's recipe for the
  training time given: the default below 10 minutes, the wider ``LONG`` setting from there.
- ``baseline``: the classic TensorFlow DCGAN tutorial
  (https://www.tensorflow.org/tutorials/generative/dcgan): 5x5 kernels, Dense 7x7x256,
  LeakyReLU(0.3), Dropout 0.3 in the discriminator, Adam 1e-4, batch 256, latent 100,
  with the discriminator's logits going into a from-logits loss.
- ``radford``:  a plain DCGAN with the hyperparameters of Radford et al. 2016: Adam 2e-4,
  beta1 0.5, batch 64, 4x4 kernels, latent 100, weights initialised from N(0, 0.02).
- ``conditional``: the default recipe with EMA 0.999 as a class-conditional GAN
  (``ganlib.conditional.build_conditional_gan``: label embedding in the generator,
  projection discriminator), trained on (image, label) batches, exactly as
  notebooks/07_conditional.ipynb trains it.
- ``conditional_ac``: the same, with the auxiliary-classifier discriminator of AC-GAN
  (``discriminator="auxiliary"``, class loss weight 1) instead of the projection.
- ``vit_gan``: the default recipe with a Vision-Transformer discriminator
  (``ganlib.nets.build_vit_discriminator`` with its defaults: 4x4 patches, width 64, two
  blocks of four heads) in place of the convolutional one, exactly as
  notebooks/13_transformers_diffusion.ipynb trains it.
- ``diffusion``: not a GAN: the DDPM of ``ganlib.diffusion.build_diffusion`` with its
  defaults (U-Net of width 16 predicting v at logit-normal steps, cosine schedule of 250
  steps, Adam 2e-3, weight average 0.999), batch 64, sampled with 30 steps of
  DPM-Solver++, as notebook 13 trains it; ``--set prediction=eps --set
  timestep_sampling=uniform`` trains Ho et al.'s noise prediction at uniform steps instead.

Used in: bench/train_budget.py, bench/compare_recipes.py.
"""

from __future__ import annotations

import dataclasses
import inspect
from dataclasses import dataclass

import keras
from keras import layers

from ganlib import conditional, data, diffusion, nets
from ganlib.training import GAN
from ganlib.training.recipes import VARIANTS, DCGANRecipe, build_dcgan, for_budget, variant

__all__ = ["RECIPES", "BenchRecipe", "build_recipe", "tutorial_generator",
           "tutorial_discriminator", "radford_generator", "radford_discriminator"]

#: Conditional recipes: bench name -> ``build_conditional_gan``'s ``discriminator``.
CONDITIONAL = {"conditional": "projection", "conditional_ac": "auxiliary"}
#: Recipes that are not the course's DCGAN: notebook 13's ViT-discriminator GAN and DDPM.
NOTEBOOK_13 = ("vit_gan", "diffusion")
RECIPES = (*VARIANTS, "budget", "baseline", "radford", *CONDITIONAL, *NOTEBOOK_13)


@dataclass
class BenchRecipe:
    """A compiled GAN with the batch size its recipe trains with.

    ``num_classes`` > 0 marks a class-conditional GAN: it trains on (images, labels) and
    generates images of requested classes.
    """

    name: str
    gan: GAN | diffusion.DiffusionModel
    batch_size: int
    description: str
    num_classes: int = 0

    def parameter_counts(self) -> str:
        """The networks' sizes, as the scripts print them."""
        if isinstance(self.gan, diffusion.DiffusionModel):
            return f"denoiser {self.gan.network.count_params():,}"
        return (f"generator {self.gan.generator.count_params():,}, "
                f"discriminator {self.gan.discriminator.count_params():,}")


def _start_size(image_shape):
    height, width, _ = image_shape
    if height != width or height % 4:
        raise ValueError(f"The reference recipes need square images with a side divisible "
                         f"by 4 (e.g. 28 or 32), got {tuple(image_shape)}.")
    return height // 4


def tutorial_generator(latent_dim=100, image_shape=(28, 28, 1)):
    """The TensorFlow DCGAN tutorial's generator (2.3 M weights for 28x28x1)."""
    start = _start_size(image_shape)
    inputs = keras.Input((latent_dim,), name="z")
    x = layers.Dense(start * start * 256, use_bias=False)(inputs)
    x = layers.BatchNormalization()(x)
    x = layers.LeakyReLU(0.3)(x)
    x = layers.Reshape((start, start, 256))(x)
    x = layers.Conv2DTranspose(128, 5, strides=1, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    x = layers.LeakyReLU(0.3)(x)
    x = layers.Conv2DTranspose(64, 5, strides=2, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    x = layers.LeakyReLU(0.3)(x)
    outputs = layers.Conv2DTranspose(image_shape[2], 5, strides=2, padding="same",
                                     use_bias=False, activation="tanh")(x)
    return keras.Model(inputs, outputs, name="tutorial_generator")


def tutorial_discriminator(image_shape=(28, 28, 1)):
    """The TensorFlow DCGAN tutorial's discriminator, returning logits."""
    _start_size(image_shape)
    inputs = keras.Input(tuple(image_shape), name="image")
    x = layers.Conv2D(64, 5, strides=2, padding="same")(inputs)
    x = layers.LeakyReLU(0.3)(x)
    x = layers.Dropout(0.3)(x)
    x = layers.Conv2D(128, 5, strides=2, padding="same")(x)
    x = layers.LeakyReLU(0.3)(x)
    x = layers.Dropout(0.3)(x)
    x = layers.Flatten()(x)
    logits = layers.Dense(1, name="logit")(x)
    return keras.Model(inputs, logits, name="tutorial_discriminator")


def _radford_init():
    return keras.initializers.RandomNormal(mean=0.0, stddev=0.02)


def radford_generator(latent_dim=100, image_shape=(28, 28, 1)):
    """Plain DCGAN generator: Dense 7x7x128-BN-ReLU, ConvT 64-BN-ReLU, ConvT tanh (4x4)."""
    start = _start_size(image_shape)
    inputs = keras.Input((latent_dim,), name="z")
    x = layers.Dense(start * start * 128, use_bias=False, kernel_initializer=_radford_init())(
        inputs)
    x = layers.BatchNormalization()(x)
    x = layers.ReLU()(x)
    x = layers.Reshape((start, start, 128))(x)
    x = layers.Conv2DTranspose(64, 4, strides=2, padding="same", use_bias=False,
                               kernel_initializer=_radford_init())(x)
    x = layers.BatchNormalization()(x)
    x = layers.ReLU()(x)
    outputs = layers.Conv2DTranspose(image_shape[2], 4, strides=2, padding="same",
                                     activation="tanh", kernel_initializer=_radford_init())(x)
    return keras.Model(inputs, outputs, name="radford_generator")


def radford_discriminator(image_shape=(28, 28, 1)):
    """Plain DCGAN discriminator: Conv 64-LReLU(0.2), Conv 128-BN-LReLU(0.2), Dense logit."""
    _start_size(image_shape)
    inputs = keras.Input(tuple(image_shape), name="image")
    x = layers.Conv2D(64, 4, strides=2, padding="same", kernel_initializer=_radford_init())(
        inputs)
    x = layers.LeakyReLU(0.2)(x)
    x = layers.Conv2D(128, 4, strides=2, padding="same", use_bias=False,
                      kernel_initializer=_radford_init())(x)
    x = layers.BatchNormalization()(x)
    x = layers.LeakyReLU(0.2)(x)
    x = layers.Flatten()(x)
    logits = layers.Dense(1, name="logit", kernel_initializer=_radford_init())(x)
    return keras.Model(inputs, logits, name="radford_discriminator")


def _compiled(generator, discriminator, seed, learning_rate, beta1):
    gan = GAN(generator, discriminator, seed=seed)
    gan.compile(d_optimizer=keras.optimizers.Adam(learning_rate, beta_1=beta1),
                g_optimizer=keras.optimizers.Adam(learning_rate, beta_1=beta1),
                loss="non_saturating")
    return gan


#: name -> (generator builder, discriminator builder, learning rate, beta1, batch, description)
_REFERENCE = {
    "baseline": (tutorial_generator, tutorial_discriminator, 1e-4, 0.9, 256,
                 "TensorFlow DCGAN tutorial: 5x5 kernels, Adam 1e-4 (beta1 0.9), batch 256, "
                 "latent 100"),
    "radford": (radford_generator, radford_discriminator, 2e-4, 0.5, 64,
                "Radford et al. DCGAN: 4x4 kernels, Adam 2e-4 beta1 0.5, batch 64, latent 100, "
                "N(0, 0.02) init"),
}


def _diffusion_recipe(image_shape, seed, changes) -> BenchRecipe:
    """``diffusion``: ``build_diffusion`` with its defaults, or with ``changes`` to them."""
    allowed = sorted(set(inspect.signature(diffusion.build_diffusion).parameters)
                     - {"image_shape", "seed"})
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise ValueError(f"Unknown diffusion setting(s) {unknown}; build_diffusion takes "
                         f"{allowed}.")
    model = diffusion.build_diffusion(image_shape, seed=seed, **changes)
    return BenchRecipe("diffusion", model, 64,
                       f"DDPM predicting {model.prediction}: {model.schedule}, sampled with "
                       f"{model.sampling_steps} steps of {model.sampler}"
                       + (f"; changed: {changes}" if changes else ""))


def build_recipe(name: str, image_shape=(28, 28, 1), seed: int = 0,
                 dataset: str = "fashion_mnist", changes=None, seconds=None) -> BenchRecipe:
    """Build and compile the recipe ``name`` (one of ``RECIPES``) for ``image_shape``.

    ``changes`` (a dict of ``DCGANRecipe`` fields) adjusts a course recipe, e.g.
    ``{"width": 48}``, or, for ``diffusion``, arguments of ``build_diffusion`` (e.g.
    ``{"prediction": "eps"}``); the reference recipes take none. ``seconds``: the training budget,
    which ``budget`` needs to pick its setting.
    """
    changes = dict(changes or {})
    if name == "diffusion":
        return _diffusion_recipe(image_shape, seed, changes)
    if changes and name not in (*VARIANTS, "budget"):
        raise ValueError(f"Changes {changes} apply only to the course's recipes "
                         f"{[*VARIANTS, 'budget']}, not to {name!r}.")
    unknown = sorted(set(changes) - {field.name for field in dataclasses.fields(DCGANRecipe)})
    if unknown:
        raise ValueError(f"Unknown recipe field(s) {unknown}; DCGANRecipe has "
                         f"{[field.name for field in dataclasses.fields(DCGANRecipe)]}.")
    if name == "budget":
        if seconds is None:
            raise ValueError("The recipe 'budget' picks its setting from the training time: "
                             "give seconds, e.g. seconds=900.")
        recipe = for_budget(seconds, dataset=dataset, seed=seed, **changes)
        return BenchRecipe(name, build_dcgan(recipe, image_shape), recipe.batch_size,
                           f"course recipe for a budget of {seconds:g} s: {recipe}")
    if name in VARIANTS:
        recipe = variant(name, dataset=dataset, seed=seed, **changes)
        return BenchRecipe(name, build_dcgan(recipe, image_shape), recipe.batch_size,
                           f"ganlib recipe variant {name!r}: {recipe}")
    if name in CONDITIONAL:
        recipe = variant("ema", dataset=dataset, seed=seed)  # as notebook 07: Adam 2e-4, EMA
        num_classes = len(data.DATASETS[dataset]["classes"])
        gan = conditional.build_conditional_gan(recipe, num_classes, image_shape,
                                                discriminator=CONDITIONAL[name])
        return BenchRecipe(name, gan, recipe.batch_size,
                           f"class-conditional GAN ({CONDITIONAL[name]} discriminator): "
                           f"{recipe}", num_classes=num_classes)
    if name == "vit_gan":
        recipe = variant("default", dataset=dataset, seed=seed)
        keras.utils.set_random_seed(seed)
        gan = build_dcgan(recipe, image_shape,
                          discriminator=nets.build_vit_discriminator(image_shape))
        return BenchRecipe(name, gan, recipe.batch_size,
                           f"course default generator, ViT discriminator: {recipe}")
    if name not in _REFERENCE:
        raise ValueError(f"Unknown recipe {name!r}; choose one of {list(RECIPES)}.")
    make_generator, make_discriminator, learning_rate, beta1, batch, text = _REFERENCE[name]
    keras.utils.set_random_seed(seed)
    gan = _compiled(make_generator(100, image_shape), make_discriminator(image_shape), seed,
                    learning_rate=learning_rate, beta1=beta1)
    return BenchRecipe(name, gan, batch, text)
