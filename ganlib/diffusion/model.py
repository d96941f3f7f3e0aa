"""A denoising diffusion model as a ``keras.Model``: ``train_step``, ``fit``, ``generate``.

Training (Ho et al. 2020, Algorithm 1, the "simple" loss): for each image x_0 of a batch,
draw a step t from 0 .. T-1 and noise eps ~ N(0, I), make
x_t = sqrt(alpha_bar_t) x_0 + sqrt(1 - alpha_bar_t) eps, and teach the network to tell
the noise:

    loss = E || eps - eps_theta(x_t, t) ||^2       (mean over pixels and the batch)

Two changes from Ho et al., both measured better on a budget of minutes (bench/README.md,
"Transformers and diffusion", run 3) and both switchable back:

- ``prediction="v"`` (default; "eps" is Ho et al.'s): the network predicts the velocity
  v = sqrt(alpha_bar_t) eps - sqrt(1 - alpha_bar_t) x_0 (Salimans & Ho 2022; see
  ``ganlib.diffusion.targets``) and the loss is || v - v_theta(x_t, t) ||^2;
- ``timestep_sampling="logit_normal"`` (default; "uniform" is Ho et al.'s): t / T =
  sigmoid(u) with u ~ N(0, 1) (Esser et al. 2024), which spends most of the training on
  the middle noise levels and little on nearly clean or nearly pure-noise inputs.

One network learns every noise level at once; there is no adversary and nothing to
balance. Sampling runs the reverse process (``ganlib.diffusion.sampling``); ``generate``
returns images in [-1, 1] like ``GAN.generate``. As for the GAN, an exponential moving
average of the weights (``ema_network``) makes the samples.
"""

from __future__ import annotations

import math

import keras
import numpy as np
import tensorflow as tf

from ganlib import _checks
from ganlib.diffusion import sampling, targets
from ganlib.diffusion.schedule import NoiseSchedule, add_noise, make_schedule
from ganlib.diffusion.unet import build_denoiser
from ganlib.training import hyperparameters
from ganlib.training.callbacks import StopAfterSeconds, StopAtStep

__all__ = ["SAMPLERS", "TIMESTEP_SAMPLING", "DiffusionModel", "build_diffusion",
           "draw_timesteps", "train_diffusion"]

#: The samplers ``generate`` knows.
SAMPLERS = ("ddim", "ddpm", "dpm_solver")

#: How training draws each image's step t: Ho et al.'s uniform law, or logit-normal.
TIMESTEP_SAMPLING = ("logit_normal", "uniform")


def draw_timesteps(n, timesteps: int, kind: str, seed=None):
    """``n`` steps in 0 .. ``timesteps`` - 1 (int32), drawn the way ``kind`` says.

    "uniform": each step equally often. "logit_normal": t = floor(T sigmoid(u)) with
    u ~ N(0, 1), so about 73% of the draws fall in the middle half of the steps (against
    50%), and the first and last few steps are rare.
    """
    if _checks.choice(kind, "timestep_sampling", TIMESTEP_SAMPLING) == "uniform":
        return keras.random.randint((n,), 0, timesteps, seed=seed)
    u = keras.random.normal((n,), seed=seed)
    return tf.cast(tf.clip_by_value(tf.sigmoid(u) * timesteps, 0.0, timesteps - 1.0), tf.int32)


