"""Networks for image-to-image translation: a U-Net generator and a PatchGAN discriminator.

* ``unet_generator``: an encoder-decoder whose skip connections carry the input's fine
  detail straight to the output at every scale (Ronneberger et al. 2015; pix2pix, Isola et
  al. 2017);
* ``patchgan_discriminator``: a fully convolutional discriminator with one logit per image
  patch, optionally reading the source image next to the candidate (pix2pix) or not
  (CycleGAN, Zhu et al. 2017).
"""

from __future__ import annotations

import keras
from keras import layers

from ganlib import _checks

__all__ = ["NORMS", "patchgan_discriminator", "unet_generator"]


#: Normalisation layers the builders accept.
NORMS = ("instance", "batch", "none")



def _check_image_shape(image_shape, depth, name="image_shape"):
    image_shape = _checks.image_shape(image_shape, name)
    step = 2 ** depth
    if image_shape[0] % step or image_shape[1] % step:
        raise ValueError(f"{name} {tuple(image_shape)}: height and width must be multiples of "
                         f"2**depth = {step} (depth={depth}); use depth 2 for 28x28, up to 5 "
                         "for 32x32.")
    return image_shape


def _normalisation(norm, name):
    _checks.choice(norm, "norm", NORMS)
    if norm == "instance":
        return layers.GroupNormalization(groups=-1, name=name)  # one group per channel
    if norm == "batch":
        return layers.BatchNormalization(name=name)
    return layers.Identity(name=name)


def unet_generator(image_shape=(28, 28, 1), out_channels=None, width=32, depth=2,
                   norm="instance", dropout=0.0, name="unet_generator"):
    """A U-Net: ``depth`` stride-2 convolutions down, as many transposed ones up, skips between.

    Each level doubles the channels going down (``width``, 2 ``width``, ...) and halves
    them coming up; the output of each up step is concatenated with the encoder features of
    the same size, so edges and positions need not pass through the bottleneck. The last
    layer is a 3x3 convolution with tanh to ``out_channels`` (default: the input's).

    Args:
        image_shape: (height, width, channels) of the input; height and width must be
            multiples of 2**depth.
        norm: "instance" (default; the same in training and inference), "batch" or "none".
        dropout: dropout rate in the decoder (pix2pix uses 0.5 as its only noise).
    """
    depth, width = _checks.whole_number(depth, "depth"), _checks.whole_number(width, "width")
    image_shape = _check_image_shape(image_shape, depth)
    out_channels = image_shape[-1] if out_channels is None else out_channels
    if out_channels not in (1, 3):
        raise ValueError(f"out_channels must be 1 (grey) or 3 (colour), got {out_channels!r}.")
    if not 0.0 <= float(dropout) < 1.0:
        raise ValueError(f"dropout must be in [0, 1), got {dropout!r}.")
    inputs = keras.Input(image_shape, name="source")
    x = layers.Conv2D(width, 3, padding="same", name="stem")(inputs)
    x = layers.LeakyReLU(0.2)(x)
    skips = [x]
    for level in range(1, depth + 1):
        x = layers.Conv2D(width * 2 ** level, 4, strides=2, padding="same", use_bias=False,
                          name=f"down_{level}")(x)
        x = _normalisation(norm, f"down_{level}_norm")(x)
        x = layers.LeakyReLU(0.2)(x)
        skips.append(x)
    x = layers.Conv2D(width * 2 ** depth, 3, padding="same", use_bias=False,
                      name="bottleneck")(skips.pop())
    x = _normalisation(norm, "bottleneck_norm")(x)
    x = layers.ReLU()(x)
    for level in range(depth - 1, -1, -1):
        x = layers.Conv2DTranspose(width * 2 ** level, 4, strides=2, padding="same",
                                   use_bias=False, name=f"up_{level}")(x)
        x = _normalisation(norm, f"up_{level}_norm")(x)
        if dropout:
            x = layers.Dropout(float(dropout))(x)
        x = layers.ReLU()(x)
        x = layers.Concatenate(name=f"skip_{level}")([x, skips[level]])
    outputs = layers.Conv2D(out_channels, 3, padding="same", activation="tanh",
                            name="to_image")(x)
    return keras.Model(inputs, outputs, name=name)


def patchgan_discriminator(image_shape=(28, 28, 1), condition_shape=None, width=32, depth=2,
                           norm="instance", name="patchgan_discriminator"):
    """A PatchGAN: one logit per patch of the image instead of one per image.

    ``depth`` stride-2 4x4 convolutions, then a 3x3 convolution and a 3x3 convolution to
    one channel: an (H / 2**depth, W / 2**depth, 1) map of logits, each judging the patch
    it sees. With ``condition_shape`` the discriminator takes [source, candidate] and reads
    both (pix2pix: "is this a real translation of this source?"); without it, only the
    candidate (CycleGAN: "is this a real image of the domain?").
    """
    depth, width = _checks.whole_number(depth, "depth"), _checks.whole_number(width, "width")
    image_shape = _check_image_shape(image_shape, depth)
    candidate = keras.Input(image_shape, name="candidate")
    if condition_shape is not None:
        condition_shape = _check_image_shape(condition_shape, depth, "condition_shape")
        if condition_shape[:2] != image_shape[:2]:
            raise ValueError(f"condition_shape {condition_shape} and image_shape "
                             f"{image_shape} must have the same height and width.")
        condition = keras.Input(condition_shape, name="source")
        inputs = [condition, candidate]
        x = layers.Concatenate(name="source_and_candidate")(inputs)
    else:
        inputs = x = candidate
    for level in range(depth):
        x = layers.Conv2D(width * 2 ** level, 4, strides=2, padding="same",
                          use_bias=level == 0, name=f"down_{level + 1}")(x)
        if level:
            x = _normalisation(norm, f"down_{level + 1}_norm")(x)
        x = layers.LeakyReLU(0.2)(x)
    x = layers.Conv2D(width * 2 ** depth, 3, padding="same", use_bias=False, name="features")(x)
    x = _normalisation(norm, "features_norm")(x)
    x = layers.LeakyReLU(0.2)(x)
    logits = layers.Conv2D(1, 3, padding="same", name="patch_logits")(x)
    return keras.Model(inputs, logits, name=name)
