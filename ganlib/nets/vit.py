"""A Vision-Transformer (ViT) discriminator: an image read as a sequence of patches.

Dosovitskiy et al. 2021, "An Image is Worth 16x16 Words: Transformers for Image
Recognition at Scale". The image is cut into P non-overlapping patches of
``patch_size`` x ``patch_size`` pixels; each patch becomes one token:

    x_p   = E flatten(patch_p) + e_p          (E: a shared linear map, e_p: learned position)
    z_0   = [x_cls, x_1, ..., x_P]            (x_cls: a learned class token, with its own e_0)
    z'    = z + MHA(LN(z))                    (every token reads from every token)
    z     = z' + MLP(LN(z'))                  (per token: Dense, GELU, Dense)
    logit = w . LN(z_cls) + b                 (after ``depth`` such blocks)

The linear map on flattened patches is a convolution with kernel = stride = ``patch_size``
(the same weights, computed in one call). Nothing but the position embedding tells the
network where a patch sits: a Transformer treats its tokens as a set.

As a GAN discriminator (the use here) a ViT is known to be harder to train than a
convolutional one (Jiang et al. 2021, TransGAN; Lee et al. 2022, ViTGAN, who add spectral
and L2-attention constraints); this one is the plain ViT, to see what it does on a short
budget. ``class_token_attention`` returns where the class token looks.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import layers

from ganlib import _checks
from ganlib.nets.attention import features_before

__all__ = ["ClassToken", "PositionEmbedding", "TransformerBlock", "build_vit_discriminator",
           "class_token_attention", "patch_sizes"]


@keras.saving.register_keras_serializable(package="ganlib")
class ClassToken(layers.Layer):
    """Puts one learned token (1, dim) in front of a sequence: (N, P, dim) -> (N, P + 1, dim)."""

    def build(self, input_shape):
        self.token = self.add_weight(name="token", shape=(1, 1, int(input_shape[-1])),
                                     initializer=keras.initializers.RandomNormal(stddev=0.02))

    def call(self, tokens):
        batch = keras.ops.shape(tokens)[0]
        first = keras.ops.broadcast_to(self.token, (batch, 1, self.token.shape[-1]))
        return keras.ops.concatenate([keras.ops.cast(first, tokens.dtype), tokens], axis=1)

    def compute_output_shape(self, input_shape):
        length = None if input_shape[1] is None else input_shape[1] + 1
        return (input_shape[0], length, input_shape[2])


@keras.saving.register_keras_serializable(package="ganlib")
class PositionEmbedding(layers.Layer):
    """Adds a learned vector per position: (N, T, dim) + e (T, dim)."""

    def build(self, input_shape):
        self.embedding = self.add_weight(
            name="embedding", shape=(int(input_shape[1]), int(input_shape[2])),
            initializer=keras.initializers.RandomNormal(stddev=0.02))

    def call(self, tokens):
        return tokens + keras.ops.cast(self.embedding, tokens.dtype)


@keras.saving.register_keras_serializable(package="ganlib")
class TransformerBlock(layers.Layer):
    """One pre-norm Transformer encoder block: z + MHA(LN(z)), then + MLP(LN(.)).

    Args:
        heads: attention heads; the token width must be divisible by it.
        mlp_ratio: hidden width of the MLP as a multiple of the token width.

    ``block(z)`` returns the new tokens; ``block(z, return_attention=True)`` returns
    (tokens, scores) with scores (N, heads, T, T): row i of a head is the distribution over
    tokens that token i reads from.
    """

    def __init__(self, heads=4, mlp_ratio=2, **kwargs):
        super().__init__(**kwargs)
        self.heads = _checks.whole_number(heads, "heads")
        self.mlp_ratio = _checks.whole_number(mlp_ratio, "mlp_ratio")

    def build(self, input_shape):
        dim = int(input_shape[-1])
        if dim % self.heads:
            _checks.refuse("dim", dim, f"a multiple of heads={self.heads}")
        self.norm_attention = layers.LayerNormalization(epsilon=1e-6, name="norm_attention")
        self.attention = layers.MultiHeadAttention(self.heads, dim // self.heads,
                                                   name="attention")
        self.norm_mlp = layers.LayerNormalization(epsilon=1e-6, name="norm_mlp")
        self.mlp_hidden = layers.Dense(self.mlp_ratio * dim, activation="gelu",
                                       name="mlp_hidden")
        self.mlp_out = layers.Dense(dim, name="mlp_out")
        self.norm_attention.build(input_shape)
        self.attention.build(input_shape, input_shape)
        self.norm_mlp.build(input_shape)
        self.mlp_hidden.build(input_shape)
        self.mlp_out.build(tuple(input_shape[:-1]) + (self.mlp_ratio * dim,))

    def call(self, tokens, return_attention=False):
        normed = self.norm_attention(tokens)
        read, scores = self.attention(normed, normed, return_attention_scores=True)
        tokens = tokens + read                                        # z' = z + MHA(LN(z))
        tokens = tokens + self.mlp_out(self.mlp_hidden(self.norm_mlp(tokens)))  # + MLP(LN(z'))
        return (tokens, scores) if return_attention else tokens

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "heads": self.heads, "mlp_ratio": self.mlp_ratio}


def patch_sizes(image_shape) -> list[int]:
    """The patch sizes a square image of ``image_shape`` can be cut into: the divisors of
    its side that give at least 2 x 2 patches (28 -> [1, 2, 4, 7, 14])."""
    height, width, _ = _checks.image_shape(image_shape)
    if height != width:
        _checks.refuse("image_shape", image_shape, "square: (size, size, 1 or 3)")
    return [size for size in range(1, height // 2 + 1) if height % size == 0]


def build_vit_discriminator(image_shape=(28, 28, 1), patch_size=4, dim=64, depth=2, heads=4,
                            mlp_ratio=2, name="vit_discriminator") -> keras.Model:
    """A ViT discriminator: images (N, H, W, C) in [-1, 1] -> one logit per image.

    Args:
        image_shape: a square image shape, e.g. (28, 28, 1).
        patch_size: side of a patch in pixels; must divide the image side
            (``patch_sizes(image_shape)`` lists the allowed values: 4 gives 7 x 7 = 49
            patches on 28 x 28 images).
        dim: width of every token; a multiple of ``heads``.
        depth: Transformer blocks.
        heads: attention heads per block.
        mlp_ratio: hidden width of each block's MLP, in multiples of ``dim``.
    """
    allowed = patch_sizes(image_shape)
    patch_size = _checks.choice(patch_size, "patch_size", allowed,
                                hint=f" (a divisor of the image side {image_shape[0]})")
    dim = _checks.whole_number(dim, "dim", maximum=1024)
    depth = _checks.whole_number(depth, "depth", maximum=24)
    heads = _checks.whole_number(heads, "heads", maximum=64)
    if dim % heads:
        _checks.refuse("dim", dim, f"a multiple of heads={heads}")
    grid = image_shape[0] // patch_size
    inputs = keras.Input(tuple(image_shape), name="image")
    x = layers.Conv2D(dim, patch_size, strides=patch_size, name="patch_embedding")(inputs)
    x = layers.Reshape((grid * grid, dim), name="patches_to_tokens")(x)   # row by row
    x = ClassToken(name="class_token")(x)
    x = PositionEmbedding(name="position_embedding")(x)
    for i in range(depth):
        x = TransformerBlock(heads, mlp_ratio, name=f"block_{i}")(x)
    x = layers.LayerNormalization(epsilon=1e-6, name="norm")(x)
    logits = layers.Dense(1, name="logit")(x[:, 0])                       # the class token
    return keras.Model(inputs, logits, name=name)


def class_token_attention(model, images, block=-1, batch_size=64) -> np.ndarray:
    """Where the class token looks: its attention over the patches in one block.

    Args:
        model: a model from ``build_vit_discriminator``.
        images: (N, H, W, C) in [-1, 1].
        block: which Transformer block (an index into the model's blocks; -1: the last).

    Returns:
        (N, grid, grid) numpy, the class token's attention to each patch, averaged over the
        heads (the share it gives itself is left out, so a row sums to at most 1).
    """
    blocks = [layer for layer in model.layers if isinstance(layer, TransformerBlock)]
    if not blocks:
        raise ValueError(f"model {model.name!r} has no TransformerBlock; build it with "
                         "build_vit_discriminator.")
    index = _checks.whole_number(block, "block", minimum=-len(blocks), maximum=len(blocks) - 1)
    layer = blocks[index]
    tokens = features_before(model, layer, images, batch_size)
    scores = np.concatenate([layer(tokens[i:i + batch_size], return_attention=True)[1].numpy()
                             for i in range(0, len(tokens), batch_size)])
    patches = scores[:, :, 0, 1:].mean(axis=1)          # class token's row, heads averaged
    grid = int(round(np.sqrt(patches.shape[1])))
    return patches.reshape(len(patches), grid, grid)
