"""Tests of ganlib.nets: DCGAN shapes, output ranges, parameter counts, argument checks."""

import keras
import numpy as np
import pytest

from ganlib import nets

SHAPES = [(28, 28, 1), (32, 32, 3), (64, 64, 3)]


@pytest.mark.parametrize("image_shape", SHAPES)
def test_generator_maps_latents_to_images_in_model_range(image_shape):
    generator = nets.dcgan_generator(latent_dim=8, image_shape=image_shape, width=8)
    # large latents push the tanh towards its ends: the range must still hold
    z = 50.0 * np.random.default_rng(0).standard_normal((5, 8)).astype(np.float32)
    images = generator.predict(z, verbose=0)
    assert images.shape == (5, *image_shape)
    assert images.dtype == np.float32
    assert images.min() >= -1.0 and images.max() <= 1.0
    assert images.std() > 0.0


@pytest.mark.parametrize("image_shape", SHAPES)
def test_discriminator_gives_one_unbounded_logit_per_image(image_shape):
    discriminator = nets.dcgan_discriminator(image_shape, width=8)
    images = np.random.default_rng(0).uniform(-1, 1, (5, *image_shape)).astype(np.float32)
    logits = discriminator.predict(images, verbose=0)
    assert logits.shape == (5, 1)
    assert np.isfinite(logits).all()
    # logits, not probabilities: the last layer is linear, so the output can be scaled
    # past [0, 1] by its own weights
    assert discriminator.get_layer("logit").activation is keras.activations.linear
    kernel, bias = discriminator.get_layer("logit").get_weights()
    discriminator.get_layer("logit").set_weights([kernel * 1e3, bias + 5.0])
    assert np.abs(discriminator.predict(images, verbose=0)).max() > 1.0


@pytest.mark.parametrize("image_shape, plan", [
    ((28, 28, 1), (7, 2)),
    ((32, 32, 3), (4, 3)),
    ((64, 64, 3), (4, 4)),
    ((16, 16, 1), (4, 2)),
    ((56, 56, 3), (7, 3)),
])
def test_upsampling_plan(image_shape, plan):
    start, doublings = nets.upsampling_plan(image_shape)
    assert (start, doublings) == plan
    assert start * 2**doublings == image_shape[0]


def test_parameter_counts_match_the_hand_count_for_28x28():
    latent_dim, width, k = 8, 8, 4
    generator = nets.dcgan_generator(latent_dim, (28, 28, 1), width=width, kernel_size=k)
    # Dense 8 -> 7*7*16 (no bias), BatchNorm (4 per channel: gamma, beta, mean, variance),
    # ConvT 16 -> 8 (no bias), BatchNorm, ConvT 8 -> 1 with bias.
    dense = latent_dim * 7 * 7 * 2 * width                    # 6,272
    batchnorm_1 = 4 * 7 * 7 * 2 * width                       # 3,136 (1,568 trainable)
    conv_1 = k * k * 2 * width * width                        # 2,048
    batchnorm_2 = 4 * width                                   # 32 (16 trainable)
    conv_out = k * k * width * 1 + 1                          # 129
    assert generator.count_params() == dense + batchnorm_1 + conv_1 + batchnorm_2 + conv_out
    assert generator.count_params() == 11_617
    trainable = sum(int(np.prod(v.shape)) for v in generator.trainable_variables)
    assert trainable == dense + batchnorm_1 // 2 + conv_1 + batchnorm_2 // 2 + conv_out

    discriminator = nets.dcgan_discriminator((28, 28, 1), width=width, kernel_size=k)
    # Conv 1 -> 8 and 8 -> 16 with biases, then Dense 7*7*16 -> 1 with bias.
    conv_a = k * k * 1 * width + width                        # 136
    conv_b = k * k * width * 2 * width + 2 * width            # 2,064
    logit = 7 * 7 * 2 * width + 1                             # 785
    assert discriminator.count_params() == conv_a + conv_b + logit == 2_985


