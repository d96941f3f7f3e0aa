"""The network exercises: the DCGAN generator, the conditional input and the training step."""

import keras
import pytest
import tensorflow as tf
from keras import layers

from ganlib.exercises import EXERCISES, check

bce = tf.nn.sigmoid_cross_entropy_with_logits


# --------------------------------------------------------------------------- dcgan_generator


def _generator(latent_dim, *, activation="tanh", last_stride=2, inputs=None):
    z = keras.Input((inputs or latent_dim,))
    x = layers.Reshape((7, 7, 16))(layers.Dense(7 * 7 * 16)(z))
    x = layers.Conv2DTranspose(8, 4, strides=2, padding="same", activation="relu")(x)
    images = layers.Conv2DTranspose(1, 4, strides=last_stride, padding="same",
                                    activation=activation)(x)
    return z, images


def test_a_tensor_returned_for_a_model_is_named(failure):
    def dcgan_generator(latent_dim):
        return _generator(latent_dim)[1]

    assert "Your function returned a tensor (the output of the last layer) where a " \
           "keras.Model was asked for: return keras.Model(inputs, outputs)" in \
        failure("dcgan_generator", dcgan_generator)


def test_a_generator_without_tanh_leaves_the_pixel_range(failure):
    def dcgan_generator(latent_dim):
        return keras.Model(*_generator(latent_dim, activation=None))

    message = failure("dcgan_generator", dcgan_generator)
    assert "The pixels leave [-1, 1] (for a z 100 times larger they go from " in message
    assert "end the last layer with activation='tanh'." in message


def test_a_sigmoid_output_uses_half_the_pixel_range(failure):
    def dcgan_generator(latent_dim):
        return keras.Model(*_generator(latent_dim, activation="sigmoid"))

    message = failure("dcgan_generator", dcgan_generator)
    assert "Every pixel is >= 0" in message
    assert "end with tanh, not sigmoid or ReLU." in message


def test_images_of_the_wrong_size_are_named(failure):
    def dcgan_generator(latent_dim):
        return keras.Model(*_generator(latent_dim, last_stride=1))

    assert "Your model turns z of shape (6, 8) into images of shape (6, 14, 14, 1); they must " \
           "have shape (6, 28, 28, 1)" in failure("dcgan_generator", dcgan_generator)


def test_a_latent_size_fixed_in_the_code_is_named(failure):
    def dcgan_generator(latent_dim):
        return keras.Model(*_generator(latent_dim, inputs=100))

    assert "With latent_dim=8 your model reads inputs of shape (None, 100); it must read " \
           "(None, 8): start it with keras.Input(shape=(latent_dim,))." in \
        failure("dcgan_generator", dcgan_generator)


def test_a_generator_that_ignores_z_is_named(failure):
    def dcgan_generator(latent_dim):
        z = keras.Input((latent_dim,))
        constant = layers.Lambda(lambda t: 0.0 * t[:, :1] + 0.5)(z)
        images = layers.Reshape((28, 28, 1))(layers.Dense(784, activation="tanh")(constant))
        return keras.Model(z, images)

    assert "Your model makes the same image for every z" in \
        failure("dcgan_generator", dcgan_generator)


def test_a_sequential_generator_without_an_input_passes():
    def dcgan_generator(latent_dim):
        return keras.Sequential([layers.Dense(7 * 7 * 8), layers.Reshape((7, 7, 8)),
                                 layers.Conv2DTranspose(1, 4, strides=4, padding="same",
                                                        activation="tanh")])

    assert check("dcgan_generator", dcgan_generator, verbose=False).passed


# --------------------------------------------------------------------------- conditional_input


def _latent(latent):
    return tf.convert_to_tensor(latent, tf.float32)


def test_the_label_itself_joined_instead_of_its_one_hot_vector_is_named(failure):
    def conditional_input(latent, labels, num_classes):
        column = tf.cast(tf.reshape(labels, (-1, 1)), tf.float32)
        return tf.concat([_latent(latent), column], axis=-1)

    assert "has shape (4, 6), not (4, 8): that is the label itself (one column); join its " \
           "one-hot vector" in failure("conditional_input", conditional_input)


