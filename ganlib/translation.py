"""Networks and shared parts of image-to-image translation: U-Net, PatchGAN, live grids.

* ``unet_generator``: an encoder-decoder whose skip connections carry the input's fine
  detail straight to the output at every scale (Ronneberger et al. 2015; pix2pix, Isola et
  al. 2017);
* ``patchgan_discriminator``: a fully convolutional discriminator with one logit per image
  patch, optionally reading the source image next to the candidate (pix2pix) or not
  (CycleGAN, Zhu et al. 2017);
* ``TranslationModel``: what ``Pix2Pix`` and ``CycleGAN`` share (step counting,
  checkpointable state, the loss pair, ``translate``), so that ``ganlib.training.train_gan``,
  ``ganlib.callbacks`` checkpoints and the NaN guard work for them unchanged;
* ``TranslationSamples``: the live grid of ``ganlib.callbacks.LiveSamples`` with one row
  per stage: input, translation (and reconstruction), target.

Used in: notebooks/09_pix2pix.ipynb, notebooks/10_cyclegan.ipynb.
"""

from __future__ import annotations

import math
import numbers

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from ganlib import callbacks, data, losses, viz

__all__ = ["NORMS", "TranslationModel", "TranslationSamples", "check_weight",
           "patchgan_discriminator", "unet_generator"]

#: Normalisation layers the builders accept.
NORMS = ("instance", "batch", "none")


def _positive(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a whole number >= 1, got {value!r}.")
    return int(value)


def _check_image_shape(image_shape, depth, name="image_shape"):
    if len(image_shape) != 3 or image_shape[-1] not in (1, 3) or min(image_shape) <= 0:
        raise ValueError(f"{name} must be (height, width, 1 or 3), got {image_shape}.")
    step = 2 ** depth
    if image_shape[0] % step or image_shape[1] % step:
        raise ValueError(f"{name} {tuple(image_shape)}: height and width must be multiples of "
                         f"2**depth = {step} (depth={depth}); use depth 2 for 28x28, up to 5 "
                         "for 32x32.")
    return tuple(int(v) for v in image_shape)


def _normalisation(norm, name):
    if norm not in NORMS:
        raise ValueError(f"norm must be one of {NORMS}, got {norm!r}.")
    if norm == "instance":
        return layers.GroupNormalization(groups=-1, name=name)  # one group per channel
    if norm == "batch":
        return layers.BatchNormalization(name=name)
    return layers.Identity(name=name)


def check_weight(value, name, example):
    """Return ``value`` as float after checking it is a finite number >= 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) \
            or not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0 ({example}), got {value!r}.")
    return float(value)


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

    Used in: notebooks/09_pix2pix.ipynb, notebooks/10_cyclegan.ipynb.
    """
    depth, width = _positive(depth, "depth"), _positive(width, "width")
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

    Used in: notebooks/09_pix2pix.ipynb, notebooks/10_cyclegan.ipynb.
    """
    depth, width = _positive(depth, "depth"), _positive(width, "width")
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


class TranslationModel(keras.Model):
    """What ``Pix2Pix`` and ``CycleGAN`` share; not used on its own.

    Subclasses set ``generators`` and ``discriminators`` (name -> network) before calling
    ``_finish_compile``, and implement ``train_step`` and ``preview_rows``.
    """

    def __init__(self, seed=0, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.trackers = {}
        self.loss_name = None
        self.built = True  # the networks are built already

    def _track(self, *names):
        self.trackers = {name: keras.metrics.Mean(name=name) for name in names}

    @property
    def metrics(self):
        return list(self.trackers.values())

    def _finish_compile(self, d_optimizer, g_optimizer, loss, **kwargs):
        if d_optimizer is g_optimizer:
            raise ValueError("d_optimizer and g_optimizer must be two separate optimizer "
                             "objects; each keeps its own moment estimates.")
        kwargs.setdefault("jit_compile", False)
        super().compile(**kwargs)
        self.loss_name = loss
        self.d_loss_fn, self.g_loss_fn = losses.get_loss_pair(loss)
        self.d_optimizer, self.g_optimizer = d_optimizer, g_optimizer
        self.d_optimizer.build(self.discriminator_variables)
        self.g_optimizer.build(self.generator_variables)

    @property
    def generator_variables(self):
        """Trainable variables of every generator (one optimizer updates them together)."""
        return [v for net in self.generators.values() for v in net.trainable_variables]

    @property
    def discriminator_variables(self):
        """Trainable variables of every discriminator."""
        return [v for net in self.discriminators.values() for v in net.trainable_variables]

    def _apply(self, tape, loss, variables, optimizer):
        gradients = tape.gradient(loss, variables)
        optimizer.apply_gradients(zip(gradients, variables, strict=True))

    def _score(self, logits):
        """The discriminator's mean verdict, 1 = real: the sigmoid of its logits, or its raw
        output for the least-squares loss (whose targets are 1 and 0)."""
        if self.loss_name == "least_squares":
            return tf.reduce_mean(logits)
        return tf.reduce_mean(tf.sigmoid(logits))

    def _record(self, **values):
        for name, value in values.items():
            self.trackers[name].update_state(value)
        return {m.name: m.result() for m in self.metrics}

    def state_objects(self) -> dict:
        """Everything whose variables training changes, by name (for checkpoints)."""
        return {**self.generators, **self.discriminators, "d_optimizer": self.d_optimizer,
                "g_optimizer": self.g_optimizer}

    @property
    def steps_done(self) -> int:
        """Generator updates made so far (restored with a checkpoint)."""
        return int(self.g_optimizer.iterations.numpy())

    def _translate_with(self, network, images, name="images"):
        array = data.check_model_images(images, name)
        expected = tuple(network.input_shape[1:])
        if array.shape[1:] != expected:
            kind = {1: "grey (1 channel)", 3: "colour (3 channels)"}
            if array.shape[1:3] == expected[:2]:
                raise ValueError(f"{name} are {kind[array.shape[-1]]} but {network.name} "
                                 f"expects {kind[expected[-1]]} images; convert them "
                                 "(ganlib.data.resize_images(images, shape) does both ways).")
            raise ValueError(f"{name} have shape {array.shape[1:]} but {network.name} "
                             f"expects {expected}; resize them with "
                             "ganlib.data.resize_images.")
        return network.predict(array, batch_size=256, verbose=0)


def _as_colour(images):
    array = np.asarray(images, np.float32)
    return np.repeat(array, 3, axis=-1) if array.shape[-1] == 1 else array


class TranslationSamples(callbacks.LiveSamples):
    """``LiveSamples`` for translation: fixed inputs in the top row, the model's current
    translations below (and, for CycleGAN, the reconstructions), then ``targets`` if given.

    Other arguments as ``LiveSamples`` (refresh interval, GIF, figure and history paths).
    """

    def __init__(self, sources, targets=None, **kwargs):
        super().__init__(data.check_model_images(sources, "sources"), **kwargs)
        self.targets = None if targets is None else data.check_model_images(targets, "targets")
        if self.targets is not None and len(self.targets) != len(self.latent):
            raise ValueError(f"targets has {len(self.targets)} images for "
                             f"{len(self.latent)} sources; pass one target per source.")

    def sample_grid(self):
        """Rows: input, translation (and reconstruction, for CycleGAN), target."""
        rows = list(self.model.preview_rows(self.latent))
        if self.targets is not None:
            rows.append(self.targets)
        if any(row.shape[-1] == 3 for row in rows):
            rows = [_as_colour(row) for row in rows]
        return viz.image_grid(np.concatenate(rows), ncols=len(self.latent))