class DiffusionModel(keras.Model):
    """A denoiser (predicting v or the noise) and its schedule, trained by squared error.

    Args:
        network: (x_t (N, H, W, C), t (N,)) -> its prediction (N, H, W, C), e.g.
            ``build_denoiser``.
        schedule: a ``NoiseSchedule`` (``make_schedule``).
        prediction: what the network learns to predict: "v" (the velocity, default) or
            "eps" (the noise, as in Ho et al.); ``targets.PREDICTIONS``.
        timestep_sampling: how training draws the steps, one of ``TIMESTEP_SAMPLING``
            (``draw_timesteps``): "logit_normal" (default) or "uniform" (Ho et al.).
        ema_decay: decay of the average of the weights that samples are drawn from
            (0: off); ramped as min(ema_decay, (1 + step) / (10 + step)), as in the GAN.
        sampler, sampling_steps: the sampler (one of ``SAMPLERS``) and its steps that
            ``generate`` uses by default: DPM-Solver++ with 30 steps, which scored better
            than DDIM with the same steps (bench/README.md, "Transformers and diffusion").
        seed: seeds the steps and noise drawn in training.
    """

    def __init__(self, network, schedule, ema_decay=0.999, sampling_steps=30,
                 sampler="dpm_solver", seed=0, prediction="v",
                 timestep_sampling="logit_normal", **kwargs):
        super().__init__(**kwargs)
        if not isinstance(network, keras.Model) or len(getattr(network, "inputs", None) or ()) != 2:
            raise TypeError("network must be a keras Model reading (noisy images, steps), e.g. "
                            f"ganlib.diffusion.build_denoiser(), got {type(network).__name__}.")
        if not isinstance(schedule, NoiseSchedule):
            raise TypeError(f"schedule must be a NoiseSchedule (make_schedule), got "
                            f"{type(schedule).__name__}.")
        self.network, self.schedule = network, schedule
        self.image_shape = tuple(network.inputs[0].shape[1:])
        self.ema_decay = hyperparameters.check("ema_decay", ema_decay)
        self.sampling_steps = _checks.whole_number(sampling_steps, "sampling_steps",
                                                   maximum=schedule.timesteps)
        self.sampler = _checks.choice(sampler, "sampler", SAMPLERS)
        self.prediction = targets.check_prediction(prediction)
        self.timestep_sampling = _checks.choice(timestep_sampling, "timestep_sampling",
                                                TIMESTEP_SAMPLING)
        self.seed_generator = keras.random.SeedGenerator(hyperparameters.check("seed", seed))
        self.alphas_cumprod = tf.constant(schedule.alphas_cumprod, tf.float32)
        self.ema_network = None
        if self.ema_decay > 0:
            self.ema_network = keras.models.clone_model(network)
            self.ema_network.set_weights(network.get_weights())
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.built = True

    def compile(self, optimizer="adam", **kwargs):
        """Keras' ``compile`` after checking the optimizer's learning rate; builds it."""
        optimizer = hyperparameters.check_optimizer(keras.optimizers.get(optimizer),
                                                    "optimizer")
        kwargs.setdefault("jit_compile", False)
        super().compile(optimizer=optimizer, **kwargs)
        self.optimizer.build(self.network.trainable_variables)

    @property
    def metrics(self):
        return [self.loss_tracker]

    @property
    def steps_done(self) -> int:
        """Training steps made so far."""
        return int(self.optimizer.iterations.numpy())

    @property
    def sampler_network(self):
        """The network that makes the samples: ``ema_network`` when on, else ``network``."""
        return self.ema_network if self.ema_network is not None else self.network

    def call(self, inputs, training=False):
        return self.network(inputs, training=training)

    def train_step(self, data):
        """One step of Ho et al.'s Algorithm 1 on a batch of clean images x_0 (the target:
        the noise, or v)."""
        x0 = data[0] if isinstance(data, (tuple, list)) else data
        batch = tf.shape(x0)[0]
        t = draw_timesteps(batch, self.schedule.timesteps, self.timestep_sampling,
                           seed=self.seed_generator)         # t in 0..T-1, one per image
        noise = keras.random.normal(tf.shape(x0), seed=self.seed_generator)  # eps ~ N(0, I)
        x_t = add_noise(x0, t, noise, self.alphas_cumprod)  # sqrt(ab) x0 + sqrt(1-ab) eps
        alpha_bar = tf.reshape(tf.gather(self.alphas_cumprod, t), (-1, 1, 1, 1))
        target = targets.training_target(x0, noise, alpha_bar, self.prediction)  # eps or v
        with tf.GradientTape() as tape:
            predicted = self.network([x_t, tf.cast(t, tf.float32)], training=True)
            loss = tf.reduce_mean(tf.square(target - predicted))  # ||target - network||^2
        variables = self.network.trainable_variables
        self.optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables,
                                           strict=True))
        if self.ema_network is not None:
            self._update_ema()
        self.loss_tracker.update_state(loss)
        return {"loss": self.loss_tracker.result()}

    def _update_ema(self):
        step = tf.cast(self.optimizer.iterations, tf.float32) - 1.0
        decay = tf.minimum(self.ema_decay, (1.0 + step) / (10.0 + step))
        for average, current in zip(self.ema_network.weights, self.network.weights,
                                    strict=True):
            average.assign(decay * average + (1.0 - decay) * current)

    def generate(self, n=None, seed=0, steps=None, sampler=None, noise=None, eta=0.0,
                 return_path=False):
        """Sampled images (N, H, W, C) in [-1, 1], as numpy.

        Args:
            n, seed: how many images and the seed of their noise (or give ``noise``, x_T).
            steps: steps of DDIM or DPM-Solver++, 1 to T (default ``sampling_steps``);
                DDPM always walks all T steps (None or T).
            sampler: "ddim" (few steps, deterministic with eta = 0), "dpm_solver" (DDIM's
                path, second order: better images for the same steps; no ``eta``) or
                "ddpm" (ancestral); default ``self.sampler``.
            return_path: also return the images after every step (``sampling``).
        """
        sampler = self.sampler if sampler is None else _checks.choice(sampler, "sampler",
                                                                      SAMPLERS)
        timesteps = self.schedule.timesteps
        if sampler == "ddpm":
            if steps is not None and steps != timesteps:
                _checks.refuse("steps", steps, f"None or {timesteps} for sampler='ddpm' (it "
                               "walks the whole schedule); use sampler='ddim' for fewer steps")
            return sampling.ddpm_sample(self.sampler_network, self.schedule, n=n, seed=seed,
                                        noise=noise, return_path=return_path,
                                        prediction=self.prediction)
        steps = self.sampling_steps if steps is None else steps
        if sampler == "dpm_solver":
            if eta != 0:
                _checks.refuse("eta", eta, "0 for sampler='dpm_solver' (it is deterministic); "
                               "use sampler='ddim' to add noise")
            return sampling.dpm_solver_sample(self.sampler_network, self.schedule, steps, n=n,
                                              seed=seed, noise=noise, return_path=return_path,
                                              prediction=self.prediction)
        return sampling.ddim_sample(self.sampler_network, self.schedule, steps, n=n, seed=seed,
                                    noise=noise, eta=eta, return_path=return_path,
                                    prediction=self.prediction)


