"""GAN losses as pure functions on the discriminator's logits (real = 1, fake = 0).

All functions take logits (unbounded scores), never probabilities, and return the mean
over the batch. The cross-entropy losses are written with ``softplus`` so that they stay
finite for any logit: ``-log sigmoid(l) = softplus(-l)`` and
``-log(1 - sigmoid(l)) = softplus(l)``. The least-squares, Wasserstein and hinge losses use
the raw score directly (no sigmoid), as their papers do.

Each loss comes as a pair, a discriminator (or critic) loss on real and fake scores and a
generator loss on fake scores, registered by name in ``LOSSES``. ``gradient_penalty`` and
``r1_penalty`` are added to the discriminator's loss by ``ganlib.training.GAN`` when asked
for.

References: Goodfellow et al. 2014, "Generative Adversarial Nets" (the minimax game and
the non-saturating generator loss); Mao et al. 2017, "Least Squares Generative Adversarial
Networks"; Arjovsky et al. 2017, "Wasserstein GAN"; Gulrajani et al. 2017, "Improved
Training of Wasserstein GANs" (the gradient penalty); Lim & Ye 2017, "Geometric GAN", and
Miyato et al. 2018, "Spectral Normalization for GANs" (the hinge loss); Mescheder et al.
2018, "Which Training Methods for GANs do actually Converge?" (the R1 penalty).
"""

from __future__ import annotations

import numbers

import keras
import tensorflow as tf

from ganlib import _checks

__all__ = [
    "LOSSES",
    "get_loss_pair",
    "gradient_penalty",
    "hinge_discriminator_loss",
    "hinge_generator_loss",
    "least_squares_discriminator_loss",
    "least_squares_generator_loss",
    "minimax_discriminator_loss",
    "minimax_generator_loss",
    "non_saturating_generator_loss",
    "r1_penalty",
    "wasserstein_critic_loss",
    "wasserstein_generator_loss",
]

#: Added under the square root of the gradient penalty's norm, so that the norm and its
#: gradient stay finite where the critic's gradient is exactly zero.
GRADIENT_NORM_EPSILON = 1e-12


def _as_logits(logits, name):
    tensor = tf.convert_to_tensor(logits)
    if not tensor.dtype.is_floating:
        raise TypeError(f"{name} must be floating-point logits, got dtype {tensor.dtype.name}.")
    return tensor


# --------------------------------------------------------------- Goodfellow et al. 2014


def minimax_discriminator_loss(real_logits, fake_logits):
    """Binary cross-entropy of the discriminator: -E[log D(x)] - E[log(1 - D(G(z)))].

    Minimising it maximises the value function V(D, G) over D.
    """
    real_logits = _as_logits(real_logits, "real_logits")
    fake_logits = _as_logits(fake_logits, "fake_logits")
    return tf.reduce_mean(tf.nn.softplus(-real_logits)) + tf.reduce_mean(
        tf.nn.softplus(fake_logits))


def minimax_generator_loss(fake_logits):
    """The original ("saturating") generator loss E[log(1 - D(G(z)))], to be minimised.

    Its gradient vanishes when the discriminator rejects fakes confidently, which is why
    it learns slowly early in training.
    """
    fake_logits = _as_logits(fake_logits, "fake_logits")
    return -tf.reduce_mean(tf.nn.softplus(fake_logits))


def non_saturating_generator_loss(fake_logits):
    """The non-saturating generator loss -E[log D(G(z))]: the course's default."""
    fake_logits = _as_logits(fake_logits, "fake_logits")
    return tf.reduce_mean(tf.nn.softplus(-fake_logits))


# --------------------------------------------------------------- least squares (LSGAN)


def least_squares_discriminator_loss(real_logits, fake_logits):
    """Least-squares discriminator loss: 0.5 E[(D(x) - 1)^2] + 0.5 E[D(G(z))^2].

    ``D`` is the raw score (no sigmoid), pulled towards 1 on real and 0 on fake data.
    Mao et al. 2017, "Least Squares Generative Adversarial Networks" (targets a=0, b=c=1).
    """
    real_logits = _as_logits(real_logits, "real_logits")
    fake_logits = _as_logits(fake_logits, "fake_logits")
    return 0.5 * tf.reduce_mean(tf.square(real_logits - 1.0)) + 0.5 * tf.reduce_mean(
        tf.square(fake_logits))


