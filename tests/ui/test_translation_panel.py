"""The retraining panel: Train builds with the slider values, trains, and shows the scores."""

import numpy as np

from ganlib.data import pairs
from ganlib.translation import pix2pix
from ganlib.ui import TranslationPanel


def _panel(steps=4):
    rng = np.random.default_rng(0)
    targets = rng.uniform(-1, 1, (8, 8, 8, 1)).astype(np.float32)
    data = pairs.ImagePairs(-targets, targets, "negative", "test")
    built = []

    def build(l1_weight, adversarial_weight):
        built.append((l1_weight, adversarial_weight))
        return pix2pix.build_pix2pix((8, 8, 1), width=4, l1_weight=l1_weight,
                                     adversarial_weight=adversarial_weight)

    panel = TranslationPanel(build, {"l1_weight": (100.0, 0.0, 200.0),
                                     "adversarial_weight": (1.0, 0.0, 5.0)},
                             pairs.make_pair_dataset(data, 4), data.sources[:2],
                             lambda model: f"trained {model.steps_done} steps",
                             steps=(steps, 100), preview_targets=data.targets[:2],
                             refresh_every=2)
    return panel, built


def test_train_uses_the_slider_values_and_shows_grid_and_scores():
    panel, built = _panel()
    panel.sliders["l1_weight"].value = 50.0
    panel.train()
    panel.wait(600)
    assert panel.last_error is None
    assert built == [(50.0, 1.0)]
    assert panel.model.l1_weight == 50.0 and panel.model.steps_done == 10  # slider minimum
    assert "trained 10 steps" in panel.scores.value
    assert "Done: 10 steps" in panel.status.value
    assert bytes(panel.image.value).startswith(b"\x89PNG")
    assert not panel.train_button.disabled and panel.stop_button.disabled


def test_weights_the_model_refuses_are_shown_and_nothing_trains():
    panel, built = _panel()
    panel.sliders["l1_weight"].value = 0.0
    panel.sliders["adversarial_weight"].value = 0.0
    panel.train()
    assert "Refused" in panel.status.value and "both 0" in panel.status.value
    assert not panel.running and panel.model is None
