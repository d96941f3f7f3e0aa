"""Tests of ganlib.ui.PlaygroundPanel: the 2-D playground's buttons, boxes and thread."""

import pytest

from ganlib import playground, ui

TINY = playground.PlaygroundSettings(g_width=8, d_width=8, depth=1, batch_size=16)


@pytest.fixture
def panel():
    return ui.PlaygroundPanel(TINY, steps_per_frame=3)


def test_panel_starts_with_a_drawn_gan(panel):
    assert panel.step_count == 0
    assert bytes(panel.image.value).startswith(b"\x89PNG")
    assert "press Play or Step" in panel.status.value


def test_step_button_advances_exactly_one_step(panel):
    panel.buttons["step"].click()
    assert panel.step_count == 1
    panel.buttons["step"].click()
    assert panel.step_count == 2 and "Step 2." in panel.status.value


@pytest.mark.parametrize(("name", "value", "message"), [
    ("d_learning_rate", 0.0, "d_learning_rate must be a finite number"),
    ("g_learning_rate", -0.5, "g_learning_rate must be a finite number"),
    ("g_width", 0, "g_width must be a whole number"),
    ("d_width", 0, "d_width must be a whole number"),
    ("r1_weight", -1.0, "r1_weight must be a finite number"),
])
def test_panel_refuses_bad_values_and_keeps_its_gan(panel, name, value, message):
    gan = panel.playground.gan
    panel.inputs[name].value = value
    for button in ("reset", "step", "play"):
        panel.buttons[button].click()
        assert "Refused" in panel.status.value and message in panel.status.value
        assert f"got {value}." in panel.status.value
    assert panel.playground.gan is gan and panel.step_count == 0 and not panel.running


@pytest.mark.parametrize(("text", "message"), [
    ("0, 0\n1, nan", "line 2"),
    ("0, 0, 0", "line 1"),
    ("", "no points"),
])
def test_panel_refuses_bad_user_points(panel, text, message):
    panel.inputs["distribution"].value = playground.USER_POINTS
    panel.points_box.value = text
    panel.buttons["reset"].click()
    assert "Refused" in panel.status.value and message in panel.status.value
    assert panel.playground.distribution.name == "ring8"


def test_user_points_through_the_panel(panel):
    panel.inputs["distribution"].value = playground.USER_POINTS
    panel.points_box.value = "1, 1\n-1, -1\n"
    panel.buttons["reset"].click()
    assert panel.playground.distribution.centres.shape == (2, 2)
    assert "New GAN on my points" in panel.status.value


def test_reset_rebuilds_with_new_values(panel):
    panel.buttons["step"].click()
    panel.inputs["g_width"].value = 16
    panel.buttons["step"].click()  # a structural change needs Reset
    assert "Press Reset" in panel.status.value and panel.step_count == 1
    panel.buttons["reset"].click()
    assert panel.step_count == 0
    assert panel.playground.gan.generator.layers[1].units == 16


def test_panel_r1_box_sets_the_penalty_on_reset(panel):
    panel.inputs["r1_weight"].value = 0.1
    panel.buttons["reset"].click()
    assert panel.playground.settings.r1_weight == 0.1
    assert panel.playground.gan.r1_weight == 0.1


def test_learning_rates_apply_without_reset(panel):
    panel.inputs["g_learning_rate"].value = 0.01
    panel.buttons["step"].click()
    assert panel.step_count == 1
    assert float(panel.playground.gan.g_optimizer.learning_rate.numpy()) == pytest.approx(0.01)


def test_play_runs_in_a_thread_until_pause(panel):
    panel.buttons["play"].click()
    assert panel.running and panel.buttons["step"].disabled
    panel.buttons["reset"].click()  # refused while playing: the handler returns at once
    panel.buttons["pause"].click()
    panel.wait()
    assert not panel.running and panel.last_error is None
    stopped = panel.step_count
    assert stopped >= 3 and stopped % 3 == 0  # whole chunks of steps_per_frame
    assert f"Paused at step {stopped:,}" in panel.status.value
    assert not panel.buttons["play"].disabled and panel.buttons["pause"].disabled
    panel.buttons["step"].click()
    assert panel.step_count == stopped + 1
