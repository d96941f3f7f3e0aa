"""pix2pix: paired image-to-image translation with a conditional GAN plus an L1 loss.

The generator (a U-Net) turns a source image into a candidate; the discriminator (a
PatchGAN) sees the source next to either the real target or the candidate and judges
each patch. The generator minimises ``adversarial_weight * adversarial loss +
l1_weight * mean |target - candidate|``: the L1 term gets the low frequencies right (but
alone gives blurry averages), the adversarial term makes the details look real.

Reference: Isola, Zhu, Zhou, Efros 2017, "Image-to-Image Translation with Conditional
Adversarial Networks" (lambda = 100 for the L1 term, Adam 2e-4, beta1 0.5).
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from ganlib.nets.translation import patchgan_discriminator, unet_generator
from ganlib.training import hyperparameters
from ganlib.translation.model import TranslationModel, adam_pair, check_weight

__all__ = ["Pix2Pix", "build_pix2pix"]


class Pix2Pix(TranslationModel):
    """A U-Net generator and a conditional PatchGAN trained on (source, target) batches.

    Args:
        generator: maps sources (N, H, W, Cs) to targets (N, H, W, Ct) in [-1, 1].
        discriminator: takes [source, candidate] and returns patch logits.
        seed: kept for checkpoints (training itself draws no noise).
    """

    def __init__(self, generator, discriminator, seed=0, **kwargs):
        super().__init__(seed=seed, **kwargs)
        inputs = discriminator.input_shape
        if not isinstance(inputs, list) or len(inputs) != 2:
            raise ValueError("The discriminator must read [source, candidate]: build it with "
                             "patchgan_discriminator(target_shape, condition_shape=...).")
        if tuple(inputs[0][1:]) != tuple(generator.input_shape[1:]) or \
                tuple(inputs[1][1:]) != tuple(generator.output_shape[1:]):
            raise ValueError(f"The generator maps {generator.input_shape[1:]} to "
                             f"{generator.output_shape[1:]} but the discriminator reads "
                             f"sources {inputs[0][1:]} and candidates {inputs[1][1:]}; build "
                             "both for the same shapes.")
        self.generator, self.discriminator = generator, discriminator
        self.generators = {"generator": generator}
        self.discriminators = {"discriminator": discriminator}
        self.l1_weight, self.adversarial_weight = 100.0, 1.0
        self._track("d_loss", "g_loss", "l1", "real_score", "fake_score")

    def compile(self, d_optimizer, g_optimizer, loss="non_saturating", l1_weight=100.0,
                adversarial_weight=1.0, **kwargs):
        """Set the optimizers, the GAN loss pair and the weights of the generator's two terms.

        Args:
            loss: a name from ``ganlib.losses.LOSSES`` (pix2pix uses "non_saturating").
            l1_weight: weight of the L1 term (the paper's lambda, 100); 0 trains a pure
                conditional GAN.
            adversarial_weight: weight of the adversarial term; 0 trains the U-Net on L1
                alone (a plain regression, the blurry baseline of the paper).
        """
        self.l1_weight = check_weight(l1_weight, "l1_weight", "pix2pix uses 100; 0 is a pure GAN")
        self.adversarial_weight = check_weight(adversarial_weight, "adversarial_weight",
                                               "1 as in pix2pix; 0 trains on L1 alone")
        if self.l1_weight == 0 and self.adversarial_weight == 0:
            raise ValueError("l1_weight and adversarial_weight are both 0: the generator "
                             "would learn nothing. Set at least one above 0.")
        self._finish_compile(d_optimizer, g_optimizer, loss, **kwargs)

    @property
    def sampler(self):
        """The network that makes the pictures we show: the generator."""
        return self.generator

    def call(self, sources, training=False):
        return self.generator(sources, training=training)

    def train_step(self, data_batch):
        if not isinstance(data_batch, (tuple, list)) or len(data_batch) != 2:
            raise ValueError("Pix2Pix trains on batches of (sources, targets); make them with "
                             "ganlib.data.pairs.make_pair_dataset(pairs, batch_size).")
        sources, targets = data_batch
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            fakes = self.generator(sources, training=True)
            real_logits = self.discriminator([sources, targets], training=True)
            fake_logits = self.discriminator([sources, fakes], training=True)
            d_loss = self.d_loss_fn(real_logits, fake_logits)
            g_adversarial = self.g_loss_fn(fake_logits)
            l1 = tf.reduce_mean(tf.abs(targets - fakes))
            g_total = self.adversarial_weight * g_adversarial + self.l1_weight * l1
        self._apply(g_tape, g_total, self.generator_variables, self.g_optimizer)
        self._apply(d_tape, d_loss, self.discriminator_variables, self.d_optimizer)
        return self._record(d_loss=d_loss, g_loss=g_adversarial, l1=l1,
                            real_score=self._score(real_logits),
                            fake_score=self._score(fake_logits))

    def translate(self, sources) -> np.ndarray:
        """Translations of ``sources`` (N, H, W, Cs) in [-1, 1], as a numpy array."""
        return self._translate_with(self.generator, sources, "sources")

    def preview_rows(self, sources):
        """[sources, translations]: the rows of the live grid."""
        return [np.asarray(sources), self.translate(sources)]


def build_pix2pix(source_shape=(28, 28, 1), target_channels=None, *, width=32, depth=2,
                  norm="instance", dropout=0.0, l1_weight=100.0, adversarial_weight=1.0,
                  loss="non_saturating", learning_rate=2e-4, beta1=0.5, seed=0) -> Pix2Pix:
    """Build and compile a pix2pix model for ``source_shape`` -> ``target_channels``.

    Both networks have ``depth`` stride-2 levels and start at ``width`` channels; Adam
    with ``learning_rate`` and ``beta1`` for both (the paper's 2e-4 and 0.5). Weights are
    seeded with ``seed``.
    """
    optimizers = adam_pair(learning_rate, beta1)
    seed = hyperparameters.check("seed", seed)
    keras.utils.set_random_seed(seed)
    target_channels = source_shape[-1] if target_channels is None else target_channels
    generator = unet_generator(source_shape, target_channels, width=width, depth=depth,
                               norm=norm, dropout=dropout)
    target_shape = tuple(source_shape[:2]) + (target_channels,)
    discriminator = patchgan_discriminator(target_shape, condition_shape=source_shape,
                                           width=width, depth=depth, norm=norm)
    model = Pix2Pix(generator, discriminator, seed=seed)
    model.compile(**optimizers, loss=loss, l1_weight=l1_weight,
                  adversarial_weight=adversarial_weight)
    return model
