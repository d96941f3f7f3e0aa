"""A convolutional variational autoencoder (VAE): the GAN's closest relative.

Kingma & Welling 2014, "Auto-Encoding Variational Bayes". An encoder maps an image x to
a Gaussian q(z|x) = N(mean, diag(exp(log_var))); a decoder maps a code z to the pixel
probabilities of p(x|z). Training maximises the evidence lower bound (ELBO) on
log p(x), per image:

    ELBO = E_q[log p(x|z)] - KL(q(z|x) || N(0, I)),

and the loss here is its negative: a reconstruction term (the pixels' binary
cross-entropy, summed, with the image scaled to [0, 1]) plus the KL term in closed form.
The expectation is estimated with one sample z = mean + exp(log_var / 2) * eps,
eps ~ N(0, I) (the reparameterisation trick), so gradients flow through mean and log_var.

The networks are the DCGAN's: the encoder is ``nets.dcgan_discriminator`` with
2 * latent_dim outputs, the decoder ``nets.dcgan_generator`` without its tanh. So the
VAE and the GAN of notebook 04 differ in how they are trained, not in their layers.

Binary cross-entropy on grey levels (not only 0 and 1) is the usual choice for MNIST-like
data, as in the paper's MNIST experiments; it is not a normalised likelihood for grey
values (Loaiza-Ganem & Cunningham 2019), so the ELBO here is a training objective, not a
log-likelihood to compare across models.
"""

from __future__ import annotations

import math
import numbers
import time

import keras
import numpy as np
import tensorflow as tf

from ganlib import _checks, data, nets
from ganlib.training import hyperparameters
from ganlib.training.callbacks import StopAfterSeconds

__all__ = ["VAE", "bernoulli_reconstruction_loss", "build_vae", "kl_divergence", "latent_grid",
           "reparameterise", "train_vae"]



def kl_divergence(mean, log_var):
    """KL(N(mean, diag(exp(log_var))) || N(0, I)) per row, in closed form (nats).

    0.5 * sum_j (exp(log_var_j) + mean_j**2 - 1 - log_var_j); zero only when mean = 0 and
    log_var = 0. Args are (N, latent_dim) tensors or arrays; returns (N,).
    """
    mean = tf.convert_to_tensor(mean, tf.float32)
    log_var = tf.convert_to_tensor(log_var, tf.float32)
    return 0.5 * tf.reduce_sum(tf.exp(log_var) + tf.square(mean) - 1.0 - log_var, axis=-1)


def reparameterise(mean, log_var, seed=None):
    """One sample z = mean + exp(log_var / 2) * eps with eps ~ N(0, I), differentiable in
    mean and log_var. ``seed``: an int or a ``keras.random.SeedGenerator``."""
    mean = tf.convert_to_tensor(mean, tf.float32)
    log_var = tf.convert_to_tensor(log_var, tf.float32)
    eps = keras.random.normal(tf.shape(mean), seed=seed)
    return mean + tf.exp(0.5 * log_var) * eps


def bernoulli_reconstruction_loss(images, logits):
    """-log p(x|z) per image: binary cross-entropy of pixel logits against the image in
    [0, 1] (``images`` are in the models' range [-1, 1]), summed over pixels. Returns (N,).
    """
    targets = (tf.convert_to_tensor(images, tf.float32) + 1.0) / 2.0
    per_pixel = tf.nn.sigmoid_cross_entropy_with_logits(labels=targets, logits=logits)
    return tf.reduce_sum(tf.reshape(per_pixel, (tf.shape(per_pixel)[0], -1)), axis=-1)


