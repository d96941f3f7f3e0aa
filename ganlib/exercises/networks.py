"""Network exercises: the DCGAN generator, one GAN training step, and a conditional input.

The training step is checked on tiny networks (a few dozen weights) with plain SGD, whose
update is exactly ``-learning_rate * gradient``: so each network's weight change shows which
loss its gradient came from. The optimizers record what they were given, so a gradient that
is None (a loss computed outside the tape) or a network updated by the other's optimizer is
named as such. Known values come from ``ganlib.losses`` and from hand computation.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from ganlib.exercises import compare
from ganlib.exercises.registry import register
from ganlib.losses import (
    minimax_discriminator_loss,
    minimax_generator_loss,
    non_saturating_generator_loss,
)

__all__ = ["conditional_input", "dcgan_generator", "train_step"]


# --------------------------------------------------------------------------- DCGAN generator


def dcgan_generator(latent_dim):
    """A DCGAN generator: z (N, latent_dim) -> images (N, 28, 28, 1) in [-1, 1]."""
    z = keras.Input(shape=(latent_dim,))
    x = layers.Dense(7 * 7 * 64, use_bias=False)(z)
    x = layers.BatchNormalization()(x)
    x = layers.ReLU()(x)
    x = layers.Reshape((7, 7, 64))(x)                                       # 7 x 7
    x = layers.Conv2DTranspose(32, 4, strides=2, padding="same", use_bias=False)(x)  # 14 x 14
    x = layers.BatchNormalization()(x)
    x = layers.ReLU()(x)
    images = layers.Conv2DTranspose(1, 4, strides=2, padding="same",
                                    activation="tanh")(x)                   # 28 x 28, [-1, 1]
    return keras.Model(z, images, name="generator")


def _require_model(model, latent_dim):
    """Mismatch unless ``model`` is a keras.Model reading (latent_dim,) (when it says so)."""
    if isinstance(model, keras.KerasTensor) or tf.is_tensor(model):
        raise compare.Mismatch(
            "Your function returned a tensor (the output of the last layer) where a "
            "keras.Model was asked for: return keras.Model(inputs, outputs), with inputs = "
            "keras.Input(shape=(latent_dim,)).")
    if not isinstance(model, keras.Model):
        if model is None:
            raise compare.Mismatch("Your function returned None: did you forget `return`?")
        kind = "a layer" if isinstance(model, keras.layers.Layer) else \
            f"a {type(model).__name__}"
        raise compare.Mismatch(
            f"Your function returned {kind} where a keras.Model was asked for: return "
            "keras.Model(inputs, outputs) (or a keras.Sequential).")
    try:
        input_shape = model.input_shape
    except (AttributeError, ValueError):  # a Sequential without an Input: no shape yet
        return
    if isinstance(input_shape, list) or tuple(input_shape[1:]) != (latent_dim,):
        raise compare.Mismatch(
            f"With latent_dim={latent_dim} your model reads inputs of shape {input_shape}; it "
            f"must read (None, {latent_dim}): start it with keras.Input(shape=(latent_dim,)).")


def _check_dcgan_generator(function):
    rng = np.random.default_rng(6)
    for latent_dim in (8, 3):
        model = compare.call(function, latent_dim)
        _require_model(model, latent_dim)
        z = (3.0 * rng.normal(size=(6, latent_dim))).astype(np.float32)
        images = compare.as_array(compare.call(
            model, z, training=False,
            doing=f"Your model, called on z of shape {z.shape},"), "the images")
        if images.shape != (6, 28, 28, 1):
            raise compare.Mismatch(
                f"Your model turns z of shape {z.shape} into images of shape {images.shape}; "
                "they must have shape (6, 28, 28, 1): start from a 7 x 7 map, double it twice "
                "(Conv2DTranspose with strides=2, padding='same'), end with 1 channel.")
        if not np.all(np.isfinite(images)):
            raise compare.Mismatch("Your model's images hold NaN or Inf values.")
        # A large z (as a tensor this time) drives a last layer without tanh out of [-1, 1].
        large = compare.as_array(compare.call(
            model, tf.constant(100.0 * z), training=False,
            doing=f"Your model, called on a tensor z of shape {z.shape},"), "the images")
        low, high = float(np.nanmin(large)), float(np.nanmax(large))
        if low < -1.0 - 1e-6 or high > 1.0 + 1e-6:
            raise compare.Mismatch(
                f"The pixels leave [-1, 1] (for a z 100 times larger they go from {low:.3g} "
                f"to {high:.3g}): end the last layer with activation='tanh'.")
        low, high = float(images.min()), float(images.max())
        if low >= 0.0:
            raise compare.Mismatch(
                f"Every pixel is >= 0 (from {low:.3g} to {high:.3g}): the images must use all "
                "of [-1, 1], like the training data; end with tanh, not sigmoid or ReLU.")
        if np.ptp(images, axis=0).max() < 1e-6:
            raise compare.Mismatch("Your model makes the same image for every z: the images "
                                   "must depend on the input.")
        if not model.trainable_variables:
            raise compare.Mismatch("Your model has no trainable weights.")
    return ("a keras.Model for latent_dim 8 and 3, reading (None, latent_dim), making "
            "(N, 28, 28, 1) images from NumPy arrays and tensors that depend on z and stay in "
            "[-1, 1] with both signs")


register(dcgan_generator, _check_dcgan_generator, task="""
Write `dcgan_generator(latent_dim)`: build and return a DCGAN generator (Radford et al.
2016), a keras.Model that maps z of shape (N, latent_dim) to images (N, 28, 28, 1) in
[-1, 1]:

    keras.Input(shape=(latent_dim,))
    -> Dense(7 * 7 * 64, use_bias=False), BatchNormalization, ReLU, Reshape((7, 7, 64))
    -> Conv2DTranspose(32, 4, strides=2, padding="same"), BatchNormalization, ReLU  (14 x 14)
    -> Conv2DTranspose(1, 4, strides=2, padding="same", activation="tanh")         (28 x 28)

