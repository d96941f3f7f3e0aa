"""The course's training loop around ``fit``: a step budget, checkpoints, and resume.

``train_gan`` trains until a number of generator updates is reached, restoring the newest
checkpoint first when it is ahead, so an interrupted or crashed run resumes where it was.
``reuse_trained`` takes a GAN that another notebook trained from its checkpoints, when one
fits, so that a later notebook need not train it again.
"""

from __future__ import annotations

import math
from pathlib import Path

import tensorflow as tf

from ganlib import _checks
from ganlib.training.callbacks import CheckpointSaver, LearningRateDecay, StopAtStep
from ganlib.training.checkpoints import CheckpointFolder
from ganlib.training.gan import GAN

__all__ = ["gan_checkpoint", "restore_latest_checkpoint", "reuse_trained", "train_gan"]


def gan_checkpoint(gan: GAN) -> tf.train.Checkpoint:
    """A ``tf.train.Checkpoint`` of everything training needs to resume exactly."""
    return tf.train.Checkpoint(**gan.state_objects(), seed_state=gan.seed_generator.state)


def restore_latest_checkpoint(gan: GAN, checkpoint_dir) -> int:
    """Restore the newest intact checkpoint in ``checkpoint_dir``; return the step reached.

    A damaged checkpoint is reported and passed over for the one before it
    (``ganlib.training.checkpoints``). Returns 0 when there is none.
    """
    if not CheckpointFolder(checkpoint_dir).restore_newest(gan_checkpoint(gan)):
        return 0
    return gan.steps_done


def reuse_trained(build, checkpoint_dirs) -> tuple[GAN, Path | None]:
    """A GAN from ``build()`` with the weights another run left in ``checkpoint_dirs``, if any fit.

    The folders are tried in order, and one line is printed for each: no checkpoint there,
    a checkpoint of another model (other sizes or settings), or the step restored. The
    first folder whose newest intact checkpoint fits wins. Nothing is trained and nothing
    is written, except that a damaged checkpoint is set aside as ``restore_latest_checkpoint``
    does. After a checkpoint that does not fit, a fresh GAN is built, so a half-restored
    model is never returned.

    Args:
        build: a function without arguments returning a compiled GAN, e.g.
            ``lambda: build_dcgan(recipe, image_shape)``.
        checkpoint_dirs: the folders to try (an empty list: build only).

    Returns:
        (the GAN, the folder restored from), or (a freshly built GAN, None): then train it.
    """
    gan = build()
    for directory in checkpoint_dirs:
        folder = CheckpointFolder(directory)
        if not folder.steps():
            print(f"No checkpoint in {folder.directory}.")
            continue
        try:
            step = folder.restore_newest(gan_checkpoint(gan))
        except ValueError:  # restore_newest's refusal: other variables or shapes
            print(f"Not reused: the checkpoint in {folder.directory} holds another model "
                  "than this one (other sizes or settings); a fresh one is built.")
            gan = build()
            continue
        if step:
            print(f"Reused the GAN trained in {folder.directory}: step {step:,}.")
            return gan, folder.directory
        print(f"No intact checkpoint in {folder.directory}.")
    return gan, None


def train_gan(gan: GAN, dataset, steps: int, *, steps_per_epoch: int = 100,
              checkpoint_dir=None, callbacks=(), verbose="auto"):
    """Train ``gan`` until it has made ``steps`` generator updates in total.

    With ``checkpoint_dir``, the newest intact checkpoint there is restored first when it is
    ahead of ``gan`` (so an interrupted or crashed run resumes where it was), a checkpoint
    is written every ``steps_per_epoch`` steps and when training ends, and the folder is
    held for this run: a second trainer opening it meanwhile is refused
    (``ganlib.training.checkpoints``). A GAN compiled with ``lr_decay`` gets its
    learning-rate decay over these ``steps`` (``LearningRateDecay``). ``dataset`` must
    repeat (see ``ganlib.data.make_dataset``). Returns the Keras ``History`` (or None if nothing was
    left to do).
    """
    steps = _checks.whole_number(steps, "steps")
    steps_per_epoch = _checks.whole_number(steps_per_epoch, "steps_per_epoch")
    if not hasattr(gan, "d_optimizer"):
        raise RuntimeError("Call gan.compile(d_optimizer=..., g_optimizer=...) before training.")
    callbacks = list(callbacks)
    if getattr(gan, "lr_decay", 0) > 0:
        callbacks.append(LearningRateDecay(gan.lr_decay, total_steps=steps))
    if checkpoint_dir is None:
        return _fit(gan, dataset, steps, steps_per_epoch, callbacks, verbose)
    folder = CheckpointFolder(checkpoint_dir)
    with folder:
        done = folder.restore_newest(gan_checkpoint(gan), newer_than=gan.steps_done)
        if done:
            print(f"Resumed from the checkpoint in {folder.directory} at step {done}.")
        saver = CheckpointSaver(gan_checkpoint(gan), folder.directory)
        return _fit(gan, dataset, steps, steps_per_epoch, [*callbacks, saver], verbose)


def _fit(gan, dataset, steps, steps_per_epoch, callbacks, verbose):
    """``fit`` from the GAN's current step up to ``steps`` generator updates."""
    done = gan.steps_done
    if done >= steps:
        print(f"Nothing to do: {done} of {steps} steps are already done.")
        return None
    first_epoch = done // steps_per_epoch
    last_epoch = first_epoch + math.ceil((steps - done) / steps_per_epoch) + 1
    return gan.fit(dataset, epochs=last_epoch, initial_epoch=first_epoch,
                   steps_per_epoch=steps_per_epoch, callbacks=[*callbacks, StopAtStep(steps)],
                   verbose=verbose, shuffle=False)