def test_generator_channels_halve_on_the_way_up_for_32x32x3():
    generator = nets.dcgan_generator(8, (32, 32, 3), width=8)
    shapes = [tuple(layer.output.shape[1:]) for layer in generator.layers
              if isinstance(layer, (keras.layers.Reshape, keras.layers.Conv2DTranspose))]
    assert shapes == [(4, 4, 32), (8, 8, 16), (16, 16, 8), (32, 32, 3)]


def test_discriminator_dropout_adds_one_dropout_per_convolution():
    discriminator = nets.dcgan_discriminator((32, 32, 3), width=8, dropout=0.3)
    rates = [layer.rate for layer in discriminator.layers
             if isinstance(layer, keras.layers.Dropout)]
    assert rates == [0.3, 0.3, 0.3]


@pytest.mark.parametrize("image_shape", [
    (30, 30, 1), (28, 28, 2), (28, 32, 1), (8, 8, 1), (28, 28), (7, 7, 1), (36, 36, 1),
])
def test_bad_image_shape_raises(image_shape):
    with pytest.raises(ValueError, match="image"):
        nets.upsampling_plan(image_shape)
    with pytest.raises(ValueError, match="image"):
        nets.dcgan_generator(8, image_shape, width=8)
    with pytest.raises(ValueError, match="image"):
        nets.dcgan_discriminator(image_shape, width=8)


@pytest.mark.parametrize("image_shape, shown", [
    ((28.5, 28.5, 1), "(28.5, 28.5, 1)"),    # a raw TypeError before
    (("28", 28, 1), "('28', 28, 1)"),         # a raw TypeError before
    ((4096, 4096, 1), "(4096, 4096, 1)"),    # a 4096-pixel DCGAN was built before
    (28, "28"),
])
def test_bad_image_shape_is_refused_in_the_one_message_style(image_shape, shown):
    expected = ("image_shape must be (height, width, channels) of whole numbers, height and "
                f"width 1 to 1024, channels 1 or 3, got {shown}.")
    for build in (nets.upsampling_plan, lambda shape: nets.dcgan_generator(8, shape),
                  nets.dcgan_discriminator):
        with pytest.raises(ValueError) as excinfo:
            build(image_shape)
        assert str(excinfo.value) == expected


def test_a_rectangular_image_shape_is_refused_as_not_square():
    with pytest.raises(ValueError, match=r"image_shape must be square: \(size, size, 1 or 3\), "
                                         r"got \(28, 32, 1\)\."):
        nets.upsampling_plan((28, 32, 1))


@pytest.mark.parametrize("latent_dim", [0, -3, 2.5, True, "64", None])
def test_bad_latent_dim_raises(latent_dim):
    with pytest.raises(ValueError, match=f"latent_dim must be a whole number >= 1, got "
                                         f"{latent_dim!r}"):
        nets.dcgan_generator(latent_dim, (28, 28, 1), width=8)


@pytest.mark.parametrize("width", [0, -8, 8.0, False])
def test_bad_width_raises(width):
    with pytest.raises(ValueError, match="width must be a whole number >= 1"):
        nets.dcgan_generator(8, (28, 28, 1), width=width)
    with pytest.raises(ValueError, match="width must be a whole number >= 1"):
        nets.dcgan_discriminator((28, 28, 1), width=width)


@pytest.mark.parametrize("dropout", [-0.1, 1.0, 1.5])
def test_dropout_out_of_range_raises(dropout):
    with pytest.raises(ValueError, match=r"dropout must be in \[0, 1\)"):
        nets.dcgan_discriminator((28, 28, 1), width=8, dropout=dropout)


def test_numpy_integers_are_accepted_like_python_integers():
    generator = nets.dcgan_generator(np.int64(8), (28, 28, 1), width=np.int32(8))
    discriminator = nets.dcgan_discriminator((28, 28, 1), width=np.int64(8))
    assert generator.input_shape == (None, 8)
    assert generator.count_params() == 11_617
    assert discriminator.count_params() == 2_985


