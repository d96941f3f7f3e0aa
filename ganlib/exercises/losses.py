"""Loss exercises: the GAN losses, the optimal discriminator, the gradient penalty, and the
translation losses of pix2pix and CycleGAN.

Known values come from ``ganlib.losses`` (the cross-entropy losses) and from hand
computation in NumPy (``softplus(x) = log(1 + e^x)`` is exact there for any x).
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from ganlib.exercises import compare
from ganlib.exercises.registry import register
from ganlib.losses import minimax_discriminator_loss, non_saturating_generator_loss

__all__ = ["cycle_consistency_loss", "discriminator_loss", "generator_loss", "gradient_penalty",
           "optimal_discriminator", "pix2pix_generator_loss"]

#: Said when a cross-entropy is wrong (or not finite) only for logits of +-100.
STABLE = ("Compute the cross-entropy from the logits (tf.nn.sigmoid_cross_entropy_with_logits, "
          "or a Keras loss with from_logits=True): in float32 sigmoid(50) rounds to 1 and "
          "sigmoid(-100) to 0, so log(1 - sigmoid(50)) and log(sigmoid(-100)) are log(0).")
#: Why the cross-entropy losses must pass gradients.
TRAINS = "The loss trains a network, so its gradient must reach the logits."


def _softplus(x):
    """log(1 + e^x), exact for any x: -log sigmoid(-x) and -log(1 - sigmoid(x))."""
    return np.logaddexp(0.0, np.asarray(x, np.float64))


def _logits_as_probabilities(logits, label):
    """What a Keras cross-entropy with from_logits=False gives when handed logits."""
    logits = tf.convert_to_tensor(np.asarray(logits), tf.float32)
    labels = tf.fill(tf.shape(logits), float(label))
    return float(tf.reduce_mean(keras.losses.binary_crossentropy(labels, logits)))


def _on_logits(**named) -> str:
    return " for " + " and ".join(f"{name.replace('_', ' ')} {compare.show(np.ravel(values))}"
                                  for name, values in named.items())


# --------------------------------------------------------------------------- discriminator loss


def discriminator_loss(real_logits, fake_logits):
    """Mean binary cross-entropy of the discriminator: real labelled 1, fake labelled 0."""
    real_logits = tf.convert_to_tensor(real_logits, tf.float32)
    fake_logits = tf.convert_to_tensor(fake_logits, tf.float32)
    # -log D(x): the cross-entropy of the real logits with label 1
    real_loss = tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.ones_like(real_logits),
                                                        logits=real_logits)
    # -log(1 - D(G(z))): the cross-entropy of the fake logits with label 0
    fake_loss = tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.zeros_like(fake_logits),
                                                        logits=fake_logits)
    return tf.reduce_mean(real_loss) + tf.reduce_mean(fake_loss)


def _check_discriminator_loss(function):
    rng = np.random.default_rng(1)
    cases = [
        (np.array([[2.0], [-1.0], [0.5], [3.0]], np.float32),
         np.array([[-1.5], [0.3], [-2.0]], np.float32), ""),
        (tf.constant(rng.normal(0, 2, (3, 1)), tf.float32),
         tf.constant(rng.normal(0, 2, (5, 1)), tf.float32), ""),
        (np.array([[100.0], [-100.0]], np.float32), np.array([[-100.0], [100.0]], np.float32),
         STABLE),
    ]
    for real, fake, hint in cases:
        r, f = np.asarray(real, np.float64), np.asarray(fake, np.float64)
        got = compare.scalar(compare.call(function, real, fake))
        expected = float(minimax_discriminator_loss(r, f))
        compare.compare(got, expected, "the loss", on=_on_logits(real_logits=r, fake_logits=f),
                        hint=hint, wrong=[
            (_softplus(r).mean() + _softplus(-f).mean(),
             "The labels are swapped: real logits get label 1, fake logits label 0."),
            (_softplus(-r).sum() + _softplus(f).sum(),
             "That is a sum over each batch; take the mean of each (tf.reduce_mean)."),
            (expected / 2, "That is half the loss: add the real and the fake term, do not "
                           "average them."),
            (np.concatenate([_softplus(-r), _softplus(f)]).mean(),
             "That is one mean over the real and fake logits together; take the mean over "
             "each batch and add the two."),
            (_softplus(-r).mean(), "Only the real term is there; add the fake term (the "
                                   "cross-entropy of the fake logits with label 0)."),
            (_softplus(f).mean(), "Only the fake term is there; add the real term (the "
                                  "cross-entropy of the real logits with label 1)."),
            (_logits_as_probabilities(r, 1) + _logits_as_probabilities(f, 0),
             "The logits were taken for probabilities: use from_logits=True (or "
             "tf.nn.sigmoid_cross_entropy_with_logits)."),
        ])
    compare.require_gradients(function, cases[0][:2], {0: "real_logits", 1: "fake_logits"},
                              what="your loss", why=TRAINS)
    return ("the loss on NumPy arrays and on tensors (batches of 4 and 3, 3 and 5: real "
            "labelled 1, fake 0, the mean over each batch), that logits of +-100 give the "
            "exact finite loss, and that gradients reach both logit batches")


register(discriminator_loss, _check_discriminator_loss, task="""
Write `discriminator_loss(real_logits, fake_logits)`: the discriminator's binary
cross-entropy on its logits, with real samples labelled 1 and fake samples labelled 0:

    loss = mean[-log sigmoid(real_logits)] + mean[-log(1 - sigmoid(fake_logits))]

