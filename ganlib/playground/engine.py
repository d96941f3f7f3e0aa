"""A GAN on 2-D points that trains in small chunks (GAN Lab in Python).

The engine builds its GAN from ``ganlib.nets.mlp_generator`` / ``mlp_discriminator`` and
trains it with ``ganlib.training.GAN.train_step``; it has no training logic of its own.
For networks this small the cost of a step is mostly per-call overhead, so the engine runs
a chunk of ``k`` steps inside one compiled ``tf.function`` loop (one Python call per chunk)
instead of calling ``fit`` or ``train_on_batch``: measured on 2 CPU cores (bench/README.md),
about 3 times faster than ``fit`` for a width-64 MLP.
"""

from __future__ import annotations

import time

import keras
import numpy as np
import tensorflow as tf

from ganlib import _checks, nets
from ganlib.data import toy
from ganlib.playground.settings import USER_POINTS, PlaygroundSettings
from ganlib.training.gan import GAN

__all__ = ["Playground", "train_run"]


#: Real points kept in memory and shuffled into batches.
POOL_SIZE = 65_536


def _optimizer(settings, learning_rate, updates_per_step):
    rate = learning_rate
    if settings.lr_decay_steps:
        rate = keras.optimizers.schedules.PolynomialDecay(
            learning_rate, settings.lr_decay_steps * updates_per_step, learning_rate * 0.01)
    if settings.optimizer == "adam":
        return keras.optimizers.Adam(rate, beta_1=settings.beta1)
    if settings.optimizer == "rmsprop":
        return keras.optimizers.RMSprop(rate)
    return keras.optimizers.SGD(rate)


class Playground:
    """A GAN on 2-D points that trains in chunks: ``train(k)`` makes k generator steps.

    Args:
        settings: a ``PlaygroundSettings``.
        points: the user's points (array (N, 2) or text with one "x, y" per line), needed
            when ``settings.distribution`` is "my points".
        eval_samples: generated points used for the metrics (2,500 as in PacGAN).
        arrows: fakes on which the generator's gradient is drawn.
    """

    def __init__(self, settings=None, points=None, eval_samples=2500, arrows=40):
        self.settings = settings = settings or PlaygroundSettings()
        if settings.distribution == USER_POINTS:
            if points is None:
                raise ValueError("distribution 'my points' needs points: one 'x, y' per line.")
            self.distribution = toy.points_distribution(points, name=USER_POINTS)
        else:
            self.distribution = toy.get_distribution(settings.distribution)
        keras.utils.set_random_seed(settings.seed)
        generator = nets.mlp_generator(settings.latent_dim, 2, width=settings.g_width,
                                         depth=settings.depth)
        discriminator = nets.mlp_discriminator(2, width=settings.d_width, depth=settings.depth)
        self.gan = GAN(generator, discriminator, seed=settings.seed)
        self.gan.compile(_optimizer(settings, settings.d_learning_rate, settings.d_steps),
                         _optimizer(settings, settings.g_learning_rate, 1),
                         loss=settings.loss, d_steps=settings.d_steps,
                         gradient_penalty_weight=settings.gradient_penalty_weight,
                         r1_weight=settings.r1_weight)
        self.real_pool = self.distribution.sample(POOL_SIZE, seed=settings.seed)
        self.real_shown = self.real_pool[:eval_samples]
        dataset = (tf.data.Dataset.from_tensor_slices(self.real_pool)
                   .shuffle(POOL_SIZE, seed=settings.seed, reshuffle_each_iteration=True)
                   .repeat().batch(settings.batch_size, drop_remainder=True).prefetch(4))
        self._batches = iter(dataset)
        rng = np.random.default_rng(settings.seed + 10_000)
        self.eval_latent = rng.standard_normal((eval_samples, settings.latent_dim)) \
            .astype(np.float32)
        self.arrow_latent = self.eval_latent[:arrows]
        self.history = []
        self.train_seconds = 0.0
        self._train_chunk = tf.function(self._chunk, jit_compile=False)

    def _chunk(self, steps):
        for metric in self.gan.metrics:
            metric.reset_state()
        for _ in tf.range(steps):
            self.gan.train_step(next(self._batches))
        return {metric.name: metric.result() for metric in self.gan.metrics}

    @property
    def step(self) -> int:
        """Generator updates made so far."""
        return self.gan.steps_done

    def train(self, steps=1) -> dict:
        """Make ``steps`` generator updates (each after ``d_steps`` discriminator updates).

        Returns and records in ``history`` the mean losses over the chunk, with the mode
        metrics of the generator at its end.
        """
        steps = _checks.whole_number(steps, "steps")
        start = time.perf_counter()
        logs = {name: float(value) for name, value in
                self._train_chunk(tf.constant(int(steps), tf.int64)).items()}
        self.train_seconds += time.perf_counter() - start
        record = {"step": self.step, **logs, **self.evaluate()}
        self.history.append(record)
        return record

    def samples(self, latent=None) -> np.ndarray:
        """Generated points (float32, (N, 2)) for ``latent`` (default: the fixed eval batch)."""
        latent = self.eval_latent if latent is None else np.asarray(latent, np.float32)
        return self.gan.generator(latent, training=False).numpy()

    def evaluate(self, samples=None) -> dict:
        """Modes covered and high-quality share of ``samples`` (default: the eval batch).

        Empty for continuous distributions (spiral, moons), which have no modes.
        """
        if not self.distribution.has_modes:
            return {}
        samples = self.samples() if samples is None else samples
        centres, std = self.distribution.centres, self.distribution.std
        return {"modes_covered": toy.modes_covered(samples, centres, std),
                "high_quality_share": toy.high_quality_share(samples, centres, std)}

    def decision_surface(self, grid) -> np.ndarray:
        """sigmoid(D(x)) at the points ``grid`` (M, 2): the discriminator's belief "real"."""
        logits = self.gan.discriminator(np.asarray(grid, np.float32), training=False)
        return tf.sigmoid(logits).numpy()[:, 0]

    def generator_gradient(self, fakes) -> np.ndarray:
        """The direction the generator loss pushes each fake point: -d loss / d x, (N, 2).

        The loss is the settings' generator loss on the discriminator's logits, summed over
        the points (so each point's arrow does not shrink with N).
        """
        points = tf.convert_to_tensor(np.asarray(fakes, np.float32))
        with tf.GradientTape() as tape:
            tape.watch(points)
            logits = self.gan.discriminator(points, training=False)
            loss = self.gan.g_loss_fn(logits) * tf.cast(tf.shape(points)[0], tf.float32)
        return -tape.gradient(loss, points).numpy()

    def extent(self) -> float:
        """Half-width of the square the figure shows, from the real points."""
        return float(np.ceil(np.abs(self.real_shown).max() * 1.25 + 0.25))


def train_run(settings, points=None, chunk=500, on_chunk=None) -> Playground:
    """Train a new ``Playground`` for ``settings.steps`` generator steps; return it.

    Trains in chunks of ``chunk`` steps and calls ``on_chunk(playground)`` after each (to
    draw, for example).
    """
    playground = Playground(settings, points=points)
    while playground.step < settings.steps:
        playground.train(min(chunk, settings.steps - playground.step))
        if on_chunk is not None:
            on_chunk(playground)
    return playground
