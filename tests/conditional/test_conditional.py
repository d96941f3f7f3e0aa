"""ganlib.conditional: shapes, the projection logit, label checks, training and checkpoints."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganlib import conditional, data, nets, training

LATENT_DIM = 8


@pytest.fixture
def make_cgan(tiny_recipe):
    """Factory: a compiled tiny conditional GAN for 10 classes of 28x28x1 images."""

    def factory(num_classes=10, **changes):
        return conditional.build_conditional_gan(tiny_recipe.replace(**changes), num_classes)

    return factory


@pytest.fixture
def labelled_dataset(random_images):
    labels = np.arange(len(random_images)) % 10
    return data.make_dataset(random_images, 8, labels=labels, num_classes=10, seed=0)


def test_generator_and_discriminator_shapes():
    generator = nets.conditional_generator(LATENT_DIM, 10, width=8)
    discriminator = nets.projection_discriminator(10, width=8)
    z = np.random.default_rng(0).standard_normal((5, LATENT_DIM)).astype("float32")
    images = generator.predict([z, np.arange(5)], verbose=0)
    assert images.shape == (5, 28, 28, 1)
    assert images.min() >= -1 and images.max() <= 1
    assert discriminator.predict([images, np.arange(5)], verbose=0).shape == (5, 1)
    colour = nets.conditional_generator(LATENT_DIM, 3, image_shape=(32, 32, 3), width=8)
    assert colour.output_shape == (None, 32, 32, 3)


def test_the_label_changes_the_generated_image(make_cgan):
    gan = make_cgan()
    z = np.repeat(np.random.default_rng(1).standard_normal((1, LATENT_DIM)), 2, axis=0)
    first, second = gan.generate(z, [0, 7])
    # untrained outputs are small; the change is a sizeable share of them
    assert np.abs(first - second).mean() > 0.05 * np.abs(first).mean()
    np.testing.assert_array_equal(gan.generate(z, [7, 7])[0], second)


def test_projection_logit_is_psi_plus_the_inner_product_with_the_class_embedding():
    discriminator = nets.projection_discriminator(3, width=2)
    features_model = keras.Model(discriminator.inputs[0],
                                 discriminator.get_layer("logit").input)
    psi = discriminator.get_layer("logit")
    kernel = np.linspace(-1, 1, psi.kernel.shape[0], dtype="float32")[:, None]
    psi.set_weights([kernel, np.array([0.25], "float32")])
    table = np.stack([np.zeros(kernel.shape[0]), np.ones(kernel.shape[0]),
                      np.linspace(0, 2, kernel.shape[0])]).astype("float32")
    discriminator.get_layer("projection").set_weights([table])
    images = np.random.default_rng(2).uniform(-1, 1, (3, 28, 28, 1)).astype("float32")
    labels = np.array([0, 1, 2])
    h = features_model.predict(images, verbose=0)
    expected = h @ kernel[:, 0] + 0.25 + (table[labels] * h).sum(axis=1)
    logits = discriminator.predict([images, labels], verbose=0)[:, 0]
    np.testing.assert_allclose(logits, expected, rtol=1e-5, atol=1e-5)
    # class 0 has a zero embedding: its logit is psi(h) alone
    np.testing.assert_allclose(logits[0], h[0] @ kernel[:, 0] + 0.25, rtol=1e-5)


@pytest.mark.parametrize(("labels", "error", "message"), [
    (np.array([0.0, 1.0, 2.0]), TypeError, "whole-number class indices"),
    (np.array([0, 1, 10]), ValueError, r"0\.\.9 for 10 classes, got values from 0 to 10"),
    (np.array([-1, 1, 2]), ValueError, "from -1 to 2"),
    (np.eye(3, 10, dtype=int), ValueError, "argmax"),
    (np.array([True, False, True]), TypeError, "dtype bool"),
])
def test_generate_refuses_bad_labels_with_a_named_error(make_cgan, labels, error, message):
    gan = make_cgan()
    with pytest.raises(error, match=message):
        gan.generate(n=3, labels=labels)


def test_generate_needs_labels_and_a_matching_latent_batch(make_cgan):
    gan = make_cgan()
    with pytest.raises(ValueError, match="needs labels"):
        gan.generate(n=3)
    with pytest.raises(ValueError, match=r"latent must have shape \(2, 8\)"):
        gan.generate(np.zeros((3, LATENT_DIM)), [0, 1])


def test_make_dataset_checks_labels_against_the_class_count(random_images):
    labels = np.arange(32) % 12
    with pytest.raises(ValueError, match="0..9 for 10 classes"):
        data.make_dataset(random_images, 8, labels=labels, num_classes=10)
    with pytest.raises(TypeError, match="labels must be whole-number"):
        data.make_dataset(random_images, 8, labels=labels.astype("float32"))
    nan_images = random_images.copy()
    nan_images[3, 0, 0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN or Inf in 1 image"):
        data.make_dataset(nan_images, 8, labels=np.arange(32) % 10, num_classes=10)


def test_networks_built_for_different_class_counts_are_refused():
    generator = nets.conditional_generator(LATENT_DIM, 10, width=8)
    with pytest.raises(ValueError, match="generator was built for 10 classes but the "
                                         "discriminator for 5"):
        conditional.ConditionalGAN(generator, nets.projection_discriminator(5, width=8))
    plain = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(),
                              keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="discriminator has no class embedding"):
        conditional.ConditionalGAN(generator, plain)


@pytest.mark.parametrize("num_classes", [1, 2.0, True])
def test_builders_refuse_a_bad_class_count(num_classes):
    with pytest.raises(ValueError, match="num_classes must be a whole number >= 2"):
        nets.conditional_generator(LATENT_DIM, num_classes)


def test_training_on_unlabelled_batches_is_refused(make_cgan, tiny_dataset, fit_quietly):
    with pytest.raises(ValueError, match=r"batches of \(images, labels\)"):
        fit_quietly(make_cgan(), tiny_dataset, 1)


def test_training_on_labels_beyond_the_class_count_stops(make_cgan, random_images,
                                                          fit_quietly):
    dataset = data.make_dataset(random_images, 8, labels=np.arange(32) % 12, seed=0)
    with pytest.raises(tf.errors.InvalidArgumentError, match="below num_classes=10"):
        fit_quietly(make_cgan(), dataset, 4)


def test_build_refuses_something_that_is_not_a_recipe():
    with pytest.raises(TypeError, match="recipe must be a DCGANRecipe"):
        conditional.build_conditional_gan({"width": 8})


@pytest.mark.parametrize("changes", [{}, {"loss": "hinge", "r1_weight": 1.0},
                                     {"loss": "wasserstein", "gradient_penalty_weight": 10.0,
                                      "d_steps": 2}])
def test_two_steps_change_every_weight_of_both_networks(make_cgan, labelled_dataset,
                                                        weights_of, fit_quietly, changes):
    gan = make_cgan(**changes)
    before = weights_of(gan.generator) + weights_of(gan.discriminator)
    history = fit_quietly(gan, labelled_dataset, 2)
    after = weights_of(gan.generator) + weights_of(gan.discriminator)
    names = [v.path for v in gan.generator.trainable_variables
             + gan.discriminator.trainable_variables]
    unchanged = {n for n, b, a in zip(names, before, after, strict=True)
                 if np.array_equal(b, a)}
    # Hinge and Wasserstein losses are linear in the last bias, with the gradient
    # -1 (real) + 1 (fake) = 0; every other weight must move.
    assert unchanged <= ({"logit/bias"} if changes else set())
    assert all(np.isfinite(v[-1]) for v in history.history.values())
    assert gan.steps_done == 2


def test_checkpoint_restore_gives_identical_samples_and_resumes(make_cgan, labelled_dataset,
                                                                tmp_path):
    gan = make_cgan(ema_decay=0.9)
    training.train_gan(gan, labelled_dataset, 4, steps_per_epoch=2,
                       checkpoint_dir=tmp_path, verbose=0)
    z = np.random.default_rng(3).standard_normal((10, LATENT_DIM))
    labels = np.arange(10)
    restored = make_cgan(ema_decay=0.9, seed=1)
    assert not np.array_equal(restored.generate(z, labels), gan.generate(z, labels))
    assert training.restore_latest_checkpoint(restored, tmp_path) == 4
    np.testing.assert_array_equal(restored.generate(z, labels), gan.generate(z, labels))
    training.train_gan(restored, labelled_dataset, 6, steps_per_epoch=2,
                       checkpoint_dir=tmp_path, verbose=0)
    assert restored.steps_done == 6


def test_class_grid_has_one_row_per_class_and_one_latent_per_column(make_cgan):
    latent, labels = conditional.class_grid_inputs(LATENT_DIM, 4, per_class=3, seed=5)
    assert latent.shape == (12, LATENT_DIM)
    np.testing.assert_array_equal(labels, [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3])
    np.testing.assert_array_equal(latent[0:3], latent[9:12])
    assert not np.array_equal(latent[0], latent[1])
    gan = make_cgan()
    images, grid_labels = conditional.class_grid(gan, per_class=2, classes=[3, 5], seed=5)
    assert images.shape == (4, 28, 28, 1)
    np.testing.assert_array_equal(grid_labels, [3, 3, 5, 5])
    with pytest.raises(ValueError, match="classes must lie in 0..9"):
        conditional.class_grid(gan, classes=[3, 11])


def test_interpolation_ends_are_the_samples_of_the_ends(make_cgan):
    gan = make_cgan()
    rng = np.random.default_rng(4)
    start, end = rng.standard_normal((2, LATENT_DIM))
    walk = conditional.interpolate_latent(gan, 6, start, end, steps=5)
    assert walk.shape == (5, 28, 28, 1)
    ends = gan.generate(np.stack([start, end]), [6, 6])
    np.testing.assert_allclose(walk[[0, -1]], ends, atol=1e-6)
    assert np.abs(walk[2] - ends[0]).mean() > 1e-4
    morph = conditional.interpolate_class(gan, start, 2, 8, steps=4)
    np.testing.assert_allclose(morph[[0, -1]], gan.generate(np.stack([start, start]), [2, 8]),
                               atol=1e-6)
    with pytest.raises(ValueError, match="steps must be a whole number >= 2"):
        conditional.interpolate_latent(gan, 6, start, end, steps=1)
    with pytest.raises(ValueError, match="latent_end must hold latent_dim=8 values"):
        conditional.interpolate_latent(gan, 6, start, end[:3])


def _constant_classifier(answer, num_classes=10):
    """A classifier with a "features" layer that always predicts class ``answer``."""
    inputs = keras.Input((28, 28, 1))
    features = keras.layers.Dense(4, name="features")(keras.layers.Flatten()(inputs))
    head = keras.layers.Dense(num_classes, activation="softmax")
    model = keras.Model(inputs, head(features))
    bias = np.zeros(num_classes, "float32")
    bias[answer] = 10.0
    head.set_weights([np.zeros((4, num_classes), "float32"), bias])
    return model


def test_conditional_accuracy_counts_requested_against_predicted(make_cgan):
    gan = make_cgan()
    result = conditional.conditional_accuracy(gan, _constant_classifier(3), per_class=4)
    assert result["accuracy"] == pytest.approx(0.1)
    assert result["per_class"][3] == 1.0 and result["per_class"][0] == 0.0
    expected = np.zeros((10, 10), int)
    expected[:, 3] = 4
    np.testing.assert_array_equal(result["confusion"], expected)
    only = conditional.conditional_accuracy(gan, _constant_classifier(3), per_class=2,
                                            classes=[3, 4])
    assert only["accuracy"] == 0.5 and set(only["per_class"]) == {3, 4}


def test_conditional_accuracy_refuses_a_classifier_of_other_classes(make_cgan):
    with pytest.raises(ValueError, match="classifier tells 5 classes apart but the GAN was "
                                         "built for 10"):
        conditional.conditional_accuracy(make_cgan(), _constant_classifier(1, 5))


def test_live_samples_show_one_row_per_class(make_cgan, labelled_dataset):
    gan = make_cgan(num_classes=4)
    latent, labels = conditional.class_grid_inputs(LATENT_DIM, 4, per_class=4)
    dataset = data.make_dataset(np.zeros((16, 28, 28, 1), "float32"), 8,
                                labels=np.arange(16) % 4, num_classes=4)
    frames = []
    live = conditional.ConditionalSamples(latent, labels, every_n_steps=2, on_frame=frames.append)
    training.train_gan(gan, dataset, 4, steps_per_epoch=2, callbacks=[live], verbose=0)
    assert len(frames) >= 3 and frames[0].startswith(b"\x89PNG")
    assert live.frames[-1].shape == (4 * 29 - 1, 4 * 29 - 1)
    np.testing.assert_array_equal(live.frames[-1][:28, :28],
                                  data.to_uint8(gan.generate(latent[:1], [0]))[0, ..., 0])


def test_requested_class_accuracy_scores_saved_grey_uint8_samples():
    """The bench's saved samples: uint8 (N, H, W) without a channel axis, labels beside."""
    images = np.zeros((6, 28, 28), np.uint8)
    result = conditional.requested_class_accuracy(_constant_classifier(2), images,
                                                  np.array([2, 2, 2, 0, 1, 2]))
    assert result["accuracy"] == pytest.approx(4 / 6)
    assert result["per_class"] == {0: 0.0, 1: 0.0, 2: 1.0}
    with pytest.raises(ValueError, match=r"requested must have shape \(6,\)"):
        conditional.requested_class_accuracy(_constant_classifier(2), images, np.zeros(5, int))
    with pytest.raises(TypeError, match="requested must be whole-number class indices"):
        conditional.requested_class_accuracy(_constant_classifier(2), images, np.zeros(6))
