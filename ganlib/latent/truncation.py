"""The truncation trick: draw z nearer the centre of N(0, I), trading variety for quality.

Near the centre of the latent distribution the training codes were densest, and the
generator's images there tend to be its most typical ones. Two ways to stay near it:

* **threshold** (Brock, Donahue & Simonyan 2019, BigGAN): draw each entry of z from
  N(0, 1) and draw again every entry whose size exceeds ``threshold``
  (``truncated_normal``);
* **psi** (Karras, Laine & Aila 2019, StyleGAN): pull each code toward the mean,
  ``z' = mean + psi (z - mean)`` with psi in (0, 1]. The mean of N(0, I) is 0, so here
  ``z' = psi z`` (``truncate``). psi = 1 leaves z as drawn; psi near 0 gives one image,
  the generator's "average".

``truncation_curve`` measures the trade: the same codes scaled by several psi, each set
scored with ``ganlib.evaluation.metrics.evaluate_images`` (FID, precision, recall,
diversity). Precision (are the samples among real images?) should rise as psi falls, and
recall and diversity (are all kinds of real image covered?) fall.
"""

from __future__ import annotations

import numpy as np

from ganlib import _checks
from ganlib.evaluation import metrics

__all__ = ["CURVE_METRICS", "check_psi", "truncate", "truncated_normal", "truncation_curve"]

#: What ``truncation_curve`` measures at every psi (names of ``evaluate_images``'s metrics).
CURVE_METRICS = ("fid", "precision_recall", "diversity")


def check_psi(psi, name: str = "psi") -> float:
    """``psi`` as a float after checking it lies in (0, 1]."""
    return _checks.number(psi, name, above=0, maximum=1,
                          hint=" (1 leaves z as drawn; smaller values pull it toward the "
                               "mean)")


def truncate(latent, psi) -> np.ndarray:
    """The codes pulled toward the mean 0 of N(0, I): ``psi * latent``, float32 (N, d)."""
    psi = check_psi(psi)
    return (psi * _checks.finite_array(latent, "latent", ndim=2)).astype(np.float32)


def truncated_normal(n: int, latent_dim: int, threshold: float, seed: int = 0) -> np.ndarray:
    """``n`` codes of N(0, I) in ``latent_dim`` dimensions, each entry whose size is above
    ``threshold`` drawn again until it is not (BigGAN's truncation). Float32 (n, latent_dim).
    """
    n = _checks.whole_number(n, "n")
    latent_dim = _checks.whole_number(latent_dim, "latent_dim")
    threshold = _checks.number(threshold, "threshold", above=0,
                               hint=" (entries beyond it are drawn again; 0.5 to 2 is usual)")
    rng = np.random.default_rng(seed)
    latent = rng.standard_normal((n, latent_dim))
    outside = np.abs(latent) > threshold
    while outside.any():                       # draw the entries outside again
        latent[outside] = rng.standard_normal(int(outside.sum()))
        outside = np.abs(latent) > threshold
    return latent.astype(np.float32)


def truncation_curve(generate, latent_dim: int, dataset: str, psis=(1.0, 0.8, 0.6, 0.4, 0.2),
                     *, n_samples: int = 2000, n_real: int | None = None, seed: int = 0,
                     classifier=None, allow_download: bool = True) -> list[dict]:
    """FID, precision, recall and diversity of a generator's samples at each psi.

    The same ``n_samples`` codes (drawn with ``seed``) are scaled by every psi, so the rows
    differ by psi alone. NOT Inception figures (``ganlib.evaluation.metrics``).

    Args:
        generate: a function mapping codes (N, latent_dim) to images in [-1, 1], e.g.
            ``gan.generate``.
        latent_dim: the size of z.
        dataset: the dataset the generator imitates (picks the real images and classifier).
        psis: the values of psi, each in (0, 1].
        n_samples: generated images per psi; n_real: real images (default: as many).
        seed: seeds the codes and the choice of real images.
        classifier, allow_download: as in ``evaluate_images`` (default: the dataset's
            cached classifier).

    Returns:
        One dict per psi: "psi", "fid", "precision", "recall", "diversity".
    """
    psis = [check_psi(psi, f"psis[{i}]") for i, psi in enumerate(psis)]
    if not psis:
        _checks.refuse("psis", psis, "a list of one or more values in (0, 1]")
    if not callable(generate):
        _checks.refuse("generate", generate, "a function from codes to images, e.g. "
                       "gan.generate", TypeError)
    n_samples = _checks.whole_number(n_samples, "n_samples")
    latent = np.random.default_rng(seed).standard_normal(
        (n_samples, _checks.whole_number(latent_dim, "latent_dim"))).astype(np.float32)
    rows = []
    for psi in psis:
        scores = metrics.evaluate_images(
            generate(truncate(latent, psi)), dataset, CURVE_METRICS,
            n_real=n_samples if n_real is None else n_real, seed=seed,
            value_range=(-1, 1), classifier=classifier, allow_download=allow_download)
        rows.append({"psi": psi, **{key: float(scores[key]) for key in
                                    ("fid", "precision", "recall", "diversity")}})
    return rows
