"""What pix2pix and CycleGAN share: the model base class and the live grid.

* ``TranslationModel``: step counting, checkpointable state, the loss pair and
  ``translate``, so that ``ganlib.training.train_gan``, its checkpoints and the NaN guard
  work for translation models unchanged;
* ``TranslationSamples``: the live grid of ``ganlib.training.callbacks.LiveSamples`` with
  one row per stage: input, translation (and reconstruction), target.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from ganlib import _checks, data, losses, viz
from ganlib.training import callbacks, hyperparameters

__all__ = ["TranslationModel", "TranslationSamples", "adam_pair", "check_weight"]


def check_weight(value, name, example):
    """Return a loss weight ``value`` as float after checking it is a finite number >= 0."""
    return _checks.number(value, name, minimum=0, hint=f" ({example})")


def adam_pair(learning_rate, beta1) -> dict:
    """``d_optimizer`` and ``g_optimizer``: two Adam optimizers with ``learning_rate`` and
    ``beta1``, after checking both (``ganlib.training.hyperparameters``)."""
    learning_rate = hyperparameters.check("learning_rate", learning_rate)
    beta1 = hyperparameters.check("beta1", beta1)
    return {"d_optimizer": keras.optimizers.Adam(learning_rate, beta_1=beta1),
            "g_optimizer": keras.optimizers.Adam(learning_rate, beta_1=beta1)}


class TranslationModel(keras.Model):
    """What ``Pix2Pix`` and ``CycleGAN`` share; not used on its own.

    Subclasses set ``generators`` and ``discriminators`` (name -> network) before calling
    ``_finish_compile``, and implement ``train_step`` and ``preview_rows``.
    """

    def __init__(self, seed=0, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = keras.random.SeedGenerator(hyperparameters.check("seed", seed))
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
        hyperparameters.check_optimizer(d_optimizer, "d_optimizer")
        hyperparameters.check_optimizer(g_optimizer, "g_optimizer")
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
        # called batch by batch, not through predict: no graph is traced for a few images
        return np.concatenate([np.asarray(network(array[i:i + 256], training=False))
                               for i in range(0, len(array), 256)])


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
