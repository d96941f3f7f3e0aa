"""What the label does, in pictures: class grids, latent and class walks, live class grids.

A grid with one row per class, a walk through the latent space with the class fixed, a
walk from one class to another with z fixed, and ``ConditionalSamples``, the live grid of
a conditional GAN while it trains.
"""

from __future__ import annotations

import numpy as np

from ganlib import _checks, data
from ganlib.conditional.gan import ConditionalGAN
from ganlib.nets.conditional import BODY_MODEL, EMBEDDING_LAYER, check_num_classes
from ganlib.training import callbacks

__all__ = ["ConditionalSamples", "class_grid", "class_grid_inputs", "interpolate_class",
           "interpolate_latent"]


def _check_gan(gan):
    if not isinstance(gan, ConditionalGAN):
        raise TypeError(f"gan must be a ganlib.conditional.ConditionalGAN, got "
                        f"{type(gan).__name__}.")


def _check_steps(steps):
    steps = _checks.whole_number(steps, "steps", 2, hint=" (both ends included)")
    return np.linspace(0.0, 1.0, steps, dtype=np.float32)[:, None]


def class_grid(gan, per_class=10, classes=None, seed=0):
    """Samples with one row per class and one latent per column (the same in every row).

    Returns (images, labels): images (len(classes) * per_class, H, W, C) in [-1, 1], row
    by row. Down a column only the class changes; along a row only z.
    """
    _check_gan(gan)
    latent, labels = class_grid_inputs(gan.latent_dim, gan.num_classes, per_class, classes,
                                       seed=seed)
    return gan.generate(latent, labels), labels


def class_grid_inputs(latent_dim, num_classes, per_class=10, classes=None, seed=0):
    """The (latent, labels) batch of ``class_grid``: one row per class, the same
    ``per_class`` latents in every row. Returns float32 (N, latent_dim) and int (N,)."""
    latent_dim = _checks.whole_number(latent_dim, "latent_dim")
    per_class = _checks.whole_number(per_class, "per_class")
    num_classes = check_num_classes(num_classes)
    classes = data.check_labels(np.arange(num_classes) if classes is None else classes,
                                num_classes, name="classes")
    latent = np.random.default_rng(seed).standard_normal((per_class, latent_dim))
    return np.tile(latent, (len(classes), 1)).astype(np.float32), \
        np.repeat(classes, per_class)


def interpolate_latent(gan, label, latent_start, latent_end, steps=8):
    """Images along the straight line from ``latent_start`` to ``latent_end``, class fixed.

    Returns (steps, H, W, C); the first and last images are the samples of the two ends.
    """
    _check_gan(gan)
    t = _check_steps(steps)
    start, end = (np.asarray(v, np.float32).reshape(-1) for v in (latent_start, latent_end))
    for value, name in ((start, "latent_start"), (end, "latent_end")):
        if value.shape != (gan.latent_dim,):
            raise ValueError(f"{name} must hold latent_dim={gan.latent_dim} values, got "
                             f"{value.size}.")
    latent = (1.0 - t) * start + t * end
    return gan.generate(latent, np.full(len(t), label))


def interpolate_class(gan, latent, start_class, end_class, steps=8):
    """Images with z fixed while the class embedding slides from one class to another.

    The generator's input mixes the two classes' embeddings, (1 - t) e_a + t e_b, which
    shows that the generator learned a continuous "class space". Returns
    (steps, H, W, C); the ends are the samples of ``start_class`` and ``end_class``.
    """
    _check_gan(gan)
    t = _check_steps(steps)
    classes = gan.check_labels([start_class, end_class])
    latent = np.asarray(latent, np.float32).reshape(1, -1)
    if latent.shape[1] != gan.latent_dim:
        raise ValueError(f"latent must hold latent_dim={gan.latent_dim} values, got "
                         f"{latent.shape[1]}.")
    sampler = gan.sampler
    table = sampler.get_layer(EMBEDDING_LAYER).embeddings.numpy()[classes]
    mixed = (1.0 - t) * table[0] + t * table[1]
    body_inputs = np.concatenate([np.repeat(latent, len(t), axis=0), mixed], axis=1)
    return sampler.get_layer(BODY_MODEL).predict(body_inputs, verbose=0)


class ConditionalSamples(callbacks.LiveSamples):
    """``LiveSamples`` for a ``ConditionalGAN``: redraws a fixed batch of (latent, label).

    With the batch of ``class_grid_inputs(latent_dim, num_classes, per_class=num_classes)``
    the live grid is square and shows one row per class. Other arguments as
    ``LiveSamples`` (refresh interval, GIF, figure and history paths).
    """

    def __init__(self, latent, labels, **kwargs):
        super().__init__(latent, **kwargs)
        labels = data.check_labels(labels, n=len(self.latent))
        # LiveSamples hands self.latent to sampler.predict: two inputs for this sampler.
        self.latent = [self.latent, labels.astype(np.int32)]