def build_diffusion(image_shape=(28, 28, 1), width=16, channel_multipliers=(1, 2, 4),
                    schedule="cosine", timesteps=250, learning_rate=2e-3, ema_decay=0.999,
                    sampling_steps=30, sampler="dpm_solver", seed=0, prediction="v",
                    timestep_sampling="logit_normal") -> DiffusionModel:
    """A compiled ``DiffusionModel``: ``build_denoiser`` and ``make_schedule``, Adam; the
    network predicts ``prediction`` ("v" or "eps") at steps drawn by ``timestep_sampling``."""
    seed = hyperparameters.check("seed", seed)
    learning_rate = hyperparameters.check("learning_rate", learning_rate)
    keras.utils.set_random_seed(seed)
    network = build_denoiser(image_shape, width, channel_multipliers)
    model = DiffusionModel(network, make_schedule(schedule, timesteps), ema_decay=ema_decay,
                           sampling_steps=sampling_steps, sampler=sampler, seed=seed,
                           prediction=prediction, timestep_sampling=timestep_sampling)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate))
    return model


def train_diffusion(model: DiffusionModel, dataset, steps: int, *, seconds=None,
                    steps_per_epoch: int = 100, callbacks=(), verbose=0) -> list[dict]:
    """Train until ``model`` has made ``steps`` steps, or for ``seconds`` of wall time
    (``StopAfterSeconds``, the clock including the first step's tracing) if that comes first.

    ``dataset`` must repeat (``ganlib.data.make_dataset``). Returns one record per epoch of
    ``steps_per_epoch`` steps: {"step", "loss"} (the epoch's mean loss).
    """
    if not isinstance(model, DiffusionModel):
        raise TypeError(f"model must be a DiffusionModel, got {type(model).__name__}.")
    steps = _checks.whole_number(steps, "steps", hint=" (e.g. 2000)")
    steps_per_epoch = _checks.whole_number(steps_per_epoch, "steps_per_epoch")
    done = model.steps_done
    if done >= steps:
        return []
    extra = [StopAfterSeconds(seconds)] if seconds is not None else []
    history = model.fit(dataset, epochs=math.ceil((steps - done) / steps_per_epoch),
                        steps_per_epoch=steps_per_epoch, shuffle=False, verbose=verbose,
                        callbacks=[StopAtStep(steps), *extra, *callbacks])
    ends = np.minimum(done + steps_per_epoch * np.arange(1, len(history.history["loss"]) + 1),
                      model.steps_done)
    return [{"step": int(step), "loss": float(loss)}
            for step, loss in zip(ends, history.history["loss"], strict=True)]
