"""Evaluation: how good and how varied generated images are, without downloads.

- ``scores``: the formulas on features and class probabilities: Fréchet distance (FID),
  kernel distance (KID), the classifier score (the Inception Score's formula), class
  histograms, precision and recall;
- ``classifier``: the feature space, a small classifier per dataset trained here and cached
  (NOT Inception: compare figures only with each other);
- ``metrics``: ``evaluate_images(images, dataset)``, every figure in one call;
- ``neighbours``: nearest training images, to see whether a GAN copies;
- ``translation_metrics``: L1, PSNR, SSIM, domain and label accuracy, cycle error and the
  baselines a translation model must beat;
- ``sharpness``: the variance of the Laplacian, and the sharpness of restored images
  relative to the truth's (what PSNR and SSIM do not reward);
- ``report``: ``write_run_metrics``, the flat ``metrics.json`` a run leaves behind.
"""

from ganlib.evaluation.classifier import (
    FEATURES_LAYER,
    build_feature_classifier,
    classifier_features,
    classifier_outputs,
    classifier_probabilities,
    feature_classifier,
    feature_network,
    train_feature_classifier,
)
from ganlib.evaluation.metrics import (
    DEFAULT_METRICS,
    METRICS,
    RealReference,
    evaluate_images,
    real_reference,
    scalar_figures,
)
from ganlib.evaluation.neighbours import copy_report, nearest_neighbours
from ganlib.evaluation.report import flat_metrics, write_run_metrics
from ganlib.evaluation.scores import (
    class_histogram,
    classes_covered,
    classifier_score,
    frechet_distance,
    histogram_distance,
    kernel_distance,
    knn_radii,
    precision_recall,
)
from ganlib.evaluation.sharpness import laplacian_variance, sharpness_ratio
from ganlib.evaluation.translation_metrics import (
    blur_baseline,
    compare_translations,
    cycle_error,
    domain_accuracy,
    identity_baseline,
    l1_error,
    label_accuracy,
    mean_baseline,
    psnr,
    ssim,
    statistics_transfer,
    train_domain_classifier,
    translation_scores,
)

__all__ = [
    "DEFAULT_METRICS",
    "FEATURES_LAYER",
    "METRICS",
    "RealReference",
    "blur_baseline",
    "build_feature_classifier",
    "class_histogram",
    "classes_covered",
    "classifier_features",
    "classifier_outputs",
    "classifier_probabilities",
    "classifier_score",
    "compare_translations",
    "copy_report",
    "cycle_error",
    "domain_accuracy",
    "evaluate_images",
    "feature_classifier",
    "feature_network",
    "flat_metrics",
    "frechet_distance",
    "histogram_distance",
    "identity_baseline",
    "kernel_distance",
    "knn_radii",
    "l1_error",
    "label_accuracy",
    "laplacian_variance",
    "mean_baseline",
    "nearest_neighbours",
    "precision_recall",
    "psnr",
    "real_reference",
    "scalar_figures",
    "sharpness_ratio",
    "ssim",
    "statistics_transfer",
    "train_domain_classifier",
    "train_feature_classifier",
    "translation_scores",
    "write_run_metrics",
]