def test_the_one_hot_label_put_first_is_named(failure):
    def conditional_input(latent, labels, num_classes):
        return tf.concat([tf.one_hot(labels, num_classes), _latent(latent)], axis=-1)

    assert "starts with the one-hot label; put the latent first: tf.concat([latent, one_hot], " \
           "axis=-1)." in failure("conditional_input", conditional_input)


def test_joining_along_the_batch_axis_is_named(failure):
    def conditional_input(latent, labels, num_classes):
        latent = _latent(latent)
        return tf.concat([latent, tf.one_hot(labels, latent.shape[1])], axis=0)

    assert "has shape (8, 5), not (4, 8): join the latent and the one-hot label along the " \
           "last axis (axis=-1), not the batch axis." in failure("conditional_input",
                                                                   conditional_input)


def test_the_one_hot_label_alone_is_named(failure):
    def conditional_input(latent, labels, num_classes):
        return tf.one_hot(labels, num_classes)

    assert "has shape (4, 3), not (4, 8): that is the one-hot label alone; join the latent " \
           "and it." in failure("conditional_input", conditional_input)


def test_a_one_hot_vector_shifted_by_one_is_named(failure):
    def conditional_input(latent, labels, num_classes):
        shifted = tf.one_hot(tf.convert_to_tensor(labels) - 1, num_classes)
        return tf.concat([_latent(latent), shifted], axis=-1)

    assert "The one-hot part of row 0 for a latent of shape (4, 5), labels [0, 2, 1, 2] and " \
           "num_classes=3 is [0, 0, 0] but label 0 is [1, 0, 0]" in \
        failure("conditional_input", conditional_input)


# --------------------------------------------------------------------------- train_step


def _d_loss(real_logits, fake_logits):
    return (tf.reduce_mean(bce(labels=tf.ones_like(real_logits), logits=real_logits))
            + tf.reduce_mean(bce(labels=tf.zeros_like(fake_logits), logits=fake_logits)))


def _g_loss(fake_logits):
    return tf.reduce_mean(bce(labels=tf.ones_like(fake_logits), logits=fake_logits))


def _apply(optimizer, tape, loss, variables):
    optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables, strict=True))


def _step(*, d_loss=_d_loss, g_loss=_g_loss, d_outside_tape=False, fakes_outside_tape=False,
          g_on_d_loss=False, g_also_moves_d=False, generator_first=False, result=dict):
    """A train_step with one of the typical mistakes switched on."""

    def train_step(generator, discriminator, g_optimizer, d_optimizer, real_images, latent):
        def discriminator_step():
            with tf.GradientTape() as tape:
                if not d_outside_tape:
                    loss = d_loss(discriminator(real_images), discriminator(generator(latent)))
            if d_outside_tape:
                loss = d_loss(discriminator(real_images), discriminator(generator(latent)))
            _apply(d_optimizer, tape, loss, discriminator.trainable_variables)
            return loss

        def generator_step():
            fakes = generator(latent) if fakes_outside_tape else None
            with tf.GradientTape() as tape:
                logits = discriminator(generator(latent) if fakes is None else fakes)
                loss = _d_loss(discriminator(real_images), logits) if g_on_d_loss else \
                    g_loss(logits)
            variables = generator.trainable_variables + (
                discriminator.trainable_variables if g_also_moves_d else [])
            _apply(g_optimizer, tape, loss, variables)
            return loss

        if generator_first:
            g, d = generator_step(), discriminator_step()
        else:
            d, g = discriminator_step(), generator_step()
        return result(d_loss=d, g_loss=g)

    return train_step


