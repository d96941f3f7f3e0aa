"""Tests of ganlib.losses: hand-computed values on fixed logits, stability, label convention."""

import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganlib import losses

LOG2 = math.log(2.0)


def softplus(x):
    """log(1 + e^x), written out in numpy for the expected values."""
    return np.log1p(np.exp(np.asarray(x, np.float64)))


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-np.asarray(x, np.float64)))


def value(tensor):
    return float(tensor.numpy())


# --------------------------------------------------------------------------- known values


def test_minimax_discriminator_loss_at_zero_logits_is_two_log_two():
    # D(x) = D(G(z)) = 1/2: -log(1/2) - log(1 - 1/2) = 2 log 2.
    assert value(losses.minimax_discriminator_loss([0.0], [0.0])) == pytest.approx(
        2 * LOG2, abs=1e-6)


def test_minimax_discriminator_loss_on_fixed_logits():
    real, fake = [1.0, -2.0, 3.0], [0.5, -1.0]
    # -mean(log sigmoid(real)) - mean(log(1 - sigmoid(fake)))
    expected = (-np.mean(np.log(sigmoid(real))) - np.mean(np.log(1.0 - sigmoid(fake))))
    assert expected == pytest.approx(np.mean(softplus(-np.array(real)))
                                     + np.mean(softplus(fake)))
    assert value(losses.minimax_discriminator_loss(real, fake)) == pytest.approx(
        expected, abs=1e-6)


def test_non_saturating_generator_loss_at_zero_logit_is_log_two():
    assert value(losses.non_saturating_generator_loss([0.0])) == pytest.approx(LOG2, abs=1e-6)


def test_non_saturating_generator_loss_on_fixed_logits():
    fake = [2.0, -1.0, 0.5]
    expected = -np.mean(np.log(sigmoid(fake)))  # -E[log D(G(z))]
    assert value(losses.non_saturating_generator_loss(fake)) == pytest.approx(expected,
                                                                              abs=1e-6)


def test_minimax_generator_loss_at_zero_logit_is_minus_log_two():
    # E[log(1 - D(G(z)))] with D = 1/2 is log(1/2).
    assert value(losses.minimax_generator_loss([0.0])) == pytest.approx(-LOG2, abs=1e-6)


def test_minimax_generator_loss_on_fixed_logits():
    fake = [2.0, -1.0, 0.5]
    expected = np.mean(np.log(1.0 - sigmoid(fake)))
    assert value(losses.minimax_generator_loss(fake)) == pytest.approx(expected, abs=1e-6)


def test_losses_accept_n_by_one_logits_like_the_discriminator_gives():
    real = np.array([[1.0], [-2.0]], np.float32)
    fake = np.array([[0.5], [3.0]], np.float32)
    expected = np.mean(softplus(-real)) + np.mean(softplus(fake))
    assert value(losses.minimax_discriminator_loss(real, fake)) == pytest.approx(expected,
                                                                                 abs=1e-6)


# --------------------------------------------------------------------------- conventions


def test_label_convention_real_is_one_fake_is_zero():
    confident_right = value(losses.minimax_discriminator_loss([10.0, 12.0], [-10.0, -12.0]))
    confident_wrong = value(losses.minimax_discriminator_loss([-10.0, -12.0], [10.0, 12.0]))
    assert confident_right == pytest.approx(softplus(-10.0) + softplus(-12.0), abs=1e-6)
    assert confident_right < 1e-4
    assert confident_wrong == pytest.approx(softplus(10.0) + softplus(12.0), abs=1e-4)
    assert confident_wrong > 22.0
    # the generator's loss is low when D calls its fakes real (large logits)
    fooled = value(losses.non_saturating_generator_loss([10.0]))
    caught = value(losses.non_saturating_generator_loss([-10.0]))
    assert fooled == pytest.approx(softplus(-10.0), abs=1e-6)
    assert caught == pytest.approx(softplus(10.0), abs=1e-4)


