"""Defense-GAN's projection, the BPDA attack through it, and adversarial training."""

import numpy as np
import pytest

from ganlib import data
from ganlib.robustness import attacks, defense


@pytest.fixture
def generator(make_gan):
    return make_gan().generator  # tiny, untrained: its range is still a set of images


def test_projection_lowers_the_reconstruction_error_from_its_random_start(generator):
    """Images the generator can draw are found again far better than by the random start."""
    latent = np.random.default_rng(5).standard_normal((6, 8)).astype(np.float32)
    targets = (np.asarray(generator(latent)) + 1) / 2
    projection = defense.project(generator, targets, restarts=3, steps=60, seed=1)
    assert projection.images.shape == targets.shape and projection.latent.shape == (6, 8)
    assert projection.images.min() >= 0 and projection.images.max() <= 1
    assert projection.errors.mean() < 0.5 * projection.start_errors.mean()
    drawn = (np.asarray(generator(projection.latent)) + 1) / 2
    np.testing.assert_allclose(np.mean((drawn - targets) ** 2, axis=(1, 2, 3)),
                               projection.errors, rtol=1e-4, atol=1e-7)


def test_projection_with_zero_steps_keeps_the_best_random_start(generator):
    targets = np.random.default_rng(0).uniform(0, 1, (4, 28, 28, 1)).astype(np.float32)
    projection = defense.project(generator, targets, restarts=5, steps=0)
    np.testing.assert_allclose(projection.errors, projection.start_errors)


def test_a_warm_start_continues_from_the_given_codes(generator):
    targets = np.random.default_rng(0).uniform(0, 1, (3, 28, 28, 1)).astype(np.float32)
    first = defense.project(generator, targets, restarts=2, steps=20)
    warm = defense.project(generator, targets, restarts=1, steps=0,
                           initial_latent=first.latent)
    np.testing.assert_allclose(warm.errors, first.errors, rtol=1e-5)


def test_projection_refuses_bad_input(generator):
    pixels = np.zeros((2, 28, 28, 1), np.float32)
    with pytest.raises(ValueError, match="shape"):
        defense.project(generator, np.zeros((2, 32, 32, 3), np.float32))
    with pytest.raises(ValueError, match="to_pixels"):
        defense.project(generator, pixels - 1)
    with pytest.raises(ValueError, match="restarts=1"):
        defense.project(generator, pixels, initial_latent=np.zeros((2, 8)))
    with pytest.raises(ValueError, match="initial_latent"):
        defense.project(generator, pixels, restarts=1, initial_latent=np.zeros((3, 8)))
    with pytest.raises(TypeError, match="generator must be a keras.Model"):
        defense.project(lambda z: z, pixels)


def test_bpda_attack_stays_in_the_epsilon_ball(generator):
    from ganlib.evaluation import classifier

    model = classifier.build_feature_classifier((28, 28, 1), 10)
    test = data.load_dataset("digits", split="test", limit=8, verbose=False)
    images = attacks.to_pixels(test.images)
    adversarial = defense.bpda_attack(model, generator, images, test.labels, 0.2, steps=2,
                                      projection_steps=3)
    assert np.abs(adversarial - images).max() <= 0.2 + 1e-6
    assert adversarial.min() >= 0 and adversarial.max() <= 1
    with pytest.raises(ValueError, match="epsilon"):
        defense.bpda_attack(model, generator, images, test.labels, 2.0)


def test_adversarial_training_makes_a_model_harder_to_attack():
    """On the bundled digits, FGSM training at epsilon 0.2 keeps more accuracy under FGSM
    at 0.2 than the same network and budget trained on clean images only."""
    train = data.load_dataset("digits", split="train", verbose=False)
    test = data.load_dataset("digits", split="test", verbose=False)
    pixels, test_pixels = attacks.to_pixels(train.images), attacks.to_pixels(test.images)
    robust = defense.adversarial_training(pixels, train.labels, epsilon=0.2, epochs=6,
                                          batch_size=64, num_classes=10)
    plain = defense.adversarial_training(pixels, train.labels, epsilon=0.0, epochs=6,
                                         batch_size=64, num_classes=10)
    attacked = {name: attacks.accuracy(model, attacks.fgsm(model, test_pixels, test.labels,
                                                           0.2), test.labels)
                for name, model in (("robust", robust), ("plain", plain))}
    assert attacked["robust"] > attacked["plain"] + 0.2
    assert attacks.accuracy(robust, test_pixels, test.labels) > 0.6
    with pytest.raises(ValueError, match="attack must be"):
        defense.adversarial_training(pixels, train.labels, attack="cw")


def test_robustness_table_has_a_clean_row_and_one_row_per_epsilon(generator):
    from ganlib.evaluation import classifier

    model = classifier.build_feature_classifier((28, 28, 1), 10)
    test = data.load_dataset("digits", split="test", limit=6, verbose=False)
    rows = defense.robustness_table(model, generator, attacks.to_pixels(test.images),
                                    test.labels, [0.1, 0.3], robust_model=model, pgd_steps=2,
                                    restarts=1, projection_steps=2, bpda_steps=1,
                                    bpda_projection_steps=1, verbose=False)
    assert [row["epsilon"] for row in rows] == [0.0, 0.1, 0.3]
    assert all(set(row) == set(defense.TABLE_COLUMNS) for row in rows)
    assert all(0 <= row[c] <= 1 for row in rows for c in defense.TABLE_COLUMNS[1:])
    clean = attacks.accuracy(model, attacks.to_pixels(test.images), test.labels)
    assert rows[0]["no defence, FGSM"] == clean == rows[0]["adv. trained, PGD"]
