"""Mode coverage of the 2-D playground's settings over several seeds (VEEGAN/PacGAN protocol).

    python bench/toy_modes.py --dist ring8 --setting best --seeds 10 --out points.npz
    python bench/toy_modes.py --dist grid25 --setting best --seeds 10 --out grid.npz
    python bench/toy_modes.py --dist ring8 --setting vanilla --seeds 10
    python bench/toy_modes.py --dist ring8 --setting vanilla --seeds 3 --draw-every 100

For each seed k (0 to --seeds - 1) a new GAN with
``ganlib.playground.preset(setting, dist)`` (seed k; ``best`` on grid25 is the preset
``best_grid``) is trained for the setting's ``steps`` on ``--dist``; then 2,500 points are
generated from a fixed noise batch and scored with ``ganlib.data.toy``: modes covered (a mode
needs at least 20 samples within 3 std of its centre, PacGAN's rule) and the share of
high-quality samples (within 3 std of the nearest centre). Printed per seed: both figures
and the wall seconds of the run (building, tracing, training, scoring). With --out, each
seed's 2,500 points are saved under the key ``seed<k>`` (plus ``centres`` and ``std``).

--draw-every N also trains in chunks of N steps and, after each chunk, renders the
playground's live figure when ``PlaygroundFigure.due()`` allows it, exactly as the panel
does while playing (the panel's default chunk, ``steps_per_frame``, is 100), and prints
the share of the wall time spent drawing and the number of frames.

Target (issue 3): best on ring8 covers 8/8 modes with >= 90% high-quality samples in at
least 9 of 10 seeds, each run under 60 s on 2 CPU cores; on grid25 at least 24/25 modes.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from ganlib import playground
from ganlib.data import toy


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dist", default="ring8", choices=["ring8", "grid25"])
    parser.add_argument("--setting", default="best", choices=sorted(playground.PRESETS))
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--steps", type=int, default=None,
                        help="override the setting's number of generator steps")
    parser.add_argument("--out", default=None, help=".npz file for the generated points")
    parser.add_argument("--draw-every", type=int, default=None,
                        help="render the live figure every N steps and report its time share")
    args = parser.parse_args(argv)

    settings = playground.preset(args.setting, args.dist)
    if args.steps:
        settings = settings.replace(steps=args.steps)
    centres, std = toy.mode_centres(args.dist), toy.mode_std(args.dist)
    key = playground.PRESET_VARIANTS.get((args.setting, args.dist), args.setting)
    print(f"data: {args.dist} ({len(centres)} modes, std {std}); setting: {args.setting}"
          + (f" (preset {key})" if key != args.setting else ""))
    print(f"  {settings}")
    print(f"{'seed':>4} {'modes':>7} {'high quality':>12} {'wall s':>7}"
          + (f" {'draw share':>10}" if args.draw_every else ""), flush=True)
    rows, saved = [], {"centres": centres, "std": np.float64(std)}
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        start = time.perf_counter()
        figure = []

        def draw(engine, figure=figure):
            if not figure:
                figure.append(playground.PlaygroundFigure(engine))
            if figure[0].due():  # the panel's rule: redraw unless drawing would exceed 20%
                figure[0].render()

        engine = playground.train_run(settings.replace(seed=seed),
                                      chunk=args.draw_every or 500,
                                      on_chunk=draw if args.draw_every else None)
        points = engine.samples()  # 2,500 points from the fixed noise batch
        modes = toy.modes_covered(points, centres, std)
        quality = toy.high_quality_share(points, centres, std)
        wall = time.perf_counter() - start
        share = figure[0].draw_seconds / wall if figure else None
        frames = figure[0].frames if figure else 0
        rows.append((seed, modes, quality, wall, share))
        saved[f"seed{seed}"] = points
        print(f"{seed:>4} {modes:>3}/{len(centres):<3} {quality:>12.1%} {wall:>7.1f}"
              + (f" {share:>10.1%} ({frames} frames)" if share is not None else ""), flush=True)

    modes = np.array([r[1] for r in rows])
    quality = np.array([r[2] for r in rows])
    walls = np.array([r[3] for r in rows])
    full = len(centres)
    print(f"summary over {len(rows)} seeds: modes covered mean {modes.mean():.2f}/{full} "
          f"(min {modes.min()}), high quality mean {quality.mean():.1%} "
          f"(min {quality.min():.1%}), wall s mean {walls.mean():.1f} (max {walls.max():.1f})")
    wanted = full if args.dist == "ring8" else full - 1
    good = int(((modes >= wanted) & (quality >= 0.9)).sum()) if args.dist == "ring8" \
        else int((modes >= wanted).sum())
    rule = (f"{full}/{full} modes and >= 90% high quality" if args.dist == "ring8"
            else f">= {wanted}/{full} modes")
    print(f"seeds with {rule}: {good} of {len(rows)}; runs under 60 s: "
          f"{int((walls < 60).sum())} of {len(rows)}")
    if args.draw_every:
        shares = np.array([r[4] for r in rows])
        print(f"drawing (chunks of {args.draw_every} steps): {shares.mean():.1%} of the wall time "
              f"(max {shares.max():.1%}; target < 33%)")
    if args.out:
        np.savez(args.out, **saved)
        print(f"saved {len(rows)} x 2,500 points to {args.out} (keys seed<k>)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