def least_squares_generator_loss(fake_logits):
    """Least-squares generator loss: 0.5 E[(D(G(z)) - 1)^2] (Mao et al. 2017).

    Unlike the cross-entropy losses it keeps pulling fakes that D already calls real
    (score above 1) back to the target, and it never saturates for very negative scores.
    """
    fake_logits = _as_logits(fake_logits, "fake_logits")
    return 0.5 * tf.reduce_mean(tf.square(fake_logits - 1.0))


# --------------------------------------------------------------- Wasserstein (WGAN)


def wasserstein_critic_loss(real_logits, fake_logits):
    """Wasserstein critic loss: E[f(G(z))] - E[f(x)], to be minimised.

    Its negative estimates the Wasserstein-1 distance only when the critic f is
    1-Lipschitz; enforce that with ``gradient_penalty`` (or weight clipping, as in the
    paper). Arjovsky et al. 2017, "Wasserstein GAN".
    """
    real_logits = _as_logits(real_logits, "real_logits")
    fake_logits = _as_logits(fake_logits, "fake_logits")
    return tf.reduce_mean(fake_logits) - tf.reduce_mean(real_logits)


def wasserstein_generator_loss(fake_logits):
    """Wasserstein generator loss: -E[f(G(z))] (Arjovsky et al. 2017)."""
    fake_logits = _as_logits(fake_logits, "fake_logits")
    return -tf.reduce_mean(fake_logits)


# --------------------------------------------------------------- hinge


def hinge_discriminator_loss(real_logits, fake_logits):
    """Hinge discriminator loss: E[relu(1 - f(x))] + E[relu(1 + f(G(z)))].

    A real score above 1 and a fake score below -1 cost nothing: the discriminator stops
    pushing samples it already separates by a margin. Lim & Ye 2017, "Geometric GAN";
    Miyato et al. 2018, "Spectral Normalization for Generative Adversarial Networks".
    """
    real_logits = _as_logits(real_logits, "real_logits")
    fake_logits = _as_logits(fake_logits, "fake_logits")
    return tf.reduce_mean(tf.nn.relu(1.0 - real_logits)) + tf.reduce_mean(
        tf.nn.relu(1.0 + fake_logits))


def hinge_generator_loss(fake_logits):
    """Hinge generator loss: -E[f(G(z))] (the same as Wasserstein's; Miyato et al. 2018)."""
    fake_logits = _as_logits(fake_logits, "fake_logits")
    return -tf.reduce_mean(fake_logits)


# --------------------------------------------------------------- gradient penalty


def _as_samples(values, name):
    tensor = tf.convert_to_tensor(values)
    if not tensor.dtype.is_floating:
        raise TypeError(f"{name} must be a floating-point batch, got dtype "
                        f"{tensor.dtype.name}.")
    if tensor.shape.rank is None or tensor.shape.rank < 1:
        raise ValueError(f"{name} must be a batch with a leading sample axis, got shape "
                         f"{tensor.shape}.")
    return tensor


def _check_critic(critic, name):
    if not callable(critic):
        raise TypeError(f"{name} must be callable (a keras.Model or a function), got "
                        f"{type(critic).__name__}.")


def _penalty_arguments(critic, real, fake, seed, target):
    """The gradient penalty's arguments, checked: (real, fake, seed, target) as it uses them."""
    _check_critic(critic, "critic")
    target = _checks.number(target, "target", minimum=0, hint=" (usually 1.0)")
    if not (seed is None or isinstance(seed, keras.random.SeedGenerator)
            or (isinstance(seed, numbers.Integral) and not isinstance(seed, bool))):
        raise TypeError(f"seed must be None, an int or a keras.random.SeedGenerator, got "
                        f"{type(seed).__name__}.")
    real, fake = _as_samples(real, "real"), _as_samples(fake, "fake")
    if real.dtype != fake.dtype:
        raise TypeError(f"real ({real.dtype.name}) and fake ({fake.dtype.name}) must have "
                        "the same dtype.")
    if not real.shape.is_compatible_with(fake.shape):
        raise ValueError(
            f"real has shape {tuple(real.shape)} but fake has shape {tuple(fake.shape)}; "
            "the gradient penalty pairs each real sample with one fake sample, so both "
            "batches must have the same shape."
        )
    seed = int(seed) if isinstance(seed, numbers.Integral) else seed
    return real, fake, seed, tf.cast(target, real.dtype)


