"""The DCGAN's two networks, for any image side of 3 to 7 pixels times a power of two.

Radford et al. 2016, "Unsupervised Representation Learning with Deep Convolutional
Generative Adversarial Networks": strided (transposed) convolutions, batch normalisation in
the generator, LeakyReLU in the discriminator, tanh output.
"""

from __future__ import annotations

import keras
from keras import layers

from ganlib import _checks

__all__ = ["dcgan_discriminator", "dcgan_generator", "upsampling_plan"]



def upsampling_plan(image_shape):
    """Return (start_size, n_doublings) so that start_size * 2**n_doublings = image side.

    The start size is the largest one of at most 7 pixels: 28 -> (7, 2), 32 -> (4, 3),
    64 -> (4, 4).
    """
    image_shape = _checks.image_shape(image_shape)
    if image_shape[0] != image_shape[1]:
        _checks.refuse("image_shape", image_shape, "square: (size, size, 1 or 3)")
    size, doublings = image_shape[0], 0
    while size > 7 and size % 2 == 0:
        size, doublings = size // 2, doublings + 1
    if size > 7 or doublings < 2:
        raise ValueError(
            f"image side {image_shape[0]} is not supported: it must be a small number "
            "(3 to 7) times a power of two of at least 4, e.g. 28, 32 or 64."
        )
    return size, doublings


def dcgan_generator(latent_dim=64, image_shape=(28, 28, 1), width=32, kernel_size=4,
                    name="generator", output_activation="tanh"):
    """DCGAN generator: z (N, latent_dim) -> images (N, H, W, C) in [-1, 1].

    A Dense layer makes a small feature map (7x7 for 28x28, 4x4 for 32x32) with
    ``width * 2**(n-1)`` channels; each transposed convolution doubles the size and
    halves the channels, the last one maps to the image channels with tanh.
    ``output_activation=None`` gives the last layer's raw values instead (a VAE decoder's
    pixel logits, ``ganlib.vae``).
    """
    latent_dim = _checks.whole_number(latent_dim, "latent_dim")
    width = _checks.whole_number(width, "width")
    start, doublings = upsampling_plan(image_shape)
    channels = width * 2 ** (doublings - 1)
    inputs = keras.Input((latent_dim,), name="z")
    x = layers.Dense(start * start * channels, use_bias=False)(inputs)
    x = layers.BatchNormalization()(x)
    x = layers.ReLU()(x)
    x = layers.Reshape((start, start, channels))(x)
    for _ in range(doublings - 1):
        channels //= 2
        x = layers.Conv2DTranspose(max(channels, 1), kernel_size, strides=2, padding="same",
                                   use_bias=False)(x)
        x = layers.BatchNormalization()(x)
        x = layers.ReLU()(x)
    outputs = layers.Conv2DTranspose(image_shape[2], kernel_size, strides=2, padding="same",
                                     activation=output_activation)(x)
    return keras.Model(inputs, outputs, name=name)


def dcgan_discriminator(image_shape=(28, 28, 1), width=32, kernel_size=4, dropout=0.0,
                        spectral_norm=False, name="discriminator", output_units=1,
                        batch_norm=False):
    """DCGAN discriminator: images (N, H, W, C) -> one logit per image (no sigmoid).

    Strided convolutions with LeakyReLU(0.2) halve the size and double the channels
    (``width``, ``2*width``, ...) down to a small map, then a Dense layer gives the logit.
    With ``spectral_norm=True`` every convolution and the Dense layer are wrapped in
    ``keras.layers.SpectralNormalization``: each weight matrix is divided by its largest
    singular value (one power iteration per training call), which bounds the
    discriminator's Lipschitz constant (Miyato et al. 2018).
    ``output_units`` > 1 gives that many outputs per image instead (a VAE encoder's
    mean and log-variance, ``ganlib.vae``). With ``batch_norm=True`` every convolution but
    the first is followed by batch normalisation, as in Radford et al.'s discriminator: a
    batch of real and a batch of generated images are normalised separately, so the
    discriminator also sees statistics of the whole batch, which penalises a generator
    whose samples look alike.
    """
    width = _checks.whole_number(width, "width")
    output_units = _checks.whole_number(output_units, "output_units")
    if not 0.0 <= float(dropout) < 1.0:
        raise ValueError(f"dropout must be in [0, 1), got {dropout!r}.")
    _, doublings = upsampling_plan(image_shape)
    inputs = keras.Input(tuple(image_shape), name="image")
    _checks.flag(spectral_norm, "spectral_norm")
    _checks.flag(batch_norm, "batch_norm")

    def normalised(layer, name=None):
        return layers.SpectralNormalization(layer, name=name) if spectral_norm else layer

    x = inputs
    for i in range(doublings):
        normalise_batch = batch_norm and i > 0
        x = normalised(layers.Conv2D(width * 2**i, kernel_size, strides=2, padding="same",
                                     use_bias=not normalise_batch))(x)
        if normalise_batch:
            x = layers.BatchNormalization()(x)
        x = layers.LeakyReLU(0.2)(x)
        if dropout:
            x = layers.Dropout(dropout)(x)
    x = layers.Flatten()(x)
    dense = layers.Dense(output_units, name="logit_dense" if spectral_norm else "logit")
    logits = normalised(dense, name="logit")(x)
    return keras.Model(inputs, logits, name=name)
