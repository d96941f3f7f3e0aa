"""Class-conditional GANs: the label steers the generator and the discriminator.

``ConditionalGAN`` trains a conditional generator and a projection discriminator
(``ganlib.nets.conditional``) on batches of (images, labels) with the losses, penalties,
EMA generator and checkpoints of ``ganlib.training.GAN``; ``train_gan`` works unchanged.
``AuxiliaryClassifierGAN`` uses the auxiliary-classifier discriminator instead (AC-GAN,
Odena, Olah & Shlens 2017): both sides are also trained to get the class right.
``build_conditional_gan`` builds either from a ``DCGANRecipe``.
"""

from __future__ import annotations

from types import SimpleNamespace

import keras
import numpy as np
import tensorflow as tf

from ganlib import _checks, data, losses
from ganlib.nets.conditional import (
    CLASS_HEAD,
    EMBEDDING_LAYER,
    auxiliary_classifier_discriminator,
    conditional_generator,
    projection_discriminator,
)
from ganlib.training.gan import GAN
from ganlib.training.recipes import DCGANRecipe

__all__ = ["AuxiliaryClassifierGAN", "ConditionalGAN", "DISCRIMINATORS", "build_conditional_gan"]


#: How the discriminator learns about classes: name -> what it does.
DISCRIMINATORS = {
    "projection": "reads (image, label); logit = psi(h) + <embed(label), h> (Miyato & Koyama "
                  "2018)",
    "auxiliary": "reads the image; a realism logit and a class prediction, both trained "
                 "(AC-GAN, Odena et al. 2017)",
}


def _num_classes_of(model, role):
    layer_name, builder = {
        "generator": (EMBEDDING_LAYER, "conditional_generator"),
        "discriminator": ("projection", "projection_discriminator"),
        "auxiliary": (CLASS_HEAD, "auxiliary_classifier_discriminator"),
    }[role]
    try:
        layer = model.get_layer(layer_name)
        return int(layer.units if role == "auxiliary" else layer.input_dim)
    except (ValueError, AttributeError):
        raise ValueError(f"The {role} has no class embedding ({layer_name!r}); build it with "
                         f"ganlib.conditional.{builder}(...).") from None