def test_minimax_generator_gradient_vanishes_where_non_saturating_does_not():
    # A fake that D rejects confidently: logit -10, D(G(z)) = sigmoid(-10) ~ 4.5e-5.
    logits = tf.Variable([-10.0])
    with tf.GradientTape(persistent=True) as tape:
        minimax = losses.minimax_generator_loss(logits)
        non_saturating = losses.non_saturating_generator_loss(logits)
    # d/dl [-softplus(l)] = -sigmoid(l); d/dl [softplus(-l)] = -(1 - sigmoid(l))
    assert tape.gradient(minimax, logits).numpy()[0] == pytest.approx(-sigmoid(-10.0),
                                                                     rel=1e-4)
    assert tape.gradient(non_saturating, logits).numpy()[0] == pytest.approx(
        -(1.0 - sigmoid(-10.0)), rel=1e-6)


@pytest.mark.parametrize("real, fake, expected", [
    (1e4, -1e4, 0.0),       # perfectly right discriminator
    (-1e4, 1e4, 2e4),       # perfectly wrong discriminator
])
def test_discriminator_loss_is_finite_at_extreme_logits(real, fake, expected):
    real_logits, fake_logits = tf.Variable([real]), tf.Variable([fake])
    with tf.GradientTape() as tape:
        loss = losses.minimax_discriminator_loss(real_logits, fake_logits)
    grads = tape.gradient(loss, [real_logits, fake_logits])
    assert value(loss) == pytest.approx(expected, abs=1e-3)
    assert all(np.all(np.isfinite(g.numpy())) for g in grads)


@pytest.mark.parametrize("loss_fn, logit, expected", [
    (losses.non_saturating_generator_loss, -1e4, 1e4),
    (losses.non_saturating_generator_loss, 1e4, 0.0),
    (losses.minimax_generator_loss, 1e4, -1e4),
    (losses.minimax_generator_loss, -1e4, 0.0),
])
def test_generator_losses_are_finite_at_extreme_logits(loss_fn, logit, expected):
    logits = tf.Variable([logit])
    with tf.GradientTape() as tape:
        loss = loss_fn(logits)
    assert value(loss) == pytest.approx(expected, abs=1e-3)
    assert np.isfinite(tape.gradient(loss, logits).numpy()).all()


# ------------------------------------------------------------ the seed-tutorial mistake


def test_feeding_probabilities_to_a_from_logits_loss_gives_the_wrong_value():
    """Applying sigmoid before BinaryCrossentropy(from_logits=True) squashes the logits twice."""
    logits = np.array([[8.0], [5.0], [3.0]], np.float32)  # D is fairly sure: real
    ones = np.ones_like(logits)
    bce = keras.losses.BinaryCrossentropy(from_logits=True)

    right = float(bce(ones, logits))
    wrong = float(bce(ones, sigmoid(logits).astype(np.float32)))

    # Our loss on logits equals Keras' from-logits BCE on logits: -mean(log sigmoid(l)).
    assert right == pytest.approx(-np.mean(np.log(sigmoid(logits))), abs=1e-6)
    assert value(losses.non_saturating_generator_loss(logits)) == pytest.approx(right, abs=1e-6)
    # The mistake computes -mean(log sigmoid(sigmoid(l))) instead ...
    assert wrong == pytest.approx(-np.mean(np.log(sigmoid(sigmoid(logits)))), abs=1e-6)
    assert right < 0.03 and wrong > 0.3  # ten times too large
    # ... which can never drop below softplus(-1) = 0.3133, however sure D is.
    assert wrong > softplus(-1.0) - 1e-6
    assert value(losses.non_saturating_generator_loss([10.0])) < 1e-4


# ------------------------------------------------------------ registry and input checks


