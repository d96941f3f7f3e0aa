"""Networks: functions that build plain Keras models from shapes and widths.

- ``dcgan``: ``dcgan_generator`` and ``dcgan_discriminator`` (Radford et al. 2016);
- ``mlp``: ``mlp_generator`` and ``mlp_discriminator`` for points (1-D and 2-D toy GANs);
- ``conditional``: a generator and two discriminators that also read a class label
  (projection, auxiliary classifier);
- ``translation``: the U-Net generator and the PatchGAN discriminator of pix2pix and
  CycleGAN;
- ``attention``: SAGAN's self-attention layer and how to insert it into a DCGAN;
- ``vit``: a Vision-Transformer discriminator (patches, class token, Transformer blocks)
  and where its class token looks.
"""

from ganlib.nets.attention import (
    SelfAttention,
    add_self_attention,
    attention_layers,
    attention_maps,
    features_before,
    insert_attention,
)
from ganlib.nets.conditional import (
    auxiliary_classifier_discriminator,
    check_num_classes,
    conditional_generator,
    projection_discriminator,
)
from ganlib.nets.dcgan import dcgan_discriminator, dcgan_generator, upsampling_plan
from ganlib.nets.mlp import mlp_discriminator, mlp_generator
from ganlib.nets.translation import NORMS, patchgan_discriminator, unet_generator
from ganlib.nets.vit import build_vit_discriminator, class_token_attention, patch_sizes

__all__ = [
    "NORMS",
    "SelfAttention",
    "add_self_attention",
    "attention_layers",
    "attention_maps",
    "auxiliary_classifier_discriminator",
    "build_vit_discriminator",
    "check_num_classes",
    "class_token_attention",
    "conditional_generator",
    "dcgan_discriminator",
    "dcgan_generator",
    "features_before",
    "insert_attention",
    "mlp_discriminator",
    "mlp_generator",
    "patch_sizes",
    "patchgan_discriminator",
    "projection_discriminator",
    "unet_generator",
    "upsampling_plan",
]
