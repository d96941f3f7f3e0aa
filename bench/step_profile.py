"""Where the default DCGAN's training step spends its time, and its FLOP rate against the
machine's matrix-multiply peak measured in the same run.

    python bench/step_profile.py [--dataset fashion_mnist] [--steps 200] [--rounds 5]

The GAN is the course default (``build_dcgan(DCGANRecipe())``, batch 64). Each part below is
its own ``tf.function`` (no XLA), called ``--steps`` times per round after a warm-up round;
the parts alternate within every round so that a change of machine load hits all alike,
and the median over the rounds is reported:

- ``step from the dataset``: ``GAN.train_step`` fed from the recipe's ``tf.data`` pipeline,
  as ``fit`` feeds it (without callbacks);
- ``step on a fixed batch``: the same on one batch already in memory;
- ``input pipeline alone``: pulling batches from the pipeline and nothing else;
- ``D update``: ``GAN.discriminator_update`` (G's forward pass on fresh noise, D on the
  real and the fake batch, D's backward pass and its Adam update);
- ``G forward``: the generator's forward pass alone (the part of the D update that is G's);
- ``G update``: ``GAN.generator_update`` (G forward, D forward, the gradient back through D
  to the images and through G, G's Adam update, the weight average);
- ``D gradient to its input``: D forward on a batch and the gradient to that batch (the
  part of the G update that is D's).

Time in the generator = G forward + (G update - D gradient to its input); in the
discriminator = (D update - G forward) + D gradient to its input; their shares are of the
two updates' total. The input pipeline's cost is the time to pull a batch alone, beside
what feeding from the dataset adds to the fixed-batch step (the pipeline overlaps the
computation through ``prefetch``); the rest is the whole step against its two updates run
apart (metrics, bookkeeping; within timing noise it can come out below zero).

Useful FLOPs are counted from the layers (2 per multiply-add of every Dense, Conv2D and
Conv2DTranspose; batch norm, activations and Adam, all element-wise, are left out): a D
update costs G_f + 6 D_f (G forward; D forward on two batches; backward to weights and
inputs, twice the forward) and a G update 3 G_f + 2 D_f (G forward and backward to its
weights; D forward and backward to its input only), per image. The peak is the best rate
of a float32 ``tf.linalg.matmul`` of 2048 x 2048 matrices in a ``tf.function``.
"""

from __future__ import annotations

import argparse
import statistics
import time

import keras
import numpy as np
import tensorflow as tf

from ganlib import data
from ganlib.training.recipes import DCGANRecipe, build_dcgan

MATMUL_SIZE = 2048


def layer_macs(model) -> int:
    """Multiply-adds of one image's forward pass through the Dense and convolution layers."""
    total = 0
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            total += layer_macs(layer)
        elif isinstance(layer, keras.layers.Dense):
            total += int(np.prod(layer.kernel.shape))
        elif isinstance(layer, keras.layers.Conv2DTranspose):  # each input pixel scattered
            height, width = layer.input.shape[1:3]
            total += height * width * int(np.prod(layer.kernel.shape))
        elif isinstance(layer, keras.layers.Conv2D):  # each output pixel gathered
            height, width = layer.output.shape[1:3]
            total += height * width * int(np.prod(layer.kernel.shape))
    return total


def step_flops(generator, discriminator, batch_size) -> dict:
    """Useful FLOPs of one D update and one G update (see the module docstring)."""
    g_f, d_f = layer_macs(generator), layer_macs(discriminator)
    return {"G forward MACs per image": g_f, "D forward MACs per image": d_f,
            "D update": 2 * batch_size * (g_f + 6 * d_f),
            "G update": 2 * batch_size * (3 * g_f + 2 * d_f)}


def matmul_peak(rounds: int) -> float:
    """Best FLOP/s of a float32 matmul of two MATMUL_SIZE-square matrices."""
    a = tf.random.normal((MATMUL_SIZE, MATMUL_SIZE), seed=1)
    b = tf.random.normal((MATMUL_SIZE, MATMUL_SIZE), seed=2)
    product = tf.function(lambda: tf.reduce_sum(tf.linalg.matmul(a, b)))
    product().numpy()
    best = 0.0
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(10):
            product().numpy()
        best = max(best, 10 * 2 * MATMUL_SIZE ** 3 / (time.perf_counter() - start))
    return best