@pytest.mark.parametrize("name, d_loss, g_loss", [
    ("minimax", losses.minimax_discriminator_loss, losses.minimax_generator_loss),
    ("non_saturating", losses.minimax_discriminator_loss,
     losses.non_saturating_generator_loss),
    ("least_squares", losses.least_squares_discriminator_loss,
     losses.least_squares_generator_loss),
    ("wasserstein", losses.wasserstein_critic_loss, losses.wasserstein_generator_loss),
    ("hinge", losses.hinge_discriminator_loss, losses.hinge_generator_loss),
])
def test_get_loss_pair_returns_the_registered_pair(name, d_loss, g_loss):
    assert losses.get_loss_pair(name) == (d_loss, g_loss)


def test_get_loss_pair_unknown_name_lists_the_choices():
    with pytest.raises(ValueError, match=r"loss must be one of \[.*'minimax', 'non_saturating'.*"
                                         r"got 'wgan'"):
        losses.get_loss_pair("wgan")


@pytest.mark.parametrize("call, name", [
    (lambda: losses.minimax_discriminator_loss([1, 2], [0.0, 1.0]), "real_logits"),
    (lambda: losses.minimax_discriminator_loss([1.0], np.array([0, 1])), "fake_logits"),
    (lambda: losses.minimax_generator_loss([1]), "fake_logits"),
    (lambda: losses.non_saturating_generator_loss(np.array([1], np.int64)), "fake_logits"),
])
def test_integer_logits_raise_type_error(call, name):
    with pytest.raises(TypeError, match=f"{name} must be floating-point logits"):
        call()


# ------------------------------------------------------ least squares, Wasserstein, hinge
# Fixed scores used below, in float64 so that the expected values hold to 1e-12:
#   real = [2.0, 0.5, -1.0]  (mean 0.5)
#   fake = [0.0, 1.5]        (mean 0.75)
REAL = np.array([2.0, 0.5, -1.0])
FAKE = np.array([0.0, 1.5])


def test_least_squares_discriminator_loss_on_fixed_scores():
    # (D(x) - 1)^2 on real: 1^2, (-0.5)^2, (-2)^2 = 1, 0.25, 4 -> mean 5.25 / 3 = 1.75
    # D(G(z))^2 on fake:    0^2, 1.5^2           = 0, 2.25    -> mean 1.125
    # 0.5 * 1.75 + 0.5 * 1.125 = 0.875 + 0.5625 = 1.4375
    assert value(losses.least_squares_discriminator_loss(REAL, FAKE)) == pytest.approx(
        1.4375, abs=1e-12)


def test_least_squares_generator_loss_on_fixed_scores():
    # (D(G(z)) - 1)^2 on fake: (-1)^2, 0.5^2 = 1, 0.25 -> mean 0.625; times 0.5 = 0.3125
    assert value(losses.least_squares_generator_loss(FAKE)) == pytest.approx(0.3125,
                                                                            abs=1e-12)


def test_least_squares_losses_vanish_at_their_targets():
    # real scored 1 and fake scored 0 cost D nothing; fakes scored 1 cost G nothing
    assert value(losses.least_squares_discriminator_loss([1.0, 1.0], [0.0])) == 0.0
    assert value(losses.least_squares_generator_loss([1.0, 1.0])) == 0.0


def test_wasserstein_losses_on_fixed_scores():
    # critic: E[f(G(z))] - E[f(x)] = 0.75 - 0.5 = 0.25; generator: -E[f(G(z))] = -0.75
    assert value(losses.wasserstein_critic_loss(REAL, FAKE)) == pytest.approx(0.25, abs=1e-12)
    assert value(losses.wasserstein_generator_loss(FAKE)) == pytest.approx(-0.75, abs=1e-12)


def test_wasserstein_critic_loss_is_negative_when_real_scores_higher():
    # the convention: the critic scores real samples high, so its loss is then below 0
    assert value(losses.wasserstein_critic_loss([3.0, 5.0], [-1.0, 1.0])) == pytest.approx(
        -4.0, abs=1e-6)