Args:
    real_logits: the discriminator's logits (scores before the sigmoid) on a real batch,
        shape (N, 1).
    fake_logits: its logits on a batch of fakes, shape (M, 1); M may differ from N.
Returns:
    One number (a scalar tensor): the mean over the real batch plus the mean over the fake
    batch.

NumPy arrays and tensors are both accepted. Use TensorFlow operations, so that gradients
reach the logits, and compute from the logits themselves
(tf.nn.sigmoid_cross_entropy_with_logits): in float32 log(1 - sigmoid(50)) is log(0).
""")


# --------------------------------------------------------------------------- generator loss


def generator_loss(fake_logits):
    """The non-saturating generator loss -log D(G(z)): fakes labelled real (1)."""
    fake_logits = tf.convert_to_tensor(fake_logits, tf.float32)
    loss = tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.ones_like(fake_logits),
                                                   logits=fake_logits)
    return tf.reduce_mean(loss)


def _check_generator_loss(function):
    rng = np.random.default_rng(2)
    cases = [
        (np.array([[-2.0], [0.5], [1.5], [-0.3]], np.float32), ""),
        (tf.constant(rng.normal(0, 2, (5, 1)), tf.float32), ""),
        (np.array([[-100.0], [100.0]], np.float32), STABLE),
    ]
    for fake, hint in cases:
        f = np.asarray(fake, np.float64)
        got = compare.scalar(compare.call(function, fake))
        expected = float(non_saturating_generator_loss(f))
        compare.compare(got, expected, "the loss", on=_on_logits(fake_logits=f), hint=hint,
                        wrong=[
            (-_softplus(f).mean(),
             "That is the saturating (minimax) loss log(1 - D(G(z))), whose gradient vanishes "
             "when the discriminator rejects the fakes; the non-saturating loss is "
             "-log D(G(z)): the cross-entropy of the fake logits with label 1."),
            (_softplus(f).mean(),
             "The fakes are labelled 0 (fake), which is the discriminator's goal; the "
             "generator wants them called real: label them 1."),
            (-expected, "The sign is flipped: minimise -log D(G(z)), a positive number."),
            (_softplus(-f).sum(), "That is a sum over the batch; take the mean."),
            (_logits_as_probabilities(f, 1),
             "The logits were taken for probabilities: use from_logits=True (or "
             "tf.nn.sigmoid_cross_entropy_with_logits)."),
        ])
    compare.require_gradients(function, cases[0][:1], {0: "fake_logits"}, what="your loss",
                              why=TRAINS)
    return ("the non-saturating loss (fakes labelled 1, the mean over the batch) on a NumPy "
            "array and a tensor, that logits of +-100 give the exact finite loss, and that "
            "gradients reach the logits")


register(generator_loss, _check_generator_loss, task="""
Write `generator_loss(fake_logits)`: the non-saturating generator loss, the cross-entropy of
the discriminator's logits on fakes with the fakes labelled real (1):

    loss = mean[-log sigmoid(fake_logits)]      (that is, -log D(G(z)))

not the saturating log(1 - D(G(z))) of the original minimax game.

Args:
    fake_logits: the discriminator's logits on a batch of fakes, shape (N, 1).
Returns:
    One number (a scalar tensor): the mean over the batch.

