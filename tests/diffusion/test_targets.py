"""Tests of ganlib.diffusion.targets: the eps and v targets, known values, and the clean
image each implies."""

import numpy as np
import pytest
import tensorflow as tf

from ganlib.diffusion import targets


def test_the_v_target_mixes_noise_and_image_by_the_schedule():
    x0 = np.array([[0.5, -1.0]], "float32")
    noise = np.array([[1.0, 2.0]], "float32")
    alpha_bar = tf.constant([[0.36]])                 # sqrt: 0.6, sqrt(1 - .): 0.8
    v = targets.training_target(x0, noise, alpha_bar, "v").numpy()
    np.testing.assert_allclose(v, [[0.6 * 1.0 - 0.8 * 0.5, 0.6 * 2.0 + 0.8 * 1.0]], rtol=1e-6)
    eps = targets.training_target(x0, noise, alpha_bar, "eps")
    np.testing.assert_array_equal(np.asarray(eps), noise)


@pytest.mark.parametrize("prediction", targets.PREDICTIONS)
@pytest.mark.parametrize("alpha_bar", [0.999, 0.5, 1e-3])
def test_the_true_target_gives_back_the_clean_image(prediction, alpha_bar):
    rng = np.random.default_rng(0)
    x0 = rng.uniform(-1, 1, (3, 4, 4, 1)).astype("float32")
    noise = rng.standard_normal(x0.shape).astype("float32")
    x_t = np.sqrt(alpha_bar) * x0 + np.sqrt(1 - alpha_bar) * noise
    target = targets.training_target(x0, noise, np.float32(alpha_bar), prediction)
    np.testing.assert_allclose(targets.clean_image(x_t, np.asarray(target), alpha_bar,
                                                   prediction), x0, atol=2e-3)


def test_near_pure_noise_v_is_about_minus_the_image_and_errors_stay_small():
    """The reason for v: at alpha_bar = 1e-4 an error of 0.01 in eps_hat moves x0_hat by 1
    (a hundred times), the same error in v_hat by 0.01."""
    x_t = np.zeros((1, 2))
    error = 0.01
    eps_shift = targets.clean_image(x_t, error, 1e-4, "eps") - targets.clean_image(x_t, 0.0,
                                                                                  1e-4, "eps")
    v_shift = targets.clean_image(x_t, error, 1e-4, "v") - targets.clean_image(x_t, 0.0, 1e-4,
                                                                              "v")
    np.testing.assert_allclose(np.abs(eps_shift), 1.0, rtol=1e-3)
    np.testing.assert_allclose(np.abs(v_shift), 0.01, rtol=1e-3)
    v = targets.training_target(np.ones((1, 2)), np.zeros((1, 2)), 1e-4, "v")
    np.testing.assert_allclose(np.asarray(v), -1.0, rtol=1e-3)


@pytest.mark.parametrize("call", [
    lambda: targets.training_target(0.0, 0.0, 0.5, "x0"),
    lambda: targets.clean_image(0.0, 0.0, 0.5, "noise"),
])
def test_an_unknown_prediction_is_refused_by_name(call):
    with pytest.raises(ValueError, match=r"^prediction must be one of \['eps', 'v'\], got"):
        call()