def test_hinge_discriminator_loss_on_fixed_scores():
    # relu(1 - f(x)) on real:    relu(-1), relu(0.5), relu(2) = 0, 0.5, 2 -> mean 2.5/3
    # relu(1 + f(G(z))) on fake: relu(1), relu(2.5)           = 1, 2.5  -> mean 1.75
    # total 0.8333... + 1.75 = 2.58333...
    expected = 2.5 / 3 + 1.75
    assert value(losses.hinge_discriminator_loss(REAL, FAKE)) == pytest.approx(expected,
                                                                              abs=1e-12)
    assert value(losses.hinge_discriminator_loss(REAL.astype(np.float32),
                                                 FAKE.astype(np.float32))) == pytest.approx(
        2.5833333333, abs=1e-6)


def test_hinge_generator_loss_on_fixed_scores():
    assert value(losses.hinge_generator_loss(FAKE)) == pytest.approx(-0.75, abs=1e-12)


def test_hinge_discriminator_loss_ignores_samples_beyond_the_margin():
    # real scored >= 1 and fake scored <= -1 cost nothing and give no gradient
    scores_real, scores_fake = tf.Variable([1.0, 7.0]), tf.Variable([-1.0, -30.0])
    with tf.GradientTape() as tape:
        loss = losses.hinge_discriminator_loss(scores_real, scores_fake)
    grads = tape.gradient(loss, [scores_real, scores_fake])
    assert value(loss) == 0.0
    assert all(np.all(g.numpy() == 0.0) for g in grads)


@pytest.mark.parametrize("name", ["least_squares", "wasserstein", "hinge"])
def test_new_losses_accept_n_by_one_scores_and_give_the_same_value(name):
    d_loss, g_loss = losses.get_loss_pair(name)
    flat = value(d_loss(REAL, FAKE)), value(g_loss(FAKE))
    column = value(d_loss(REAL[:, None], FAKE[:, None])), value(g_loss(FAKE[:, None]))
    assert column == pytest.approx(flat, abs=1e-12)


@pytest.mark.parametrize("name", ["least_squares", "wasserstein", "hinge"])
def test_new_losses_are_finite_with_finite_gradients_at_extreme_scores(name):
    d_loss_fn, g_loss_fn = losses.get_loss_pair(name)
    real, fake = tf.Variable([1e4, -1e4]), tf.Variable([-1e4, 1e4])
    with tf.GradientTape(persistent=True) as tape:
        d_loss, g_loss = d_loss_fn(real, fake), g_loss_fn(fake)
    for tensor in (d_loss, g_loss, *tape.gradient(d_loss, [real, fake]),
                   tape.gradient(g_loss, fake)):
        assert np.all(np.isfinite(tensor.numpy()))


@pytest.mark.parametrize("loss_fn", [losses.least_squares_discriminator_loss,
                                     losses.wasserstein_critic_loss,
                                     losses.hinge_discriminator_loss])
def test_new_discriminator_losses_refuse_integer_scores(loss_fn):
    with pytest.raises(TypeError, match="real_logits must be floating-point logits"):
        loss_fn([1, 2], [0.0])
    with pytest.raises(TypeError, match="fake_logits must be floating-point logits"):
        loss_fn([1.0], [0, 2])


@pytest.mark.parametrize("loss_fn", [losses.least_squares_generator_loss,
                                     losses.wasserstein_generator_loss,
                                     losses.hinge_generator_loss])
def test_new_generator_losses_refuse_integer_scores(loss_fn):
    with pytest.raises(TypeError, match="fake_logits must be floating-point logits"):
        loss_fn(np.array([1, 2], np.int32))


# --------------------------------------------------------------------- gradient penalty


def linear_critic(weights):
    """f(x) = x . w for a batch of flat samples; its gradient is w at every point."""
    w = tf.Variable(np.asarray(weights, np.float64).reshape(-1, 1))
    return (lambda x: tf.matmul(x, w)), w


def points(n=6, dim=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, dim)), rng.standard_normal((n, dim)) + 2.0


