"""The latent space of a trained generator: paths, arithmetic, truncation and inversion.

- ``interpolation``: ``lerp`` (the straight line) and ``slerp`` (the great circle) between
  two codes, and ``interpolate``, a path of evenly spaced codes;
- ``arithmetic``: the ink and slant of images, one score per code across classes, the
  average-difference direction of a property, codes moved along a direction, and how much
  style a code carries across classes;
- ``truncation``: the truncation trick, ``truncate`` (psi z) and ``truncated_normal``
  (entries beyond a threshold drawn again), and ``truncation_curve`` (FID, precision and
  recall against psi);
- ``inversion``: GAN inversion, ``invert``: the code whose image is closest to a given
  image, by Adam on z from several random starts.

Everything here works on any generator that maps (N, latent_dim) codes to images in
[-1, 1]. It sits below the course's topics, which build on it: Defense-GAN's projection
(``ganlib.robustness.defense.project``) is ``inversion.invert``.
"""

from ganlib.latent.arithmetic import (
    along_direction,
    attribute_direction,
    code_scores,
    image_measures,
    style_correlation,
)
from ganlib.latent.interpolation import METHODS, interpolate, lerp, slerp
from ganlib.latent.inversion import LOSSES, Inversion, invert
from ganlib.latent.truncation import (
    CURVE_METRICS,
    check_psi,
    truncate,
    truncated_normal,
    truncation_curve,
)

__all__ = [
    "CURVE_METRICS",
    "Inversion",
    "LOSSES",
    "METHODS",
    "along_direction",
    "attribute_direction",
    "check_psi",
    "code_scores",
    "image_measures",
    "interpolate",
    "invert",
    "lerp",
    "slerp",
    "style_correlation",
    "truncate",
    "truncated_normal",
    "truncation_curve",
]