class ConditionalGAN(GAN):
    """A ``GAN`` whose networks also read the class label; trains on (images, labels).

    The fakes of each step get the labels of the real batch, so both sides see every class
    as often as the data holds it. Everything else (``compile``'s losses, critic steps,
    gradient penalty, R1, EMA; ``state_objects``, checkpoints, ``train_gan``) is
    ``GAN``'s. Mirza & Osindero 2014; Miyato & Koyama 2018.

    Args:
        generator: ``conditional_generator(...)``; discriminator: ``projection_discriminator``.
        seed: seed of the latent sampler used in training.
    """

    #: ``_num_classes_of`` role of the discriminator this class trains.
    discriminator_role = "discriminator"

    def __init__(self, generator, discriminator, seed=0, **kwargs):
        num_classes = _num_classes_of(generator, "generator")
        judged = _num_classes_of(discriminator, self.discriminator_role)
        if judged != num_classes:
            raise ValueError(
                f"The generator was built for {num_classes} classes but the discriminator "
                f"for {judged}; build both with the same num_classes."
            )
        latent_dim = int(generator.input_shape[0][-1])
        image_input = discriminator.input_shape
        if isinstance(image_input, list):  # (image, label) inputs: the first is the image
            image_input = image_input[0]
        # GAN checks the latent size and the image shapes of single-input networks: run its
        # checks on the (z -> image) and (image ->) parts, then keep the real networks.
        super().__init__(
            SimpleNamespace(input_shape=(None, latent_dim), output_shape=generator.output_shape),
            SimpleNamespace(input_shape=image_input),
            latent_dim=latent_dim, seed=seed, **kwargs)
        self.generator = generator
        self.discriminator = discriminator
        self.num_classes = num_classes

    def call(self, inputs, training=False):
        return self.generator(inputs, training=training)

    def _labels_of(self, data_batch):
        if not isinstance(data_batch, (tuple, list)) or len(data_batch) < 2:
            raise ValueError("A ConditionalGAN trains on batches of (images, labels); make "
                             "them with ganlib.data.make_dataset(images, batch_size, "
                             "labels=labels).")
        images, labels = data_batch[0], data_batch[1]
        if labels.dtype.is_floating or labels.shape.rank != 1:
            raise TypeError(f"labels must be a batch of integer class indices (N,), got "
                            f"{labels.dtype.name} of shape {labels.shape}.")
        labels = tf.cast(labels, tf.int32)
        checks = [tf.debugging.assert_non_negative(labels, message="labels must be >= 0"),
                  tf.debugging.assert_less(labels, self.num_classes, message=(
                      f"labels must be below num_classes={self.num_classes}"))]
        with tf.control_dependencies(checks):  # check before the embeddings look them up
            return images, tf.identity(labels)

    def _judge(self, images, labels, real=False):
        """Realism logits of ``images`` (made for ``labels``; ``real`` marks the data batch)
        and their class loss (none for the projection discriminator: the label is one of
        its inputs)."""
        return self.discriminator([images, labels], training=True), 0.0

    def _discriminator_step(self, real, labels, scale):
        z = keras.random.normal((tf.shape(real)[0], self.latent_dim), seed=self.seed_generator)

        def critic(points):
            return self._judge(points, labels)[0]

        with tf.GradientTape() as tape:
            fake = self.generator([z, labels], training=True)
            (real_logits, real_class_loss), (fake_logits, fake_class_loss) = (
                self._judge(real, labels, real=True), self._judge(fake, labels))
            d_loss = self.d_loss_fn(real_logits, fake_logits)
            if self.gradient_penalty_weight > 0:
                penalty = losses.gradient_penalty(critic, real, fake, seed=self.seed_generator)
                self.penalty_tracker.update_state(penalty)
                d_loss += self.gradient_penalty_weight * penalty
            if self.r1_weight > 0:
                r1 = losses.r1_penalty(critic, real)
                self.r1_tracker.update_state(r1)
                d_loss += 0.5 * self.r1_weight * r1
            d_loss += self._class_loss_term(real_class_loss + fake_class_loss)
            scaled = d_loss * scale  # inside the tape, or there would be no gradient
        variables = self.discriminator.trainable_variables
        self.d_optimizer.apply_gradients(
            zip(tape.gradient(scaled, variables), variables, strict=True))
        self.d_loss_tracker.update_state(d_loss)
        return real_logits, fake_logits

    def _class_loss_term(self, class_loss):
        """What the class loss adds to a network's loss (nothing here: no class head)."""
        return class_loss

    def _generator_step(self, labels, scale):
        z = keras.random.normal((tf.shape(labels)[0], self.latent_dim),
                                seed=self.seed_generator)
        with tf.GradientTape() as tape:
            fake = self.generator([z, labels], training=True)
            fake_logits, fake_class_loss = self._judge(fake, labels)
            g_loss = self.g_loss_fn(fake_logits) + self._class_loss_term(fake_class_loss)
            scaled = g_loss * scale
        variables = self.generator.trainable_variables
        self.g_optimizer.apply_gradients(
            zip(tape.gradient(scaled, variables), variables, strict=True))
        if self.ema_generator is not None:
            self._update_ema()
        self.g_loss_tracker.update_state(g_loss)

    def train_step(self, data_batch):
        real, labels = self._labels_of(data_batch)
        scale = self._replica_scale()
        for _ in range(self.d_steps):
            real_logits, fake_logits = self._discriminator_step(real, labels, scale)
        self._generator_step(labels, scale)
        self.real_score_tracker.update_state(tf.reduce_mean(tf.sigmoid(real_logits)))
        self.fake_score_tracker.update_state(tf.reduce_mean(tf.sigmoid(fake_logits)))
        return {m.name: m.result() for m in self.metrics}

    def check_labels(self, labels, n=None) -> np.ndarray:
        """``labels`` as int array after checking them against this model's class count."""
        return data.check_labels(labels, self.num_classes, n=n)

    def generate(self, latent=None, labels=None, n=None, seed=0):
        """Images in [-1, 1] of the classes ``labels`` (one per image), made by ``sampler``.

        Pass a fixed ``latent`` batch (N, latent_dim), or let ``n = len(labels)`` latents
        be drawn with ``seed``.
        """
        if labels is None:
            raise ValueError("A ConditionalGAN needs labels: one class index per image, "
                             f"0 to {self.num_classes - 1}.")
        labels = self.check_labels(labels)
        if latent is None:
            latent = np.random.default_rng(seed).standard_normal((len(labels),
                                                                  self.latent_dim))
        latent = np.asarray(latent, np.float32)
        if latent.ndim != 2 or latent.shape != (len(labels), self.latent_dim):
            raise ValueError(f"latent must have shape ({len(labels)}, {self.latent_dim}) "
                             f"(one row per label), got {latent.shape}.")
        return self.sampler.predict([latent, labels.astype(np.int32)], batch_size=256,
                                    verbose=0)


