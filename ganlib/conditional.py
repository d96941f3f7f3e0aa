"""Class-conditional GANs: the label steers the generator and the discriminator.

The generator reads ``(z, label)``: the label's learned embedding is concatenated with z
and fed to the DCGAN generator (Mirza & Osindero 2014, "Conditional Generative
Adversarial Nets"). The discriminator is a projection discriminator (Miyato & Koyama
2018, "cGANs with Projection Discriminator"): with h the features before its last layer,

    logit(x, y) = psi(h(x)) + <embed(y), h(x)>,

an unconditional realism score plus how well the features match the class's embedding.
``ConditionalGAN`` trains them on batches of (images, labels) with the losses, penalties,
EMA generator and checkpoints of ``ganlib.training.GAN``; ``train_gan`` works unchanged.

The other way to tell the discriminator about classes is the auxiliary classifier (AC-GAN,
Odena, Olah & Shlens 2017): the discriminator reads the image only and has two heads, a
realism logit and a class prediction. Both sides are also trained to get the class right
(``AuxiliaryClassifierGAN``; ``build_conditional_gan(..., discriminator="auxiliary")``).

The rest shows what the label does: a grid with one row per class, a walk through the
latent space with the class fixed, a walk from one class to another with z fixed, and the
conditional accuracy (do the samples belong to the class asked for, according to
``ganlib.classifier``'s classifier?).

Used in: notebooks/07_conditional.ipynb, bench/train_budget.py --recipe conditional.
"""

from __future__ import annotations

import numbers
from types import SimpleNamespace

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from ganlib import callbacks, data, losses, models
from ganlib import classifier as feature_classifiers
from ganlib.recipes import DCGANRecipe
from ganlib.training import GAN

__all__ = [
    "DISCRIMINATORS",
    "AuxiliaryClassifierGAN",
    "ConditionalGAN",
    "ConditionalSamples",
    "build_conditional_gan",
    "class_grid",
    "class_grid_inputs",
    "conditional_accuracy",
    "requested_class_accuracy",
    "conditional_generator",
    "interpolate_class",
    "interpolate_latent",
    "auxiliary_classifier_discriminator",
    "projection_discriminator",
]

#: Layer names the functions below look up (they survive ``keras.models.clone_model``).
EMBEDDING_LAYER = "class_embedding"
BODY_MODEL = "generator_body"
CLASS_HEAD = "class_logits"

#: How the discriminator learns about classes: name -> what it does.
DISCRIMINATORS = {
    "projection": "reads (image, label); logit = psi(h) + <embed(label), h> (Miyato & Koyama "
                  "2018)",
    "auxiliary": "reads the image; a realism logit and a class prediction, both trained "
                 "(AC-GAN, Odena et al. 2017)",
}


