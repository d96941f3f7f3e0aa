"""Image-to-image translation: paired (pix2pix) and unpaired (CycleGAN).

- ``model``: ``TranslationModel``, what both share, and the live grid ``TranslationSamples``;
- ``pix2pix``: ``Pix2Pix`` and ``build_pix2pix`` (Isola et al. 2017);
- ``cyclegan``: ``CycleGAN`` and ``build_cyclegan`` (Zhu et al. 2017);
- ``scoring``: the tables that compare a trained model with its baselines;
- ``restoration``: denoising, inpainting and super-resolution as pix2pix pairs, a U-Net on
  L1 alone against L1 plus the PatchGAN, and the table and verdicts that compare them.

The networks are in ``ganlib.nets.translation``, the data in ``ganlib.data.pairs``, the
scores in ``ganlib.evaluation.translation_metrics``.
"""

from ganlib.translation.cyclegan import CycleGAN, HistoryPool, build_cyclegan
from ganlib.translation.model import TranslationModel, TranslationSamples, check_weight
from ganlib.translation.pix2pix import Pix2Pix, build_pix2pix
from ganlib.translation.restoration import (
    DAMAGED_INPUT,
    METHODS,
    SCORES,
    restoration_table,
    restored_images,
    train_restorer,
    verdicts,
    winners,
)
from ganlib.translation.scoring import (
    CYCLEGAN_BASELINES,
    CYCLEGAN_DOMAIN_SCORES,
    PIX2PIX_BASELINES,
    PIX2PIX_SCORES,
    REAL_IMAGES,
    beats_baselines,
    cyclegan_table,
    pix2pix_table,
    scores_by_method,
)

__all__ = [
    "CYCLEGAN_BASELINES",
    "CYCLEGAN_DOMAIN_SCORES",
    "CycleGAN",
    "DAMAGED_INPUT",
    "HistoryPool",
    "METHODS",
    "PIX2PIX_BASELINES",
    "PIX2PIX_SCORES",
    "Pix2Pix",
    "REAL_IMAGES",
    "SCORES",
    "TranslationModel",
    "TranslationSamples",
    "beats_baselines",
    "build_cyclegan",
    "build_pix2pix",
    "check_weight",
    "cyclegan_table",
    "pix2pix_table",
    "restoration_table",
    "restored_images",
    "scores_by_method",
    "train_restorer",
    "verdicts",
    "winners",
]