Args:
    latent_dim: the length of z, an int.
Returns:
    A keras.Model (not the output tensor of its last layer): keras.Model(inputs, outputs).

The model is called on NumPy arrays and on tensors alike. Other widths work too, as long
as the shapes and the output range are right.
""")


# --------------------------------------------------------------------------- conditional input


def conditional_input(latent, labels, num_classes):
    """The generator's input of a conditional GAN: [latent, one-hot label] joined per sample."""
    latent = tf.convert_to_tensor(latent, tf.float32)          # (N, latent_dim)
    one_hot = tf.one_hot(labels, num_classes)                   # (N, num_classes)
    return tf.concat([latent, one_hot], axis=-1)                # (N, latent_dim + num_classes)


def _shape_problem(shape, n, latent_dim, num_classes) -> str:
    """What a result of the wrong ``shape`` most likely holds, and the fix."""
    if len(shape) != 2 or shape[0] != n:
        return ("join the latent and the one-hot label along the last axis (axis=-1), not "
                "the batch axis.")
    return {
        latent_dim + 1: "that is the label itself (one column); join its one-hot vector, "
                        "num_classes columns: tf.one_hot(labels, num_classes).",
        num_classes: "that is the one-hot label alone; join the latent and it.",
        latent_dim: "that is the latent alone; join the one-hot label to it.",
    }.get(shape[1], "each row holds the latent, then the one-hot label.")


