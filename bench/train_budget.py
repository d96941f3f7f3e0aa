"""Train a GAN recipe for a fixed budget of training wall time, then save 10,000 samples.

    python bench/train_budget.py --dataset fashion_mnist --seconds 300 --seed 0 \
        --out outputs/bench/samples_default.npz [--recipe default|budget|radford|vit_gan|diffusion]

With ``--recipe budget`` the course picks its recipe from ``--seconds``
(``ganlib.training.recipes.for_budget``: the default below 600 s, the wider setting from there).

With ``--recipe vit_gan`` the GAN's discriminator is a Vision Transformer; with
``--recipe diffusion`` the model is notebook 13's DDPM, sampled with its default sampler,
30 steps of DPM-Solver++ (both as in notebooks/13_transformers_diffusion.ipynb);
``--also-sample ddim:30 dpm_solver:20`` also saves the same model's samples from other
samplers and steps, each in ``<out>_<sampler><steps>.npz``; ``--set prediction=eps``
trains it to predict the noise (Ho et al.) instead of the default v.

With ``--recipe conditional`` the GAN is class-conditional: it trains on (image, label)
pairs and saves ``--num-samples / num_classes`` images of every class (1,000 per class by
default), with the requested class of each image under ``labels``.

A recipe with ``lr_decay`` (e.g. ``--set lr_decay=0.5``) lowers its learning rates to 0 over
that last share of ``--seconds``, on the same clock as the budget.

Timing: the clock starts at the end of the FIRST training step, which carries the one-off
costs (tracing the tf.function, filling the shuffle buffer); it stops at the end of the
step on which the budget is used up. The first step's update is kept, but neither its
time nor its images count in the throughput. Set-up, data loading, model building and
sample generation are outside the budget; the time sample generation took is printed
and saved (``sample_seconds``).

The output file holds ``images``: uint8 (N, H, W) for grey images, (N, H, W, 3) for colour,
plus the recipe, dataset, steps, seconds and seed it came from (and ``labels`` for a
conditional recipe).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import keras
import numpy as np
import recipes_reference

from coursekit import sweep
from ganlib import data, diffusion
from ganlib.training import LearningRateDecay


class TimeBudget(keras.callbacks.Callback):
    """Stops ``fit`` once ``seconds`` of training have passed since the end of the first step."""

    def __init__(self, seconds: float, report_every: float = 60.0):
        super().__init__()
        self.seconds = float(seconds)
        self.report_every = float(report_every)
        self.steps = 0            # all steps, the first one included
        self.timed_steps = 0      # steps after the first one: those the clock measured
        self.start = None
        self.elapsed = 0.0
        self._next_report = self.report_every

    def on_train_batch_end(self, batch, logs=None):
        now = time.perf_counter()
        self.steps += 1
        if self.start is None:
            self.start = now
            return
        self.timed_steps += 1
        self.elapsed = now - self.start
        if self.elapsed >= self._next_report:
            print(f"  {self.elapsed:6.0f} s: {self.steps} steps", flush=True)
            self._next_report += self.report_every
        if self.elapsed >= self.seconds:
            self.model.stop_training = True


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", default="fashion_mnist", choices=sorted(data.DATASETS))
    parser.add_argument("--seconds", type=float, default=300.0,
                        help="training wall time, first step excluded (default 300)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path("samples.npz"))
    parser.add_argument("--recipe", default="default", choices=recipes_reference.RECIPES)
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="folder with <dataset>/ idx files or the cache "
                             "(default: ganlib.data.default_data_dir(), i.e. data/)")
    parser.add_argument("--num-samples", type=int, default=10_000)
    parser.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE",
                        help="change one DCGANRecipe field of a course recipe, e.g. "
                             "--set width=48 --set ema_decay=0.999, or with --recipe "
                             "diffusion a build_diffusion argument, e.g. --set "
                             "prediction=eps (repeatable)")
    parser.add_argument("--also-sample", nargs="+", default=[], metavar="SAMPLER:STEPS",
                        help="diffusion only: also sample with these, e.g. ddim:30 "
                             "dpm_solver:20, each saved beside --out")
    parser.add_argument("--allow-fallback", action="store_true",
                        help="train on the bundled digits if the dataset is missing "
                             "(off by default: a benchmark must not silently change data)")
    args = parser.parse_args(argv)
    if args.seconds <= 0 or args.num_samples <= 0:
        parser.error("--seconds and --num-samples must be positive.")
    try:
        args.changes = dict(sweep.parse_set_option(text) for text in args.set)
    except sweep.SweepError as exc:
        parser.error(str(exc))
    args.also_sample = [parse_sampler(text, parser) for text in args.also_sample]
    if args.also_sample and args.recipe != "diffusion":
        parser.error("--also-sample is for --recipe diffusion only.")
    return args


def parse_sampler(text, parser):
    """'ddim:30' -> ('ddim', 30), or a parser error naming the allowed samplers."""
    sampler, _, steps = text.partition(":")
    if sampler not in diffusion.SAMPLERS or sampler == "ddpm" or not steps.isdigit() \
            or int(steps) < 1:
        parser.error(f"--also-sample takes SAMPLER:STEPS with SAMPLER one of ddim, "
                     f"dpm_solver and STEPS a whole number >= 1, e.g. ddim:30; got {text!r}.")
    return sampler, int(steps)


def main(argv=None):
    args = parse_args(argv)
    try:
        loaded = data.load_dataset(args.dataset, split="train", data_dir=args.data_dir,
                                   fallback=args.allow_fallback)
    except data.DatasetUnavailableError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 2
    image_shape = loaded.images.shape[1:]
    try:
        bench = recipes_reference.build_recipe(args.recipe, image_shape, seed=args.seed,
                                               dataset=loaded.name, changes=args.changes,
                                               seconds=args.seconds)
    except (TypeError, ValueError) as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 2
    gan = bench.gan
    print(f"Recipe: {bench.name} ({bench.description})")
    print(f"Parameters: {bench.parameter_counts()}")
    labels = loaded.labels if bench.num_classes else None
    dataset = data.make_dataset(loaded.images, bench.batch_size, labels=labels,
                                num_classes=bench.num_classes or None, seed=args.seed)

    budget = TimeBudget(args.seconds)
    callbacks = [budget]
    if getattr(gan, "lr_decay", 0) > 0:  # the learning rates reach 0 as the budget ends
        callbacks.append(LearningRateDecay(gan.lr_decay, seconds=args.seconds))
        print(f"Learning rates fall linearly to 0 over the last {gan.lr_decay:.0%} of the "
              "budget.")
    print(f"Training for {args.seconds:g} s (timed from the end of the first step) ...",
          flush=True)
    gan.fit(dataset, epochs=1, steps_per_epoch=10**9, callbacks=callbacks, verbose=0,
            shuffle=False)
    images_per_second = budget.timed_steps * bench.batch_size / max(budget.elapsed, 1e-9)
    print(f"Steps done: {budget.steps} (batch {bench.batch_size}); timed: "
          f"{budget.timed_steps} steps in {budget.elapsed:.1f} s = "
          f"{budget.timed_steps / max(budget.elapsed, 1e-9):.2f} steps/s, "
          f"{images_per_second:.0f} images/s")

    extra = {}
    sampling_started = time.perf_counter()
    if bench.num_classes:  # every class equally often (in any prefix too), independent z
        extra["labels"] = np.tile(np.arange(bench.num_classes),
                                  max(1, args.num_samples // bench.num_classes))
        samples = gan.generate(labels=extra["labels"], seed=args.seed)
    else:
        samples = gan.generate(n=args.num_samples, seed=args.seed)
    sample_seconds = time.perf_counter() - sampling_started
    print(f"Sampling {args.num_samples:,} images took {sample_seconds:.1f} s (not counted in "
          "the budget)")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    saved = dict(recipe=bench.name, dataset=loaded.name, steps=budget.steps,
                 train_seconds=budget.elapsed, seed=args.seed,
                 images_per_second=images_per_second, **extra)
    save_samples(args.out, samples, sample_seconds, saved)
    for sampler, steps in args.also_sample:
        started = time.perf_counter()
        samples = gan.generate(args.num_samples, seed=args.seed, steps=steps, sampler=sampler)
        seconds = time.perf_counter() - started
        print(f"Sampling {args.num_samples:,} images with {sampler}, {steps} steps took "
              f"{seconds:.1f} s")
        save_samples(args.out.with_name(f"{args.out.stem}_{sampler}{steps}.npz"), samples,
                     seconds, {**saved, "sampler": sampler, "sampling_steps": steps})
    return 0


def save_samples(path, samples, sample_seconds, saved):
    """Save images in [-1, 1] as uint8 ``images`` (grey ones as (N, H, W)) with ``saved``."""
    samples = data.to_uint8(samples)
    if samples.shape[-1] == 1:
        samples = samples[..., 0]
    np.savez_compressed(path, images=samples, sample_seconds=sample_seconds, **saved)
    print(f"Saved {len(samples):,} samples {samples.shape[1:]} uint8 to {path}")


if __name__ == "__main__":
    sys.exit(main())