NumPy arrays and tensors are both accepted. Use TensorFlow operations (gradients must reach
the logits) and compute from the logits (tf.nn.sigmoid_cross_entropy_with_logits), so that
logits like -100 give a finite loss (log(sigmoid(-100)) is log(0) in float32).
""")


# --------------------------------------------------------------------------- optimal D


def optimal_discriminator(p_data, p_g):
    """D*(x) = p_data(x) / (p_data(x) + p_g(x)) at every point of the grid."""
    p_data = np.asarray(p_data, dtype=np.float64)
    p_g = np.asarray(p_g, dtype=np.float64)
    return p_data / (p_data + p_g)


def _gaussian(x, mean, std):
    return np.exp(-0.5 * ((x - mean) / std) ** 2) / (std * np.sqrt(2 * np.pi))


def _check_optimal_discriminator(function):
    grid = np.linspace(-3.0, 3.0, 13)
    cases = [
        (np.array([1.0, 0.0, 0.2, 0.5, 0.3]), np.array([1.0, 0.5, 0.6, 0.0, 0.1])),
        (tf.constant(_gaussian(grid, 0.0, 1.0), tf.float32),
         tf.constant(_gaussian(grid, 0.5, 0.3), tf.float32)),
    ]
    for p_data, p_g in cases:
        p, q = np.asarray(p_data, np.float64), np.asarray(p_g, np.float64)
        got = compare.as_array(compare.call(function, p_data, p_g), "D*")
        if got.shape != p.shape:
            raise compare.Mismatch(
                f"D* has shape {got.shape} for densities of shape {p.shape}: it must have one "
                "value per point of the grid, computed point by point (no sum or mean).")
        expected = p / (p + q)
        on = (f" for p_data {compare.show(p)} and p_g {compare.show(q)}" if p.size <= 5
              else f" on a grid of {p.size} points (two Gaussians)")
        with np.errstate(divide="ignore", invalid="ignore"):
            compare.compare(got, expected, "D*", on=on,
                            hint="D*(x) = p_data(x) / (p_data(x) + p_g(x)), a probability in "
                                 "[0, 1].", wrong=[
                (q / (p + q), "That is 1 - D*, the probability that x is fake; D* is the "
                              "probability that x is real: p_data on top."),
                (p / q, "Divide by p_data + p_g, not by p_g alone."),
                (p / (p + q) / 2, "There is an extra factor 1/2."),
            ])
    return ("D* point by point on a hand-made grid (1/2 where the densities are equal, 0 "
            "where p_data is 0, 1 where p_g is 0) given as NumPy arrays, and on two Gaussians "
            "given as tensors")


register(optimal_discriminator, _check_optimal_discriminator, task="""
Write `optimal_discriminator(p_data, p_g)`: the best discriminator for a fixed generator,

    D*(x) = p_data(x) / (p_data(x) + p_g(x)),

for densities given on a grid of points x.

Args:
    p_data: the data density at each grid point, shape (K,), values >= 0.
    p_g: the generator's density at the same points, shape (K,); p_data + p_g > 0 everywhere.
Returns:
    D* at every point, shape (K,), values in [0, 1] (a NumPy array or a tensor).