def _check_conditional_input(function):
    rng = np.random.default_rng(7)
    # latent_dim, latent_dim + 1 and num_classes differ, so a wrong width says what it holds
    cases = [
        (rng.normal(size=(4, 5)).astype(np.float32), np.array([0, 2, 1, 2]), 3),
        (tf.constant(rng.normal(size=(5, 2)), tf.float32),
         tf.constant([3, 0, 1, 3, 2], tf.int32), 4),
    ]
    for latent, labels, num_classes in cases:
        z, y = np.asarray(latent, np.float64), np.asarray(labels)
        n, latent_dim = z.shape
        one_hot = np.eye(num_classes)[y]
        got = compare.as_array(compare.call(function, latent, labels, num_classes),
                               "the result")
        wanted = (n, latent_dim + num_classes)
        on = (f"for a latent of shape {z.shape}, labels {y.tolist()} and num_classes="
              f"{num_classes}")
        if got.shape != wanted:
            raise compare.Mismatch(f"The result {on} has shape {got.shape}, not {wanted}: "
                                   f"{_shape_problem(got.shape, n, latent_dim, num_classes)}")
        if np.allclose(got, np.concatenate([one_hot, z], axis=1), atol=1e-6):
            raise compare.Mismatch(f"The result {on} starts with the one-hot label; put the "
                                   "latent first: tf.concat([latent, one_hot], axis=-1).")
        if not np.allclose(got[:, :latent_dim], z, atol=1e-6):
            raise compare.Mismatch(f"The first latent_dim columns of the result {on} must be "
                                   "the latent, unchanged.")
        for row in range(n):
            if not np.allclose(got[row, latent_dim:], one_hot[row], atol=1e-6):
                raise compare.Mismatch(
                    f"The one-hot part of row {row} {on} is {compare.show(got[row, latent_dim:])}"
                    f" but label {int(y[row])} is {compare.show(one_hot[row])}: a 1 at the "
                    "label's index, 0 elsewhere (tf.one_hot(labels, num_classes)).")
    return ("the latent followed by the one-hot label, (N, latent_dim + num_classes), for "
            "NumPy arrays with 3 classes and tensors with 4")


register(conditional_input, _check_conditional_input, task="""
Write `conditional_input(latent, labels, num_classes)`: the input of a conditional
generator (Mirza & Osindero 2014), each sample's latent vector followed by its label as a
one-hot vector:

    row i = [latent[i, 0], ..., latent[i, latent_dim - 1], one_hot(labels[i])]

Args:
    latent: the noise z, shape (N, latent_dim), floats.
    labels: the class of each sample, shape (N,), integers from 0 to num_classes - 1.
    num_classes: the number of classes, an int.
Returns:
    Shape (N, latent_dim + num_classes), floats: the latent first, then the one-hot label
    (tf.one_hot, then tf.concat along the last axis).

NumPy arrays and tensors are both accepted.
""")


# --------------------------------------------------------------------------- training step


def train_step(generator, discriminator, g_optimizer, d_optimizer, real_images, latent):
    """One GAN update: the discriminator on real (1) and fake (0), then the generator."""
    # The discriminator's step: real images labelled 1, fakes labelled 0
    with tf.GradientTape() as tape:
        fakes = generator(latent, training=True)
        real_logits = discriminator(real_images, training=True)
        fake_logits = discriminator(fakes, training=True)
        d_loss = (tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(
                      labels=tf.ones_like(real_logits), logits=real_logits))
                  + tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(
                      labels=tf.zeros_like(fake_logits), logits=fake_logits)))
    gradients = tape.gradient(d_loss, discriminator.trainable_variables)
    d_optimizer.apply_gradients(zip(gradients, discriminator.trainable_variables, strict=True))
    # The generator's step: its fakes labelled real (1), the non-saturating loss
    with tf.GradientTape() as tape:
        fake_logits = discriminator(generator(latent, training=True), training=True)
        g_loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(
            labels=tf.ones_like(fake_logits), logits=fake_logits))
    gradients = tape.gradient(g_loss, generator.trainable_variables)
    g_optimizer.apply_gradients(zip(gradients, generator.trainable_variables, strict=True))
    return {"d_loss": d_loss, "g_loss": g_loss}


#: The SGD step of the check: each weight moves by exactly -LEARNING_RATE * its gradient.
LEARNING_RATE = 0.1


class _Calls:
    """What an optimizer was given, call by call: (gradients, variables or None)."""

    def __init__(self):
        self.calls = []


class _RecordingSGD(keras.optimizers.SGD):
    """Plain SGD that records the gradients and variables of every ``apply``."""

    def __init__(self, role: str):
        super().__init__(learning_rate=LEARNING_RATE, name=f"{role}_sgd")
        self.record = _Calls()

    def apply(self, grads, trainable_variables=None):
        variables = None if trainable_variables is None else list(trainable_variables)
        self.record.calls.append((list(grads), variables))
        return super().apply(grads, trainable_variables)


