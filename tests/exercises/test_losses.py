"""The loss exercises: typical wrong answers are named in words a learner can act on."""

import keras
import numpy as np
import tensorflow as tf

bce = tf.nn.sigmoid_cross_entropy_with_logits


def _cross_entropy(logits, label):
    logits = tf.convert_to_tensor(logits, tf.float32)
    return bce(labels=tf.fill(tf.shape(logits), float(label)), logits=logits)


# --------------------------------------------------------------------------- discriminator_loss


def test_swapped_labels_in_the_discriminator_loss_are_named(failure):
    def discriminator_loss(real_logits, fake_logits):
        return (tf.reduce_mean(_cross_entropy(real_logits, 0))
                + tf.reduce_mean(_cross_entropy(fake_logits, 1)))

    message = failure("discriminator_loss", discriminator_loss)
    assert "is 3.07661 but should be 0.884946. The labels are swapped: real logits get label 1, " \
           "fake logits label 0." in message


def test_a_sum_over_the_batch_in_the_discriminator_loss_is_named(failure):
    def discriminator_loss(real_logits, fake_logits):
        return (tf.reduce_sum(_cross_entropy(real_logits, 1))
                + tf.reduce_sum(_cross_entropy(fake_logits, 0)))

    assert "That is a sum over each batch; take the mean of each (tf.reduce_mean)." in \
        failure("discriminator_loss", discriminator_loss)


def test_a_flipped_sign_of_the_discriminator_loss_is_named(failure):
    def discriminator_loss(real_logits, fake_logits):
        return -(tf.reduce_mean(_cross_entropy(real_logits, 1))
                 + tf.reduce_mean(_cross_entropy(fake_logits, 0)))

    assert "is -0.884946 but should be 0.884946. The sign is flipped." in \
        failure("discriminator_loss", discriminator_loss)


def test_averaging_the_two_terms_of_the_discriminator_loss_is_named(failure):
    def discriminator_loss(real_logits, fake_logits):
        return 0.5 * (tf.reduce_mean(_cross_entropy(real_logits, 1))
                      + tf.reduce_mean(_cross_entropy(fake_logits, 0)))

    assert "That is half the loss: add the real and the fake term, do not average them." in \
        failure("discriminator_loss", discriminator_loss)


def test_one_mean_over_real_and_fake_together_is_named(failure):
    def discriminator_loss(real_logits, fake_logits):
        return tf.reduce_mean(tf.concat([_cross_entropy(real_logits, 1),
                                         _cross_entropy(fake_logits, 0)], axis=0))

    assert "That is one mean over the real and fake logits together; take the mean over each " \
           "batch and add the two." in failure("discriminator_loss", discriminator_loss)


def test_log_of_sigmoid_overflowing_for_large_logits_is_named(failure):
    def discriminator_loss(real_logits, fake_logits):
        return (-tf.reduce_mean(tf.math.log(tf.sigmoid(real_logits)))
                - tf.reduce_mean(tf.math.log(1.0 - tf.sigmoid(fake_logits))))

    message = failure("discriminator_loss", discriminator_loss)
    assert "for real logits [100, -100] and fake logits [-100, 100] is not finite (inf); it " \
           "should be 100." in message
    assert "Compute the cross-entropy from the logits" in message


def test_probabilities_clipped_by_keras_for_large_logits_are_named(failure):
    def discriminator_loss(real_logits, fake_logits):
        loss = keras.losses.BinaryCrossentropy()
        return (loss(tf.ones_like(real_logits), tf.sigmoid(real_logits))
                + loss(tf.zeros_like(fake_logits), tf.sigmoid(fake_logits)))

    message = failure("discriminator_loss", discriminator_loss)
    assert "is 16.0302 but should be 100. The logits were taken for probabilities: use " \
           "from_logits=True" in message


