"""ganlib: the small, tested library behind the GAN course notebooks.

What lives where, in the order a learner meets it (each subpackage's docstring says more):

- ``ganlib.data``: images in [-1, 1] from MNIST, Fashion-MNIST, CIFAR-10 or the bundled
  digits (offline), your own folders, 2-D toy points (``data.toy``), image pairs
  (``data.pairs``) and damage done on purpose (``data.damage``), and the ``tf.data`` feed;
- ``ganlib.losses``: the loss pairs (minimax, non-saturating, least squares, Wasserstein,
  hinge) and the gradient and R1 penalties, as pure functions of the logits;
- ``ganlib.nets``: the networks: DCGAN, MLPs, conditional, U-Net and PatchGAN,
  self-attention, the ViT discriminator;
- ``ganlib.evaluation``: FID, KID, precision and recall in a feature space trained here,
  nearest neighbours, translation and sharpness scores, the ``metrics.json`` of a run;
- ``ganlib.training``: the ``GAN`` Keras model and its ``train_step``, ``train_gan`` with
  checkpoints, callbacks, the metrics monitor and the recipes;
- ``ganlib.latent``: the latent space of a trained generator: interpolation (lerp, slerp),
  arithmetic, the truncation trick and GAN inversion, which the topics build on;
- topics, each built on the layers above: ``ganlib.playground`` (a GAN on 2-D points),
  ``ganlib.conditional`` (labels on demand), ``ganlib.augmentation`` (training data from a
  GAN), ``ganlib.translation`` (pix2pix, CycleGAN, restoration), ``ganlib.robustness``
  (attacks and a GAN defence), ``ganlib.vae`` (the variational autoencoder),
  ``ganlib.diffusion`` (a denoising diffusion model; DDPM, DDIM and DPM-Solver++);
- ``ganlib.viz``: figures and text tables; ``ganlib.ui``: every ipywidgets panel;
- ``ganlib.exercises``: the learner's exercises, each with a check that says at once what
  is right or wrong and falls back to the reference solution.

Imports point down this list (``ui`` and ``exercises`` at the top, ``data``, ``losses`` and
``viz`` at the bottom), never up and never in a circle; ``tests/test_imports.py`` checks it.
Import the parts you need: ``from ganlib import data, losses, training``. Importing ganlib
never touches the network.
"""

import importlib

__version__ = "0.1.0"

#: The subpackages and modules a notebook imports, in the order a learner meets them.
PARTS = ("data", "losses", "nets", "evaluation", "training", "latent", "playground",
         "conditional", "augmentation", "translation", "robustness", "vae", "diffusion",
         "viz", "ui",
         "exercises")

__all__ = ["PARTS", "__version__", *PARTS]


def __getattr__(name):
    """``ganlib.training`` and the like without importing them first (loaded on first use)."""
    if name in PARTS:
        return importlib.import_module(f"ganlib.{name}")
    raise AttributeError(f"module 'ganlib' has no attribute {name!r}")
