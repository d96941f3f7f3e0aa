"""Self-attention for convolutional GANs, as in SAGAN.

Zhang, Goodfellow, Metaxas & Odena 2019, "Self-Attention Generative Adversarial
Networks". A convolution only mixes neighbouring pixels; a self-attention layer lets every
position of a feature map read from every other position. For a map x with C channels and
positions 1..P (P = height * width), three 1x1 convolutions give a query q_j and a key k_i
(C/8 channels each) and a value v_i (C/2 channels) per position; then

    a_j,i = softmax_i(q_j . k_i)        (each row a_j, is a distribution over positions)
    o_j   = W_o sum_i a_j,i v_i          (W_o: a 1x1 convolution back to C channels)
    y_j   = x_j + gamma * o_j

with gamma a learned scalar that starts at 0, so the layer starts as the identity and the
network learns how much to use it. The value/output split (C/2, then back to C) follows
the authors' released code; the paper's equations write one value map. Unlike
Transformers (Vaswani et al. 2017), SAGAN does not divide q . k by sqrt(channels).
The released code also max-pools keys and values to cut cost; these maps are small
(14x14 = 196 positions for 28x28 images), so nothing is pooled here.

``insert_attention`` puts the layer into an existing chain-shaped Keras model (every
DCGAN builder of ``ganlib.nets``) after its last layer at a given spatial size, reusing
the model's own layers; ``add_self_attention`` does it for a generator and discriminator
pair. ``attention_maps`` returns the maps a trained model computes (``features_before``
gives what any layer of a model reads, here and in ``ganlib.nets.vit``).
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from ganlib import _checks

__all__ = ["SelfAttention", "add_self_attention", "attention_layers", "attention_maps",
           "features_before", "insert_attention"]


def _check_channels(value, name):
    if value is None:
        return None
    return _checks.whole_number(value, name, hint=" or None (the SAGAN default)")


@keras.saving.register_keras_serializable(package="ganlib")
class SelfAttention(layers.Layer):
    """SAGAN self-attention over the positions of a feature map (see the module docstring).

    Args:
        key_channels: channels of the queries and keys; default max(1, C // 8).
        value_channels: channels of the values; default max(1, C // 2).

    ``layer(x)`` returns y, the same shape as x (N, H, W, C);
    ``layer(x, return_attention=True)`` returns (y, attention) with attention of shape
    (N, H*W, H*W): row j is the distribution over positions that query position j reads
    from (positions numbered row by row, j = row * W + column).
    """

    def __init__(self, key_channels=None, value_channels=None, **kwargs):
        super().__init__(**kwargs)
        self.key_channels = _check_channels(key_channels, "key_channels")
        self.value_channels = _check_channels(value_channels, "value_channels")

    def build(self, input_shape):
        if len(input_shape) != 4 or input_shape[-1] is None:
            raise ValueError(f"SelfAttention needs feature maps (N, height, width, channels) "
                             f"with known channels, got shape {tuple(input_shape)}.")
        channels = int(input_shape[-1])
        keys = self.key_channels or max(1, channels // 8)
        values = self.value_channels or max(1, channels // 2)
        self.query = layers.Conv2D(keys, 1, name="query")
        self.key = layers.Conv2D(keys, 1, name="key")
        self.value = layers.Conv2D(values, 1, name="value")
        self.out = layers.Conv2D(channels, 1, name="output")
        for conv in (self.query, self.key, self.value):
            conv.build(input_shape)
        self.out.build(tuple(input_shape[:-1]) + (values,))
        self.gamma = self.add_weight(name="gamma", shape=(), initializer="zeros")

    def call(self, inputs, return_attention=False):
        shape = tf.shape(inputs)
        batch, positions = shape[0], shape[1] * shape[2]

        def flat(x):
            return tf.reshape(x, (batch, positions, x.shape[-1]))

        scores = tf.matmul(flat(self.query(inputs)), flat(self.key(inputs)), transpose_b=True)
        attention = tf.nn.softmax(scores, axis=-1)
        read = tf.matmul(attention, flat(self.value(inputs)))
        read = tf.reshape(read, (batch, shape[1], shape[2], read.shape[-1]))
        outputs = inputs + self.gamma * self.out(read)
        return (outputs, attention) if return_attention else outputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "key_channels": self.key_channels,
                "value_channels": self.value_channels}


def _chain(model):
    """The model's layers if each one feeds only the next (a plain chain), else an error."""
    if not isinstance(model, keras.Model) or not hasattr(model, "layers"):
        raise TypeError(f"model must be a functional keras Model, got {type(model).__name__}.")
    chain = list(model.layers)
    if len(model.inputs) != 1 or len(model.outputs) != 1 \
            or model.outputs[0] is not chain[-1].output:
        raise ValueError(f"model {model.name!r} is not a chain of layers (one input, one "
                         "output); insert the attention layer by hand in its builder.")
    for previous, layer in zip(chain, chain[1:], strict=False):
        if layer.input is not previous.output:
            raise ValueError(f"model {model.name!r} is not a chain of layers: {layer.name!r} "
                             f"does not read {previous.name!r}; insert the attention layer "
                             "by hand in its builder.")
    return chain


def _spatial_size(layer):
    shape = layer.output.shape
    return int(shape[1]) if len(shape) == 4 and shape[1] is not None else None


def insert_attention(model, resolution: int, name=None, **layer_kwargs):
    """A new model: ``model``'s own layers with a ``SelfAttention`` inserted after the last
    layer whose output is a ``resolution`` x ``resolution`` feature map.

    The layers (and their weights) are shared with ``model``. Because gamma starts at 0,
    the new model first computes exactly what ``model`` computes.
    """
    chain = _chain(model)
    _checks.whole_number(resolution, "resolution", hint=" (the side of a feature map)")
    sizes = [_spatial_size(layer) for layer in chain]
    hidden = sorted({size for size in sizes[1:-1] if size})
    if resolution not in hidden:
        raise ValueError(f"model {model.name!r} has no hidden feature map of "
                         f"{resolution}x{resolution}; choose one of {hidden}.")
    after = max(i for i, size in enumerate(sizes[:-1]) if size == resolution)
    x = inputs = keras.Input(model.inputs[0].shape[1:], name=chain[0].name)
    for i, layer in enumerate(chain[1:], start=1):
        x = layer(x)
        if i == after:
            x = SelfAttention(name=f"self_attention_{resolution}", **layer_kwargs)(x)
    return keras.Model(inputs, x, name=name or model.name)


def add_self_attention(generator, discriminator, resolution=None):
    """Insert SAGAN self-attention into both DCGAN networks at ``resolution``.

    Default: half the image side (14x14 for 28x28 images), the feature map next to the
    image in both networks, as SAGAN places it next to the largest maps.
    Returns (generator, discriminator), the new models.
    """
    if resolution is None:
        resolution = int(discriminator.input_shape[1]) // 2
    return (insert_attention(generator, resolution),
            insert_attention(discriminator, resolution))


def attention_layers(model) -> list:
    """The ``SelfAttention`` layers of ``model``, in order."""
    return [layer for layer in model.layers if isinstance(layer, SelfAttention)]


def features_before(model, layer, inputs, batch_size=64) -> np.ndarray:
    """What ``layer`` of ``model`` reads when the model is run on ``inputs`` (inference
    mode), as numpy; ``inputs`` must match the model's input shape, with N >= 1."""
    array = np.asarray(inputs, np.float32)
    expected = tuple(model.inputs[0].shape[1:])
    if array.ndim != len(expected) + 1 or tuple(array.shape[1:]) != expected or not len(array):
        raise ValueError(f"inputs must have shape (N, {', '.join(map(str, expected))}) with "
                         f"N >= 1, got {array.shape}.")
    return keras.Model(model.inputs, layer.input).predict(array, batch_size=batch_size,
                                                          verbose=0)


def attention_maps(model, inputs, layer=None, batch_size=64) -> np.ndarray:
    """The attention maps ``model`` computes for ``inputs`` (in inference mode).

    Args:
        model: a model with a ``SelfAttention`` layer (e.g. a generator from
            ``build_dcgan(..., attention_resolution=14)``).
        inputs: what the model reads: latent codes for a generator, images in [-1, 1]
            for a discriminator.
        layer: which attention layer (default: the model's only one).

    Returns:
        (N, H*W, H*W) numpy; row j is the distribution over positions that position j
        reads from, positions numbered row by row.
    """
    found = attention_layers(model)
    if layer is None:
        if len(found) != 1:
            raise ValueError(f"model {model.name!r} has {len(found)} SelfAttention layers; "
                             "pass layer=... (one of ganlib.nets.attention_layers(model)).")
        layer = found[0]
    elif layer not in found:
        raise ValueError(f"layer {getattr(layer, 'name', layer)!r} is not a SelfAttention "
                         f"layer of model {model.name!r}.")
    features = features_before(model, layer, inputs, batch_size)
    maps = [layer(features[i:i + batch_size], return_attention=True)[1].numpy()
            for i in range(0, len(features), batch_size)]
    return np.concatenate(maps)