def test_logits_handed_to_a_loss_for_probabilities_are_named(failure):
    def discriminator_loss(real_logits, fake_logits):
        loss = keras.losses.BinaryCrossentropy()
        return loss(tf.ones_like(real_logits), real_logits) + loss(
            tf.zeros_like(fake_logits), fake_logits)

    assert "is 4.3217 but should be 0.884946. The logits were taken for probabilities" in \
        failure("discriminator_loss", discriminator_loss)


def test_a_loss_per_sample_instead_of_one_number_is_named(failure):
    def discriminator_loss(real_logits, fake_logits):
        return tf.concat([_cross_entropy(real_logits, 1), _cross_entropy(fake_logits, 0)], 0)

    assert "The loss must be a single number, but your function returned an array of shape " \
           "(7, 1): take the mean over the batch (tf.reduce_mean)." in \
        failure("discriminator_loss", discriminator_loss)


def test_a_discriminator_loss_in_numpy_passes_no_gradient(failure):
    def discriminator_loss(real_logits, fake_logits):
        real, fake = np.asarray(real_logits, np.float64), np.asarray(fake_logits, np.float64)
        return np.logaddexp(0, -real).mean() + np.logaddexp(0, fake).mean()

    message = failure("discriminator_loss", discriminator_loss)
    assert "The loss trains a network, so its gradient must reach the logits. But your loss " \
           "is a NumPy float64, not a TensorFlow tensor, so no gradient can flow back to " \
           "real_logits and fake_logits." in message


def test_a_missing_fake_term_is_named(failure):
    def discriminator_loss(real_logits, fake_logits):
        return tf.reduce_mean(_cross_entropy(real_logits, 1))

    assert "Only the real term is there; add the fake term" in \
        failure("discriminator_loss", discriminator_loss)


# --------------------------------------------------------------------------- generator_loss


def test_the_saturating_loss_given_for_the_non_saturating_one_is_named(failure):
    def generator_loss(fake_logits):
        return -tf.reduce_mean(_cross_entropy(fake_logits, 0))  # mean log(1 - D(G(z)))

    assert "That is the saturating (minimax) loss log(1 - D(G(z)))" in \
        failure("generator_loss", generator_loss)


def test_fakes_labelled_fake_in_the_generator_loss_are_named(failure):
    def generator_loss(fake_logits):
        return tf.reduce_mean(_cross_entropy(fake_logits, 0))

    assert "The fakes are labelled 0 (fake), which is the discriminator's goal; the generator " \
           "wants them called real: label them 1." in failure("generator_loss", generator_loss)


def test_a_sum_over_the_batch_in_the_generator_loss_is_named(failure):
    def generator_loss(fake_logits):
        return tf.reduce_sum(_cross_entropy(fake_logits, 1))

    assert "is 3.65677 but should be 0.914193. That is a sum over the batch; take the mean." \
        in failure("generator_loss", generator_loss)


def test_log_sigmoid_overflowing_at_minus_100_in_the_generator_loss_is_named(failure):
    def generator_loss(fake_logits):
        return -tf.reduce_mean(tf.math.log(tf.sigmoid(fake_logits)))

    message = failure("generator_loss", generator_loss)
    assert "for fake logits [-100, 100] is not finite (inf); it should be 50." in message
    assert "sigmoid(-100) to 0" in message


# --------------------------------------------------------------------------- optimal_discriminator


def test_the_probability_of_fake_given_for_d_star_is_named(failure):
    def optimal_discriminator(p_data, p_g):
        return np.asarray(p_g) / (np.asarray(p_data) + np.asarray(p_g))

    assert "That is 1 - D*, the probability that x is fake; D* is the probability that x is " \
           "real: p_data on top." in failure("optimal_discriminator", optimal_discriminator)


def test_dividing_by_p_g_alone_is_not_finite_and_the_formula_is_given(failure):
    def optimal_discriminator(p_data, p_g):
        with np.errstate(divide="ignore"):
            return np.asarray(p_data) / np.asarray(p_g)

    message = failure("optimal_discriminator", optimal_discriminator)
    assert "is not finite ([1, 0, 0.333333, inf, 3])" in message
    assert "D*(x) = p_data(x) / (p_data(x) + p_g(x)), a probability in [0, 1]." in message


