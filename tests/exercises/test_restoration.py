"""The restoration exercise: the variance of the Laplacian, and the typical mistakes named."""

import numpy as np
import tensorflow as tf

from ganlib.exercises import check


def _laplacian_variance_with(*, scale=True, statistic=np.var, pad=False, eight=False,
                             per_image=True):
    """The Laplacian variance with one of the typical mistakes switched on."""

    def laplacian_variance(images):
        x = np.asarray(images, dtype=np.float64)
        x = (x + 1) / 2 if scale else x
        if pad:
            x = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
        centre = x[:, 1:-1, 1:-1]
        laplacian = x[:, :-2, 1:-1] + x[:, 2:, 1:-1] + x[:, 1:-1, :-2] + x[:, 1:-1, 2:] \
            - 4 * centre
        if eight:
            laplacian = laplacian + x[:, :-2, :-2] + x[:, :-2, 2:] + x[:, 2:, :-2] \
                + x[:, 2:, 2:] - 4 * centre
        if not per_image:
            return statistic(laplacian)
        return statistic(laplacian.reshape(len(x), -1), axis=1)

    return laplacian_variance


def test_the_slices_of_the_task_pass_and_so_does_a_tensorflow_convolution():
    assert check("laplacian_variance", _laplacian_variance_with(), verbose=False).passed

    def laplacian_variance(images):
        x = (tf.convert_to_tensor(images, tf.float32) + 1) / 2
        kernel = tf.constant([[0, 1, 0], [1, -4, 1], [0, 1, 0]], tf.float32)
        channels = x.shape[-1]
        kernel = tf.tile(kernel[:, :, None, None], [1, 1, channels, 1])
        laplacian = tf.nn.depthwise_conv2d(x, kernel, [1, 1, 1, 1], "VALID")
        return tf.math.reduce_variance(tf.reshape(laplacian, (len(x), -1)), axis=1)

    assert check("laplacian_variance", laplacian_variance, verbose=False).passed


def test_unscaled_pixels_are_named(failure):
    message = failure("laplacian_variance", _laplacian_variance_with(scale=False))
    assert "The result for an image with one bright pixel on black is [8.88889] but should " \
           "be [2.22222]. It is 4 times too large: the images are in [-1, 1]" in message


def test_a_standard_deviation_is_named(failure):
    assert "That is the standard deviation; the score is the variance (np.var)." in \
        failure("laplacian_variance", _laplacian_variance_with(statistic=np.std))


def test_a_mean_square_is_named(failure):
    def mean_square(values, axis=None):
        return np.mean(values ** 2, axis=axis)

    message = failure("laplacian_variance", _laplacian_variance_with(statistic=mean_square))
    assert "for 4 grey 10x10 images (a NumPy array)" in message  # one pixel: mean 0, passes
    assert "the variance subtracts its mean first" in message


def test_zero_padding_is_named(failure):
    assert "The border was padded with zeros" in \
        failure("laplacian_variance", _laplacian_variance_with(pad=True))


def test_the_eight_neighbour_laplacian_is_named(failure):
    assert "That is the 8-neighbour Laplacian" in \
        failure("laplacian_variance", _laplacian_variance_with(eight=True))


def test_one_variance_for_the_whole_batch_is_named(failure):
    assert "The result for 4 grey 10x10 images (a NumPy array) is one number; it must be one " \
           "variance per image, shape (4,)" in \
        failure("laplacian_variance", _laplacian_variance_with(per_image=False))