def test_gradient_penalty_of_a_constant_critic_is_one_and_differentiable():
    # f(x) = x . 0: gradient 0 everywhere, norm sqrt(0 + 1e-12) = 1e-6,
    # penalty (1e-6 - 1)^2 = 1 - 2e-6 + 1e-12 = 0.999998000001
    critic, w = linear_critic([0.0, 0.0, 0.0])
    real, fake = points()
    with tf.GradientTape() as tape:
        penalty = losses.gradient_penalty(critic, real, fake, seed=0)
    assert value(penalty) == pytest.approx(0.999998000001, abs=1e-12)
    assert value(penalty) == pytest.approx(1.0, abs=1e-5)
    # d/dw (||w|| - 1)^2 = 2 (||w|| - 1) w / ||w|| is 0 at w = 0, not NaN
    gradient = tape.gradient(penalty, w).numpy()
    assert np.all(np.isfinite(gradient))
    np.testing.assert_array_equal(gradient, np.zeros((3, 1)))


def test_gradient_penalty_of_a_critic_that_ignores_its_input_is_one():
    real, fake = points()
    penalty = losses.gradient_penalty(lambda x: tf.ones((tf.shape(x)[0], 1), x.dtype),
                                      real, fake, seed=0)
    assert value(penalty) == pytest.approx(0.999998000001, abs=1e-12)


def test_gradient_penalty_of_a_zero_keras_critic_has_finite_weight_gradients():
    critic = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    critic.layers[0].kernel.assign(np.zeros((3, 1), np.float32))
    real, fake = (a.astype(np.float32) for a in points())
    with tf.GradientTape() as tape:
        penalty = losses.gradient_penalty(critic, real, fake, seed=0)
    assert value(penalty) == pytest.approx(1.0, abs=1e-5)
    kernel_gradient = tape.gradient(penalty, critic.layers[0].kernel).numpy()
    assert np.all(np.isfinite(kernel_gradient))


@pytest.mark.parametrize("weights", [[0.6, 0.8, 0.0], [3 / 13, 4 / 13, 12 / 13],
                                     [-1.0, 0.0, 0.0]])
def test_gradient_penalty_of_a_unit_norm_linear_critic_is_zero(weights):
    # gradient w with ||w|| = 1: (sqrt(1 + 1e-12) - 1)^2 ~ (5e-13)^2 ~ 0
    critic, _ = linear_critic(weights)
    real, fake = points()
    assert value(losses.gradient_penalty(critic, real, fake, seed=0)) == pytest.approx(
        0.0, abs=1e-20)


def test_gradient_penalty_of_a_linear_critic_with_norm_two():
    # ||w|| = 2: (2 - 1)^2 = 1 with target 1; (2 - 2)^2 = 0 with target 2
    critic, _ = linear_critic([0.0, 2.0, 0.0])
    real, fake = points()
    assert value(losses.gradient_penalty(critic, real, fake, seed=0)) == pytest.approx(
        1.0, abs=1e-9)
    assert value(losses.gradient_penalty(critic, real, fake, seed=0, target=2.0)) == \
        pytest.approx(0.0, abs=1e-9)


class RecordingCritic:
    """f(x) = 0.5 * ||x||^2 per sample (gradient x); remembers what it was called on."""

    def __init__(self):
        self.seen = []

    def __call__(self, x):
        self.seen.append(x.numpy())
        return 0.5 * tf.reduce_sum(tf.square(x), axis=list(range(1, x.shape.rank)))


