"""Networks that read a class label: a conditional generator and two kinds of discriminator.

The generator reads ``(z, label)``: the label's learned embedding is concatenated with z
and fed to the DCGAN generator (Mirza & Osindero 2014, "Conditional Generative
Adversarial Nets"). The projection discriminator (Miyato & Koyama 2018, "cGANs with
Projection Discriminator"), with h the features before its last layer, computes

    logit(x, y) = psi(h(x)) + <embed(y), h(x)>,

an unconditional realism score plus how well the features match the class's embedding.
The auxiliary-classifier discriminator (AC-GAN, Odena, Olah & Shlens 2017) reads the image
only and has two heads: a realism logit and a class prediction.
"""

from __future__ import annotations

import keras
from keras import layers

from ganlib import _checks
from ganlib.nets import dcgan

__all__ = ["auxiliary_classifier_discriminator", "check_num_classes", "conditional_generator",
           "projection_discriminator"]


#: Layer names the functions below look up (they survive ``keras.models.clone_model``).
EMBEDDING_LAYER = "class_embedding"


BODY_MODEL = "generator_body"


CLASS_HEAD = "class_logits"



def check_num_classes(num_classes) -> int:
    """``num_classes`` as an int, after checking a conditional network can have that many."""
    return _checks.whole_number(num_classes, "num_classes", 2, hint=" (10 for MNIST)")


def conditional_generator(latent_dim=64, num_classes=10, image_shape=(28, 28, 1), width=32,
                          embedding_dim=16, name="conditional_generator"):
    """Generator of ``(z, label)`` -> images (N, H, W, C) in [-1, 1].

    The label (an integer, 0 to num_classes - 1) picks a learned vector of
    ``embedding_dim`` values; z and that vector, concatenated, go through
    ``ganlib.nets.dcgan_generator`` (the body, named "generator_body").
    Mirza & Osindero 2014.
    """
    num_classes = check_num_classes(num_classes)
    embedding_dim = _checks.whole_number(embedding_dim, "embedding_dim")
    latent_dim = _checks.whole_number(latent_dim, "latent_dim")
    body = dcgan.dcgan_generator(latent_dim + embedding_dim, image_shape, width=width,
                                  name=BODY_MODEL)
    z = keras.Input((latent_dim,), name="z")
    label = keras.Input((), dtype="int32", name="label")
    embedded = layers.Embedding(num_classes, embedding_dim, name=EMBEDDING_LAYER)(label)
    images = body(layers.Concatenate(name="z_and_class")([z, embedded]))
    return keras.Model([z, label], images, name=name)


def projection_discriminator(num_classes=10, image_shape=(28, 28, 1), width=32,
                             spectral_norm=False, name="projection_discriminator",
                             batch_norm=False):
    """Discriminator of ``(images, label)`` -> one logit per image: psi(h) + <embed(y), h>.

    h is the input of the DCGAN discriminator's last (Dense) layer, psi that layer; the
    class embedding has one vector per class, as long as h. Miyato & Koyama 2018.
    """
    num_classes = check_num_classes(num_classes)
    base = dcgan.dcgan_discriminator(image_shape, width=width, spectral_norm=spectral_norm,
                                      batch_norm=batch_norm, name=f"{name}_base")
    psi = base.get_layer("logit")
    features = psi.input
    label = keras.Input((), dtype="int32", name="label")
    embedded = layers.Embedding(num_classes, features.shape[-1], name="projection")(label)
    projection = layers.Dot(axes=1, name="inner_product")([embedded, features])
    logits = layers.Add(name="logit_plus_projection")([psi.output, projection])
    return keras.Model([base.input, label], logits, name=name)


def auxiliary_classifier_discriminator(num_classes=10, image_shape=(28, 28, 1), width=32,
                                       spectral_norm=False,
                                       name="auxiliary_classifier_discriminator",
                                       batch_norm=False):
    """Discriminator of images -> (realism logit (N, 1), class logits (N, num_classes)).

    Both heads read h, the input of the DCGAN discriminator's last layer: psi (the realism
    logit) and a Dense layer named "class_logits". Odena, Olah & Shlens 2017 (AC-GAN).
    """
    num_classes = check_num_classes(num_classes)
    base = dcgan.dcgan_discriminator(image_shape, width=width, spectral_norm=spectral_norm,
                                      batch_norm=batch_norm, name=f"{name}_base")
    psi = base.get_layer("logit")
    class_logits = layers.Dense(num_classes, name=CLASS_HEAD)(psi.input)
    return keras.Model(base.input, [psi.output, class_logits], name=name)
