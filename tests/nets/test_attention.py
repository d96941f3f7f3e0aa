"""Tests of ganlib.nets.attention: the SAGAN layer's formula, its maps, and its insertion."""

import keras
import numpy as np
import pytest

from ganlib import nets
from ganlib.nets import attention
from ganlib.training import recipes


@pytest.fixture
def feature_maps():
    return np.random.default_rng(0).standard_normal((2, 5, 4, 16)).astype(np.float32)


def test_layer_is_the_identity_while_gamma_is_zero(feature_maps):
    layer = attention.SelfAttention()
    outputs = layer(feature_maps).numpy()
    assert float(layer.gamma.numpy()) == 0.0
    np.testing.assert_array_equal(outputs, feature_maps)
    layer.gamma.assign(0.5)
    assert not np.allclose(layer(feature_maps).numpy(), feature_maps)


def test_maps_are_distributions_over_positions_and_shapes_are_right(feature_maps):
    layer = attention.SelfAttention()
    outputs, maps = layer(feature_maps, return_attention=True)
    assert outputs.shape == feature_maps.shape
    assert maps.shape == (2, 20, 20)                        # 5 x 4 = 20 positions
    maps = maps.numpy()
    assert (maps >= 0).all()
    np.testing.assert_allclose(maps.sum(axis=-1), 1.0, rtol=1e-5)
    assert layer.query.filters == layer.key.filters == 2    # C / 8
    assert layer.value.filters == 8                         # C / 2
    assert layer.out.filters == 16


def test_output_follows_the_sagan_equations(feature_maps):
    layer = attention.SelfAttention(key_channels=3, value_channels=5)
    layer.build(feature_maps.shape)
    layer.gamma.assign(0.7)
    for conv in (layer.query, layer.key, layer.value, layer.out):   # non-zero biases too
        conv.bias.assign(np.random.default_rng(1).normal(size=conv.bias.shape))
    outputs, maps = layer(feature_maps, return_attention=True)

    def conv1x1(conv, x):
        kernel, bias = conv.kernel.numpy()[0, 0], conv.bias.numpy()
        return x @ kernel + bias

    x = feature_maps.reshape(2, 20, 16)
    scores = conv1x1(layer.query, x) @ conv1x1(layer.key, x).transpose(0, 2, 1)
    expected_maps = np.exp(scores - scores.max(-1, keepdims=True))
    expected_maps /= expected_maps.sum(-1, keepdims=True)
    read = expected_maps @ conv1x1(layer.value, x)
    expected = x + 0.7 * conv1x1(layer.out, read)
    np.testing.assert_allclose(maps.numpy(), expected_maps, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(outputs.numpy().reshape(2, 20, 16), expected, rtol=1e-4,
                               atol=1e-5)


def test_inserted_layer_sits_after_the_last_map_of_that_size_and_changes_nothing_at_first():
    generator = nets.dcgan_generator(8, width=8)
    discriminator = nets.dcgan_discriminator(width=8, dropout=0.3)
    new_generator, new_discriminator = attention.add_self_attention(generator, discriminator)
    def around(model):  # the types of the layers before and after the attention layer
        kinds = [type(layer).__name__ for layer in model.layers]
        at = kinds.index("SelfAttention")
        return kinds[at - 1], model.layers[at].output.shape[1:], kinds[at + 1]

    assert around(new_generator) == ("ReLU", (14, 14, 8), "Conv2DTranspose")
    assert around(new_discriminator) == ("Dropout", (14, 14, 8), "Conv2D")
    z = np.random.default_rng(0).standard_normal((3, 8)).astype(np.float32)
    np.testing.assert_array_equal(new_generator.predict(z, verbose=0),
                                  generator.predict(z, verbose=0))
    images = generator.predict(z, verbose=0)
    np.testing.assert_array_equal(new_discriminator.predict(images, verbose=0),
                                  discriminator.predict(images, verbose=0))
    assert new_generator.count_params() > generator.count_params()


def test_attention_maps_of_a_trained_gan_are_distributions(tiny_dataset, fit_quietly):
    gan = recipes.build_dcgan(recipes.DCGANRecipe(dataset="digits", latent_dim=8, width=8,
                                                  batch_size=8), attention_resolution=14)
    layers = (attention.attention_layers(gan.generator)
              + attention.attention_layers(gan.discriminator))
    assert len(layers) == 2
    fit_quietly(gan, tiny_dataset, 3)
    assert all(float(layer.gamma.numpy()) != 0.0 for layer in layers)   # gamma learns
    z = np.random.default_rng(0).standard_normal((5, 8)).astype(np.float32)
    maps = attention.attention_maps(gan.generator, z, batch_size=2)
    assert maps.shape == (5, 196, 196)
    np.testing.assert_allclose(maps.sum(-1), 1.0, rtol=1e-5)
    d_maps = attention.attention_maps(gan.discriminator, gan.generate(z))
    assert d_maps.shape == (5, 196, 196)


def test_saved_and_restored_generator_gives_the_same_samples(tmp_path):
    generator = attention.insert_attention(nets.dcgan_generator(8, width=8), 14)
    attention.attention_layers(generator)[0].gamma.assign(0.3)
    generator.save(tmp_path / "g.keras")
    restored = keras.models.load_model(tmp_path / "g.keras")
    z = np.random.default_rng(0).standard_normal((2, 8)).astype(np.float32)
    np.testing.assert_allclose(restored.predict(z, verbose=0), generator.predict(z, verbose=0),
                               atol=1e-6)


def test_bad_input_is_refused_with_a_clear_message(feature_maps):
    with pytest.raises(ValueError, match="key_channels must be a whole number >= 1 or None"):
        attention.SelfAttention(key_channels=0)
    with pytest.raises(ValueError, match=r"feature maps \(N, height, width, channels\)"):
        attention.SelfAttention()(np.zeros((2, 16), np.float32))
    generator = nets.dcgan_generator(8, width=8)
    with pytest.raises(ValueError, match=r"no hidden feature map of 10x10; choose one of "
                                         r"\[7, 14\]"):
        attention.insert_attention(generator, 10)
    with pytest.raises(ValueError, match="resolution must be a whole number"):
        attention.insert_attention(generator, 14.0)
    inputs = keras.Input((28, 28, 1))
    branch = keras.layers.Conv2D(4, 3, padding="same")(inputs)
    joined = keras.layers.Add()([keras.layers.Conv2D(4, 1)(inputs), branch])
    with pytest.raises(ValueError, match="not a chain of layers"):
        attention.insert_attention(keras.Model(inputs, joined), 28)
    with pytest.raises(ValueError, match="has 0 SelfAttention layers"):
        attention.attention_maps(generator, np.zeros((1, 8), np.float32))
    with_attention = attention.insert_attention(generator, 14)
    with pytest.raises(ValueError, match=r"inputs must have shape \(N, 8\)"):
        attention.attention_maps(with_attention, np.zeros((1, 9), np.float32))