NumPy arrays and tensors are both accepted.
""")


# --------------------------------------------------------------------------- gradient penalty


def gradient_penalty(critic, real, fake, alpha):
    """WGAN-GP: the mean over samples of (||grad critic(x_hat)||_2 - 1)^2."""
    real = tf.convert_to_tensor(real, tf.float32)
    fake = tf.convert_to_tensor(fake, tf.float32)
    alpha = tf.convert_to_tensor(alpha, tf.float32)
    x_hat = alpha * real + (1.0 - alpha) * fake        # a point between each real and fake
    with tf.GradientTape() as tape:
        tape.watch(x_hat)
        scores = critic(x_hat, training=True)
    gradients = tape.gradient(scores, x_hat)           # (N, H, W, C), one per sample
    norms = tf.sqrt(tf.reduce_sum(tf.square(gradients), axis=[1, 2, 3]))  # ||.||_2 per sample
    return tf.reduce_mean(tf.square(norms - 1.0))


class _QuadraticCritic(keras.Model):
    """A critic f(x) = sum(0.5 * w * x^2 + v * x) per sample, whose gradient w * x + v
    depends on x (so the point where it is taken matters) and on its weights w and v."""

    def __init__(self, w, v, **kwargs):
        super().__init__(**kwargs)
        self.w = self.add_weight(shape=w.shape, initializer="zeros", name="w")
        self.v = self.add_weight(shape=v.shape, initializer="zeros", name="v")
        self.w.assign(w)
        self.v.assign(v)

    def call(self, x, training=False):
        x = tf.convert_to_tensor(x, tf.float32)
        return tf.reduce_sum(0.5 * self.w * x ** 2 + self.v * x, axis=[1, 2, 3])[:, None]

    def gradient(self, x):
        """The gradient at x, in NumPy: w * x + v."""
        return np.asarray(self.w) * x + np.asarray(self.v)


def _penalty_of(critic, points, axes=(1, 2, 3), power=1.0, target=1.0, exponent=2.0):
    """mean(|norm ** power - target| ** exponent), the norm ||grad f(x)||_2 taken over
    ``axes`` (None: the whole batch); the defaults give the penalty itself."""
    norms = np.sum(critic.gradient(points) ** 2, axis=axes) ** (0.5 * power)
    return float(np.mean(np.abs(norms - target) ** exponent))


def _check_gradient_penalty(function):
    rng = np.random.default_rng(3)
    shape = (2, 2, 2)
    critic = _QuadraticCritic(rng.uniform(0.2, 0.8, shape).astype(np.float32),
                             rng.uniform(-0.4, 0.4, shape).astype(np.float32))
    cases = []
    for n, as_tensor in ((3, True), (4, False)):
        real = rng.uniform(-1, 1, (n, *shape)).astype(np.float32)
        fake = rng.uniform(-1, 1, (n, *shape)).astype(np.float32)
        alpha = np.linspace(0.1, 0.9, n).astype(np.float32).reshape(n, 1, 1, 1)
        cases.append((real, fake, alpha, as_tensor))
    for index, (real, fake, alpha, as_tensor) in enumerate(cases):
        inputs = [tf.constant(a) if as_tensor else a for a in (real, fake, alpha)]
        with tf.GradientTape() as tape:
            result = compare.call(function, critic, *inputs)
        got = compare.scalar(result, "the penalty")
        r, f, a = (np.asarray(x, np.float64) for x in (real, fake, alpha))
        x_hat = a * r + (1 - a) * f
        per_sample = "take one norm per sample, over axes 1, 2 and 3 (all but the batch axis)"
        compare.compare(
            got, _penalty_of(critic, x_hat), "the penalty",
            on=f" (a batch of {len(r)} given as {'tensors' if as_tensor else 'NumPy arrays'})",
            wrong=[
                (_penalty_of(critic, (1 - a) * r + a * f),
                 "The interpolation goes the other way round: x_hat = alpha * real + "
                 "(1 - alpha) * fake, so alpha = 1 gives the real sample."),
                (_penalty_of(critic, r), "The gradient is taken at the real samples; take it "
                                         "at x_hat = alpha * real + (1 - alpha) * fake."),
                (_penalty_of(critic, f), "The gradient is taken at the fake samples; take it "
                                         "at x_hat = alpha * real + (1 - alpha) * fake."),
                (_penalty_of(critic, x_hat, axes=None),
                 f"That is one norm for the whole batch; {per_sample}."),
                (_penalty_of(critic, x_hat, axes=-1),
                 f"That is one norm per pixel (over the channel axis only); {per_sample}."),
                (_penalty_of(critic, x_hat, axes=1),
                 f"That is a norm over axis 1 only; {per_sample}."),
                (_penalty_of(critic, x_hat, exponent=1.0),
                 "The square is missing: the mean of (norm - 1)^2."),
                (_penalty_of(critic, x_hat, power=2.0),
                 "That uses the squared norm (the sum of squares); take its square root."),
                (_penalty_of(critic, x_hat, target=0.0),
                 "Subtract 1 (the target norm) before squaring: (norm - 1)^2."),
                (len(r) * _penalty_of(critic, x_hat),
                 "That is a sum over the samples; take the mean."),
            ])
        if index == 0:
            weights = critic.trainable_variables
            gradients = (tape.gradient(result, weights) if tf.is_tensor(result)
                         else [None] * len(weights))
            if any(gradient is None for gradient in gradients):
                raise compare.Mismatch(
                    "The value is right, but no gradient reaches the critic's weights through "
                    "your penalty. It is added to the critic's loss, so it must stay a "
                    "TensorFlow computation: no NumPy, no .numpy(), no tf.stop_gradient.")
    return ("the penalty with a critic whose gradient depends on x, on tensors and on NumPy "
            "arrays (x_hat = alpha * real + (1 - alpha) * fake, one norm per sample, the mean "
            "of (norm - 1)^2), and that gradients reach the critic's weights")


register(gradient_penalty, _check_gradient_penalty, task="""
Write `gradient_penalty(critic, real, fake, alpha)`: the WGAN-GP penalty (Gulrajani et al.
2017), which pulls the critic's gradient norm towards 1 on points between real and fake
samples:

    x_hat   = alpha * real + (1 - alpha) * fake      (alpha = 1 gives the real sample)
    penalty = mean over the samples of (||grad_x critic(x_hat)||_2 - 1)^2