class VAE(keras.Model):
    """Encoder, decoder and the ELBO as a ``keras.Model`` with its own ``train_step``.

    Args:
        encoder: images (N, H, W, C) in [-1, 1] -> (N, 2 * latent_dim): the mean, then the
            log-variance of q(z|x).
        decoder: z (N, latent_dim) -> pixel logits (N, H, W, C).
        beta: weight of the KL term (1 is the ELBO; other values give a beta-VAE,
            Higgins et al. 2017).
        seed: seeds the noise of the reparameterisation trick during training.

    ``fit`` reports ``loss`` (the negative ELBO, nats per image), ``reconstruction`` and
    ``kl``; ``evaluate`` the same on held-out images.
    """

    def __init__(self, encoder, decoder, beta=1.0, seed=0, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(encoder, keras.Model) or not isinstance(decoder, keras.Model):
            raise TypeError(f"encoder and decoder must be keras Models, got "
                            f"{type(encoder).__name__} and {type(decoder).__name__}.")
        latent_dim = int(decoder.input_shape[-1])
        if encoder.output_shape[-1] != 2 * latent_dim or len(encoder.output_shape) != 2:
            raise ValueError(f"The encoder gives {encoder.output_shape[1:]} per image but the "
                             f"decoder reads a code of {latent_dim}; the encoder must give "
                             f"2 * latent_dim = {2 * latent_dim} numbers (mean, log-variance).")
        if tuple(decoder.output_shape[1:]) != tuple(encoder.input_shape[1:]):
            raise ValueError(f"The decoder makes images of shape {decoder.output_shape[1:]} "
                             f"but the encoder reads {encoder.input_shape[1:]}; build both "
                             "for the same image_shape.")
        self.encoder, self.decoder = encoder, decoder
        self.latent_dim = latent_dim
        self.beta = _checks.number(beta, "beta", above=0, hint=" (1 gives the ELBO)")
        self.image_shape = tuple(encoder.input_shape[1:])
        self.seed_generator = keras.random.SeedGenerator(hyperparameters.check("seed", seed))
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.reconstruction_tracker = keras.metrics.Mean(name="reconstruction")
        self.kl_tracker = keras.metrics.Mean(name="kl")
        self.built = True

    def compile(self, optimizer="adam", **kwargs):
        """Keras' ``compile``, after checking the optimizer's learning rate (finite, in
        (0, 1); a schedule is accepted), so that a NaN rate is refused before training."""
        optimizer = hyperparameters.check_optimizer(keras.optimizers.get(optimizer),
                                                    "optimizer")
        super().compile(optimizer=optimizer, **kwargs)

    @property
    def metrics(self):
        return [self.loss_tracker, self.reconstruction_tracker, self.kl_tracker]

    def call(self, images, training=False):
        mean, _ = self._moments(images, training)
        return self.decoder(mean, training=training)

    def _moments(self, images, training):
        moments = self.encoder(images, training=training)
        return moments[:, :self.latent_dim], moments[:, self.latent_dim:]

    def _terms(self, images, training):
        mean, log_var = self._moments(images, training)
        z = reparameterise(mean, log_var, seed=self.seed_generator)
        reconstruction = bernoulli_reconstruction_loss(images, self.decoder(z, training=training))
        kl = kl_divergence(mean, log_var)
        return reconstruction, kl

    def _track(self, reconstruction, kl):
        loss = tf.reduce_mean(reconstruction + self.beta * kl)
        self.loss_tracker.update_state(loss)
        self.reconstruction_tracker.update_state(tf.reduce_mean(reconstruction))
        self.kl_tracker.update_state(tf.reduce_mean(kl))
        return loss

    def train_step(self, data):
        images = data[0] if isinstance(data, (tuple, list)) else data
        with tf.GradientTape() as tape:
            reconstruction, kl = self._terms(images, training=True)
            loss = tf.reduce_mean(reconstruction + self.beta * kl)
        variables = self.trainable_variables
        self.optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables,
                                           strict=True))
        self._track(reconstruction, kl)
        return {m.name: m.result() for m in self.metrics}

    def test_step(self, data):
        images = data[0] if isinstance(data, (tuple, list)) else data
        self._track(*self._terms(images, training=False))
        return {m.name: m.result() for m in self.metrics}

    # ------------------------------------------------------------------ use after training

    def _images(self, images):
        array = data.check_model_images(images)
        if array.shape[1:] != self.image_shape:
            raise ValueError(f"images have shape {array.shape[1:]} per image but this VAE "
                             f"was built for {self.image_shape}.")
        return array

    def _codes(self, z):
        z = np.asarray(z, np.float32)
        if z.ndim != 2 or z.shape[1] != self.latent_dim or len(z) == 0:
            raise ValueError(f"z must have shape (N, {self.latent_dim}) with N >= 1, got "
                             f"{z.shape}.")
        if not np.isfinite(z).all():
            raise ValueError("z contains NaN or Inf.")
        return z

    def encode(self, images):
        """(mean, log_var) of q(z|x), each (N, latent_dim) numpy, for images in [-1, 1]."""
        moments = self.encoder.predict(self._images(images), batch_size=256, verbose=0)
        return moments[:, :self.latent_dim], moments[:, self.latent_dim:]

    def decode(self, z):
        """Images in [-1, 1] for codes z (N, latent_dim): the decoder's pixel means."""
        logits = self.decoder.predict(self._codes(z), batch_size=256, verbose=0)
        return (2.0 / (1.0 + np.exp(-logits)) - 1.0).astype(np.float32)

    def reconstruct(self, images):
        """Decode the mean code of each image: the VAE's reconstruction of it."""
        return self.decode(self.encode(images)[0])

    def sample(self, n, seed=0):
        """``n`` new images in [-1, 1]: decode z ~ N(0, I) drawn with numpy's ``seed``."""
        n = _checks.whole_number(n, "n", hint=" (e.g. 100)")
        return self.decode(np.random.default_rng(seed).standard_normal((n, self.latent_dim)))

    def elbo_terms(self, images, seed=0):
        """Per image: {"reconstruction", "kl", "elbo"} (numpy, nats) on one z sample each."""
        array = self._images(images)
        mean, log_var = self.encode(array)
        eps = np.random.default_rng(seed).standard_normal(mean.shape).astype(np.float32)
        z = mean + np.exp(0.5 * log_var) * eps
        logits = self.decoder.predict(z, batch_size=256, verbose=0)
        reconstruction = bernoulli_reconstruction_loss(array, logits).numpy()
        kl = kl_divergence(mean, log_var).numpy()
        return {"reconstruction": reconstruction, "kl": kl, "elbo": -(reconstruction + kl)}


