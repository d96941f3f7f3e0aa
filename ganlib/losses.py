"""GAN losses as pure functions on the discriminator's logits (real = 1, fake = 0).

All functions take logits (unbounded scores), never probabilities, and return the mean
over the batch. They are written with ``softplus`` so that they stay finite for any logit:
``-log sigmoid(l) = softplus(-l)`` and ``-log(1 - sigmoid(l)) = softplus(l)``.

Reference: Goodfellow et al. 2014, "Generative Adversarial Nets" (the minimax game and
the non-saturating generator loss).

Used in: notebooks/02_loss_mathematics.ipynb, notebooks/04_dcgan.ipynb.
"""

from __future__ import annotations

import tensorflow as tf

__all__ = [
    "LOSSES",
    "minimax_discriminator_loss",
    "minimax_generator_loss",
    "non_saturating_generator_loss",
    "get_loss_pair",
]


def _as_logits(logits, name):
    tensor = tf.convert_to_tensor(logits)
    if not tensor.dtype.is_floating:
        raise TypeError(f"{name} must be floating-point logits, got dtype {tensor.dtype.name}.")
    return tensor


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


#: Loss name -> (discriminator loss, generator loss).
LOSSES = {
    "minimax": (minimax_discriminator_loss, minimax_generator_loss),
    "non_saturating": (minimax_discriminator_loss, non_saturating_generator_loss),
}


def get_loss_pair(name: str):
    """Return the (discriminator_loss, generator_loss) pair registered under ``name``."""
    if name not in LOSSES:
        raise ValueError(f"Unknown loss {name!r}; choose one of {sorted(LOSSES)}.")
    return LOSSES[name]
