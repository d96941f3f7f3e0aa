"""Exercises with immediate checks: the learner writes a key piece, ``check`` says at once
whether it is right and, if not, what to fix.

In a notebook::

    from ganlib import exercises
    exercises.task("discriminator_loss")            # what to write
    def discriminator_loss(real_logits, fake_logits):
        ...
    discriminator_loss = exercises.check("discriminator_loss", discriminator_loss).function

``check`` prints what was verified or what is wrong, and ``.function`` is the learner's
function when it passed, else the reference solution, so the notebook runs on either way.

What lives where:

- ``checking``: the face: ``check``, ``solution`` (prints the reference), ``task`` (prints
  the task) and ``Result``;
- ``registry``: ``EXERCISES``, name -> ``Exercise`` (its task, reference and checker);
- ``compare``: the helpers every checker shares, which turn a wrong answer, or an exception
  in the learner's code, into a sentence the learner can act on;
- the exercises by topic, each with its task, reference and checker:
  ``losses`` (discriminator_loss, generator_loss, optimal_discriminator, gradient_penalty,
  pix2pix_generator_loss, cycle_consistency_loss), ``networks`` (dcgan_generator,
  conditional_input, train_step), ``evaluation`` (frechet_distance), ``robustness`` (fgsm),
  ``vae`` (reparameterize), ``diffusion`` (add_noise), ``latent`` (slerp) and
  ``restoration`` (laplacian_variance).

The checks are fast (tiny networks, a second or two on a CPU), deterministic (fixed seeds,
weights set explicitly) and offline. Known values come from the tested parts of ganlib
(``ganlib.losses``, ``ganlib.evaluation``, ``ganlib.robustness``, ``ganlib.latent``) or
from hand computation. Nothing in ganlib imports this package; notebooks do.
"""

from ganlib.exercises import (
    diffusion,
    evaluation,
    latent,
    losses,
    networks,
    restoration,
    robustness,
    vae,
)
from ganlib.exercises.checking import NOT_DONE, Result, check, solution, task
from ganlib.exercises.registry import EXERCISES, Exercise

__all__ = ["EXERCISES", "NOT_DONE", "Exercise", "Result", "check", "diffusion", "evaluation",
           "latent", "losses", "networks", "restoration", "robustness", "solution", "task",
           "vae"]
