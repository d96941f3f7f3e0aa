"""The course's training loop around ``fit``: a step budget, checkpoints, and resume.

``train_gan`` trains until a number of generator updates is reached, restoring the newest
checkpoint first when it is ahead, so an interrupted or crashed run resumes where it was.
"""

from __future__ import annotations

import math
from pathlib import Path

import tensorflow as tf

from ganlib import _checks
from ganlib.training.callbacks import CheckpointSaver, StopAtStep
from ganlib.training.gan import GAN

__all__ = ["gan_checkpoint", "restore_latest_checkpoint", "train_gan"]


def gan_checkpoint(gan: GAN) -> tf.train.Checkpoint:
    """A ``tf.train.Checkpoint`` of everything training needs to resume exactly."""
    return tf.train.Checkpoint(**gan.state_objects(), seed_state=gan.seed_generator.state)


def restore_latest_checkpoint(gan: GAN, checkpoint_dir) -> int:
    """Restore the newest checkpoint in ``checkpoint_dir`` (if any); return the step reached."""
    latest = tf.train.latest_checkpoint(str(checkpoint_dir))
    if latest is None:
        return 0
    gan_checkpoint(gan).restore(latest).assert_existing_objects_matched()
    return gan.steps_done


def train_gan(gan: GAN, dataset, steps: int, *, steps_per_epoch: int = 100,
              checkpoint_dir=None, callbacks=(), verbose="auto"):
    """Train ``gan`` until it has made ``steps`` generator updates in total.

    With ``checkpoint_dir``, the newest checkpoint there is restored first when it is ahead
    of ``gan`` (so an interrupted or crashed run resumes where it was), and a checkpoint is
    written every ``steps_per_epoch`` steps and when training ends. ``dataset`` must repeat
    (see ``ganlib.data.make_dataset``). Returns the Keras ``History`` (or None if nothing
    was left to do).
    """
    steps = _checks.whole_number(steps, "steps")
    steps_per_epoch = _checks.whole_number(steps_per_epoch, "steps_per_epoch")
    if not hasattr(gan, "d_optimizer"):
        raise RuntimeError("Call gan.compile(d_optimizer=..., g_optimizer=...) before training.")
    callbacks = list(callbacks)
    if checkpoint_dir is not None:
        checkpoint_dir = Path(checkpoint_dir)
        latest = tf.train.latest_checkpoint(str(checkpoint_dir))
        if latest and int(latest.rsplit("-", 1)[-1]) > gan.steps_done:
            done = restore_latest_checkpoint(gan, checkpoint_dir)
            print(f"Resumed from the checkpoint in {checkpoint_dir} at step {done}.")
        callbacks.append(CheckpointSaver(gan_checkpoint(gan), checkpoint_dir))
    done = gan.steps_done
    if done >= steps:
        print(f"Nothing to do: {done} of {steps} steps are already done.")
        return None
    first_epoch = done // steps_per_epoch
    last_epoch = first_epoch + math.ceil((steps - done) / steps_per_epoch) + 1
    callbacks.append(StopAtStep(steps))
    return gan.fit(dataset, epochs=last_epoch, initial_epoch=first_epoch,
                   steps_per_epoch=steps_per_epoch, callbacks=callbacks, verbose=verbose,
                   shuffle=False)
