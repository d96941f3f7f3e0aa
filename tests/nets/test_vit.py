"""Tests of ganlib.nets.vit: shapes, the class token's attention, training moves every
weight, bad input refused by name."""

import keras
import numpy as np
import pytest

from ganlib import nets
from ganlib.nets import vit
from ganlib.training import GAN, recipes


@pytest.fixture(scope="module")
def tiny():
    return vit.build_vit_discriminator((28, 28, 1), patch_size=7, dim=16, depth=2, heads=2)


def test_patch_sizes_are_the_divisors_of_the_side_giving_two_patches_or_more():
    assert vit.patch_sizes((28, 28, 1)) == [1, 2, 4, 7, 14]
    assert vit.patch_sizes((32, 32, 3)) == [1, 2, 4, 8, 16]


def test_discriminator_maps_images_to_one_logit_via_tokens(tiny):
    images = np.random.default_rng(0).uniform(-1, 1, (3, 28, 28, 1)).astype("float32")
    assert tiny(images).shape == (3, 1)
    tokens = tiny.get_layer("position_embedding").output
    assert tuple(tokens.shape[1:]) == (4 * 4 + 1, 16)         # 16 patches + the class token
    assert tiny.get_layer("patch_embedding").strides == (7, 7)
    blocks = [layer for layer in tiny.layers if isinstance(layer, vit.TransformerBlock)]
    assert len(blocks) == 2 and blocks[0].attention.num_heads == 2


def test_a_block_returns_distributions_over_tokens():
    block = vit.TransformerBlock(heads=2)
    tokens = np.random.default_rng(1).standard_normal((2, 5, 8)).astype("float32")
    out, scores = block(tokens, return_attention=True)
    assert out.shape == (2, 5, 8) and scores.shape == (2, 2, 5, 5)
    np.testing.assert_allclose(scores.numpy().sum(-1), 1.0, rtol=1e-5)


def test_class_token_attention_is_a_map_over_the_patch_grid(tiny):
    images = np.random.default_rng(2).uniform(-1, 1, (3, 28, 28, 1)).astype("float32")
    maps = vit.class_token_attention(tiny, images)
    assert maps.shape == (3, 4, 4)
    assert (maps >= 0).all() and (maps.sum(axis=(1, 2)) <= 1 + 1e-5).all()
    first = vit.class_token_attention(tiny, images, block=0)
    assert not np.allclose(first, maps)


def test_a_training_step_of_the_vit_gan_moves_every_discriminator_weight():
    recipe = recipes.DCGANRecipe(width=8, latent_dim=8, batch_size=8, ema_decay=0.0)
    discriminator = vit.build_vit_discriminator(patch_size=7, dim=8, depth=1, heads=2)
    gan = recipes.build_dcgan(recipe, discriminator=discriminator)
    assert gan.discriminator is discriminator
    before = [w.numpy().copy() for w in discriminator.trainable_weights]
    images = np.random.default_rng(3).uniform(-1, 1, (16, 28, 28, 1)).astype("float32")
    gan.fit(images, batch_size=8, epochs=1, verbose=0)
    for weight, old in zip(discriminator.trainable_weights, before, strict=True):
        assert not np.allclose(weight.numpy(), old), weight.path


def test_saved_and_loaded_discriminator_gives_the_same_logits(tiny, tmp_path):
    path = tmp_path / "vit.keras"
    tiny.save(path)
    loaded = keras.models.load_model(path)
    images = np.random.default_rng(4).uniform(-1, 1, (2, 28, 28, 1)).astype("float32")
    np.testing.assert_allclose(loaded(images).numpy(), tiny(images).numpy(), rtol=1e-5,
                               atol=1e-6)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"patch_size": 5}, "patch_size must be one of [1, 2, 4, 7, 14] (a divisor of the image "
                        "side 28), got 5."),
    ({"dim": 30, "heads": 4}, "dim must be a multiple of heads=4, got 30."),
    ({"depth": 0}, "depth must be a whole number >= 1"),
    ({"image_shape": (28, 32, 1)}, "image_shape must be square"),
])
def test_bad_settings_are_refused_by_name(kwargs, message):
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(").replace(")", r"\)")
                       .replace("[", r"\[").replace("]", r"\]")):
        vit.build_vit_discriminator(**kwargs)


def test_attention_of_a_model_without_blocks_is_refused():
    with pytest.raises(ValueError, match="has no TransformerBlock"):
        vit.class_token_attention(nets.dcgan_discriminator(), np.zeros((1, 28, 28, 1)))


def test_the_gan_refuses_a_discriminator_for_other_images():
    recipe = recipes.DCGANRecipe(width=8, latent_dim=8)
    with pytest.raises(ValueError, match="build both for the same image_shape"):
        recipes.build_dcgan(recipe, discriminator=vit.build_vit_discriminator((32, 32, 1)))
    assert isinstance(recipes.build_dcgan(recipe), GAN)
