"""CycleGAN: unpaired image-to-image translation with cycle consistency.

Two generators, G: A -> B and F: B -> A, and two discriminators, D_A and D_B (PatchGANs
that see one image each). With no pairs to compare against, the generators are held to
three things:

* adversarial: G(a) must look like a B image to D_B, F(b) like an A image to D_A;
* cycle consistency: F(G(a)) must give back a and G(F(b)) must give back b (an L1 term
  with weight ``cycle_weight``, the paper's lambda = 10), so a translation keeps what the
  image shows;
* identity: G(b) should leave a B image as it is (weight ``identity_weight``, the paper
  uses 0.5 lambda), which keeps colours from drifting.

The discriminators are trained on a history of generated images (``HistoryPool``, 50 in
the paper; Shrivastava et al. 2017), not only the latest batch, which damps oscillation.

Reference: Zhu, Park, Isola, Efros 2017, "Unpaired Image-to-Image Translation using
Cycle-Consistent Adversarial Networks" (least-squares GAN loss, Adam 2e-4, beta1 0.5).
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from ganlib import _checks
from ganlib.nets.translation import patchgan_discriminator, unet_generator
from ganlib.training import hyperparameters
from ganlib.translation.model import TranslationModel, adam_pair, check_weight

__all__ = ["CycleGAN", "HistoryPool", "build_cyclegan"]


class HistoryPool(tf.Module):
    """A buffer of up to ``size`` earlier generated images shown to a discriminator.

    ``query(batch, seed_generator)`` returns a batch of the same size: while the buffer
    fills up, the new images themselves (and they are stored); once it is full, each image
    is, with probability 1/2, swapped for a random stored one (which is returned, and the
    new image takes its place), otherwise returned as it is. ``size=0`` switches it off.
    Works inside a traced ``train_step`` (the buffer is a variable).
    """

    def __init__(self, size, image_shape, name="history_pool"):
        super().__init__(name=name)
        self.size = _checks.whole_number(size, "size", 0, hint=" (50 in the paper, 0: off)")
        self.images = tf.Variable(tf.zeros((max(self.size, 1), *image_shape)),
                                  trainable=False, name="images")
        self.count = tf.Variable(0, dtype=tf.int32, trainable=False, name="count")

    def query(self, batch, seed_generator):
        """The batch the discriminator sees in place of ``batch`` (see the class doc)."""
        if self.size == 0:
            return batch
        n = tf.shape(batch)[0]
        positions = self.count + tf.range(n)
        filling = positions < self.size
        swap = tf.logical_and(~filling,
                              keras.random.uniform((n,), seed=seed_generator) < 0.5)
        slots = keras.random.randint((n,), 0, self.size, seed=seed_generator)
        returned = tf.where(swap[:, None, None, None], tf.gather(self.images, slots), batch)
        write = tf.logical_or(filling, swap)
        indices = tf.boolean_mask(tf.where(filling, positions, slots), write)
        self.images.scatter_nd_update(indices[:, None], tf.boolean_mask(batch, write))
        self.count.assign(tf.minimum(self.count + n, self.size))
        return returned


class CycleGAN(TranslationModel):
    """Two U-Net generators and two PatchGAN discriminators trained on unpaired batches.

    Args:
        generator_ab, generator_ba: A -> B and B -> A, images in [-1, 1].
        discriminator_a, discriminator_b: one logit map per image of A and of B.
        pool_size: images kept in each ``HistoryPool`` (0: off).
        seed: seed of the pools' random choices.
    """

    def __init__(self, generator_ab, generator_ba, discriminator_a, discriminator_b,
                 pool_size=50, seed=0, **kwargs):
        super().__init__(seed=seed, **kwargs)
        shape_a, shape_b = (tuple(generator_ab.input_shape[1:]),
                            tuple(generator_ab.output_shape[1:]))
        checks = {"generator_ba input": (generator_ba.input_shape, shape_b),
                  "generator_ba output": (generator_ba.output_shape, shape_a),
                  "discriminator_a input": (discriminator_a.input_shape, shape_a),
                  "discriminator_b input": (discriminator_b.input_shape, shape_b)}
        for what, (found, expected) in checks.items():
            if not isinstance(found, tuple) or tuple(found[1:]) != expected:
                raise ValueError(f"{what} is {found} but generator_ab maps {shape_a} to "
                                 f"{shape_b}; build all four networks for the two domains' "
                                 "shapes (discriminators without condition_shape).")
        self.shape_a, self.shape_b = shape_a, shape_b
        self.generator_ab, self.generator_ba = generator_ab, generator_ba
        self.discriminator_a, self.discriminator_b = discriminator_a, discriminator_b
        self.generators = {"generator_ab": generator_ab, "generator_ba": generator_ba}
        self.discriminators = {"discriminator_a": discriminator_a,
                               "discriminator_b": discriminator_b}
        self.pool_a = HistoryPool(pool_size, shape_a, name="pool_a")
        self.pool_b = HistoryPool(pool_size, shape_b, name="pool_b")
        self.cycle_weight, self.identity_weight = 10.0, 5.0
        self._track("d_loss", "g_loss", "cycle", "identity", "real_score", "fake_score")

    def compile(self, d_optimizer, g_optimizer, loss="least_squares", cycle_weight=10.0,
                identity_weight=5.0, **kwargs):
        """Set the optimizers (each updates both networks of its kind), the loss and weights.

        Args:
            loss: a name from ``ganlib.losses.LOSSES``; the paper uses "least_squares".
            cycle_weight: weight of the cycle-consistency L1 (lambda = 10 in the paper);
                0 switches it off.
            identity_weight: weight of the identity L1 (0.5 lambda = 5 in the paper); needs
                both domains to have the same channels; 0 switches it off.
        """
        self.cycle_weight = check_weight(cycle_weight, "cycle_weight",
                                         "10 in the paper; 0 switches it off")
        self.identity_weight = check_weight(identity_weight, "identity_weight",
                                            "5 (half the cycle weight) in the paper; 0: off")
        if self.identity_weight > 0 and self.shape_a[-1] != self.shape_b[-1]:
            raise ValueError(f"identity_weight={identity_weight} needs both domains to have "
                             f"the same channels, but A has {self.shape_a[-1]} and B "
                             f"{self.shape_b[-1]}; set identity_weight=0 or give both "
                             "domains 3 channels (ganlib.data.pairs.unpaired_domains does).")
        self._finish_compile(d_optimizer, g_optimizer, loss, **kwargs)

    def state_objects(self) -> dict:
        """Networks, optimizers and both history pools, by name (for checkpoints)."""
        return {**super().state_objects(), "pool_a": self.pool_a, "pool_b": self.pool_b}

    @property
    def sampler(self):
        """The A -> B generator."""
        return self.generator_ab

    def call(self, images_a, training=False):
        return self.generator_ab(images_a, training=training)

    def train_step(self, data_batch):
        if not isinstance(data_batch, (tuple, list)) or len(data_batch) != 2:
            raise ValueError("CycleGAN trains on batches of (images of A, images of B); make "
                             "them with ganlib.data.pairs.make_unpaired_dataset(domains, "
                             "batch_size).")
        real_a, real_b = data_batch
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            fake_b = self.generator_ab(real_a, training=True)
            fake_a = self.generator_ba(real_b, training=True)
            cycle = (tf.reduce_mean(tf.abs(real_a - self.generator_ba(fake_b, training=True)))
                     + tf.reduce_mean(tf.abs(real_b - self.generator_ab(fake_a,
                                                                        training=True))))
            g_adversarial = (self.g_loss_fn(self.discriminator_b(fake_b, training=True))
                             + self.g_loss_fn(self.discriminator_a(fake_a, training=True)))
            g_total = g_adversarial + self.cycle_weight * cycle
            identity = tf.constant(0.0)
            if self.identity_weight > 0:
                identity = (
                    tf.reduce_mean(tf.abs(real_b - self.generator_ab(real_b, training=True)))
                    + tf.reduce_mean(tf.abs(real_a - self.generator_ba(real_a,
                                                                       training=True))))
                g_total += self.identity_weight * identity
            shown_a = self.pool_a.query(tf.stop_gradient(fake_a), self.seed_generator)
            shown_b = self.pool_b.query(tf.stop_gradient(fake_b), self.seed_generator)
            real_logits = [self.discriminator_a(real_a, training=True),
                           self.discriminator_b(real_b, training=True)]
            fake_logits = [self.discriminator_a(shown_a, training=True),
                           self.discriminator_b(shown_b, training=True)]
            d_loss = 0.5 * (self.d_loss_fn(real_logits[0], fake_logits[0])
                            + self.d_loss_fn(real_logits[1], fake_logits[1]))
        self._apply(g_tape, g_total, self.generator_variables, self.g_optimizer)
        self._apply(d_tape, d_loss, self.discriminator_variables, self.d_optimizer)
        return self._record(
            d_loss=d_loss, g_loss=0.5 * g_adversarial, cycle=cycle, identity=identity,
            real_score=0.5 * (self._score(real_logits[0]) + self._score(real_logits[1])),
            fake_score=0.5 * (self._score(fake_logits[0]) + self._score(fake_logits[1])))

    def translate_ab(self, images) -> np.ndarray:
        """G(images): images of A translated to B, as a numpy array."""
        return self._translate_with(self.generator_ab, images, "images of A")

    def translate_ba(self, images) -> np.ndarray:
        """F(images): images of B translated to A, as a numpy array."""
        return self._translate_with(self.generator_ba, images, "images of B")

    def preview_rows(self, images_a):
        """[A, G(A), F(G(A))]: the rows of the live grid."""
        translated = self.translate_ab(images_a)
        return [np.asarray(images_a), translated, self.translate_ba(translated)]


def build_cyclegan(shape_a=(28, 28, 3), shape_b=None, *, width=32, depth=2, norm="instance",
                   cycle_weight=10.0, identity_weight=5.0, pool_size=50,
                   loss="least_squares", learning_rate=2e-4, beta1=0.5, seed=0) -> CycleGAN:
    """Build and compile a CycleGAN between images of ``shape_a`` and ``shape_b``.

    ``shape_b`` defaults to ``shape_a``; both must have the same height and width. Each
    optimizer is Adam(``learning_rate``, ``beta1``). Weights are seeded with ``seed``.
    """
    shape_a = tuple(shape_a)
    shape_b = shape_a if shape_b is None else tuple(shape_b)
    if shape_a[:2] != shape_b[:2]:
        raise ValueError(f"shape_a {shape_a} and shape_b {shape_b} must have the same height "
                         "and width.")
    optimizers = adam_pair(learning_rate, beta1)
    seed = hyperparameters.check("seed", seed)
    keras.utils.set_random_seed(seed)
    model = CycleGAN(
        unet_generator(shape_a, shape_b[-1], width=width, depth=depth, norm=norm,
                       name="generator_ab"),
        unet_generator(shape_b, shape_a[-1], width=width, depth=depth, norm=norm,
                       name="generator_ba"),
        patchgan_discriminator(shape_a, width=width, depth=depth, norm=norm,
                               name="discriminator_a"),
        patchgan_discriminator(shape_b, width=width, depth=depth, norm=norm,
                               name="discriminator_b"),
        pool_size=pool_size, seed=seed)
    model.compile(**optimizers, loss=loss, cycle_weight=cycle_weight,
                  identity_weight=identity_weight)
    return model
