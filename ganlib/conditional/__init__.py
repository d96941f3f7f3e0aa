"""Conditional generation: labelled images on demand.

- ``gan``: ``ConditionalGAN`` (projection discriminator), ``AuxiliaryClassifierGAN``
  (AC-GAN) and ``build_conditional_gan`` from a ``DCGANRecipe``;
- ``sampling``: class grids, walks through the latent space and between classes, the
  live class grid ``ConditionalSamples``;
- ``accuracy``: ``conditional_accuracy``, do samples belong to the class asked for?
"""

from ganlib.conditional.accuracy import conditional_accuracy, requested_class_accuracy
from ganlib.conditional.gan import (
    DISCRIMINATORS,
    AuxiliaryClassifierGAN,
    ConditionalGAN,
    build_conditional_gan,
)
from ganlib.conditional.sampling import (
    ConditionalSamples,
    class_grid,
    class_grid_inputs,
    interpolate_class,
    interpolate_latent,
)

__all__ = [
    "AuxiliaryClassifierGAN",
    "ConditionalGAN",
    "ConditionalSamples",
    "DISCRIMINATORS",
    "build_conditional_gan",
    "class_grid",
    "class_grid_inputs",
    "conditional_accuracy",
    "interpolate_class",
    "interpolate_latent",
    "requested_class_accuracy",
]