def test_a_d_star_summed_over_the_grid_is_named(failure):
    def optimal_discriminator(p_data, p_g):
        return np.sum(np.asarray(p_data) / (np.asarray(p_data) + np.asarray(p_g)))

    assert "D* has shape () for densities of shape (5,): it must have one value per point of " \
           "the grid" in failure("optimal_discriminator", optimal_discriminator)


# --------------------------------------------------------------------------- gradient_penalty


def _penalty(critic, real, fake, alpha, *, reverse=False, axes=(1, 2, 3), square=True,
             root=True, target=1.0, reduce=tf.reduce_mean, numpy_gradient=False):
    """The WGAN-GP penalty with one of the typical mistakes switched on."""
    real, fake, alpha = (tf.convert_to_tensor(a, tf.float32) for a in (real, fake, alpha))
    x_hat = (1 - alpha) * real + alpha * fake if reverse else alpha * real + (1 - alpha) * fake
    with tf.GradientTape() as tape:
        tape.watch(x_hat)
        scores = critic(x_hat, training=True)
    gradients = tape.gradient(scores, x_hat)
    if numpy_gradient:
        gradients = tf.constant(gradients.numpy())
    squares = tf.reduce_sum(tf.square(gradients), axis=axes)
    distance = (tf.sqrt(squares) if root else squares) - target
    return reduce(tf.square(distance) if square else tf.abs(distance))


def _penalty_with(**mistake):
    def gradient_penalty(critic, real, fake, alpha):
        return _penalty(critic, real, fake, alpha, **mistake)

    return gradient_penalty


def test_the_interpolation_the_other_way_round_is_named(failure):
    assert "The interpolation goes the other way round: x_hat = alpha * real + (1 - alpha) * " \
           "fake, so alpha = 1 gives the real sample." in \
        failure("gradient_penalty", _penalty_with(reverse=True))


def test_one_norm_for_the_whole_batch_is_named(failure):
    assert "That is one norm for the whole batch; take one norm per sample, over axes 1, 2 " \
           "and 3" in failure("gradient_penalty", _penalty_with(axes=None))


def test_a_norm_over_the_channel_axis_only_is_named(failure):
    assert "That is one norm per pixel (over the channel axis only); take one norm per " \
           "sample" in failure("gradient_penalty", _penalty_with(axes=-1))


def test_a_missing_square_in_the_penalty_is_named(failure):
    assert "The square is missing: the mean of (norm - 1)^2." in \
        failure("gradient_penalty", _penalty_with(square=False))


def test_the_squared_norm_used_for_the_norm_is_named(failure):
    assert "That uses the squared norm (the sum of squares); take its square root." in \
        failure("gradient_penalty", _penalty_with(root=False))


def test_a_missing_target_norm_of_one_is_named(failure):
    assert "Subtract 1 (the target norm) before squaring: (norm - 1)^2." in \
        failure("gradient_penalty", _penalty_with(target=0.0))


def test_a_sum_over_the_samples_in_the_penalty_is_named(failure):
    assert "That is a sum over the samples; take the mean." in \
        failure("gradient_penalty", _penalty_with(reduce=tf.reduce_sum))


def test_a_penalty_through_numpy_passes_no_gradient_to_the_critic(failure):
    assert "The value is right, but no gradient reaches the critic's weights through your " \
           "penalty." in failure("gradient_penalty", _penalty_with(numpy_gradient=True))


def test_the_gradient_taken_at_the_real_samples_is_named(failure):
    def gradient_penalty(critic, real, fake, alpha):
        return _penalty(critic, real, real, alpha)  # x_hat = real

    assert "The gradient is taken at the real samples; take it at x_hat = alpha * real + " \
           "(1 - alpha) * fake." in failure("gradient_penalty", gradient_penalty)


# --------------------------------------------------------------------------- pix2pix


def _adversarial(fake_logits):
    return tf.reduce_mean(_cross_entropy(fake_logits, 1))