with the norm taken per sample, over all of the sample's values (axes 1, 2 and 3):
tf.sqrt(tf.reduce_sum(tf.square(gradients), axis=[1, 2, 3])) (tf.norm takes at most two
axes).

Args:
    critic: a keras.Model mapping images (N, H, W, C) to scores (N, 1); call it as
        critic(x_hat, training=True).
    real, fake: batches of images, shape (N, H, W, C).
    alpha: the interpolation weights, shape (N, 1, 1, 1), one per sample.
Returns:
    One number (a scalar tensor).

NumPy arrays and tensors are both accepted (convert them with tf.convert_to_tensor before
tape.watch). Compute the gradient with a tf.GradientTape that watches x_hat; keep
everything in TensorFlow, since the penalty is added to the critic's loss and its gradient
must reach the critic's weights.
""")


# --------------------------------------------------------------------------- pix2pix


def pix2pix_generator_loss(fake_logits, generated, target, l1_weight):
    """pix2pix's generator loss: non-saturating adversarial term + l1_weight * mean L1 error."""
    fake_logits = tf.convert_to_tensor(fake_logits, tf.float32)
    generated = tf.convert_to_tensor(generated, tf.float32)
    target = tf.convert_to_tensor(target, tf.float32)
    # -log D(x, G(x)) on every patch: the fakes labelled real (1)
    adversarial = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(
        labels=tf.ones_like(fake_logits), logits=fake_logits))
    l1 = tf.reduce_mean(tf.abs(target - generated))    # mean |y - G(x)| over every pixel
    return adversarial + l1_weight * l1


def _check_pix2pix_generator_loss(function):
    rng = np.random.default_rng(4)

    def case(n, logit_scale, weight, as_tensor, extreme=False):
        logits = rng.normal(0, logit_scale, (n, 2, 2, 1))
        if extreme:
            logits = np.where(np.arange(logits.size).reshape(logits.shape) % 2, 100.0, -100.0)
        target = rng.uniform(-1, 1, (n, 3, 3, 1))
        generated = np.clip(target + rng.normal(0.15, 0.3, target.shape), -1, 1)
        arrays = [a.astype(np.float32) for a in (logits, generated, target)]
        return [tf.constant(a) if as_tensor else a for a in arrays] + [weight]

    cases = [case(2, 1.5, 100.0, False), case(3, 1.0, 10.0, True),
             case(2, 1.0, 1.0, False, extreme=True)]
    for index, (logits, generated, target, weight) in enumerate(cases):
        got = compare.scalar(compare.call(function, logits, generated, target, weight))
        f, g, t = (np.asarray(a, np.float64) for a in (logits, generated, target))
        adversarial, l1 = _softplus(-f).mean(), np.abs(t - g).mean()
        compare.compare(
            got, adversarial + weight * l1, "the loss",
            on=f" (l1_weight {weight:g}{', patch logits of +-100' if index == 2 else ''})",
            hint=STABLE if index == 2 else "", wrong=[
                (adversarial + weight * ((t - g) ** 2).mean(),
                 "That is the squared error; pix2pix uses the absolute error (L1): "
                 "mean |target - generated|."),
                (adversarial + l1, "The L1 term is not multiplied by l1_weight."),
                (weight * adversarial + l1,
                 "l1_weight multiplies the L1 term, not the adversarial term."),
                (-_softplus(f).mean() + weight * l1,
                 "The adversarial term is the saturating log(1 - D); use the non-saturating "
                 "-log D: the patch logits of the fakes labelled 1."),
                (_softplus(f).mean() + weight * l1,
                 "The adversarial term labels the fakes 0 (fake); the generator wants them "
                 "called real: label them 1."),
                (adversarial + weight * np.abs(t - g).sum(),
                 "The L1 term is a sum; take the mean over every pixel."),
                (adversarial + weight * (t - g).mean(),
                 "The absolute value is missing: mean |target - generated|."),
                (adversarial, "The L1 term is missing: add l1_weight * mean |target - "
                              "generated|."),
                (weight * l1, "The adversarial term is missing: add the cross-entropy of the "
                              "patch logits with label 1."),
            ])
    compare.require_gradients(function, cases[0], {0: "fake_logits", 1: "generated"},
                              what="your loss", why="The loss trains the generator.")
    return ("the adversarial term (the patch logits labelled 1, their mean) plus l1_weight "
            "times the mean absolute error, on NumPy arrays and tensors with l1_weight 100, "
            "10 and 1, patch logits of +-100, and that gradients reach the logits and the "
            "generated images")


