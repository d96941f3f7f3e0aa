"""Metrics while training: a Keras callback that scores the generator and watches its health.

``MetricsMonitor`` evaluates the GAN every ``every_n_steps`` generator steps on a fixed
latent batch with ``ganlib.evaluation.metrics.evaluate_images`` (classifier-feature figures, NOT
Inception figures), using the images of ``gan.sampler`` (the moving average of the
generator's weights when the GAN keeps one, else the generator), adds a training-health
view, and keeps one record per evaluation:

- in ``monitor.records`` / ``monitor.latest`` and through ``on_record`` (for a live panel),
  with ``summary()`` (one line of text) and ``figure()`` (curves);
- in a JSON file per run, rewritten atomically after each evaluation, so an interrupted
  run keeps every record it had; a resumed run reads them back;
- in TensorBoard event files under the log folder it is given (scalars, and warnings as
  text; written with TensorFlow alone, viewed with ``pip install tensorboard``).

The health view: the mean losses and D scores since the previous evaluation (from the
logs ``GAN.train_step`` returns), the discriminator's accuracy on real and on generated
images, and the gradient norms of both networks. Keras' logs carry no gradients, so
accuracy and gradient norms are measured on a probe batch (``probe_discriminator``), in
inference mode and without the gradient penalty: they show the trend, not the exact
values of a training step. ``health_warnings`` turns a few simple rules (``HealthRules``)
into warnings, printed and stored in the record:

- DIVERGED: a non-finite loss (reported at once, at the step it happens) or NaN images;
- DIVERGED: a loss exploding, its mean size above ``explode_factor`` x its smallest mean
  at an earlier evaluation (and above ``explode_floor``);
- COLLAPSE: the discriminator wins, accuracy >= ``d_accuracy`` on real and on fake at
  ``d_wins_patience`` evaluations in a row (the generator's gradient then vanishes);
- COLLAPSE: modes covered drop by ``coverage_drop`` classes from the best evaluation;
- COLLAPSE: diversity falls below ``diversity_drop`` x its best (samples repeat).

References: Salimans et al. 2016 and Arjovsky & Bottou 2017 (failure modes: a
discriminator that wins, mode collapse); the metrics' own references are in
``ganlib.evaluation.metrics``.
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf
from matplotlib.figure import Figure

from ganlib import _checks, _files, data
from ganlib.evaluation.classifier import feature_classifier
from ganlib.evaluation.metrics import (
    DEFAULT_METRICS,
    METRICS,
    evaluate_images,
    scalar_figures,
)

__all__ = ["HealthRules", "MetricsMonitor", "health_warnings", "load_records",
           "probe_discriminator"]

_LOG_KEYS = ("d_loss", "g_loss", "real_score", "fake_score", "gradient_penalty", "r1_penalty")
_LOSS_KEYS = ("d_loss", "g_loss")


@dataclass(frozen=True)
class HealthRules:
    """Thresholds of the training-health warnings; see ``health_warnings``."""

    d_accuracy: float = 0.99      # D "wins" at this accuracy on real and on fake ...
    d_wins_patience: int = 3      # ... at this many evaluations in a row
    coverage_drop: int = 2        # classes lost since the best evaluation
    diversity_drop: float = 0.5   # diversity below this share of its best
    explode_factor: float = 100.0  # a loss this many times its smallest earlier mean size
    explode_floor: float = 10.0   # ... and at least this large


def _finite(value) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value)


def health_warnings(records, rules: HealthRules = HealthRules()) -> list[str]:
    """The warnings for the last of ``records`` (dicts with a "step"), given the earlier ones.

    Each rule reads only keys that are present, so records without metrics (or without a
    probe) are checked for what they have. The rules are listed in the module docstring.
    """
    if not records:
        return []
    *earlier, last = records
    step, found = last["step"], []
    if last.get("nonfinite_steps"):
        found.append(f"DIVERGED: non-finite losses at {last['nonfinite_steps']} step(s) "
                     f"before step {step}; lower the learning rates or check the data.")
    if last.get("nonfinite_images"):
        found.append(f"DIVERGED: the generator made {last['nonfinite_images']} NaN/Inf "
                     f"image(s) at step {step}.")
    for key in _LOSS_KEYS:
        before = [abs(r[key]) for r in earlier if _finite(r.get(key))]
        if _finite(last.get(key)) and before:
            size, smallest = abs(last[key]), min(before)
            if size > rules.explode_floor and size > rules.explode_factor * smallest:
                found.append(f"DIVERGED: {key} is exploding (mean size {size:.3g}, "
                             f"{size / max(smallest, 1e-12):.0f}x its smallest, "
                             f"{smallest:.3g}); lower the learning rates.")
    recent = records[-rules.d_wins_patience:]
    if len(recent) == rules.d_wins_patience and all(
            _finite(r.get("d_acc_real")) and _finite(r.get("d_acc_fake"))
            and min(r["d_acc_real"], r["d_acc_fake"]) >= rules.d_accuracy for r in recent):
        found.append(f"COLLAPSE: the discriminator wins (accuracy >= {rules.d_accuracy:.0%} "
                     f"on real and fake at {rules.d_wins_patience} evaluations in a row); the "
                     "generator's gradient vanishes. Try a non-saturating loss, a smaller D "
                     "learning rate or label smoothing.")
    best_modes = max((r["modes_covered"] for r in earlier if _finite(r.get("modes_covered"))),
                     default=None)
    if best_modes is not None and _finite(last.get("modes_covered")) \
            and best_modes - last["modes_covered"] >= rules.coverage_drop:
        found.append(f"COLLAPSE: modes covered dropped from {best_modes:.0f} to "
                     f"{last['modes_covered']:.0f} classes (mode collapse).")
    best_diversity = max((r["diversity"] for r in earlier if _finite(r.get("diversity"))),
                         default=None)
    if best_diversity is not None and _finite(last.get("diversity")) \
            and last["diversity"] < rules.diversity_drop * best_diversity:
        found.append(f"COLLAPSE: diversity fell to {last['diversity']:.3g} from its best "
                     f"{best_diversity:.3g}: the samples repeat (mode collapse).")
    return found


def probe_discriminator(gan, real, fake, latent=None) -> dict:
    """D's accuracy on real and fake images, and both networks' gradient norms, on one batch.

    Accuracy uses the loss's decision threshold on D's raw output: 0 for logits (minimax,
    non-saturating, hinge), 0.5 for least squares, and midway between the mean outputs on
    real and fake for Wasserstein critics (which have no fixed threshold). Gradient norms
    are global L2 norms of d(loss)/d(weights) of the compiled loss pair, in inference mode
    and without the gradient penalty. ``latent`` (default: standard normal, seed 0) makes
    the generator's batch for its gradient.

    Returns:
        {"d_acc_real", "d_acc_fake", "d_grad_norm", "g_grad_norm"} as floats (the norms
        only when the GAN is compiled).
    """
    real = tf.convert_to_tensor(np.asarray(real, np.float32))
    fake = tf.convert_to_tensor(np.asarray(fake, np.float32))
    real_out = tf.reshape(gan.discriminator(real, training=False), [-1])
    fake_out = tf.reshape(gan.discriminator(fake, training=False), [-1])
    loss_name = str(getattr(gan, "loss_name", "non_saturating"))
    if "wasserstein" in loss_name:
        threshold = 0.5 * float(tf.reduce_mean(real_out) + tf.reduce_mean(fake_out))
    else:
        threshold = 0.5 if "least_squares" in loss_name else 0.0
    result = {"d_acc_real": float(tf.reduce_mean(tf.cast(real_out > threshold, tf.float32))),
              "d_acc_fake": float(tf.reduce_mean(tf.cast(fake_out < threshold, tf.float32)))}
    if not hasattr(gan, "d_loss_fn"):
        return result
    with tf.GradientTape() as tape:
        d_loss = gan.d_loss_fn(gan.discriminator(real, training=False),
                               gan.discriminator(fake, training=False))
    d_grads = tape.gradient(d_loss, gan.discriminator.trainable_variables)
    if latent is None:
        latent = np.random.default_rng(0).standard_normal((len(fake), gan.latent_dim))
    with tf.GradientTape() as tape:
        generated = gan.generator(tf.constant(latent, tf.float32), training=False)
        g_loss = gan.g_loss_fn(gan.discriminator(generated, training=False))
    g_grads = tape.gradient(g_loss, gan.generator.trainable_variables)
    for name, grads in (("d_grad_norm", d_grads), ("g_grad_norm", g_grads)):
        present = [g for g in grads if g is not None]
        result[name] = float(tf.linalg.global_norm(present)) if present else 0.0
    return result


def load_records(path) -> list[dict]:
    """The records of a monitor's JSON file (a list of dicts, one per evaluation)."""
    path = Path(path)
    try:
        content = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise ValueError(f"{path} is not a readable metrics file ({exc}); delete it or "
                         "pass another json_path.") from exc
    records = content.get("records") if isinstance(content, dict) else None
    if not isinstance(records, list):
        raise ValueError(f"{path} has no 'records' list; it was not written by "
                         "MetricsMonitor. Delete it or pass another json_path.")
    return records