def part_calls(gan, images, batch_size, seed):
    """The timed parts: name -> function making one call and returning its tensors."""
    dataset = data.make_dataset(images, batch_size, seed=seed)
    iterator = iter(dataset)
    fixed = next(iterator)
    noise = tf.random.normal((batch_size, gan.latent_dim), seed=seed)
    train_step = tf.function(gan.train_step)
    d_update = tf.function(gan.discriminator_update)
    g_update = tf.function(gan.generator_update)
    g_forward = tf.function(lambda z: gan.generator(z, training=True))

    @tf.function
    def d_gradient_to_input(batch):
        with tf.GradientTape() as tape:
            tape.watch(batch)
            logits = gan.discriminator(batch, training=True)
        return tape.gradient(logits, batch)  # summed over the logits

    return {
        "step from the dataset": lambda: train_step(next(iterator)),
        "step on a fixed batch": lambda: train_step(fixed),
        "input pipeline alone": lambda: next(iterator),
        "D update": lambda: d_update(fixed),
        "G forward": lambda: g_forward(noise),
        "G update": lambda: g_update(batch_size),
        "D gradient to its input": lambda: d_gradient_to_input(fixed),
    }


def repeat(call):
    """A function running ``call`` ``n`` times and returning when the last has finished."""
    def run(n):
        for _ in range(n):
            result = call()
        for tensor in tf.nest.flatten(result):
            tensor.numpy()
    return run


def parts(gan, images, batch_size, seed):
    """The timed parts: name -> function running ``n`` calls and returning when done."""
    return {name: repeat(call)
            for name, call in part_calls(gan, images, batch_size, seed).items()}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="fashion_mnist", choices=sorted(data.DATASETS))
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--steps", type=int, default=200, help="calls per part and round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--allow-fallback", action="store_true",
                        help="use the bundled digits if the dataset is missing")
    args = parser.parse_args(argv)
    if args.steps < 2 or args.rounds < 1:
        parser.error("--steps must be at least 2 and --rounds at least 1.")

    recipe = DCGANRecipe()
    loaded = data.load_dataset(args.dataset, data_dir=args.data_dir,
                               fallback=args.allow_fallback, allow_download=False)
    gan = build_dcgan(recipe, image_shape=loaded.images.shape[1:])
    timed = parts(gan, loaded.images, recipe.batch_size, recipe.seed)
    for run in timed.values():  # warm-up: tracing, the shuffle buffer
        run(args.steps)
    seconds = {name: [] for name in timed}
    for _ in range(args.rounds):
        for name, run in timed.items():
            start = time.perf_counter()
            run(args.steps)
            seconds[name].append((time.perf_counter() - start) / args.steps)
    ms = {name: 1000 * statistics.median(values) for name, values in seconds.items()}
    peak = matmul_peak(args.rounds)

    step = ms["step from the dataset"]
    generator_ms = ms["G forward"] + ms["G update"] - ms["D gradient to its input"]
    discriminator_ms = ms["D update"] - ms["G forward"] + ms["D gradient to its input"]
    pipeline_ms = max(0.0, step - ms["step on a fixed batch"])
    other_ms = ms["step on a fixed batch"] - ms["D update"] - ms["G update"]
    flops = step_flops(gan.generator, gan.discriminator, recipe.batch_size)
    useful = flops["D update"] + flops["G update"]

    print(f"Default DCGAN (width {recipe.width}, batch {recipe.batch_size}) on "
          f"{loaded.name}; {args.rounds} rounds of {args.steps} calls per part, medians")
    print("\n| part | ms per call |\n|---|---:|")
    for name, value in ms.items():
        print(f"| {name} | {value:.2f} |")
    print(f"\nSteps/s {1000 / step:.1f}, images/s {1000 * recipe.batch_size / step:,.0f} "
          "(step from the dataset)")
    updates_ms = ms["D update"] + ms["G update"]
    print("\n| where the step's time goes | ms | share |\n|---|---:|---:|")
    for name, value, whole in [
            ("generator (of the two updates)", generator_ms, updates_ms),
            ("discriminator (of the two updates)", discriminator_ms, updates_ms),
            ("input pipeline, one batch pulled alone (of the step)",
             ms["input pipeline alone"], step),
            ("input pipeline, not hidden by prefetch (of the step)", pipeline_ms, step),
            ("rest: whole step minus its two updates (of the step)", other_ms, step)]:
        print(f"| {name} | {value:.2f} | {value / whole:.0%} |")
    rate = useful / (step / 1000)
    print(f"\nUseful FLOPs per step: {useful / 1e9:.2f} G (G forward "
          f"{flops['G forward MACs per image']:,} and D forward "
          f"{flops['D forward MACs per image']:,} multiply-adds per image)")
    print(f"Useful FLOP rate: {rate / 1e9:.1f} GFLOP/s; float32 matmul peak "
          f"({MATMUL_SIZE}x{MATMUL_SIZE}, same run): {peak / 1e9:.1f} GFLOP/s; "
          f"ratio {rate / peak:.1%}")
    for name in ("D update", "G update"):
        part_rate = flops[name] / (ms[name] / 1000)
        print(f"  {name}: {part_rate / 1e9:.1f} GFLOP/s ({part_rate / peak:.1%} of the peak)")


if __name__ == "__main__":
    main()