def test_the_squared_error_for_pix2pix_l1_is_named(failure):
    def pix2pix_generator_loss(fake_logits, generated, target, l1_weight):
        return _adversarial(fake_logits) + l1_weight * tf.reduce_mean(
            tf.square(target - generated))

    assert "That is the squared error; pix2pix uses the absolute error (L1): mean |target - " \
           "generated|." in failure("pix2pix_generator_loss", pix2pix_generator_loss)


def test_a_missing_l1_weight_is_named(failure):
    def pix2pix_generator_loss(fake_logits, generated, target, l1_weight):
        return _adversarial(fake_logits) + tf.reduce_mean(tf.abs(target - generated))

    assert "is 1.16296 but should be 21.9934. The L1 term is not multiplied by l1_weight." in \
        failure("pix2pix_generator_loss", pix2pix_generator_loss)


def test_the_saturating_adversarial_term_in_pix2pix_is_named(failure):
    def pix2pix_generator_loss(fake_logits, generated, target, l1_weight):
        return (-tf.reduce_mean(_cross_entropy(fake_logits, 0))
                + l1_weight * tf.reduce_mean(tf.abs(target - generated)))

    assert "The adversarial term is the saturating log(1 - D); use the non-saturating -log D" \
        in failure("pix2pix_generator_loss", pix2pix_generator_loss)


def test_a_missing_absolute_value_in_pix2pix_is_named(failure):
    def pix2pix_generator_loss(fake_logits, generated, target, l1_weight):
        return _adversarial(fake_logits) + l1_weight * tf.reduce_mean(target - generated)

    assert "The absolute value is missing: mean |target - generated|." in \
        failure("pix2pix_generator_loss", pix2pix_generator_loss)


def test_the_weight_on_the_wrong_term_of_pix2pix_is_named(failure):
    def pix2pix_generator_loss(fake_logits, generated, target, l1_weight):
        return l1_weight * _adversarial(fake_logits) + tf.reduce_mean(tf.abs(target - generated))

    assert "l1_weight multiplies the L1 term, not the adversarial term." in \
        failure("pix2pix_generator_loss", pix2pix_generator_loss)


# --------------------------------------------------------------------------- cycle consistency


def test_the_squared_error_for_the_cycle_loss_is_named(failure):
    def cycle_consistency_loss(real, reconstructed):
        return tf.reduce_mean(tf.square(real - reconstructed))

    assert "is 0.0184708 but should be 0.104993. That is the squared error; the cycle loss is " \
           "the mean absolute error (L1)" in failure("cycle_consistency_loss",
                                                     cycle_consistency_loss)


def test_a_sum_for_the_cycle_loss_is_named(failure):
    def cycle_consistency_loss(real, reconstructed):
        return tf.reduce_sum(tf.abs(real - reconstructed))

    assert "That is a sum; take the mean over every value." in \
        failure("cycle_consistency_loss", cycle_consistency_loss)


def test_a_cycle_loss_per_image_is_named(failure):
    def cycle_consistency_loss(real, reconstructed):
        return tf.reduce_mean(tf.abs(real - reconstructed), axis=[1, 2, 3])

    assert "The loss must be a single number, but your function returned an array of shape " \
           "(2,): take the mean over every value (tf.reduce_mean without an axis)." in \
        failure("cycle_consistency_loss", cycle_consistency_loss)


def test_a_missing_absolute_value_in_the_cycle_loss_is_named(failure):
    def cycle_consistency_loss(real, reconstructed):
        return tf.reduce_mean(real - reconstructed)

    assert "The absolute value is missing: mean |real - reconstructed|." in \
        failure("cycle_consistency_loss", cycle_consistency_loss)


def test_a_cycle_loss_in_numpy_passes_no_gradient(failure):
    def cycle_consistency_loss(real, reconstructed):
        return np.mean(np.abs(np.asarray(real) - np.asarray(reconstructed)))

    assert "no gradient can flow back to reconstructed" in \
        failure("cycle_consistency_loss", cycle_consistency_loss)