def latent_grid(vae: VAE, n: int = 15, limit: float = 3.0, dims=(0, 1), base=None):
    """Decode an ``n`` x ``n`` grid of codes spanning two latent coordinates.

    Coordinate ``dims[0]`` runs from -limit to +limit left to right, ``dims[1]`` from
    +limit to -limit top to bottom; the others keep the values of ``base`` (default 0, the
    prior's mean). With latent_dim 2 this maps the whole latent space.

    Returns (images (n * n, H, W, C) in [-1, 1], row by row; the n grid values).
    """
    if not isinstance(vae, VAE):
        raise TypeError(f"vae must be a ganlib.vae.VAE, got {type(vae).__name__}.")
    n = _checks.whole_number(n, "n", hint=" (e.g. 15)")
    _checks.number(limit, "limit", above=0, below=100, hint=" (prior std units, e.g. 3)")
    dims = tuple(dims)
    if len(dims) != 2 or dims[0] == dims[1] or not all(
            isinstance(d, numbers.Integral) and 0 <= d < vae.latent_dim for d in dims):
        raise ValueError(f"dims must be two different coordinates in 0..{vae.latent_dim - 1}, "
                         f"got {dims!r}.")
    base = np.zeros(vae.latent_dim, np.float32) if base is None else \
        vae._codes(np.reshape(base, (1, -1)))[0]
    values = np.linspace(-limit, limit, n, dtype=np.float32)
    codes = np.repeat(base[None], n * n, axis=0)
    codes[:, dims[0]] = np.tile(values, n)
    codes[:, dims[1]] = np.repeat(values[::-1], n)
    return vae.decode(codes), values


def build_vae(latent_dim=16, image_shape=(28, 28, 1), width=32, learning_rate=1e-3, beta=1.0,
              seed=0) -> VAE:
    """A compiled VAE whose encoder and decoder are the DCGAN's networks (see module doc)."""
    latent_dim = _checks.whole_number(latent_dim, "latent_dim", hint=" (e.g. 16)")
    _checks.number(learning_rate, "learning_rate", above=0, below=1, hint=" (typically 1e-3)")
    seed = hyperparameters.check("seed", seed)
    keras.utils.set_random_seed(seed)
    encoder = nets.dcgan_discriminator(image_shape, width=width, output_units=2 * latent_dim,
                                         name="encoder")
    decoder = nets.dcgan_generator(latent_dim, image_shape, width=width,
                                     output_activation=None, name="decoder")
    vae = VAE(encoder, decoder, beta=beta, seed=seed)
    vae.compile(optimizer=keras.optimizers.Adam(learning_rate), jit_compile=False)
    return vae


class _StepRecords(keras.callbacks.Callback):
    """Stops the VAE's ``fit`` at ``steps`` updates and keeps one record per epoch."""

    def __init__(self, steps):
        super().__init__()
        self.steps, self.records = steps, []

    def on_train_begin(self, logs=None):
        self.start = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        if int(self.model.optimizer.iterations.numpy()) >= self.steps:
            self.model.stop_training = True

    def on_epoch_end(self, epoch, logs=None):
        self.records.append({"step": int(self.model.optimizer.iterations.numpy()),
                             "seconds": time.perf_counter() - self.start,
                             **{key: float(value) for key, value in (logs or {}).items()}})


def train_vae(vae: VAE, dataset, steps: int, *, seconds=None, steps_per_epoch: int = 100,
              callbacks=(), verbose=0) -> list[dict]:
    """Train ``vae`` until it has made ``steps`` updates in total, or for ``seconds`` of wall
    time (``ganlib.training.callbacks.StopAfterSeconds``) if that comes first.

    ``dataset`` must repeat (``ganlib.data.make_dataset``). Returns one record per
    ``steps_per_epoch`` steps: {"step", "seconds", "loss", "reconstruction", "kl"}, the
    means over those steps (the last record may cover fewer), "seconds" since the start.
    """
    if not isinstance(vae, VAE):
        raise TypeError(f"vae must be a ganlib.vae.VAE, got {type(vae).__name__}.")
    steps = _checks.whole_number(steps, "steps", hint=" (e.g. 2000)")
    steps_per_epoch = _checks.whole_number(steps_per_epoch, "steps_per_epoch", hint=" (e.g. 100)")
    recorder = _StepRecords(steps)
    extra = [StopAfterSeconds(seconds)] if seconds is not None else []
    done = int(vae.optimizer.iterations.numpy())
    if done >= steps:
        return []
    vae.fit(dataset, epochs=math.ceil((steps - done) / steps_per_epoch),
            steps_per_epoch=steps_per_epoch, shuffle=False, verbose=verbose,
            callbacks=[recorder, *extra, *callbacks])
    return recorder.records
