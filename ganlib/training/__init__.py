"""Training: the GAN as a Keras model, the loop around ``fit``, callbacks and recipes.

- ``gan``: ``GAN``, a ``keras.Model`` whose ``train_step`` makes the discriminator and
  generator updates (read it: it is the heart of the course);
- ``loop``: ``train_gan``, a step budget with checkpoints and resume; ``reuse_trained``,
  a GAN another notebook trained, from its checkpoints;
- ``checkpoints``: ``CheckpointFolder``, saves that are read back before older ones go,
  a damaged newest one set aside, one trainer per folder;
- ``callbacks``: live sample grids, checkpoints, a NaN guard, stop signals, progress,
  the learning-rate decay of ``lr_decay``;
- ``monitor``: ``MetricsMonitor``, scores and health warnings while training;
- ``hyperparameters``: the accepted range of every training setting, in one place, and
  ``check_parameters``, which checks a notebook's parameter cell by name;
- ``recipes``: ``DCGANRecipe`` (the course's defaults, checked), ``VARIANTS`` (the
  remedies of notebook 05), ``for_budget`` (the default or the wider ``LONG`` setting,
  picked from the training time) and ``build_dcgan``.
"""

from ganlib.training.callbacks import (
    CheckpointSaver,
    LearningRateDecay,
    LiveSamples,
    NonFiniteGuard,
    StepProgress,
    StopAfterSeconds,
    StopAtStep,
    StopOnEvent,
)
from ganlib.training.gan import GAN
from ganlib.training.loop import (
    gan_checkpoint,
    restore_latest_checkpoint,
    reuse_trained,
    train_gan,
)
from ganlib.training.monitor import (
    HealthRules,
    MetricsMonitor,
    health_warnings,
    load_records,
    probe_discriminator,
)
from ganlib.training.recipes import (
    LONG,
    LONG_BUDGET_SECONDS,
    PLAIN,
    VARIANTS,
    DCGANRecipe,
    build_dcgan,
    for_budget,
    variant,
)

__all__ = [
    "CheckpointSaver",
    "DCGANRecipe",
    "GAN",
    "HealthRules",
    "LONG",
    "LONG_BUDGET_SECONDS",
    "LearningRateDecay",
    "LiveSamples",
    "MetricsMonitor",
    "NonFiniteGuard",
    "PLAIN",
    "StepProgress",
    "StopAfterSeconds",
    "StopAtStep",
    "StopOnEvent",
    "VARIANTS",
    "build_dcgan",
    "for_budget",
    "gan_checkpoint",
    "health_warnings",
    "load_records",
    "probe_discriminator",
    "restore_latest_checkpoint",
    "reuse_trained",
    "train_gan",
    "variant",
]