def _whole(value, name, minimum=1, example=""):
    """``value`` as an int after checking it is a whole number >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be a whole number >= {minimum}{example}, got "
                         f"{value!r}.")
    return int(value)


def _check_num_classes(num_classes):
    return _whole(num_classes, "num_classes", 2, " (10 for MNIST)")


def conditional_generator(latent_dim=64, num_classes=10, image_shape=(28, 28, 1), width=32,
                          embedding_dim=16, name="conditional_generator"):
    """Generator of ``(z, label)`` -> images (N, H, W, C) in [-1, 1].

    The label (an integer, 0 to num_classes - 1) picks a learned vector of
    ``embedding_dim`` values; z and that vector, concatenated, go through
    ``ganlib.models.dcgan_generator`` (the body, named "generator_body").
    Mirza & Osindero 2014.
    """
    num_classes = _check_num_classes(num_classes)
    embedding_dim = _whole(embedding_dim, "embedding_dim")
    latent_dim = _whole(latent_dim, "latent_dim")
    body = models.dcgan_generator(latent_dim + embedding_dim, image_shape, width=width,
                                  name=BODY_MODEL)
    z = keras.Input((latent_dim,), name="z")
    label = keras.Input((), dtype="int32", name="label")
    embedded = layers.Embedding(num_classes, embedding_dim, name=EMBEDDING_LAYER)(label)
    images = body(layers.Concatenate(name="z_and_class")([z, embedded]))
    return keras.Model([z, label], images, name=name)


def projection_discriminator(num_classes=10, image_shape=(28, 28, 1), width=32,
                             spectral_norm=False, name="projection_discriminator"):
    """Discriminator of ``(images, label)`` -> one logit per image: psi(h) + <embed(y), h>.

    h is the input of the DCGAN discriminator's last (Dense) layer, psi that layer; the
    class embedding has one vector per class, as long as h. Miyato & Koyama 2018.
    """
    num_classes = _check_num_classes(num_classes)
    base = models.dcgan_discriminator(image_shape, width=width, spectral_norm=spectral_norm,
                                      name=f"{name}_base")
    psi = base.get_layer("logit")
    features = psi.input
    label = keras.Input((), dtype="int32", name="label")
    embedded = layers.Embedding(num_classes, features.shape[-1], name="projection")(label)
    projection = layers.Dot(axes=1, name="inner_product")([embedded, features])
    logits = layers.Add(name="logit_plus_projection")([psi.output, projection])
    return keras.Model([base.input, label], logits, name=name)


def auxiliary_classifier_discriminator(num_classes=10, image_shape=(28, 28, 1), width=32,
                                       spectral_norm=False,
                                       name="auxiliary_classifier_discriminator"):
    """Discriminator of images -> (realism logit (N, 1), class logits (N, num_classes)).

    Both heads read h, the input of the DCGAN discriminator's last layer: psi (the realism
    logit) and a Dense layer named "class_logits". Odena, Olah & Shlens 2017 (AC-GAN).
    """
    num_classes = _check_num_classes(num_classes)
    base = models.dcgan_discriminator(image_shape, width=width, spectral_norm=spectral_norm,
                                      name=f"{name}_base")
    psi = base.get_layer("logit")
    class_logits = layers.Dense(num_classes, name=CLASS_HEAD)(psi.input)
    return keras.Model(base.input, [psi.output, class_logits], name=name)


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
    if discriminator not in DISCRIMINATORS:
        raise ValueError(f"Unknown discriminator {discriminator!r}; choose one of "
                         f"{sorted(DISCRIMINATORS)}.")
    keras.utils.set_random_seed(recipe.seed)
    generator = conditional_generator(recipe.latent_dim, num_classes, image_shape,
                                      width=recipe.width, embedding_dim=embedding_dim)
    if discriminator == "auxiliary":
        gan = AuxiliaryClassifierGAN(
            generator, auxiliary_classifier_discriminator(
                num_classes, image_shape, width=recipe.width,
                spectral_norm=recipe.spectral_norm),
            seed=recipe.seed, class_loss_weight=class_loss_weight)
    else:
        gan = ConditionalGAN(
            generator, projection_discriminator(num_classes, image_shape, width=recipe.width,
                                                spectral_norm=recipe.spectral_norm),
            seed=recipe.seed)
    gan.compile(
        d_optimizer=keras.optimizers.Adam(recipe.d_learning_rate, beta_1=recipe.beta1),
        g_optimizer=keras.optimizers.Adam(recipe.g_learning_rate, beta_1=recipe.beta1),
        loss=recipe.loss, d_steps=recipe.d_steps, r1_weight=recipe.r1_weight,
        gradient_penalty_weight=recipe.gradient_penalty_weight, ema_decay=recipe.ema_decay)
    return gan


# --------------------------------------------------------------------------- pictures


def _check_gan(gan):
    if not isinstance(gan, ConditionalGAN):
        raise TypeError(f"gan must be a ganlib.conditional.ConditionalGAN, got "
                        f"{type(gan).__name__}.")


def _check_steps(steps):
    steps = _whole(steps, "steps", 2, " (both ends included)")
    return np.linspace(0.0, 1.0, steps, dtype=np.float32)[:, None]


def class_grid(gan, per_class=10, classes=None, seed=0):
    """Samples with one row per class and one latent per column (the same in every row).

    Returns (images, labels): images (len(classes) * per_class, H, W, C) in [-1, 1], row
    by row. Down a column only the class changes; along a row only z.
    """
    _check_gan(gan)
    latent, labels = class_grid_inputs(gan.latent_dim, gan.num_classes, per_class, classes,
                                       seed=seed)
    return gan.generate(latent, labels), labels


def class_grid_inputs(latent_dim, num_classes, per_class=10, classes=None, seed=0):
    """The (latent, labels) batch of ``class_grid``: one row per class, the same
    ``per_class`` latents in every row. Returns float32 (N, latent_dim) and int (N,)."""
    latent_dim = _whole(latent_dim, "latent_dim")
    per_class = _whole(per_class, "per_class")
    num_classes = _check_num_classes(num_classes)
    classes = data.check_labels(np.arange(num_classes) if classes is None else classes,
                                num_classes, name="classes")
    latent = np.random.default_rng(seed).standard_normal((per_class, latent_dim))
    return np.tile(latent, (len(classes), 1)).astype(np.float32), \
        np.repeat(classes, per_class)


def interpolate_latent(gan, label, latent_start, latent_end, steps=8):
    """Images along the straight line from ``latent_start`` to ``latent_end``, class fixed.

    Returns (steps, H, W, C); the first and last images are the samples of the two ends.
    """
    _check_gan(gan)
    t = _check_steps(steps)
    start, end = (np.asarray(v, np.float32).reshape(-1) for v in (latent_start, latent_end))
    for value, name in ((start, "latent_start"), (end, "latent_end")):
        if value.shape != (gan.latent_dim,):
            raise ValueError(f"{name} must hold latent_dim={gan.latent_dim} values, got "
                             f"{value.size}.")
    latent = (1.0 - t) * start + t * end
    return gan.generate(latent, np.full(len(t), label))


def interpolate_class(gan, latent, start_class, end_class, steps=8):
    """Images with z fixed while the class embedding slides from one class to another.

    The generator's input mixes the two classes' embeddings, (1 - t) e_a + t e_b, which
    shows that the generator learned a continuous "class space". Returns
    (steps, H, W, C); the ends are the samples of ``start_class`` and ``end_class``.
    """
    _check_gan(gan)
    t = _check_steps(steps)
    classes = gan.check_labels([start_class, end_class])
    latent = np.asarray(latent, np.float32).reshape(1, -1)
    if latent.shape[1] != gan.latent_dim:
        raise ValueError(f"latent must hold latent_dim={gan.latent_dim} values, got "
                         f"{latent.shape[1]}.")
    sampler = gan.sampler
    table = sampler.get_layer(EMBEDDING_LAYER).embeddings.numpy()[classes]
    mixed = (1.0 - t) * table[0] + t * table[1]
    body_inputs = np.concatenate([np.repeat(latent, len(t), axis=0), mixed], axis=1)
    return sampler.get_layer(BODY_MODEL).predict(body_inputs, verbose=0)


# --------------------------------------------------------------------------- checks


def conditional_accuracy(gan, classifier, per_class=100, classes=None, seed=0):
    """Generate ``per_class`` images of each class and classify them.

    Args:
        gan: a trained ``ConditionalGAN``.
        classifier: ``ganlib.classifier.feature_classifier(dataset)`` for the dataset the
            GAN learned (same classes, same order).
        classes: the classes to ask for (default: all).

    Returns a dict: ``accuracy`` (overall share classified as requested),
    ``per_class`` (accuracy of each requested class, a dict), ``confusion`` (counts,
    rows = requested class, columns = predicted class, num_classes x num_classes),
    ``requested`` and ``predicted`` (one per image).
    """
    _check_gan(gan)
    outputs = int(classifier.output_shape[-1])
    if outputs != gan.num_classes:
        raise ValueError(f"The classifier tells {outputs} classes apart but the GAN was "
                         f"built for {gan.num_classes}; use the classifier of the dataset "
                         "the GAN was trained on.")
    images, requested = class_grid(gan, per_class, classes, seed=seed)
    return requested_class_accuracy(classifier, images, requested)


def requested_class_accuracy(classifier, images, requested):
    """How often ``classifier`` puts each image in the class it was generated for.

    Args:
        classifier: the dataset's ``ganlib.classifier.feature_classifier``.
        images: uint8 in [0, 255] or float in [-1, 1], (N, H, W, C) or grey (N, H, W).
        requested: the class each image was asked for, int (N,).

    Returns the dict described in ``conditional_accuracy``.

    Used in: conditional_accuracy, bench/score_samples.py (saved conditional samples).
    """
    num_classes = int(classifier.output_shape[-1])
    images = np.asarray(images)
    if images.ndim == 3:
        images = images[..., None]
    requested = data.check_labels(requested, num_classes=num_classes, n=len(images),
                                  name="requested")
    predicted = feature_classifiers.classifier_probabilities(classifier, images).argmax(1)
    confusion = np.zeros((num_classes, num_classes), np.int64)
    np.add.at(confusion, (requested, predicted), 1)
    correct = predicted == requested
    return {"accuracy": float(correct.mean()),
            "per_class": {int(c): float(correct[requested == c].mean())
                          for c in np.unique(requested)},
            "confusion": confusion, "requested": requested, "predicted": predicted}


class ConditionalSamples(callbacks.LiveSamples):
    """``LiveSamples`` for a ``ConditionalGAN``: redraws a fixed batch of (latent, label).

    With the batch of ``class_grid_inputs(latent_dim, num_classes, per_class=num_classes)``
    the live grid is square and shows one row per class. Other arguments as
    ``LiveSamples`` (refresh interval, GIF, figure and history paths).
    """

    def __init__(self, latent, labels, **kwargs):
        super().__init__(latent, **kwargs)
        labels = data.check_labels(labels, n=len(self.latent))
        # LiveSamples hands self.latent to sampler.predict: two inputs for this sampler.
        self.latent = [self.latent, labels.astype(np.int32)]