def test_gradient_penalty_draws_one_alpha_per_sample():
    # real = 0 and fake = 1 everywhere, so every interpolate x_hat_i = alpha_i * 1:
    # one constant value per sample, a different value for each sample.
    real, fake = np.zeros((8, 3, 2, 1)), np.ones((8, 3, 2, 1))
    critic = RecordingCritic()
    penalty = losses.gradient_penalty(critic, real, fake, seed=5)
    [interpolates] = critic.seen
    assert interpolates.shape == real.shape
    alphas = interpolates.reshape(8, -1)
    np.testing.assert_array_equal(alphas, np.repeat(alphas[:, :1], 6, axis=1))
    assert np.all((alphas >= 0) & (alphas <= 1))
    assert len(np.unique(alphas[:, 0])) == 8
    # the gradient at x_hat_i is x_hat_i itself, of norm alpha_i * sqrt(6)
    norms = np.sqrt(6 * alphas[:, 0] ** 2 + 1e-12)
    assert value(penalty) == pytest.approx(np.mean((norms - 1.0) ** 2), abs=1e-12)


def test_gradient_penalty_interpolates_lie_between_real_and_fake():
    real, fake = points(n=16, dim=4)
    critic = RecordingCritic()
    losses.gradient_penalty(critic, real, fake, seed=1)
    alphas = (critic.seen[0] - real) / (fake - real)
    np.testing.assert_allclose(alphas, np.repeat(alphas[:, :1], 4, axis=1), atol=1e-12)
    assert np.all((alphas >= 0) & (alphas <= 1))


def test_gradient_penalty_is_reproducible_from_its_seed():
    real, fake = points(n=16)
    first, again = RecordingCritic(), RecordingCritic()
    losses.gradient_penalty(first, real, fake, seed=3)
    losses.gradient_penalty(again, real, fake, seed=3)
    np.testing.assert_array_equal(first.seen[0], again.seen[0])
    # a SeedGenerator gives a new draw on every call, the same sequence from the same seed
    critic_a, critic_b = RecordingCritic(), RecordingCritic()
    generator_a, generator_b = keras.random.SeedGenerator(7), keras.random.SeedGenerator(7)
    for _ in range(2):
        losses.gradient_penalty(critic_a, real, fake, seed=generator_a)
        losses.gradient_penalty(critic_b, real, fake, seed=generator_b)
    np.testing.assert_array_equal(critic_a.seen[0], critic_b.seen[0])
    np.testing.assert_array_equal(critic_a.seen[1], critic_b.seen[1])
    assert not np.array_equal(critic_a.seen[0], critic_a.seen[1])


@pytest.mark.parametrize("real_shape, fake_shape", [((4, 2), (4, 3)), ((4, 2), (3, 2)),
                                                     ((4, 2), (4, 2, 1))])
def test_gradient_penalty_refuses_mismatched_batches(real_shape, fake_shape):
    critic, _ = linear_critic([1.0, 0.0])
    with pytest.raises(ValueError, match=rf"real has shape \({real_shape[0]}, 2\) but fake "
                                         r"has shape .*must have the same shape"):
        losses.gradient_penalty(critic, np.zeros(real_shape), np.zeros(fake_shape))


@pytest.mark.parametrize("call, error, message", [
    (lambda c: losses.gradient_penalty(c, np.zeros((2, 2), np.int64), np.zeros((2, 2))),
     TypeError, "real must be a floating-point batch"),
    (lambda c: losses.gradient_penalty(c, np.zeros((2, 2)), [[0, 1], [2, 3]]),
     TypeError, "fake must be a floating-point batch"),
    (lambda c: losses.gradient_penalty(c, np.zeros((2, 2)), np.zeros((2, 2), np.float32)),
     TypeError, r"real \(float64\) and fake \(float32\) must have the same dtype"),
    (lambda c: losses.gradient_penalty(c, np.float64(1.0), np.float64(2.0)),
     ValueError, "real must be a batch with a leading sample axis"),
    (lambda c: losses.gradient_penalty(c, np.zeros((2, 2)), np.zeros((2, 2)), target=-1.0),
     ValueError, "target must be a finite number >= 0"),
    (lambda c: losses.gradient_penalty(c, np.zeros((2, 2)), np.zeros((2, 2)),
                                       target=float("nan")),
     ValueError, "target must be a finite number >= 0"),
    (lambda c: losses.gradient_penalty(c, np.zeros((2, 2)), np.zeros((2, 2)), seed="zero"),
     TypeError, "seed must be None, an int or a keras.random.SeedGenerator, got str"),
    (lambda c: losses.gradient_penalty("critic", np.zeros((2, 2)), np.zeros((2, 2))),
     TypeError, "critic must be callable"),
])
def test_gradient_penalty_refuses_bad_input(call, error, message):
    critic, _ = linear_critic([1.0, 0.0])
    with pytest.raises(error, match=message):
        call(critic)


