"""The robustness exercise: FGSM on a classifier's logits."""

import keras
import tensorflow as tf

from ganlib.exercises import check


def _attack(model, images, labels, epsilon, *, direction=1.0, clip=True, sign=True,
            from_logits=True, predicted=False):
    """FGSM with one of the typical mistakes switched on."""
    images = tf.convert_to_tensor(images, tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(images)
        logits = model(images)
        targets = tf.argmax(logits, axis=1) if predicted else labels
        loss = tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(
            targets, logits, from_logits=from_logits))
    gradient = tape.gradient(loss, images)
    adversarial = images + direction * epsilon * (tf.sign(gradient) if sign else gradient)
    return tf.clip_by_value(adversarial, 0.0, 1.0) if clip else adversarial


def _fgsm_with(**mistake):
    def fgsm(model, images, labels, epsilon):
        return _attack(model, images, labels, epsilon, **mistake)

    return fgsm


def test_a_keras_loss_from_logits_passes():
    assert check("fgsm", _fgsm_with(), verbose=False).passed


def test_a_step_down_the_loss_is_named(failure):
    message = failure("fgsm", _fgsm_with(direction=-1.0))
    assert "for epsilon 0.1 (images and labels as NumPy arrays): 54 of 54 values differ from " \
           "the expected ones (by up to 0.2)." in message
    assert "The step goes down the loss, which helps the model" in message


def test_a_missing_clip_is_named(failure):
    assert "The pixels for epsilon 0.1 (images and labels as NumPy arrays) leave [0, 1] (from " \
           "-0.1 to 1.1): clip the result with tf.clip_by_value(x, 0.0, 1.0)." in \
        failure("fgsm", _fgsm_with(clip=False))


def test_the_raw_gradient_for_its_sign_is_named(failure):
    assert "The step is epsilon * sign(gradient) (tf.sign), not epsilon * gradient." in \
        failure("fgsm", _fgsm_with(sign=False))


def test_logits_taken_for_probabilities_are_named(failure):
    assert "The model gives logits: compute the cross-entropy with from_logits=True" in \
        failure("fgsm", _fgsm_with(from_logits=False))


def test_the_models_predictions_for_the_true_labels_are_named(failure):
    assert "Use the true labels, not the model's predictions." in \
        failure("fgsm", _fgsm_with(predicted=True))


def test_adversarial_images_of_another_shape_are_named(failure):
    def fgsm(model, images, labels, epsilon):
        return tf.reshape(_attack(model, images, labels, epsilon), (len(images), -1))

    assert "The adversarial images for epsilon 0.1 (images and labels as NumPy arrays) have " \
           "shape (6, 9); they must have the images' shape (6, 3, 3, 1)." in \
        failure("fgsm", fgsm)