class MetricsMonitor(keras.callbacks.Callback):
    """Every ``every_n_steps`` generator steps: metrics on a fixed latent batch, and health.

    Args:
        dataset: the dataset the GAN learns (a name from ``ganlib.data.DATASETS``); its
            classifier and real images are the reference.
        every_n_steps: generator steps between evaluations.
        n_samples: images generated per evaluation, from one fixed latent batch.
        n_real: real images compared with (default ``n_samples``: FID and
            precision/recall depend on both sample sizes, so keep them equal).
        metrics: names from ``ganlib.evaluation.metrics.METRICS`` (default all).
        json_path: the run's JSON file (None: no file). Records already in it up to the
            GAN's current step are kept, so a resumed run continues the curves.
        log_dir: TensorBoard folder (None: no TensorBoard).
        seed: seeds the latent batch, the real subset and KID's rounds.
        classifier: a feature classifier (default: the dataset's cached one).
        probe_size: real and fake images for the accuracy and gradient probe (0: none).
        rules: ``HealthRules`` for the warnings.
        evaluate_at_start, evaluate_at_end: also evaluate when training starts (unless
            a record for that step exists) and when it ends (unless just done).
        on_record: called with each new record (for example to refresh a panel).
        verbose: print one line per evaluation; warnings are printed regardless.
        data_dir: data folder for the classifier and real images.
    """

    def __init__(self, dataset: str, every_n_steps: int = 1000, *, n_samples: int = 1000,
                 n_real: int | None = None, metrics=DEFAULT_METRICS, json_path=None,
                 log_dir=None, seed: int = 0, classifier=None, probe_size: int = 256,
                 rules: HealthRules = HealthRules(), evaluate_at_start: bool = True,
                 evaluate_at_end: bool = True, on_record=None, verbose: bool = True,
                 data_dir=None):
        super().__init__()
        _checks.choice(dataset, "dataset", sorted(data.DATASETS))
        _checks.whole_number(every_n_steps, "every_n_steps")
        _checks.whole_number(n_samples, "n_samples", 2)
        _checks.whole_number(probe_size, "probe_size", 0)
        if not isinstance(rules, HealthRules):
            raise TypeError(f"rules must be a HealthRules, got {type(rules).__name__}.")
        self.dataset, self.every_n_steps = dataset, int(every_n_steps)
        self.n_samples, self.n_real = int(n_samples), int(n_real or n_samples)
        self.metric_names = _checks.choices(metrics, "metrics", METRICS)
        self.json_path = Path(json_path) if json_path is not None else None
        self.log_dir = Path(log_dir) if log_dir is not None else None
        self.seed, self.classifier, self.probe_size = int(seed), classifier, int(probe_size)
        self.rules, self.on_record, self.verbose = rules, on_record, verbose
        self.evaluate_at_start, self.evaluate_at_end = evaluate_at_start, evaluate_at_end
        self.data_dir = data_dir
        self.records: list[dict] = []
        self.step = 0
        self._latent = self._real_probe = self._writer = None
        self._start_time = self._seconds_before = self._eval_total = 0.0
        self._reset_interval()

    # ----------------------------------------------------------------- the latest values
    @property
    def latest(self) -> dict | None:
        """The newest record (None before the first evaluation)."""
        return self.records[-1] if self.records else None

    @property
    def warnings(self) -> list[tuple[int, str]]:
        """Every warning so far, as (step, text)."""
        return [(r["step"], text) for r in self.records for text in r.get("warnings", [])]

    def summary(self, record: dict | None = None) -> str:
        """One line for a panel: the step and the main figures of a record (default latest)."""
        record = record or self.latest
        if record is None:
            return "no evaluation yet"
        parts = [f"step {record['step']:,}"]
        for key, label, form in (("fid", "FID", ".2f"), ("kid", "KID", ".4f"),
                                 ("classifier_score", "score", ".2f"),
                                 ("precision", "precision", ".2f"), ("recall", "recall", ".2f"),
                                 ("diversity", "diversity", ".2f"),
                                 ("d_acc_real", "D acc real", ".0%"),
                                 ("d_acc_fake", "fake", ".0%")):
            if _finite(record.get(key)):
                parts.append(f"{label} {record[key]:{form}}")
        if _finite(record.get("modes_covered")):
            parts.insert(3, f"modes {record['modes_covered']:.0f}/{record['num_classes']:.0f}")
        return " | ".join(parts)

    def figure(self) -> Figure:
        """Curves of the records: FID and KID, precision/recall/diversity, modes, D accuracy.

        Red lines mark evaluations with a warning. Built without pyplot (thread-safe).
        """
        panels = (("FID (classifier features)", ("fid",)),
                  ("KID", ("kid",)),
                  ("precision, recall, diversity", ("precision", "recall", "diversity")),
                  ("modes covered", ("modes_covered",)),
                  ("D accuracy on probe", ("d_acc_real", "d_acc_fake")),
                  ("gradient norms", ("d_grad_norm", "g_grad_norm")))
        figure = Figure(figsize=(12, 5.5))
        axes = figure.subplots(2, 3).ravel()
        steps = [r["step"] for r in self.records]
        for axis, (title, keys) in zip(axes, panels, strict=True):
            for key in keys:
                values = [r.get(key) if _finite(r.get(key)) else np.nan for r in self.records]
                if steps and not np.all(np.isnan(values)):
                    axis.plot(steps, values, marker=".", label=key)
            for step, _ in self.warnings:
                axis.axvline(step, color="red", alpha=0.3)
            axis.set_title(title, fontsize=10)
            axis.set_xlabel("generator step", fontsize=8)
            axis.grid(alpha=0.3)
            if len(keys) > 1 and steps:
                axis.legend(fontsize=7)
        figure.suptitle(f"{self.dataset}: classifier-feature metrics (not Inception figures)")
        figure.tight_layout()
        return figure

    # ----------------------------------------------------------------- Keras hooks
    def on_train_begin(self, logs=None):
        gan = self.model
        for attribute in ("generator", "discriminator", "latent_dim", "steps_done"):
            if not hasattr(gan, attribute):
                raise TypeError(f"MetricsMonitor needs a ganlib.training.GAN; the model has no "
                                f"{attribute!r} (got {type(gan).__name__}).")
        expected = tuple(data.DATASETS[self.dataset]["shape"])
        if tuple(gan.generator.output_shape[1:]) != expected:
            raise ValueError(f"The generator makes images of shape "
                             f"{tuple(gan.generator.output_shape[1:])} but {self.dataset} "
                             f"images are {expected}; monitor with the dataset the GAN learns.")
        self.step = gan.steps_done
        if self._latent is None:
            rng = np.random.default_rng(self.seed)
            self._latent = rng.standard_normal((self.n_samples, gan.latent_dim)) \
                .astype(np.float32)
        if self.classifier is None:
            self.classifier = feature_classifier(self.dataset, self.data_dir)
        if self.probe_size and self._real_probe is None:
            self._real_probe = data.load_dataset(
                self.dataset, split="train", data_dir=self.data_dir, fallback=False,
                limit=self.probe_size, verbose=False).images
        if self.json_path is not None and self.json_path.exists():
            self.records = [r for r in load_records(self.json_path) if r["step"] <= self.step]
        self.records = [r for r in self.records if r["step"] <= self.step]
        # Training time continues from the last record (a resumed run loses only the time
        # between that record and the interruption).
        self._seconds_before = self.latest.get("train_seconds", 0.0) if self.records else 0.0
        self._eval_total = 0.0
        if self.log_dir is not None and self._writer is None:
            self._writer = tf.summary.create_file_writer(str(self.log_dir))
        self._reset_interval()
        self._start_time = time.monotonic()   # training time starts after the set-up
        if self.evaluate_at_start and not any(r["step"] == self.step for r in self.records):
            self.evaluate()

    def on_train_batch_end(self, batch, logs=None):
        self.step += 1
        self._accumulate(batch, logs or {})
        if self.step % self.every_n_steps == 0:
            self.evaluate()

    def on_train_end(self, logs=None):
        if self.evaluate_at_end and (self.latest is None or self.latest["step"] != self.step):
            self.evaluate()
        if self._writer is not None:
            self._writer.flush()

    # ----------------------------------------------------------------- the logs
    def _reset_interval(self):
        self._sums = {}
        self._counts = {}
        self._totals = {}
        self._nonfinite_steps = 0

    def _accumulate(self, batch, logs):
        """Add this step's own value of each loss and score (Keras logs running means)."""
        bad = {}
        for key in _LOG_KEYS:
            if key not in logs or np.ndim(logs[key]) != 0:
                continue
            total = (batch + 1) * float(logs[key])  # sum since the epoch began
            value = total - (self._totals.get(key, 0.0) if batch > 0 else 0.0)
            self._totals[key] = total
            if math.isfinite(value):
                self._sums[key] = self._sums.get(key, 0.0) + value
                self._counts[key] = self._counts.get(key, 0) + 1
            else:
                bad[key] = value
        if bad:
            if not self._nonfinite_steps:  # at once, the first time in an interval
                names = ", ".join(f"{k}={v}" for k, v in bad.items())
                print(f"\nWARNING step {self.step:,}: DIVERGED: non-finite {names}.",
                      flush=True)
            self._nonfinite_steps += 1

    # ----------------------------------------------------------------- evaluation
    def evaluate(self) -> dict:
        """Evaluate now: metrics, probe, warnings; store, write and show the record."""
        began = time.monotonic()
        gan = self.model
        trained = began - self._start_time - self._eval_total
        record = {"step": self.step, "train_seconds": round(self._seconds_before + trained, 3)}
        record.update({k: self._sums[k] / self._counts[k] for k in self._sums})
        if self._nonfinite_steps:
            record["nonfinite_steps"] = self._nonfinite_steps
        self._reset_interval()
        sampler = getattr(gan, "sampler", None) or gan.generator  # the EMA copy if kept
        images = np.asarray(sampler.predict(self._latent, batch_size=256, verbose=0))
        bad = int((~np.isfinite(images.reshape(len(images), -1)).all(axis=1)).sum())
        if bad:
            record["nonfinite_images"] = bad
        else:
            result = evaluate_images(
                images, self.dataset, self.metric_names, n_real=self.n_real, seed=self.seed,
                value_range=(-1, 1), classifier=self.classifier, data_dir=self.data_dir)
            record.update(scalar_figures(result))
            if "class_shares" in result:
                record["class_shares"] = result["class_shares"]
            if self.probe_size:
                fake = np.clip(images[:self.probe_size], -1.0, 1.0)
                record.update(probe_discriminator(gan, self._real_probe, fake,
                                                  self._latent[:self.probe_size]))
        record["warnings"] = health_warnings(self.records + [record], self.rules)
        record["eval_seconds"] = round(time.monotonic() - began, 3)
        self._eval_total += record["eval_seconds"]
        self.records.append(record)
        self._save()
        self._write_tensorboard(record)
        if self.verbose:
            print(f"[metrics] {self.summary(record)}", flush=True)
        for text in record["warnings"]:
            print(f"WARNING step {record['step']:,}: {text}", flush=True)
        if self.on_record is not None:
            self.on_record(record)
        return record

    def _save(self):
        if self.json_path is None:
            return
        content = {"dataset": self.dataset,
                   "note": "classifier-feature metrics (ganlib.evaluation.metrics), NOT Inception "
                           "figures; compare only runs with the same settings",
                   "every_n_steps": self.every_n_steps, "n_samples": self.n_samples,
                   "n_real": self.n_real, "seed": self.seed, "records": self.records}
        _files.write_text_atomically(self.json_path, json.dumps(content, indent=1))

    def _write_tensorboard(self, record):
        if self._writer is None:
            return
        groups = {"d_loss": "losses", "g_loss": "losses", "gradient_penalty": "losses",
                  "r1_penalty": "losses", "real_score": "health", "fake_score": "health",
                  "d_acc_real": "health",
                  "d_acc_fake": "health", "d_grad_norm": "health", "g_grad_norm": "health",
                  "nonfinite_steps": "health", "nonfinite_images": "health",
                  "train_seconds": "time", "eval_seconds": "time"}
        with self._writer.as_default():
            for key, value in scalar_figures(record).items():
                if key != "step":
                    tf.summary.write(f"{groups.get(key, 'metrics')}/{key}",
                                     tf.constant(value, tf.float32), step=record["step"],
                                     metadata=_plugin("scalars"))
            if record["warnings"]:
                tf.summary.write("health/warnings",
                                 tf.constant("\n\n".join(record["warnings"])),
                                 step=record["step"], metadata=_plugin("text"))
        self._writer.flush()


def _plugin(name: str):
    """Summary metadata that TensorBoard's scalar or text dashboard reads.

    ``tf.summary.scalar`` and ``tf.summary.text`` live in the ``tensorboard`` package, which
    TensorFlow no longer installs; ``tf.summary.write`` with this metadata writes the same
    records with TensorFlow alone (viewing them still needs ``pip install tensorboard``).
    """
    from tensorflow.core.framework import summary_pb2

    return summary_pb2.SummaryMetadata(
        plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name=name))

