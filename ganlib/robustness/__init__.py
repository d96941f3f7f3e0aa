"""Adversarial robustness: attacks on a classifier, and a GAN-based defence.

- ``attacks``: FGSM and PGD, accuracy under attack (Goodfellow et al. 2015, Madry et al.
  2018);
- ``defense``: Defense-GAN's projection onto the generator's range, the adaptive attack
  that breaks it (BPDA), adversarial training and the robustness table.
"""

from ganlib.robustness.attacks import (
    MODEL_RANGE,
    accuracy,
    accuracy_vs_epsilon,
    check_epsilon,
    check_pixels,
    fgsm,
    input_gradient,
    output_kind,
    pgd,
    predict,
    to_pixels,
)
from ganlib.robustness.defense import (
    PUBLISHED_DEFENSE_GAN,
    TABLE_COLUMNS,
    Projection,
    adversarial_training,
    bpda_attack,
    defended_accuracy,
    defended_predict,
    project,
    robustness_table,
)

__all__ = [
    "MODEL_RANGE",
    "PUBLISHED_DEFENSE_GAN",
    "Projection",
    "TABLE_COLUMNS",
    "accuracy",
    "accuracy_vs_epsilon",
    "adversarial_training",
    "bpda_attack",
    "check_epsilon",
    "check_pixels",
    "defended_accuracy",
    "defended_predict",
    "fgsm",
    "input_gradient",
    "output_kind",
    "pgd",
    "predict",
    "project",
    "robustness_table",
    "to_pixels",
]