class AuxiliaryClassifierGAN(ConditionalGAN):
    """A ``ConditionalGAN`` whose discriminator reads the image only and also classifies it.

    Losses (Odena, Olah & Shlens 2017): the discriminator adds
    ``class_loss_weight * (CE(real class) + CE(requested class of the fakes))`` to its
    realism loss; the generator adds ``class_loss_weight * CE(requested class of its
    fakes)``, so it is pushed to draw images the classifier head recognises. The class
    head's loss and accuracy on the real batches are reported as ``class_loss`` and
    ``real_class_accuracy``.

    Args:
        generator: ``conditional_generator(...)``;
        discriminator: ``auxiliary_classifier_discriminator(...)``;
        class_loss_weight: weight of the class terms (> 0; 1 in the paper).
    """

    discriminator_role = "auxiliary"

    def __init__(self, generator, discriminator, seed=0, class_loss_weight=1.0, **kwargs):
        super().__init__(generator, discriminator, seed=seed, **kwargs)
        weight = float(class_loss_weight)
        if not np.isfinite(weight) or weight <= 0:
            raise ValueError(f"class_loss_weight must be a finite number > 0 (1 in the AC-GAN "
                             f"paper), got {class_loss_weight!r}.")
        self.class_loss_weight = weight
        self.class_loss_tracker = keras.metrics.Mean(name="class_loss")
        self.class_accuracy_tracker = keras.metrics.Mean(name="real_class_accuracy")

    @property
    def metrics(self):
        return [*super().metrics, self.class_loss_tracker, self.class_accuracy_tracker]

    def _judge(self, images, labels, real=False):
        logits, class_logits = self.discriminator(images, training=True)
        class_loss = tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(
            labels, class_logits, from_logits=True))
        if real:
            hits = tf.equal(tf.argmax(class_logits, axis=-1, output_type=tf.int32), labels)
            self.class_accuracy_tracker.update_state(tf.reduce_mean(tf.cast(hits, tf.float32)))
            self.class_loss_tracker.update_state(class_loss)
        return logits, class_loss

    def _class_loss_term(self, class_loss):
        return self.class_loss_weight * class_loss

    def classify(self, images):
        """The class head's prediction (int, N) for images in [-1, 1] (N, H, W, C): the
        discriminator doubles as a classifier of real images."""
        images = np.asarray(images, np.float32)
        expected = tuple(self.discriminator.input_shape[1:])
        if images.ndim != 4 or images.shape[1:] != expected:
            raise ValueError(f"images must have shape (N, {', '.join(map(str, expected))}) "
                             f"in [-1, 1], got {images.shape}.")
        logits = self.discriminator.predict(images, batch_size=256, verbose=0)[1]
        return logits.argmax(axis=-1)


def build_conditional_gan(recipe: DCGANRecipe, num_classes=10, image_shape=(28, 28, 1),
                          embedding_dim=16, discriminator="projection",
                          class_loss_weight=1.0) -> ConditionalGAN:
    """Build and compile the conditional GAN with ``recipe``'s sizes and training settings.

    The same ``DCGANRecipe`` as notebook 04 (width, latent size, optimizers, loss,
    penalties, spectral norm, EMA), with a class embedding in the generator.
    ``discriminator`` is one of ``DISCRIMINATORS``: "projection" (a ``ConditionalGAN``)
    or "auxiliary" (an ``AuxiliaryClassifierGAN`` with ``class_loss_weight``).
    """
    if not isinstance(recipe, DCGANRecipe):
        raise TypeError(f"recipe must be a DCGANRecipe, got {type(recipe).__name__}.")
    _checks.choice(discriminator, "discriminator", sorted(DISCRIMINATORS))
    keras.utils.set_random_seed(recipe.seed)
    generator = conditional_generator(recipe.latent_dim, num_classes, image_shape,
                                      width=recipe.width, embedding_dim=embedding_dim)
    if discriminator == "auxiliary":
        gan = AuxiliaryClassifierGAN(
            generator, auxiliary_classifier_discriminator(
                num_classes, image_shape, width=recipe.width,
                spectral_norm=recipe.spectral_norm, batch_norm=recipe.d_batch_norm),
            seed=recipe.seed, class_loss_weight=class_loss_weight)
    else:
        gan = ConditionalGAN(
            generator, projection_discriminator(num_classes, image_shape, width=recipe.width,
                                                spectral_norm=recipe.spectral_norm,
                                                batch_norm=recipe.d_batch_norm),
            seed=recipe.seed)
    gan.compile(
        d_optimizer=keras.optimizers.Adam(recipe.d_learning_rate, beta_1=recipe.beta1),
        g_optimizer=keras.optimizers.Adam(recipe.g_learning_rate, beta_1=recipe.beta1),
        loss=recipe.loss, d_steps=recipe.d_steps, r1_weight=recipe.r1_weight,
        gradient_penalty_weight=recipe.gradient_penalty_weight, ema_decay=recipe.ema_decay)
    return gan
