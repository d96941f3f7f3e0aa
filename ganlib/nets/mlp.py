"""Small multilayer perceptrons (MLPs) for the 1-D and 2-D toy GANs."""

from __future__ import annotations

import keras
from keras import layers

from ganlib import _checks

__all__ = ["mlp_discriminator", "mlp_generator"]


def _mlp_trunk(inputs, width, depth, leaky):
    x = inputs
    for _ in range(depth):
        x = layers.Dense(width)(x)
        x = layers.LeakyReLU(0.2)(x) if leaky else layers.ReLU()(x)
    return x


def mlp_generator(latent_dim=2, output_dim=2, width=64, depth=2, name="generator"):
    """MLP generator for points: z (N, latent_dim) -> x (N, output_dim), linear output."""
    latent_dim, output_dim = _checks.whole_number(latent_dim, "latent_dim"), \
        _checks.whole_number(output_dim, "output_dim")
    width, depth = _checks.whole_number(width, "width"), _checks.whole_number(depth, "depth")
    inputs = keras.Input((latent_dim,), name="z")
    outputs = layers.Dense(output_dim)(_mlp_trunk(inputs, width, depth, leaky=False))
    return keras.Model(inputs, outputs, name=name)


def mlp_discriminator(input_dim=2, width=64, depth=2, name="discriminator"):
    """MLP discriminator for points: x (N, input_dim) -> one logit per point (no sigmoid)."""
    input_dim = _checks.whole_number(input_dim, "input_dim")
    width, depth = _checks.whole_number(width, "width"), _checks.whole_number(depth, "depth")
    inputs = keras.Input((input_dim,), name="point")
    trunk = _mlp_trunk(inputs, width, depth, leaky=True)
    return keras.Model(inputs, layers.Dense(1, name="logit")(trunk), name=name)
