"""Paths between two latent codes: the straight line (lerp) and the great circle (slerp).

A latent code z of a GAN is drawn from the standard normal N(0, I) in d dimensions. Its
length ||z|| is then almost always close to sqrt(d): for d = 64, 98% of draws lie between
6.4 and 9.7, around sqrt(64) = 8 (a chi distribution with d degrees of freedom).
The generator has been trained on codes of that length only.

* **lerp**, ``(1 - t) a + t b``: the straight line. Between two independent draws its
  midpoint has length about sqrt(d / 2), 0.71 sqrt(d) (5.7 for d = 64, shorter than all
  but 0.03% of draws): a code the generator almost never saw in training.
* **slerp** (spherical linear interpolation; Shoemake 1985, proposed for GAN latents by
  White 2016, "Sampling Generative Networks"): with Omega the angle between a and b,

      slerp(a, b, t) = sin((1 - t) Omega) / sin(Omega) a + sin(t Omega) / sin(Omega) b,

  the arc of the great circle through a and b. For ends of equal length every point keeps
  that length, and two draws of N(0, I) in many dimensions have nearly equal lengths (and
  are nearly at right angles). When a and b point the same way (Omega near 0) slerp is
  lerp.
"""

from __future__ import annotations

import numpy as np

from ganlib import _checks

__all__ = ["METHODS", "interpolate", "lerp", "slerp"]

#: The interpolations ``interpolate`` knows.
METHODS = ("lerp", "slerp")

_PARALLEL = 1e-6  # below this sin(Omega), a and b point the same way: slerp falls back to lerp


def _ends(start, end) -> tuple[np.ndarray, np.ndarray]:
    """``start`` and ``end`` as float64 vectors of one length."""
    start = _checks.finite_array(start, "start", ndim=1)
    end = _checks.finite_array(end, "end", ndim=1)
    if start.shape != end.shape:
        raise ValueError(f"start and end must have the same length (one latent code each), "
                         f"got {start.shape[0]} and {end.shape[0]}.")
    return start, end


def _fractions(t) -> tuple[np.ndarray, bool]:
    """``t`` as a float64 column (T, 1), checked to lie in [0, 1]; and whether it was one
    number (then the caller returns one code, not a batch of one)."""
    array = _checks.finite_array(t, "t")
    if array.ndim > 1 or np.any(array < 0) or np.any(array > 1):
        _checks.refuse("t", t, "a number or a list of numbers in [0, 1] (0 gives start, "
                               "1 gives end)")
    return array.reshape(-1, 1), array.ndim == 0


def lerp(start, end, t) -> np.ndarray:
    """The straight line: ``(1 - t) start + t end``.

    ``t`` is one number in [0, 1] (returns one code, shape (d,)) or several (returns
    (len(t), d)).
    """
    start, end = _ends(start, end)
    fractions, single = _fractions(t)
    path = (1.0 - fractions) * start + fractions * end
    return path[0] if single else path


def slerp(start, end, t) -> np.ndarray:
    """The great circle: ``sin((1 - t) Omega) / sin(Omega) start + sin(t Omega) / sin(Omega) end``.

    Omega is the angle between ``start`` and ``end``. ``t`` as in ``lerp``. Ends that
    point the same way (sin(Omega) < 1e-6) give the straight line.
    """
    start, end = _ends(start, end)
    fractions, single = _fractions(t)
    lengths = np.linalg.norm(start) * np.linalg.norm(end)
    cosine = np.clip(start @ end / lengths, -1.0, 1.0) if lengths > 0 else 1.0
    omega = np.arccos(cosine)                          # the angle between the two codes
    if np.sin(omega) < _PARALLEL:
        return lerp(start, end, t)
    path = (np.sin((1.0 - fractions) * omega) * start
            + np.sin(fractions * omega) * end) / np.sin(omega)
    return path[0] if single else path


def interpolate(start, end, steps: int = 8, method: str = "slerp") -> np.ndarray:
    """``steps`` evenly spaced codes from ``start`` to ``end`` (both included), float32
    (steps, d), along the path ``method`` ("lerp" or "slerp")."""
    steps = _checks.whole_number(steps, "steps", 2, hint=" (both ends included)")
    _checks.choice(method, "method", METHODS)
    path = {"lerp": lerp, "slerp": slerp}[method]
    return path(start, end, np.linspace(0.0, 1.0, steps)).astype(np.float32)
