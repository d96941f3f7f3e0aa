"""The GAN as a ``keras.Model``: ``compile`` with two optimizers, ``train_step``, ``fit``.

Because training is a ``train_step`` override, everything Keras offers around ``fit``
works: callbacks, progress bars, ``tf.distribute`` strategies.

Reference: the keras.io "DCGAN overriding train_step" pattern; Goodfellow et al. 2014;
Arjovsky et al. 2017 and Gulrajani et al. 2017 (several critic steps per generator step,
the gradient penalty).
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from ganlib import losses
from ganlib.training import hyperparameters

__all__ = ["GAN"]


class GAN(keras.Model):
    """A generator and a discriminator trained against each other.

    Each batch makes ``d_steps`` discriminator updates (1 by default) and one generator
    update; see ``compile``.

    Args:
        generator: maps (N, latent_dim) to images in [-1, 1].
        discriminator: maps images to one logit per image (no sigmoid).
        latent_dim: size of z; read from the generator's input when omitted.
        seed: seed of the latent sampler used in training.
    """

    def __init__(self, generator, discriminator, latent_dim=None, seed=0, **kwargs):
        super().__init__(**kwargs)
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = int(latent_dim or generator.input_shape[-1])
        if generator.input_shape[-1] != self.latent_dim:
            raise ValueError(f"latent_dim={latent_dim} does not match the generator's input "
                             f"size {generator.input_shape[-1]}.")
        if tuple(generator.output_shape[1:]) != tuple(discriminator.input_shape[1:]):
            raise ValueError(
                f"The generator makes images of shape {generator.output_shape[1:]} but the "
                f"discriminator expects {discriminator.input_shape[1:]}; build both for the "
                "same image_shape."
            )
        self.seed_generator = keras.random.SeedGenerator(hyperparameters.check("seed", seed))
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.real_score_tracker = keras.metrics.Mean(name="real_score")
        self.fake_score_tracker = keras.metrics.Mean(name="fake_score")
        self.penalty_tracker = keras.metrics.Mean(name="gradient_penalty")
        self.r1_tracker = keras.metrics.Mean(name="r1_penalty")
        self.d_steps = 1
        self.gradient_penalty_weight = 0.0
        self.r1_weight = 0.0
        self.ema_decay = 0.0
        self.ema_generator = None
        self.lr_decay = 0.0
        self.base_learning_rates = None
        # Both networks are already built. Saying so stops Keras (under a tf.distribute
        # strategy) from building the GAN by calling it on an image batch, which fails.
        self.built = True

    def compile(self, d_optimizer, g_optimizer, loss="non_saturating", d_steps=1,
                gradient_penalty_weight=0.0, r1_weight=0.0, ema_decay=0.0, lr_decay=0.0,
                **kwargs):
        """Set the two optimizers, the loss pair and the discriminator's training schedule.

        Args:
            d_optimizer, g_optimizer: two separate Keras optimizers; a learning rate that
                is not finite or not in (0, 1) is refused (a schedule is accepted).
            loss: a name from ``ganlib.losses.LOSSES``, e.g. "non_saturating",
                "least_squares", "wasserstein" or "hinge".
            d_steps: discriminator (critic) updates per generator update. Each update
                draws a fresh noise batch; all of them use the same real batch (the one
                ``fit`` passes to ``train_step``). WGAN uses 5.
            gradient_penalty_weight: when > 0, ``weight * ganlib.losses.gradient_penalty``
                is added to the discriminator's loss (WGAN-GP uses 10), and the penalty is
                reported as the metric ``gradient_penalty``.
            r1_weight: gamma of the R1 penalty; when > 0, ``gamma / 2 *
                ganlib.losses.r1_penalty`` on the real batch is added to the
                discriminator's loss (Mescheder et al. 2018) and reported as ``r1_penalty``.
            ema_decay: when > 0 (typically 0.999), ``ema_generator``, a copy of the
                generator, keeps an exponential moving average of its weights, updated
                after every generator step (Yazici et al. 2019, "The Unusual Effectiveness
                of Averaging in GAN Training"); ``sampler`` and ``generate`` then use it.
                The decay ramps up as min(ema_decay, (1 + t) / (10 + t)) at step t, so the
                average does not remember the random initial weights.
            lr_decay: when > 0 (e.g. 0.5), both learning rates fall linearly to 0 over
                that last share of training (``ganlib.training.LearningRateDecay``, which
                ``train_gan`` adds for its ``steps``); the rates given here are kept in
                ``base_learning_rates``, so a resumed run continues the same schedule.

        Two time-scale learning rates (TTUR, Heusel et al. 2017) need no option: give the
        two optimizers different learning rates.

        The optimizers are built here, so that checkpoints restore their state and
        ``tf.distribute`` strategies create their variables inside the scope.
        """
        if d_optimizer is g_optimizer:
            raise ValueError("d_optimizer and g_optimizer must be two separate optimizer "
                             "objects; each keeps its own moment estimates.")
        hyperparameters.check_optimizer(d_optimizer, "d_optimizer")
        hyperparameters.check_optimizer(g_optimizer, "g_optimizer")
        check = hyperparameters.check
        d_steps = check("d_steps", d_steps)
        gradient_penalty_weight = check("gradient_penalty_weight", gradient_penalty_weight)
        r1_weight = check("r1_weight", r1_weight)
        ema_decay = check("ema_decay", ema_decay)
        lr_decay = check("lr_decay", lr_decay)
        if lr_decay > 0:
            base_learning_rates = tuple(_fixed_learning_rate(optimizer, name) for optimizer, name
                                        in ((d_optimizer, "d_optimizer"),
                                            (g_optimizer, "g_optimizer")))
        kwargs.setdefault("jit_compile", False)  # XLA is slower on CPUs for these models
        super().compile(**kwargs)
        self.loss_name = loss
        self.d_loss_fn, self.g_loss_fn = losses.get_loss_pair(loss)
        self.d_steps = d_steps
        self.gradient_penalty_weight = gradient_penalty_weight
        self.r1_weight = r1_weight
        self.ema_decay = ema_decay
        self.lr_decay = lr_decay
        self.base_learning_rates = base_learning_rates if lr_decay > 0 else None
        if self.ema_decay > 0 and self.ema_generator is None:
            self.ema_generator = keras.models.clone_model(self.generator)
            self.ema_generator.set_weights(self.generator.get_weights())
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.d_optimizer.build(self.discriminator.trainable_variables)
        self.g_optimizer.build(self.generator.trainable_variables)

    @property
    def metrics(self):
        trackers = [self.d_loss_tracker, self.g_loss_tracker,
                    self.real_score_tracker, self.fake_score_tracker]
        if self.gradient_penalty_weight > 0:
            trackers.append(self.penalty_tracker)
        if self.r1_weight > 0:
            trackers.append(self.r1_tracker)
        return trackers

    @property
    def sampler(self):
        """The network that makes the samples we show: ``ema_generator`` when on, else
        ``generator``."""
        return self.ema_generator if self.ema_generator is not None else self.generator

    def state_objects(self) -> dict:
        """Everything whose variables training changes, by name (for checkpoints and the
        non-finite guard): both networks, both optimizers and the EMA generator if any."""
        objects = {"generator": self.generator, "discriminator": self.discriminator,
                   "d_optimizer": self.d_optimizer, "g_optimizer": self.g_optimizer}
        if self.ema_generator is not None:
            objects["ema_generator"] = self.ema_generator
        return objects

    @property
    def steps_done(self) -> int:
        """Generator updates made so far (restored with a checkpoint)."""
        return int(self.g_optimizer.iterations.numpy())

    def call(self, z, training=False):
        return self.generator(z, training=training)

    def _replica_scale(self):
        return 1.0 / tf.distribute.get_strategy().num_replicas_in_sync

    def train_step(self, data):
        """One step: ``d_steps`` updates of the discriminator D, then one of the generator G.

        D lowers its loss on a real batch x and fakes G(z); with the course's default pair
        that is -E[log D(x)] - E[log(1 - D(G(z)))] (Goodfellow et al. 2014), plus the
        penalties when they are on. Then G lowers its loss on fresh fakes; the default,
        non-saturating one is -E[log D(G(z))]. D outputs logits; the losses apply the
        sigmoid themselves (``ganlib.losses``).
        """
        real = data[0] if isinstance(data, (tuple, list)) else data
        # d_steps and the penalty weights are Python values, fixed when the step is traced:
        # with the defaults the graph is one discriminator update, exactly as without them.
        for _ in range(self.d_steps):
            real_logits, fake_logits = self.discriminator_update(real)
        self.generator_update(tf.shape(real)[0])
        self.real_score_tracker.update_state(tf.reduce_mean(tf.sigmoid(real_logits)))
        self.fake_score_tracker.update_state(tf.reduce_mean(tf.sigmoid(fake_logits)))
        return {m.name: m.result() for m in self.metrics}

    def discriminator_update(self, real):
        """One update of D on the real batch and fresh fakes; returns both logit batches."""
        scale = self._replica_scale()  # under a strategy, replicas' gradients are summed
        z = keras.random.normal((tf.shape(real)[0], self.latent_dim), seed=self.seed_generator)
        with tf.GradientTape() as tape:
            fake = self.generator(z, training=True)                # G(z)
            real_logits = self.discriminator(real, training=True)  # logit of D(x)
            fake_logits = self.discriminator(fake, training=True)  # logit of D(G(z))
            d_loss = self.d_loss_fn(real_logits, fake_logits)
            if self.gradient_penalty_weight > 0:  # + lambda E[(||grad D(x_hat)|| - 1)^2]
                penalty = losses.gradient_penalty(self.discriminator, real, fake,
                                                  seed=self.seed_generator)
                d_loss = d_loss + self.gradient_penalty_weight * penalty
                self.penalty_tracker.update_state(penalty)
            if self.r1_weight > 0:  # + gamma / 2 E[||grad D(x)||^2] on real x
                r1 = losses.r1_penalty(self.discriminator, real)
                d_loss = d_loss + 0.5 * self.r1_weight * r1
                self.r1_tracker.update_state(r1)
            scaled_d_loss = d_loss * scale
        d_vars = self.discriminator.trainable_variables
        d_grads = tape.gradient(scaled_d_loss, d_vars)
        self.d_optimizer.apply_gradients(zip(d_grads, d_vars, strict=True))
        self.d_loss_tracker.update_state(d_loss)
        return real_logits, fake_logits

    def generator_update(self, batch_size):
        """One update of G on ``batch_size`` fresh fakes, D's weights fixed (only G's
        gradients are used); then the weight average, when on. Returns G's loss."""
        z = keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)
        with tf.GradientTape() as tape:
            fake_logits_for_g = self.discriminator(self.generator(z, training=True),
                                                   training=True)
            g_loss = self.g_loss_fn(fake_logits_for_g)
            scaled_g_loss = g_loss * self._replica_scale()
        g_vars = self.generator.trainable_variables
        g_grads = tape.gradient(scaled_g_loss, g_vars)
        self.g_optimizer.apply_gradients(zip(g_grads, g_vars, strict=True))
        if self.ema_generator is not None:
            self._update_ema()
        self.g_loss_tracker.update_state(g_loss)
        return g_loss

    def _update_ema(self):
        step = tf.cast(self.g_optimizer.iterations, tf.float32) - 1.0  # the step just made
        decay = tf.minimum(self.ema_decay, (1.0 + step) / (10.0 + step))
        for average, current in zip(self.ema_generator.weights, self.generator.weights,
                                    strict=True):
            if "float" in str(average.dtype):
                average.assign(decay * average + (1.0 - decay) * current)

    def generate(self, latent=None, n=None, seed=0):
        """Return generated images as a numpy array in [-1, 1], made by ``sampler``.

        Pass a fixed ``latent`` batch (N, latent_dim), or ``n`` and a ``seed``.
        """
        if latent is None:
            if n is None or int(n) <= 0:
                raise ValueError("Pass a latent batch or a positive number n of images.")
            latent = np.random.default_rng(seed).standard_normal((int(n), self.latent_dim))
        latent = np.asarray(latent, np.float32)
        if latent.ndim != 2 or latent.shape[1] != self.latent_dim:
            raise ValueError(f"latent must have shape (N, {self.latent_dim}), "
                             f"got {latent.shape}.")
        return self.sampler.predict(latent, batch_size=256, verbose=0)


def _fixed_learning_rate(optimizer, name) -> float:
    """The optimizer's learning rate as a float; a schedule is refused (``lr_decay`` is one)."""
    rate = optimizer._learning_rate  # as given: a number (held in a variable) or a schedule
    if isinstance(rate, keras.optimizers.schedules.LearningRateSchedule) or callable(rate):
        raise ValueError(f"lr_decay needs {name} with a fixed learning rate, got a schedule: "
                         "give a number and let lr_decay lower it, or set lr_decay=0.")
    return float(str(keras.ops.convert_to_numpy(rate)))  # float32 shown as typed: 0.0004
