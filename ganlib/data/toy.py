"""2-D toy data for the GAN playground, and the mode metrics of the VEEGAN/PacGAN protocol.

Distributions (all 2-D, float32):

* ``ring8``: 8 Gaussians, centres on a circle of radius 2, standard deviation 0.02
  (the Unrolled-GAN setting, Metz et al. 2017; PacGAN Table 1);
* ``grid25``: 25 Gaussians, centres at {-4, -2, 0, 2, 4}^2, standard deviation 0.05
  (the PacGAN / VEEGAN 2-D grid);
* ``spiral`` and ``moons``: continuous shapes with no discrete modes (the mode metrics do
  not apply to them);
* points typed or drawn by the user: ``points_distribution(points)`` places a small
  Gaussian on every point, so each point is a mode.

Metrics (Srivastava et al. 2017, "VEEGAN"; Lin et al. 2018, "PacGAN", section 5): every
generated sample is registered to its nearest centre, and it is *high quality* when it lies
within 3 standard deviations of that centre. A mode is *covered* when at least
``min_count`` samples are registered to it as high quality. The default, 20, is PacGAN's
rule for 2,500 samples (a mode with fewer than 20 is "lost"): 0.8% of the samples, a
fifteenth of the 12.5% each ring mode should get, so one stray sample never counts as a
mode but an under-weighted mode still does. (VEEGAN counts a mode with a single
high-quality sample, i.e. ``min_count=1``.) Real data itself scores about 98.9% high
quality, not 100%: a 2-D Gaussian has exp(-9/2) = 1.1% of its mass beyond 3 std.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ganlib import _checks

__all__ = ["DISTRIBUTIONS", "PACGAN_MIN_COUNT", "ToyDistribution", "get_distribution",
           "high_quality_share", "mode_centres", "mode_std", "modes_covered",
           "parse_points", "points_distribution", "sample"]

#: PacGAN's threshold: a mode needs at least this many of 2,500 samples to count as covered.
PACGAN_MIN_COUNT = 20


@dataclass(frozen=True)
class ToyDistribution:
    """A 2-D distribution: a name, a sampler, and (for mixtures) mode centres and std.

    ``centres`` is None for continuous shapes (spiral, moons), which have no modes.
    """

    name: str
    sampler: Callable[[int, np.random.Generator], np.ndarray]
    centres: np.ndarray | None = None
    std: float | None = None

    @property
    def has_modes(self) -> bool:
        """True for Gaussian mixtures, whose modes the metrics count."""
        return self.centres is not None

    def sample(self, n, seed=0) -> np.ndarray:
        """``n`` points, float32 array (n, 2), drawn with ``numpy.random.default_rng(seed)``."""
        n = _checks.whole_number(n, "n")
        return self.sampler(n, np.random.default_rng(seed)).astype(np.float32)



def _mixture_sampler(centres, std):
    centres = np.asarray(centres, np.float64)

    def draw(n, rng):
        which = rng.integers(0, len(centres), size=n)
        return centres[which] + std * rng.standard_normal((n, 2))

    return draw


def _spiral(n, rng):
    # One arm of an Archimedean spiral, 1.75 turns, radius growing from 0.3 to 3.8,
    # sampled uniformly along the arc length (so the outer part is not starved).
    r = np.sqrt(rng.uniform(0.3**2, 3.8**2, size=n))
    theta = r * (3.5 * math.pi / 3.8)
    points = np.stack([r * np.cos(theta), r * np.sin(theta)], axis=1)
    return points + 0.05 * rng.standard_normal((n, 2))


def _moons(n, rng):
    # Two interleaving half circles of radius 1.5, centred on the origin.
    upper = rng.random(n) < 0.5
    angle = rng.uniform(0.0, math.pi, size=n)
    x = np.where(upper, np.cos(angle), 1.0 - np.cos(angle))
    y = np.where(upper, np.sin(angle), 0.5 - np.sin(angle))
    points = 1.5 * np.stack([x - 0.5, y - 0.25], axis=1)
    return points + 0.05 * rng.standard_normal((n, 2))


def _ring_centres(count=8, radius=2.0):
    angles = 2 * math.pi * np.arange(count) / count
    return np.stack([radius * np.cos(angles), radius * np.sin(angles)], axis=1)


def _grid_centres():
    values = np.arange(-4.0, 5.0, 2.0)
    return np.array([(x, y) for x in values for y in values])


def _builtin(name):
    if name == "ring8":
        centres = _ring_centres()
        return ToyDistribution("ring8", _mixture_sampler(centres, 0.02), centres, 0.02)
    if name == "grid25":
        centres = _grid_centres()
        return ToyDistribution("grid25", _mixture_sampler(centres, 0.05), centres, 0.05)
    if name == "spiral":
        return ToyDistribution("spiral", _spiral)
    if name == "moons":
        return ToyDistribution("moons", _moons)
    raise ValueError(f"Unknown distribution {name!r}; choose one of {list(DISTRIBUTIONS)}, "
                     "or pass your own points to points_distribution().")


#: The built-in distributions, by name.
DISTRIBUTIONS = ("ring8", "grid25", "spiral", "moons")


def _check_points(points, name="points"):
    """Return ``points`` as a float64 (N, 2) array, or raise a ValueError saying what is wrong."""
    try:
        array = np.asarray(points, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numbers of shape (N, 2), e.g. [[0, 1], [1.5, -2]]; "
                         f"could not read them as numbers ({exc}).") from None
    if array.ndim != 2 or array.shape[1] != 2 or len(array) == 0:
        raise ValueError(f"{name} must have shape (N, 2) with N >= 1 (one x, y pair per "
                         f"point), got shape {array.shape}.")
    bad = ~np.isfinite(array).all(axis=1)
    if bad.any():
        first = int(np.argmax(bad))
        raise ValueError(f"{name} must be finite numbers; point {first} is "
                         f"{array[first].tolist()} ({int(bad.sum())} non-finite in all).")
    return array


def parse_points(text) -> np.ndarray:
    """Read points typed as text, one ``x, y`` per line (blank lines and ``#`` comments skipped).

    Returns a float64 array (N, 2); a line that is not two finite numbers raises a
    ValueError naming the line.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a string of 'x, y' lines, got {type(text).__name__}.")
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = [p for p in line.replace(",", " ").replace(";", " ").split() if p]
        try:
            values = [float(p) for p in parts]
        except ValueError:
            values = []
        if len(values) != 2 or not all(math.isfinite(v) for v in values):
            raise ValueError(f"line {number} ({line!r}) is not a point: write two finite "
                             "numbers 'x, y' per line.")
        rows.append(values)
    if not rows:
        raise ValueError("no points given: write one 'x, y' per line, e.g. '0, 1'.")
    return np.array(rows, np.float64)


def points_distribution(points, std=0.05, name="points") -> ToyDistribution:
    """A mixture with a small Gaussian (standard deviation ``std``) on each of ``points``.

    ``points``: finite numbers of shape (N, 2), or text with one ``x, y`` per line.
    Duplicated points are kept once. Each point is a mode for the metrics.
    """
    if isinstance(points, str):
        points = parse_points(points)
    centres = np.unique(_check_points(points), axis=0)
    std = _checks.number(std, "std", above=0)
    return ToyDistribution(name, _mixture_sampler(centres, std), centres, std)


def get_distribution(name_or_distribution) -> ToyDistribution:
    """The distribution called ``name`` (one of ``DISTRIBUTIONS``), or the one passed in."""
    if isinstance(name_or_distribution, ToyDistribution):
        return name_or_distribution
    if not isinstance(name_or_distribution, str):
        raise ValueError(f"Unknown distribution {name_or_distribution!r}; choose one of "
                         f"{list(DISTRIBUTIONS)} or a ToyDistribution.")
    return _builtin(name_or_distribution)


def sample(name, n, seed=0) -> np.ndarray:
    """``n`` points (float32, shape (n, 2)) of the distribution ``name``, seeded by ``seed``."""
    return get_distribution(name).sample(n, seed)


def mode_centres(name) -> np.ndarray:
    """The (K, 2) mode centres of a mixture (``ring8``, ``grid25`` or user points)."""
    distribution = get_distribution(name)
    if not distribution.has_modes:
        raise ValueError(f"{distribution.name!r} is a continuous shape with no discrete modes; "
                         "mode metrics need ring8, grid25 or user points.")
    return distribution.centres.copy()


def mode_std(name) -> float:
    """The standard deviation of each Gaussian of a mixture (0.02 for ring8, 0.05 for grid25)."""
    distribution = get_distribution(name)
    if not distribution.has_modes:
        raise ValueError(f"{distribution.name!r} is a continuous shape with no discrete modes.")
    return distribution.std


def _registered(samples, centres, std):
    """Index of the nearest centre per sample, and whether it is within 3 std of it."""
    samples = _check_points(samples, "samples")
    centres = _check_points(centres, "centres")
    std = _checks.number(std, "std", above=0)
    distances = np.sqrt(((samples[:, None, :] - centres[None, :, :]) ** 2).sum(axis=-1))
    nearest = distances.argmin(axis=1)
    close = distances[np.arange(len(samples)), nearest] <= 3.0 * std
    return nearest, close


def modes_covered(samples, centres, std, min_count=PACGAN_MIN_COUNT) -> int:
    """How many modes have at least ``min_count`` high-quality samples registered to them.

    A sample registers to its nearest centre and is high quality when it lies within
    3 * ``std`` of it. ``min_count=20`` is PacGAN's rule for 2,500 samples; with other
    sample sizes scale it (e.g. ``round(0.008 * len(samples))``).
    """
    min_count = _checks.whole_number(min_count, "min_count")
    nearest, close = _registered(samples, centres, std)
    counts = np.bincount(nearest[close], minlength=len(np.asarray(centres)))
    return int((counts >= min_count).sum())


def high_quality_share(samples, centres, std) -> float:
    """The share (0 to 1) of samples within 3 * ``std`` of their nearest centre."""
    _, close = _registered(samples, centres, std)
    return float(close.mean())
