"""Tests of bench/step_profile.py: the FLOP count it rates the training step by, and the
parts it times."""

import keras
import numpy as np
import tensorflow as tf

from ganlib import nets
from ganlib.training.recipes import DCGANRecipe, build_dcgan


def test_layer_macs_counts_the_default_dcgan_layer_by_layer(bench_module):
    step_profile = bench_module("step_profile")
    generator = nets.dcgan_generator(64, (28, 28, 1), width=32)
    discriminator = nets.dcgan_discriminator((28, 28, 1), width=32)
    # G: Dense 64 -> 7*7*64; ConvT 7x7x64 -> 14x14x32 (4x4); ConvT 14x14x32 -> 28x28x1 (4x4)
    g_macs = 64 * 3136 + 7 * 7 * 64 * 16 * 32 + 14 * 14 * 32 * 16 * 1
    # D: Conv 28x28x1 -> 14x14x32 (4x4); Conv -> 7x7x64 (4x4); Dense 3136 -> 1
    d_macs = 14 * 14 * 32 * 16 * 1 + 7 * 7 * 64 * 16 * 32 + 3136
    assert step_profile.layer_macs(generator) == g_macs == 1_906_688
    assert step_profile.layer_macs(discriminator) == d_macs == 1_709_120
    flops = step_profile.step_flops(generator, discriminator, batch_size=64)
    assert flops["D update"] == 2 * 64 * (g_macs + 6 * d_macs)
    assert flops["G update"] == 2 * 64 * (3 * g_macs + 2 * d_macs)


def test_layer_macs_looks_inside_nested_models_and_skips_element_wise_layers(bench_module):
    step_profile = bench_module("step_profile")
    inner = keras.Sequential([keras.Input((5,)), keras.layers.Dense(3)])
    outer = keras.Sequential([keras.Input((5,)), inner, keras.layers.ReLU(),
                              keras.layers.Dense(2)])
    assert step_profile.layer_macs(outer) == 5 * 3 + 3 * 2


def test_every_timed_part_computes_something(bench_module):
    """A part whose result is None would be pruned by TensorFlow and time nothing."""
    step_profile = bench_module("step_profile")
    gan = build_dcgan(DCGANRecipe(width=8), image_shape=(28, 28, 1))
    images = np.random.default_rng(0).uniform(-1, 1, (32, 28, 28, 1)).astype("float32")
    calls = step_profile.part_calls(gan, images, batch_size=8, seed=0)
    for name, call in calls.items():
        outputs = tf.nest.flatten(call())
        assert outputs and all(tensor is not None for tensor in outputs), name
    gradient = calls["D gradient to its input"]()
    assert gradient.shape == (8, 28, 28, 1)
    assert float(tf.reduce_max(tf.abs(gradient))) > 0
    step_profile.parts(gan, images, batch_size=8, seed=0)["G update"](2)
