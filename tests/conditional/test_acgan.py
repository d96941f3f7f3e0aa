"""ganlib.conditional's auxiliary-classifier GAN (AC-GAN): heads, losses, checks, training."""

import keras
import numpy as np
import pytest

from ganlib import conditional, data, nets, training

LATENT_DIM = 8


@pytest.fixture
def make_acgan(tiny_recipe):
    """Factory: a compiled tiny AC-GAN for 28x28x1 images."""

    def factory(num_classes=10, class_loss_weight=1.0, **changes):
        return conditional.build_conditional_gan(
            tiny_recipe.replace(**changes), num_classes, discriminator="auxiliary",
            class_loss_weight=class_loss_weight)

    return factory


@pytest.fixture
def two_shades():
    """64 images of two classes anyone can tell apart: dark (class 0) and bright (class 1)."""
    rng = np.random.default_rng(0)
    labels = np.arange(64) % 2
    images = np.where(labels[:, None, None, None] == 1, 0.7, -0.7)
    images = images + rng.normal(0, 0.1, (64, 28, 28, 1))
    return np.clip(images, -1, 1).astype(np.float32), labels


def test_the_discriminator_has_a_realism_head_and_a_class_head():
    discriminator = nets.auxiliary_classifier_discriminator(7, width=8)
    images = np.zeros((5, 28, 28, 1), np.float32)
    logits, class_logits = discriminator.predict(images, verbose=0)
    assert logits.shape == (5, 1) and class_logits.shape == (5, 7)
    assert len(discriminator.inputs) == 1  # the label is not an input: the head predicts it


def test_build_gives_an_acgan_and_refuses_an_unknown_discriminator(make_acgan, tiny_recipe):
    gan = make_acgan()
    assert isinstance(gan, conditional.AuxiliaryClassifierGAN)
    assert gan.num_classes == 10
    with pytest.raises(ValueError, match=r"discriminator must be one of \['auxiliary', "
                                         r"'projection'\], got 'auxilliary'"):
        conditional.build_conditional_gan(tiny_recipe, discriminator="auxilliary")


@pytest.mark.parametrize("weight", [0.0, -1.0, float("nan")])
def test_an_impossible_class_loss_weight_is_refused(make_acgan, weight):
    with pytest.raises(ValueError, match="class_loss_weight must be a finite number > 0"):
        make_acgan(class_loss_weight=weight)


def test_networks_built_for_different_class_counts_are_refused():
    generator = nets.conditional_generator(LATENT_DIM, 10, width=8)
    with pytest.raises(ValueError, match="generator was built for 10 classes but the "
                                         "discriminator for 4"):
        conditional.AuxiliaryClassifierGAN(
            generator, nets.auxiliary_classifier_discriminator(4, width=8))
    with pytest.raises(ValueError, match="no class embedding.*auxiliary_classifier_discrim"):
        conditional.AuxiliaryClassifierGAN(
            generator, nets.projection_discriminator(10, width=8))


def test_two_steps_change_every_weight_and_report_the_class_head(make_acgan, two_shades,
                                                                 weights_of, fit_quietly):
    images, labels = two_shades
    gan = make_acgan(num_classes=2)
    before = weights_of(gan.generator) + weights_of(gan.discriminator)
    history = fit_quietly(gan, data.make_dataset(images, 8, labels=labels, seed=0), 2)
    after = weights_of(gan.generator) + weights_of(gan.discriminator)
    assert not any(np.array_equal(b, a) for b, a in zip(before, after, strict=True))
    assert {"class_loss", "real_class_accuracy"} <= set(history.history)
    assert all(np.isfinite(v[-1]) for v in history.history.values())


def test_the_class_losses_teach_both_networks_the_classes(make_acgan, two_shades,
                                                         fit_quietly):
    """After a short training on two obvious classes, the class head sorts real images, and
    the generator draws each requested class so that the head recognises it."""
    images, labels = two_shades
    gan = make_acgan(num_classes=2, ema_decay=0.0, d_learning_rate=1e-3,
                     g_learning_rate=1e-3)
    fit_quietly(gan, data.make_dataset(images, 16, labels=labels, seed=0), 60)
    assert (gan.classify(images) == labels).mean() >= 0.95
    requested = np.arange(200) % 2
    generated = gan.generate(labels=requested, seed=1)
    assert (gan.classify(generated) == requested).mean() >= 0.9
    # and the generator got the shades right, not just the head's idea of them
    brightness = generated.mean(axis=(1, 2, 3))
    assert brightness[requested == 1].mean() > brightness[requested == 0].mean() + 0.2


def test_classify_refuses_images_of_the_wrong_shape(make_acgan):
    with pytest.raises(ValueError, match=r"images must have shape \(N, 28, 28, 1\)"):
        make_acgan().classify(np.zeros((2, 32, 32, 3)))


def test_checkpoint_restore_gives_identical_samples(make_acgan, two_shades, tmp_path):
    images, labels = two_shades
    dataset = data.make_dataset(images, 8, labels=labels, seed=0)
    gan = make_acgan(num_classes=2)
    training.train_gan(gan, dataset, 2, steps_per_epoch=2, checkpoint_dir=tmp_path, verbose=0)
    restored = make_acgan(num_classes=2, seed=1)
    assert training.restore_latest_checkpoint(restored, tmp_path) == 2
    z = np.random.default_rng(3).standard_normal((4, LATENT_DIM))
    np.testing.assert_array_equal(restored.generate(z, [0, 1, 0, 1]),
                                  gan.generate(z, [0, 1, 0, 1]))
    keras.backend.clear_session()