def _tiny_gan(seed: int = 8):
    """A generator z (3,) -> (2, 2, 2) images, a discriminator, a real batch and z (4 each)."""
    rng = np.random.default_rng(seed)
    generator = keras.Sequential([
        keras.Input((3,)),
        layers.Dense(8, activation="tanh", kernel_initializer="zeros"),
        layers.Reshape((2, 2, 2)),
    ], name="generator")
    discriminator = keras.Sequential([
        keras.Input((2, 2, 2)),
        layers.Flatten(),
        layers.Dense(4, activation="tanh", kernel_initializer="zeros"),
        layers.Dense(1, kernel_initializer="zeros"),
    ], name="discriminator")
    for network in (generator, discriminator):  # fixed weights, no draw from Keras' seed
        for variable in network.trainable_variables:
            variable.assign(rng.normal(0, 0.8, variable.shape).astype(np.float32))
    real = rng.uniform(-1, 1, (4, 2, 2, 2)).astype(np.float32)
    latent = rng.normal(0, 1, (4, 3)).astype(np.float32)
    return generator, discriminator, real, latent


def _weights(network):
    return [np.array(variable) for variable in network.trainable_variables]


class _Replay:
    """Copies of the two networks: each loss's SGD step at any weights, and its value."""

    def __init__(self, generator, discriminator, real, latent):
        self.generator = keras.models.clone_model(generator)
        self.discriminator = keras.models.clone_model(discriminator)
        self.real, self.latent = tf.constant(real), tf.constant(latent)

    def _load(self, g_weights, d_weights):
        for network, weights in ((self.generator, g_weights), (self.discriminator, d_weights)):
            for variable, value in zip(network.trainable_variables, weights, strict=True):
                variable.assign(value)

    def d_step(self, loss, g_weights, d_weights):
        """(-lr * gradient over D's weights, value) of loss(D(real), D(G(z)))."""
        self._load(g_weights, d_weights)
        with tf.GradientTape() as tape:
            value = loss(self.discriminator(self.real),
                         self.discriminator(self.generator(self.latent)))
        gradients = tape.gradient(value, self.discriminator.trainable_variables)
        return [-LEARNING_RATE * np.asarray(g) for g in gradients], float(value)

    def g_step(self, loss, g_weights, d_weights):
        """(-lr * gradient over G's weights, value) of loss(D(G(z)))."""
        self._load(g_weights, d_weights)
        with tf.GradientTape() as tape:
            value = loss(self.discriminator(self.generator(self.latent)))
        gradients = tape.gradient(value, self.generator.trainable_variables)
        return [-LEARNING_RATE * np.asarray(g) for g in gradients], float(value)


def _same(arrays, others) -> bool:
    return all(np.allclose(a, b, rtol=1e-3, atol=1e-6) for a, b in zip(arrays, others,
                                                                        strict=True))


#: Typical wrong discriminator losses (of real and fake logits) and what they mean.
_WRONG_D_LOSSES = (
    (lambda r, f: tf.reduce_mean(tf.nn.softplus(r)) + tf.reduce_mean(tf.nn.softplus(-f)),
     "The discriminator's labels are swapped: real images get label 1, fakes label 0."),
    (lambda r, f: -minimax_discriminator_loss(r, f),
     "The discriminator climbs its loss instead of descending it: a flipped sign."),
    (lambda r, f: tf.reduce_mean(tf.nn.softplus(-r)),
     "The discriminator learns from the real images only; add the fakes' term (label 0)."),
    (lambda r, f: tf.reduce_mean(tf.nn.softplus(f)),
     "The discriminator learns from the fakes only; add the real images' term (label 1)."),
)
#: Typical wrong generator losses (of the fakes' logits) and what they mean.
_WRONG_G_LOSSES = (
    (minimax_generator_loss,
     "The generator was trained with the saturating loss log(1 - D(G(z))) (the minimax "
     "game, or minus the discriminator's loss); use the non-saturating loss -log D(G(z)): "
     "the fakes' cross-entropy with label 1."),
    (lambda f: tf.reduce_mean(tf.nn.softplus(f)),
     "The generator was trained on the discriminator's loss, which teaches it to make fakes "
     "look fake; train it with its fakes labelled real (1): the non-saturating loss "
     "-log D(G(z))."),
    (lambda f: -non_saturating_generator_loss(f),
     "The generator climbs its loss instead of descending it: a flipped sign."),
)