def test_gradient_penalty_works_inside_a_tf_function():
    critic = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    critic.layers[0].kernel.assign(np.array([[0.0], [0.6], [0.8]], np.float32))
    seed = keras.random.SeedGenerator(0)
    penalty = tf.function(lambda a, b: losses.gradient_penalty(critic, a, b, seed=seed))
    real, fake = (a.astype(np.float32) for a in points())
    assert value(penalty(real, fake)) == pytest.approx(0.0, abs=1e-10)


# ----------------------------------------- the numbers printed by 02_loss_mathematics


def log_gaussian(x, mean, std):
    return -0.5 * ((x - mean) / std) ** 2 - np.log(std * np.sqrt(2 * np.pi))


def test_value_at_the_optimal_discriminator_is_minus_log_4_plus_two_jsd():
    """C(G) = V(D*, G) = -log 4 + 2 JSD for the notebook's Gaussians N(0, 1) and N(0.5, 0.3^2)."""
    x = np.linspace(-10, 10, 20001)
    dx = x[1] - x[0]
    log_p, log_q = log_gaussian(x, 0.0, 1.0), log_gaussian(x, 0.5, 0.3)
    log_sum = np.logaddexp(log_p, log_q)
    c_of_g = np.sum(np.exp(log_p) * (log_p - log_sum) + np.exp(log_q) * (log_q - log_sum)) * dx
    log_m = log_sum - np.log(2)
    jsd = 0.5 * np.sum(np.exp(log_p) * (log_p - log_m) + np.exp(log_q) * (log_q - log_m)) * dx
    assert c_of_g == pytest.approx(-np.log(4) + 2 * jsd, abs=1e-9)
    assert c_of_g == pytest.approx(-0.900908, abs=1e-6)
    # ganlib's discriminator loss with D*'s logits is -V(D*, G), here on samples
    rng = np.random.default_rng(0)
    x_real, x_fake = rng.normal(0.0, 1.0, 100_000), rng.normal(0.5, 0.3, 100_000)

    def logit_d_star(t):
        return log_gaussian(t, 0.0, 1.0) - log_gaussian(t, 0.5, 0.3)

    sampled = value(losses.minimax_discriminator_loss(logit_d_star(x_real),
                                                      logit_d_star(x_fake)))
    assert sampled == pytest.approx(-c_of_g, abs=0.01)


def test_brute_force_maximum_of_the_value_integrand_is_the_optimal_discriminator():
    # a log D + b log(1 - D) over D in (0, 1) peaks at D* = a / (a + b)
    a = np.exp(log_gaussian(np.linspace(-3, 4, 141), 0.0, 1.0))[:, None]
    b = np.exp(log_gaussian(np.linspace(-3, 4, 141), 0.5, 0.3))[:, None]
    d_values = (np.arange(99_999) + 1.0) / 100_000
    best = d_values[(a * np.log(d_values) + b * np.log1p(-d_values)).argmax(axis=1)]
    assert np.abs(best - (a / (a + b))[:, 0]).max() <= 1.0001e-5


