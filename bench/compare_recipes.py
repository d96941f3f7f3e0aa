"""Train every recipe for the same wall-time budget, score them, and save a sample grid each.

    python bench/compare_recipes.py --dataset fashion_mnist --seconds 300 --seed 0

For each recipe (default, baseline, radford) this runs bench/train_budget.py in its own
process (one after the other, so they do not share the CPU), writing
``outputs/bench/samples_<recipe>.npz``, its log ``train_<recipe>.log`` and a PNG grid of
the first 100 samples ``grid_<recipe>.png``; then bench/score_samples.py scores all of them
into ``outputs/bench/results.md``.
"""

from __future__ import annotations

import argparse
import contextlib
import subprocess
import sys
from pathlib import Path

import numpy as np
from recipes_reference import RECIPES  # bench/ is on sys.path when run as a script

BENCH = Path(__file__).resolve().parent
# TensorFlow's start-up log lines: kept in the log files, not echoed.
_TF_NOISE = ("I0000", "WARNING: All log", "E0000", "W0000", "To enable")


def run(command, log_path=None):
    """Run a command, echoing its output (and copying it to ``log_path``); fail loudly."""
    print("$ " + " ".join(str(part) for part in command), flush=True)
    with open(log_path, "w") if log_path else contextlib.nullcontext() as log:
        process = subprocess.Popen([str(part) for part in command], stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True)
        for line in process.stdout:
            if log:
                log.write(line)
            if not line.startswith(_TF_NOISE):
                print("  " + line, end="", flush=True)
        code = process.wait()
    if code:
        raise SystemExit(f"Command failed with exit code {code}: {command}")


def save_grid(npz_path: Path, png_path: Path, count: int = 100, scale: int = 3):
    """Save the first ``count`` samples of a .npz file as an upscaled PNG grid."""
    from PIL import Image

    from ganlib import viz

    with np.load(npz_path) as arrays:
        images = arrays["images"][:count]
    if images.ndim == 3:
        images = images[..., None]
    picture = Image.fromarray(viz.image_grid(images, ncols=10, padding=2))
    picture = picture.resize((picture.width * scale, picture.height * scale), Image.NEAREST)
    picture.save(png_path)
    print(f"  grid of {len(images)} samples: {png_path}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", default="fashion_mnist")
    parser.add_argument("--seconds", type=float, default=300.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--recipes", nargs="+", default=["default", "baseline", "radford"],
                        choices=RECIPES)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--out-dir", type=Path, default=BENCH.parent / "outputs" / "bench")
    args = parser.parse_args(argv)

    args.out_dir.mkdir(parents=True, exist_ok=True)
    data_dir = ["--data-dir", args.data_dir] if args.data_dir else []
    sample_files = []
    for recipe in args.recipes:
        out = args.out_dir / f"samples_{recipe}.npz"
        print(f"\n=== {recipe}: {args.seconds:g} s on {args.dataset} ===", flush=True)
        run([sys.executable, BENCH / "train_budget.py", "--dataset", args.dataset,
             "--seconds", args.seconds, "--seed", args.seed, "--recipe", recipe,
             "--out", out, *data_dir], log_path=args.out_dir / f"train_{recipe}.log")
        save_grid(out, args.out_dir / f"grid_{recipe}.png")
        sample_files.append(out)

    print("\n=== scores ===", flush=True)
    run([sys.executable, BENCH / "score_samples.py", *sample_files, "--dataset", args.dataset,
         "--out-table", args.out_dir / "results.md", *data_dir],
        log_path=args.out_dir / "score.log")
    return 0


if __name__ == "__main__":
    sys.exit(main())