def gradient_penalty(critic, real, fake, seed=None, target=1.0):
    """WGAN-GP penalty: E[(||grad f(x_hat)||_2 - target)^2] at random interpolates x_hat.

    For every sample i, ``alpha_i ~ U(0, 1)`` is drawn once (shape (N, 1, ..., 1)) and
    ``x_hat_i = real_i + alpha_i * (fake_i - real_i)`` lies on the segment between a real
    and a fake sample. The norm is computed as ``sqrt(sum g^2 + 1e-12)``, so the penalty
    and its gradient stay finite where the critic's gradient is exactly zero (there the
    penalty is (1e-6 - target)^2, i.e. 1 - 2e-6 for target 1).
    Gulrajani et al. 2017, "Improved Training of Wasserstein GANs".

    Args:
        critic: a callable (e.g. a ``keras.Model``) mapping a batch to one score per sample.
            Keras layers are called with ``training=True``.
        real, fake: batches of the same shape (N, ...) and floating dtype.
        seed: None, an int, or a ``keras.random.SeedGenerator`` for the alphas.
        target: the gradient norm the critic is pulled towards (1 for a 1-Lipschitz critic).

    Returns:
        A scalar: the penalty averaged over the batch.
    """
    real, fake, seed, target = _penalty_arguments(critic, real, fake, seed, target)
    # alpha_i ~ U(0, 1), one per sample, broadcast over the sample's other axes
    alpha_shape = tf.concat([tf.shape(real)[:1], tf.ones([real.shape.rank - 1], tf.int32)], 0)
    alpha = keras.random.uniform(alpha_shape, dtype=real.dtype, seed=seed)
    # x_hat = x + alpha (x~ - x): a point on the segment from a real to a fake sample
    interpolates = real + alpha * (fake - real)
    # ||grad f(x_hat)||_2, with an epsilon that keeps it differentiable at 0
    squared = _squared_gradient_norms(critic, interpolates)
    norms = tf.sqrt(squared + tf.cast(GRADIENT_NORM_EPSILON, real.dtype))
    # E[(||grad f(x_hat)||_2 - target)^2]
    return tf.reduce_mean(tf.square(norms - target))


def _squared_gradient_norms(critic, points):
    """||d critic(x_i) / d x_i||^2 for every sample x_i of ``points``: a vector (N,)."""
    with tf.GradientTape() as tape:
        tape.watch(points)
        if isinstance(critic, keras.layers.Layer):
            scores = critic(points, training=True)
        else:
            scores = critic(points)
    # Each score depends only on its own sample, so the gradient of the sum gives every
    # sample's own gradient. A critic that ignores its input has a zero gradient.
    gradients = tape.gradient(scores, points,
                              unconnected_gradients=tf.UnconnectedGradients.ZERO)
    return tf.reduce_sum(tf.reshape(tf.square(gradients), [tf.shape(points)[0], -1]), axis=1)


def r1_penalty(discriminator, real):
    """R1 penalty: E[||grad D(x)||_2^2] over real samples x (a scalar, the batch mean).

    Penalising the discriminator's gradient on real data only keeps it from growing steep
    where the data lie, which lets GAN training converge near the equilibrium. Add it as
    ``gamma / 2 * r1_penalty(D, real)`` to the discriminator's loss (Mescheder et al.
    2018, "Which Training Methods for GANs do actually Converge?", use gamma from 0.1 to
    10). ``ganlib.training.GAN`` does so when compiled with ``r1_weight=gamma``.

    Args:
        discriminator: a callable mapping a batch to one logit per sample; Keras layers
            are called with ``training=True``.
        real: a floating-point batch (N, ...).
    """
    _check_critic(discriminator, "discriminator")
    real = _as_samples(real, "real")
    return tf.reduce_mean(_squared_gradient_norms(discriminator, real))


#: Loss name -> (discriminator loss, generator loss).
LOSSES = {
    "minimax": (minimax_discriminator_loss, minimax_generator_loss),
    "non_saturating": (minimax_discriminator_loss, non_saturating_generator_loss),
    "least_squares": (least_squares_discriminator_loss, least_squares_generator_loss),
    "wasserstein": (wasserstein_critic_loss, wasserstein_generator_loss),
    "hinge": (hinge_discriminator_loss, hinge_generator_loss),
}


def get_loss_pair(name: str):
    """Return the (discriminator_loss, generator_loss) pair registered under ``name``."""
    _checks.choice(name, "loss", sorted(LOSSES))
    return LOSSES[name]
