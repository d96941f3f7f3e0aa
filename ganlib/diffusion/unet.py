"""The denoiser: a small U-Net that reads a noisy image x_t and its step t, and predicts
the noise eps that was added (Ho et al. 2020, after Ronneberger et al. 2015's U-Net), or
the velocity v made of the noise and the image (``ganlib.diffusion.targets``).

The step enters as a sinusoidal embedding (the Transformer's position code, Vaswani et al.
2017): for frequencies w_k = 10000^(-k / (d/2)),

    emb(t) = [sin(t w_0), ..., sin(t w_{d/2-1}), cos(t w_0), ..., cos(t w_{d/2-1})]

then two Dense layers; each residual block adds a learned projection of it to its
features, so one network serves every noise level. Each level of the U-Net has one
residual block (swish and a 3x3 convolution, twice, plus the time), halving the size going
down (average pooling) and doubling it coming up (nearest neighbour), with the down
path's features joined to the up path's at the same size. Kept small for CPUs: with
``width`` 16 and ``channel_multipliers`` (1, 2, 4) (16, 32 and 64 channels, 0.22 M weights)
it works on 28x28 (28, 14, 7) and 32x32 (32, 16, 8) images. Ho et al.'s networks have
GroupNorm in every block and 35 M weights or more; this one has no normalisation (each
block starts as the identity instead), which doubles the steps a CPU makes per second.
"""

from __future__ import annotations

import math

import keras
import tensorflow as tf
from keras import layers

from ganlib import _checks

__all__ = ["SinusoidalEmbedding", "build_denoiser", "sinusoidal_embedding"]


def sinusoidal_embedding(t, dim: int, max_period: float = 10_000.0):
    """emb(t) (N, dim): sines then cosines of t at ``dim / 2`` geometric frequencies."""
    dim = _checks.whole_number(dim, "dim", minimum=2)
    if dim % 2:
        _checks.refuse("dim", dim, "an even number (sines and cosines in pairs)")
    half = dim // 2
    frequencies = tf.exp(-math.log(max_period) * tf.range(half, dtype=tf.float32) / half)
    angles = tf.cast(tf.reshape(t, (-1, 1)), tf.float32) * frequencies[None, :]
    return tf.concat([tf.sin(angles), tf.cos(angles)], axis=-1)


@keras.saving.register_keras_serializable(package="ganlib")
class SinusoidalEmbedding(layers.Layer):
    """``sinusoidal_embedding`` as a layer: steps (N,) -> (N, dim)."""

    def __init__(self, dim=64, **kwargs):
        super().__init__(**kwargs)
        self.dim = dim

    def call(self, t):
        return sinusoidal_embedding(t, self.dim)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.dim)

    def get_config(self):
        return {**super().get_config(), "dim": self.dim}


def _residual_block(x, embedding, channels: int, name: str):
    """x + F(x, t): swish, 3x3 conv, + Dense(emb) (the step, a bias per channel), swish,
    3x3 conv. The second convolution starts at zero, so each block starts as the identity
    (which keeps this normalisation-free network stable: GroupNorm would double the cost of
    a step on a CPU)."""
    h = layers.Activation("swish")(x)
    h = layers.Conv2D(channels, 3, padding="same", name=f"{name}_conv1")(h)
    time = layers.Dense(channels, name=f"{name}_time")(embedding)
    h = h + layers.Reshape((1, 1, channels))(time)
    h = layers.Activation("swish")(h)
    h = layers.Conv2D(channels, 3, padding="same", kernel_initializer="zeros",
                      name=f"{name}_conv2")(h)
    if x.shape[-1] != channels:
        x = layers.Conv2D(channels, 1, name=f"{name}_skip")(x)
    return x + h


def _attention_block(x, name: str):
    """x + MHA(LN(x)) over the positions of a feature map (4 heads), as in Ho et al.'s
    U-Net at its 16x16 level."""
    height, width, channels = x.shape[1:]
    tokens = layers.Reshape((height * width, channels))(x)
    normed = layers.LayerNormalization(name=f"{name}_norm")(tokens)
    read = layers.MultiHeadAttention(4, max(channels // 4, 1), name=name)(normed, normed)
    return x + layers.Reshape((height, width, channels))(read)


def build_denoiser(image_shape=(28, 28, 1), width=16, channel_multipliers=(1, 2, 4),
                   middle_attention=False, name="denoiser") -> keras.Model:
    """The denoising U-Net: (x_t (N, H, W, C), t (N,)) -> eps_hat or v_hat (N, H, W, C).

    Args:
        image_shape: (H, W, C); H and W must be multiples of 2 ** (levels - 1).
        width: channels at full size; level i has ``width * channel_multipliers[i]``.
        channel_multipliers: one entry per level (the first at full size).
        middle_attention: self-attention (and a second residual block) on the smallest
            map, so that distant parts of the image agree; off by default: on 2 CPU cores
            it cut the steps made in a fixed time by about a third, which a budget of
            minutes did not repay.
    """
    image_shape = _checks.image_shape(image_shape)
    width = _checks.whole_number(width, "width", maximum=512)
    middle_attention = _checks.flag(middle_attention, "middle_attention")
    multipliers = tuple(channel_multipliers)
    if not multipliers or not all(isinstance(m, int) and 1 <= m <= 16 for m in multipliers):
        _checks.refuse("channel_multipliers", channel_multipliers,
                       "one or more whole numbers 1 to 16, e.g. (1, 2, 2)")
    step = 2 ** (len(multipliers) - 1)
    if image_shape[0] % step or image_shape[1] % step:
        _checks.refuse("image_shape", image_shape,
                       f"a height and width divisible by {step} for {len(multipliers)} levels "
                       "(e.g. 28x28 or 32x32 with 3 levels)")
    images = keras.Input(image_shape, name="noisy_image")
    steps = keras.Input((), name="timestep")
    embedding = SinusoidalEmbedding(width, name="time_sinusoid")(steps)
    embedding = layers.Dense(4 * width, activation="swish", name="time_dense1")(embedding)
    embedding = layers.Dense(4 * width, name="time_dense2")(embedding)

    x = layers.Conv2D(width, 3, padding="same", name="conv_in")(images)
    skips = []
    for level, multiplier in enumerate(multipliers):            # down: 28 -> 14 -> 7
        x = _residual_block(x, embedding, width * multiplier, f"down{level}")
        if level < len(multipliers) - 1:
            skips.append(x)
            x = layers.AveragePooling2D(2, name=f"downsample{level}")(x)
    x = _residual_block(x, embedding, width * multipliers[-1], "middle")
    if middle_attention:                        # every position of the smallest map reads
        x = _attention_block(x, "middle_attention")       # from every other one
        x = _residual_block(x, embedding, width * multipliers[-1], "middle2")
    for level in reversed(range(len(multipliers) - 1)):          # up: 7 -> 14 -> 28
        x = layers.UpSampling2D(2, name=f"upsample{level}")(x)
        x = layers.Concatenate(name=f"join{level}")([x, skips[level]])
        x = _residual_block(x, embedding, width * multipliers[level], f"up{level}")
    x = layers.Activation("swish")(x)
    noise = layers.Conv2D(image_shape[2], 3, padding="same", name="conv_out")(x)
    return keras.Model([images, steps], noise, name=name)
