"""Throughput of ``GAN.fit`` against a plain ``tf.function`` loop training the same nets.

    python bench/fit_overhead.py [--rounds 5] [--steps 150] [--data digits|synthetic]

Both sides use the default recipe (``ganlib.training.recipes.DCGANRecipe()``): the same generator
and discriminator builders and width, the same latent size, batch size, losses and Adam
settings, the same ``tf.data`` pipeline (``ganlib.data.make_dataset``), no XLA. The plain
loop is the textbook one: ``for images in dataset: train_step(images)`` with a
``tf.function`` doing one discriminator and one generator update (what ``GAN.train_step``
does) and nothing else: no metric trackers, no callbacks.

The two are timed in the same process, alternating (fit, plain, plain, fit, fit, ...) so
that a change of machine load hits both alike. Each round is ``--steps`` steps; within a
round the clock runs from the end of the first step to the end of the last one, so
tracing, iterator creation and the fit call's set-up are excluded. A warm-up round of
each comes first and is not counted. Target: fit/plain >= 0.95.
"""

from __future__ import annotations

import argparse
import sys
import time

import keras
import numpy as np
import tensorflow as tf

from ganlib import data, losses, nets
from ganlib.training.recipes import DCGANRecipe, build_dcgan

TARGET_RATIO = 0.95


class BatchClock(keras.callbacks.Callback):
    """Records the time at the end of every training batch."""

    def on_train_begin(self, logs=None):
        self.times = []

    def on_train_batch_end(self, batch, logs=None):
        self.times.append(time.perf_counter())


def steady_rate(times, batch_size):
    """Images per second from the end of the first step to the end of the last one."""
    return (len(times) - 1) * batch_size / (times[-1] - times[0])


class PlainLoop:
    """The same training step as ``GAN.train_step``, as a bare tf.function."""

    def __init__(self, recipe: DCGANRecipe, image_shape):
        keras.utils.set_random_seed(recipe.seed)
        self.generator = nets.dcgan_generator(recipe.latent_dim, image_shape,
                                                width=recipe.width)
        self.discriminator = nets.dcgan_discriminator(image_shape, width=recipe.width)
        self.d_optimizer = keras.optimizers.Adam(recipe.d_learning_rate, beta_1=recipe.beta1)
        self.g_optimizer = keras.optimizers.Adam(recipe.g_learning_rate, beta_1=recipe.beta1)
        self.d_optimizer.build(self.discriminator.trainable_variables)
        self.g_optimizer.build(self.generator.trainable_variables)
        self.d_loss_fn, self.g_loss_fn = losses.get_loss_pair(recipe.loss)
        self.latent_dim = recipe.latent_dim
        self.seed_generator = keras.random.SeedGenerator(recipe.seed)
        self.train_step = tf.function(self._train_step, jit_compile=False)

    def _train_step(self, real):
        batch_size = tf.shape(real)[0]
        z = keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)
        with tf.GradientTape() as tape:
            fake = self.generator(z, training=True)
            d_loss = self.d_loss_fn(self.discriminator(real, training=True),
                                    self.discriminator(fake, training=True))
        d_vars = self.discriminator.trainable_variables
        self.d_optimizer.apply_gradients(zip(tape.gradient(d_loss, d_vars), d_vars, strict=True))

        z = keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)
        with tf.GradientTape() as tape:
            g_loss = self.g_loss_fn(self.discriminator(self.generator(z, training=True),
                                                       training=True))
        g_vars = self.generator.trainable_variables
        self.g_optimizer.apply_gradients(zip(tape.gradient(g_loss, g_vars), g_vars, strict=True))
        return d_loss, g_loss

    def run(self, dataset, steps):
        """Train ``steps`` steps; return the time at the end of each."""
        times = []
        for images in dataset.take(steps):
            self.train_step(images)
            times.append(time.perf_counter())
        return times


def run_fit(gan, dataset, steps):
    clock = BatchClock()
    gan.fit(dataset, epochs=1, steps_per_epoch=steps, callbacks=[clock], verbose=0,
            shuffle=False)
    return clock.times


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=150, help="steps per round")
    parser.add_argument("--data", choices=("digits", "synthetic"), default="digits")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.rounds <= 0 or args.steps < 2:
        parser.error("--rounds must be positive and --steps at least 2.")

    recipe = DCGANRecipe(dataset="digits", seed=args.seed)
    image_shape = (28, 28, 1)
    if args.data == "digits":
        images = data.load_dataset("digits", split="train").images
    else:
        images = np.random.default_rng(args.seed).uniform(-1, 1, (2048, *image_shape))
        images = images.astype(np.float32)
        print(f"Dataset: synthetic uniform noise ({len(images):,} images of 28x28x1)")
    dataset = data.make_dataset(images, recipe.batch_size, seed=args.seed)

    gan = build_dcgan(recipe, image_shape)
    plain = PlainLoop(recipe, image_shape)
    print(f"Default recipe: batch {recipe.batch_size}, width {recipe.width}, latent "
          f"{recipe.latent_dim}; generator {gan.generator.count_params():,} and "
          f"discriminator {gan.discriminator.count_params():,} weights")
    print(f"Warm-up, then {args.rounds} rounds x {args.steps} steps each, alternating.",
          flush=True)
    run_fit(gan, dataset, 5)
    plain.run(dataset, 5)

    rates = {"fit": [], "plain": []}
    for round_index in range(args.rounds):
        order = ("fit", "plain") if round_index % 2 == 0 else ("plain", "fit")
        for name in order:
            times = (run_fit(gan, dataset, args.steps) if name == "fit"
                     else plain.run(dataset, args.steps))
            rates[name].append(steady_rate(times, recipe.batch_size))
        print(f"  round {round_index + 1}: GAN.fit {rates['fit'][-1]:7.0f} images/s, "
              f"plain tf.function {rates['plain'][-1]:7.0f} images/s, "
              f"fit/plain {rates['fit'][-1] / rates['plain'][-1]:.3f}", flush=True)

    fit_rate, plain_rate = np.median(rates["fit"]), np.median(rates["plain"])
    # The ratio of each round compares two runs made back to back, so it is less
    # affected by changes of machine load than the ratio of the medians.
    ratio = float(np.median(np.array(rates["fit"]) / np.array(rates["plain"])))
    verdict = "meets" if ratio >= TARGET_RATIO else "BELOW"
    print(f"Median over rounds: GAN.fit {fit_rate:.0f} images/s, plain {plain_rate:.0f} "
          f"images/s; median per-round fit/plain = {ratio:.3f} ({verdict} the target "
          f"{TARGET_RATIO})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