def test_generator_gradients_at_logit_minus_six():
    # saturating: d/dl[-softplus(l)] = -sigmoid(-6) = -0.0024726
    # non-saturating: d/dl[softplus(-l)] = -(1 - sigmoid(-6)) = -0.9975274
    logit = tf.Variable([-6.0], dtype=tf.float64)
    with tf.GradientTape(persistent=True) as tape:
        saturating = losses.minimax_generator_loss(logit)
        non_saturating = losses.non_saturating_generator_loss(logit)
    assert tape.gradient(saturating, logit).numpy()[0] == pytest.approx(-0.0024726232,
                                                                        abs=1e-9)
    assert tape.gradient(non_saturating, logit).numpy()[0] == pytest.approx(-0.9975273768,
                                                                            abs=1e-9)
    assert value(non_saturating) == pytest.approx(6.0024757, abs=1e-6)  # 6 + log(1 + e^-6)


def test_sigmoid_fed_to_a_from_logits_loss_nearly_kills_the_gradient_at_logit_minus_six():
    # bug: -log sigmoid(sigmoid(l)); d/dl = -(1 - sigmoid(sigmoid(l))) * sigmoid'(l)
    # at l = -6: sigmoid = 0.0024726, sigmoid' = 0.0024665, 1 - sigmoid(0.0024726) = 0.4993819
    logit = tf.Variable([[-6.0]])
    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    with tf.GradientTape() as tape:
        wrong = bce(tf.ones((1, 1)), tf.sigmoid(logit))
    expected = -(1 - sigmoid(sigmoid(-6.0))) * sigmoid(-6.0) * (1 - sigmoid(-6.0))
    assert expected == pytest.approx(-0.0012317, abs=1e-7)
    assert tape.gradient(wrong, logit).numpy()[0, 0] == pytest.approx(expected, rel=1e-3)
    assert value(wrong) == pytest.approx(0.6919, abs=1e-4)


@pytest.mark.parametrize("slope, expected", [(0.0, 0.999998000001), (1.0, 0.0), (3.0, 4.0)])
def test_gradient_penalty_of_dense_critics_with_known_slopes(slope, expected):
    # f(x) = w x + b has gradient w everywhere: penalty (sqrt(w^2 + 1e-12) - 1)^2
    critic = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    critic.layers[0].kernel.assign([[slope]])
    rng = np.random.default_rng(0)
    real = rng.normal(0.0, 1.0, (256, 1)).astype(np.float32)
    fake = rng.normal(0.5, 0.3, (256, 1)).astype(np.float32)
    assert value(losses.gradient_penalty(critic, real, fake, seed=0)) == pytest.approx(
        expected, abs=1e-5)


# --------------------------------------------------------------------- R1 penalty


def test_r1_penalty_of_a_linear_critic_is_its_squared_weight_norm():
    # gradient w = (1, 2, 2) at every point: ||w||^2 = 9
    critic, _ = linear_critic([1.0, 2.0, 2.0])
    real, _ = points()
    assert value(losses.r1_penalty(critic, real)) == pytest.approx(9.0, abs=1e-12)


def test_r1_penalty_of_a_quadratic_critic_is_the_mean_squared_norm_of_the_reals():
    # f(x) = 0.5 ||x||^2 has gradient x: R1 = mean_i ||x_i||^2
    real = np.array([[1.0, 0.0], [3.0, 4.0]])  # squared norms 1 and 25
    penalty = losses.r1_penalty(lambda x: 0.5 * tf.reduce_sum(x * x, axis=1), real)
    assert value(penalty) == pytest.approx(13.0, abs=1e-12)


def test_r1_penalty_pushes_the_critic_weights_towards_zero():
    critic, w = linear_critic([1.0, 2.0, 2.0])
    real, _ = points()
    with tf.GradientTape() as tape:
        penalty = losses.r1_penalty(critic, real)
    # d/dw ||w||^2 = 2 w
    np.testing.assert_allclose(tape.gradient(penalty, w).numpy(), [[2.0], [4.0], [4.0]])


def test_r1_penalty_refuses_integer_batches_and_non_callables():
    with pytest.raises(TypeError, match="real must be a floating-point batch"):
        losses.r1_penalty(lambda x: x, np.ones((2, 2), np.int32))
    with pytest.raises(TypeError, match="discriminator must be callable"):
        losses.r1_penalty("D", np.ones((2, 2)))