register(pix2pix_generator_loss, _check_pix2pix_generator_loss, task="""
Write `pix2pix_generator_loss(fake_logits, generated, target, l1_weight)`: the pix2pix
generator's loss (Isola et al. 2017), an adversarial term plus a weighted L1 term:

    loss = mean[-log sigmoid(fake_logits)] + l1_weight * mean|target - generated|

The adversarial term is the non-saturating loss on every patch logit (the fakes labelled 1);
the L1 term is the mean absolute error over every pixel.

Args:
    fake_logits: the PatchGAN's logits on (source, generated), shape (N, P, P, 1).
    generated: the generator's images, shape (N, H, W, C), in [-1, 1].
    target: the true target images, same shape.
    l1_weight: the weight of the L1 term (the paper's lambda, 100), a float.
Returns:
    One number (a scalar tensor).

NumPy arrays and tensors are both accepted. Use TensorFlow operations (the gradient must
reach the logits and the generated images) and compute the cross-entropy from the logits.
""")


# --------------------------------------------------------------------------- CycleGAN


def cycle_consistency_loss(real, reconstructed):
    """CycleGAN's cycle-consistency loss: the mean absolute error |real - F(G(real))|."""
    real = tf.convert_to_tensor(real, tf.float32)
    reconstructed = tf.convert_to_tensor(reconstructed, tf.float32)
    return tf.reduce_mean(tf.abs(real - reconstructed))


def _check_cycle_consistency_loss(function):
    rng = np.random.default_rng(5)
    cases = []
    for shape, as_tensor in (((2, 3, 3, 1), False), ((3, 4, 4, 3), True)):
        real = rng.uniform(-1, 1, shape).astype(np.float32)
        reconstructed = np.clip(real + rng.normal(0.1, 0.25, shape), -1, 1).astype(np.float32)
        cases.append((tf.constant(real), tf.constant(reconstructed)) if as_tensor
                     else (real, reconstructed))
    for real, reconstructed in cases:
        r, c = np.asarray(real, np.float64), np.asarray(reconstructed, np.float64)
        got = compare.scalar(compare.call(function, real, reconstructed),
                             reduce="take the mean over every value (tf.reduce_mean without "
                                    "an axis)")
        compare.compare(got, np.abs(r - c).mean(), "the loss", on=f" for images {r.shape}",
                        wrong=[
            (((r - c) ** 2).mean(), "That is the squared error; the cycle loss is the mean "
                                    "absolute error (L1): mean |real - reconstructed|."),
            (np.abs(r - c).sum(), "That is a sum; take the mean over every value."),
            ((r - c).mean(), "The absolute value is missing: mean |real - reconstructed|."),
            ((c - r).mean(), "The absolute value is missing: mean |real - reconstructed|."),
        ])
    compare.require_gradients(function, cases[0], {1: "reconstructed"}, what="your loss",
                              why="The loss trains both generators.")
    return ("the mean absolute error on NumPy arrays (2, 3, 3, 1) and tensors (3, 4, 4, 3), "
            "and that gradients reach the reconstruction")


register(cycle_consistency_loss, _check_cycle_consistency_loss, task="""
Write `cycle_consistency_loss(real, reconstructed)`: CycleGAN's cycle-consistency loss (Zhu
et al. 2017), the mean absolute error between images and their round trip through both
generators:

    loss = mean|real - reconstructed|      (reconstructed = F(G(real)))

Args:
    real: a batch of images, shape (N, H, W, C).
    reconstructed: the same images after the round trip, same shape.
Returns:
    One number (a scalar tensor): the mean over every value.

NumPy arrays and tensors are both accepted. Use TensorFlow operations, so that the gradient
reaches the reconstruction (and through it both generators).
""")
