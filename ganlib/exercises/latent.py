"""Latent-space exercise: spherical linear interpolation (slerp) between two codes.

Known values come from hand computation (two codes at right angles) and from
``ganlib.latent.interpolation.slerp``.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from ganlib.exercises import compare
from ganlib.exercises.registry import register
from ganlib.latent import interpolation

__all__ = ["slerp"]


def slerp(start, end, t):
    """The point a fraction t along the great circle from start to end."""
    start, end = np.asarray(start, np.float64), np.asarray(end, np.float64)
    cosine = start @ end / (np.linalg.norm(start) * np.linalg.norm(end))
    omega = np.arccos(np.clip(cosine, -1.0, 1.0))      # the angle between the two codes
    return (np.sin((1.0 - t) * omega) * start + np.sin(t * omega) * end) / np.sin(omega)


def _cases():
    """(start, end, t, what the case is) with NumPy arrays and tensors, ends included."""
    rng = np.random.default_rng(12)
    a, b = rng.standard_normal((2, 64))
    right_angle = (np.array([1.0, 0.0, 0.0]), np.array([0.0, 1.0, 0.0]))
    return [
        (*right_angle, 0.5, "for unit codes at right angles, t = 0.5"),
        (a, 1.5 * b, 0.3, "for two codes of N(0, I) in 64 dimensions, t = 0.3"),
        (tf.constant(a), tf.constant(b), 0.8, "for the same codes as tensors, t = 0.8"),
        (a, b, 0.0, "at t = 0 (it must give start)"),
        (a, b, 1.0, "at t = 1 (it must give end)"),
    ]


def _check_slerp(function):
    for start, end, t, on in _cases():
        a, b = np.asarray(start, np.float64), np.asarray(end, np.float64)
        got = compare.as_array(compare.call(function, start, end, t), "the interpolated code")
        if got.shape != a.shape:
            raise compare.Mismatch(f"The interpolated code {on} has shape {got.shape}; it "
                                   f"must have the codes' shape {a.shape}.")
        expected = interpolation.slerp(a, b, t)
        omega = np.arccos(np.clip(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)), -1, 1))
        compare.compare(got, expected, "the interpolated code", on=f" {on}", hint=(
            "Omega is the angle between the codes: cos(Omega) = start . end / (|start| "
            "|end|); then sin((1 - t) Omega) / sin(Omega) * start + sin(t Omega) / "
            "sin(Omega) * end."), wrong=[
            ((1 - t) * a + t * b,
             "That is the straight line (lerp), whose middle is shorter than both ends; "
             "weight start by sin((1 - t) Omega) / sin(Omega) and end by "
             "sin(t Omega) / sin(Omega)."),
            ((np.sin(t * omega) * a + np.sin((1 - t) * omega) * b) / np.sin(omega),
             "The two weights are swapped: start takes sin((1 - t) Omega), so that t = 0 "
             "gives start."),
            (np.sin((1 - t) * omega) * a + np.sin(t * omega) * b,
             "The division by sin(Omega) is missing."),
            (expected / max(np.linalg.norm(expected), 1e-12),
             "The result has length 1: slerp keeps the codes' own lengths, do not normalise "
             "it (normalise only to compute the angle)."),
        ])
    return ("the unit codes at right angles (the middle is (a + b) / sqrt(2)), two codes of "
            "N(0, I) as NumPy arrays and as tensors, and both ends")


register(slerp, _check_slerp, task="""
Write `slerp(start, end, t)`: spherical linear interpolation between two latent codes
(Shoemake 1985; White 2016 for GANs). With Omega the angle between the two codes,

    cos(Omega) = start . end / (|start| |end|)
    slerp      = sin((1 - t) Omega) / sin(Omega) * start + sin(t Omega) / sin(Omega) * end

Args:
    start, end: two codes of one length d, shape (d,).
    t: one number in [0, 1]: 0 gives start, 1 gives end.
Returns:
    The code at t along the great circle from start to end, shape (d,).

NumPy arrays and tensors are both accepted (np.asarray turns a tensor into an array).
Clip the cosine to [-1, 1] before np.arccos: rounding can push it just past 1. You may
assume the two codes do not point the same way (then sin(Omega) would be 0).
""")