def _optimizer_problems(optimizers, networks):
    """Mismatch for a network's weights given to the other's optimizer or a None gradient."""
    for role, optimizer in optimizers.items():
        other = "generator" if role == "discriminator" else "discriminator"
        others = {id(variable) for variable in networks[other].trainable_variables}
        name = f"{role[0]}_optimizer"
        for gradients, variables in optimizer.record.calls:
            if variables is None:
                continue
            if any(id(variable) in others for variable in variables):
                raise compare.Mismatch(
                    f"{name} was given the {other}'s weights: each optimizer updates its own "
                    f"network only ({name} gets {role}.trainable_variables).")
            if all(gradient is None for gradient in gradients):
                raise compare.Mismatch(
                    f"tape.gradient gave None for every weight of the {role}: its loss was "
                    "computed outside the `with tf.GradientTape() as tape:` block (or through "
                    "NumPy), so the tape did not record it and no gradient reaches the "
                    f"weights. Compute the {role}'s forward pass and loss inside the `with` "
                    "block.")
            missing = [getattr(variable, "path", variable.name)
                       for gradient, variable in zip(gradients, variables, strict=False)
                       if gradient is None]
            if missing:
                raise compare.Mismatch(
                    f"No gradient reached {', '.join(missing)}: compute everything the "
                    f"{role}'s loss depends on inside the tape.")


def _step_problem(role, moved, candidates, wrong):
    """The sentence for a network whose weights moved by ``moved`` (None if it is right)."""
    if any(_same(moved, step) for step in candidates):
        return None
    for steps, sentence in wrong:
        if any(_same(moved, step) for step in steps):
            return sentence
    loss = ("its cross-entropy with real images labelled 1 and fakes 0" if role ==
            "discriminator" else "the non-saturating loss, fakes labelled 1")
    return (f"The {role}'s weights moved, but not as one step of its optimizer on {loss} "
            "moves them.")


def _run_step(function, inputs, *, doing="Your function"):
    """Run the learner's step on fresh tiny networks; (networks, optimizers, result)."""
    generator, discriminator, real, latent = _tiny_gan()
    networks = {"generator": generator, "discriminator": discriminator}
    optimizers = {"generator": _RecordingSGD("generator"),
                  "discriminator": _RecordingSGD("discriminator")}
    try:
        result = compare.call(function, generator, discriminator, optimizers["generator"],
                              optimizers["discriminator"], *inputs(real, latent), doing=doing)
    except compare.LearnerError:
        _optimizer_problems(optimizers, networks)  # a None gradient explains the error
        raise
    _optimizer_problems(optimizers, networks)
    return networks, result


def _losses_of(result):
    if not isinstance(result, dict):
        raise compare.Mismatch(f"train_step must return a dict {{'d_loss': ..., 'g_loss': ...}}"
                               f"; yours returned a {type(result).__name__}.")
    missing = [key for key in ("d_loss", "g_loss") if key not in result]
    if missing:
        raise compare.Mismatch(f"The dict your train_step returned has the keys "
                               f"{sorted(map(str, result))}; it needs 'd_loss' and 'g_loss'.")
    return (compare.scalar(result["d_loss"], "the returned d_loss"),
            compare.scalar(result["g_loss"], "the returned g_loss"))