def test_mlp_generator_and_discriminator_shapes_and_counts():
    from ganlib.nets import mlp_discriminator, mlp_generator

    generator = mlp_generator(latent_dim=3, output_dim=2, width=5, depth=2)
    discriminator = mlp_discriminator(input_dim=2, width=5, depth=2)
    points = generator(np.zeros((7, 3), np.float32))
    assert tuple(points.shape) == (7, 2)
    assert tuple(discriminator(points).shape) == (7, 1)
    # (3*5+5) + (5*5+5) + (5*2+2) and (2*5+5) + (5*5+5) + (5*1+1)
    assert generator.count_params() == 20 + 30 + 12
    assert discriminator.count_params() == 15 + 30 + 6


@pytest.mark.parametrize("kwargs", [{"width": 0}, {"depth": -1}, {"output_dim": 0}])
def test_mlp_builders_refuse_bad_sizes(kwargs):
    from ganlib.nets import mlp_generator

    with pytest.raises(ValueError, match="must be a whole number >= 1"):
        mlp_generator(**kwargs)


def test_spectral_norm_makes_every_weight_matrix_of_the_discriminator_unit_norm():
    discriminator = nets.dcgan_discriminator((28, 28, 1), width=8, spectral_norm=True)
    images = np.random.default_rng(0).uniform(-1, 1, (4, 28, 28, 1)).astype("float32")
    for _ in range(30):  # one power iteration per training call
        discriminator(images, training=True)
    wrapped = [layer for layer in discriminator.layers
               if isinstance(layer, keras.layers.SpectralNormalization)]
    assert len(wrapped) == 3  # two convolutions and the logit layer
    for layer in wrapped:
        kernel = layer.layer.kernel.numpy()
        matrix = kernel.reshape(-1, kernel.shape[-1])
        assert np.linalg.svd(matrix, compute_uv=False)[0] == pytest.approx(1.0, abs=0.02)
    assert discriminator(images).shape == (4, 1)


def test_spectral_norm_must_be_a_bool():
    with pytest.raises(ValueError, match="spectral_norm must be True or False"):
        nets.dcgan_discriminator((28, 28, 1), width=8, spectral_norm="yes")


def test_batch_norm_follows_every_convolution_but_the_first_and_uses_the_batch():
    """Radford et al.'s discriminator: no normalisation on the image, batch normalisation
    (and no bias) after each later convolution; in training a logit depends on the batch."""
    plain = nets.dcgan_discriminator((32, 32, 3), width=8)
    normalised = nets.dcgan_discriminator((32, 32, 3), width=8, batch_norm=True)
    convolutions = [layer for layer in normalised.layers
                    if isinstance(layer, keras.layers.Conv2D)]
    norms = [layer for layer in normalised.layers
             if isinstance(layer, keras.layers.BatchNormalization)]
    assert [conv.use_bias for conv in convolutions] == [True, False, False]
    assert len(norms) == 2 and not any(isinstance(layer, keras.layers.BatchNormalization)
                                       for layer in plain.layers)
    for conv, norm in zip(convolutions[1:], norms, strict=True):  # right after its conv
        assert normalised.layers.index(norm) == normalised.layers.index(conv) + 1
    images = np.random.default_rng(0).uniform(-1, 1, (6, 32, 32, 3)).astype("float32")
    together = normalised(images, training=True).numpy()
    alone = normalised(images[:3], training=True).numpy()
    assert not np.allclose(together[:3], alone, atol=1e-5)  # batch statistics in training
    assert np.allclose(normalised(images).numpy()[:3], normalised(images[:3]).numpy(),
                       atol=1e-5)  # moving statistics at inference: per image


def test_batch_norm_reaches_the_conditional_discriminators_and_must_be_a_bool():
    for build in (nets.projection_discriminator, nets.auxiliary_classifier_discriminator):
        model = build(10, width=8, batch_norm=True)
        assert sum(isinstance(layer, keras.layers.BatchNormalization)
                   for layer in model.layers) == 1
    with pytest.raises(ValueError, match="batch_norm must be True or False, got 'yes'"):
        nets.dcgan_discriminator((28, 28, 1), width=8, batch_norm="yes")