@pytest.mark.parametrize("order", ["discriminator first", "generator first", "one tape each"])
def test_a_right_step_passes_in_either_order(order):
    def together(generator, discriminator, g_optimizer, d_optimizer, real_images, latent):
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            fake_logits = discriminator(generator(latent))
            d_loss = _d_loss(discriminator(real_images), fake_logits)
            g_loss = _g_loss(fake_logits)
        _apply(g_optimizer, g_tape, g_loss, generator.trainable_variables)
        _apply(d_optimizer, d_tape, d_loss, discriminator.trainable_variables)
        return {"d_loss": d_loss, "g_loss": g_loss}

    function = {"discriminator first": _step(), "generator first": _step(generator_first=True),
                "one tape each": together}[order]
    result = check("train_step", function, verbose=False)
    assert result.passed, result.message
    assert result.function is function


def test_a_compiled_step_passes():
    function = tf.function(_step())
    assert check("train_step", function, verbose=False).passed


def test_a_discriminator_loss_computed_outside_the_tape_is_named(failure):
    message = failure("train_step", _step(d_outside_tape=True))
    assert "tape.gradient gave None for every weight of the discriminator: its loss was " \
           "computed outside the `with tf.GradientTape() as tape:` block" in message


def test_fakes_made_outside_the_generators_tape_are_named(failure):
    assert "tape.gradient gave None for every weight of the generator" in \
        failure("train_step", _step(fakes_outside_tape=True))


def test_the_generator_trained_with_the_saturating_loss_is_named(failure):
    def saturating(fake_logits):
        return -tf.reduce_mean(bce(labels=tf.zeros_like(fake_logits), logits=fake_logits))

    assert "The generator was trained with the saturating loss log(1 - D(G(z)))" in \
        failure("train_step", _step(g_loss=saturating))


def test_the_generator_trained_on_the_discriminators_loss_is_named(failure):
    assert "The generator was trained on the discriminator's loss, which teaches it to make " \
           "fakes look fake; train it with its fakes labelled real (1)" in \
        failure("train_step", _step(g_on_d_loss=True))


def test_swapped_labels_in_the_discriminators_step_are_named(failure):
    def swapped(real_logits, fake_logits):
        return _d_loss(fake_logits, real_logits)

    assert "The discriminator's labels are swapped: real images get label 1, fakes label 0." \
        in failure("train_step", _step(d_loss=swapped))


def test_the_generators_optimizer_moving_the_discriminator_is_named(failure):
    assert "g_optimizer was given the discriminator's weights: each optimizer updates its own " \
           "network only" in failure("train_step", _step(g_also_moves_d=True))


def test_a_step_that_leaves_the_generator_alone_is_named(failure):
    def train_step(generator, discriminator, g_optimizer, d_optimizer, real_images, latent):
        with tf.GradientTape() as tape:
            loss = _d_loss(discriminator(real_images), discriminator(generator(latent)))
        _apply(d_optimizer, tape, loss, discriminator.trainable_variables)
        return {"d_loss": loss, "g_loss": loss}

    assert "None of the generator's weights moved: apply its gradients with " \
           "g_optimizer.apply_gradients(zip(gradients, generator.trainable_variables))." in \
        failure("train_step", train_step)


def test_losses_returned_as_a_tuple_are_named(failure):
    assert "train_step must return a dict {'d_loss': ..., 'g_loss': ...}; yours returned a " \
           "tuple." in failure("train_step", _step(result=lambda d_loss, g_loss: (d_loss,
                                                                                   g_loss)))


def test_losses_returned_under_other_keys_are_named(failure):
    assert "The dict your train_step returned has the keys ['disc', 'gen']; it needs 'd_loss' " \
           "and 'g_loss'." in failure("train_step", _step(
               result=lambda d_loss, g_loss: {"disc": d_loss, "gen": g_loss}))


def test_a_returned_loss_that_is_not_the_steps_loss_is_named(failure):
    message = failure("train_step", _step(result=lambda d_loss, g_loss: {
        "d_loss": d_loss, "g_loss": 2.0 * g_loss}))
    assert "The returned g_loss is " in message
    assert "return the loss computed inside the tape." in message


def test_the_check_leaves_the_reference_working_after_a_failure():
    result = check("train_step", _step(g_on_d_loss=True), verbose=False)
    assert result.function is EXERCISES["train_step"].reference
    assert check("train_step", result.function, verbose=False).passed