def _check_train_step(function):
    generator, discriminator, real, latent = _tiny_gan()
    replay = _Replay(generator, discriminator, real, latent)
    g_before, d_before = _weights(generator), _weights(discriminator)
    networks, result = _run_step(function, lambda r, z: (tf.constant(r), tf.constant(z)))
    g_after, d_after = _weights(networks["generator"]), _weights(networks["discriminator"])
    for role, before in (("discriminator", d_before), ("generator", g_before)):
        variables = networks[role].trainable_variables
        still = [variable.path.partition("/")[2] for variable, value in zip(variables, before,
                                                                            strict=True)
                 if np.array_equal(np.asarray(variable), value)]
        if len(still) == len(variables):
            raise compare.Mismatch(
                f"None of the {role}'s weights moved: apply its gradients with "
                f"{role[0]}_optimizer.apply_gradients(zip(gradients, "
                f"{role}.trainable_variables)).")
        if still:
            raise compare.Mismatch(
                f"These weights of the {role} did not move: {', '.join(still)}. One step must "
                f"update every trainable weight: apply the gradients to all of "
                f"{role}.trainable_variables.")
    # D's step may use the fakes of G before or after G's step, G's step D before or after.
    d_moved = [after - before for after, before in zip(d_after, d_before, strict=True)]
    g_moved = [after - before for after, before in zip(g_after, g_before, strict=True)]
    d_steps = [replay.d_step(minimax_discriminator_loss, g, d_before) for g in (g_before, g_after)]
    g_steps = [replay.g_step(non_saturating_generator_loss, g_before, d)
               for d in (d_before, d_after)]
    problem = _step_problem("discriminator", d_moved, [step for step, _ in d_steps], [
        ([replay.d_step(loss, g, d_before)[0] for g in (g_before, g_after)], sentence)
        for loss, sentence in _WRONG_D_LOSSES])
    problem = problem or _step_problem("generator", g_moved, [step for step, _ in g_steps], [
        ([replay.g_step(loss, g_before, d)[0] for d in (d_before, d_after)], sentence)
        for loss, sentence in _WRONG_G_LOSSES])
    if problem:
        raise compare.Mismatch(problem)
    d_loss, g_loss = _losses_of(result)
    for got, steps, key in ((d_loss, d_steps, "d_loss"), (g_loss, g_steps, "g_loss")):
        if not any(np.isclose(got, value, rtol=1e-4, atol=1e-6) for _, value in steps):
            raise compare.Mismatch(
                f"The returned {key} is {got:.6g} but the loss of this step was "
                f"{steps[0][1]:.6g}: return the loss computed inside the tape.")
    _, numpy_result = _run_step(function, lambda r, z: (r, z),
                                doing="With NumPy arrays as real_images and latent, your "
                                      "function")
    if not np.allclose(_losses_of(numpy_result), (d_loss, g_loss), rtol=1e-4, atol=1e-6):
        raise compare.Mismatch("With NumPy arrays as real_images and latent the step gives "
                               "other losses than with tensors.")
    return ("one step on tiny networks with SGD: every weight of both networks moves, the "
            "discriminator's step follows its cross-entropy (real labelled 1, fake 0), the "
            "generator's step the non-saturating loss (fakes labelled 1), each optimizer "
            "touches its own network only, the returned d_loss and g_loss are the step's "
            "losses, and NumPy inputs work as tensors do")


register(train_step, _check_train_step, task="""
Write `train_step(generator, discriminator, g_optimizer, d_optimizer, real_images, latent)`:
one GAN update (Goodfellow et al. 2014), the discriminator's step and then the generator's:

1. Inside a `with tf.GradientTape() as tape:` block: make fakes = generator(latent), score
   the real images and the fakes with the discriminator, and compute its loss, the
   cross-entropy on its logits with real labelled 1 and fake labelled 0 (the mean over
   each batch, summed). Then apply tape.gradient(d_loss, discriminator.trainable_variables)
   with d_optimizer.apply_gradients(zip(gradients, variables)).
2. In a new tape: score generator(latent) with the discriminator and compute the
   generator's non-saturating loss, the cross-entropy of those logits with label 1 (fakes
   labelled real), and apply its gradient to generator.trainable_variables with
   g_optimizer.

Args:
    generator: a keras.Model, latent (N, latent_dim) -> images.
    discriminator: a keras.Model, images -> logits (N, 1), no sigmoid.
    g_optimizer, d_optimizer: one Keras optimizer per network.
    real_images: a batch of real images (N, H, W, C).
    latent: the noise z for this step (N, latent_dim).
Returns:
    {"d_loss": ..., "g_loss": ...}: the two losses computed in the tapes.

NumPy arrays and tensors are both accepted. A loss computed outside its tape gives no
gradient: tape.gradient returns None.
""")
