"""The control panel: refuses bad values, trains in the background, stops and resumes."""

import pytest

from ganlib.ui import TrainingPanel


@pytest.fixture
def panel(tiny_recipe, tmp_path):
    return TrainingPanel(tiny_recipe.replace(steps=6), refresh_every=2,
                         checkpoint_dir=tmp_path, allow_download=False, metrics_every=0)


def test_invalid_value_is_refused_in_the_panel(panel):
    panel.inputs["d_learning_rate"].value = -0.1
    panel.start_button.click()
    assert panel.gan is None and not panel.running
    assert "Refused" in panel.status.value and "D_LEARNING_RATE" in panel.status.value


def test_start_trains_and_refreshes_the_grid(panel):
    assert bytes(panel.image.value) == b""
    panel.start_button.click()
    panel.wait(timeout=300)
    assert panel.gan.steps_done == 6
    assert bytes(panel.image.value).startswith(b"\x89PNG")
    assert panel.progress.value == 6 and "step 6 / 6" in panel.progress_label.value
    assert "Done: 6 steps" in panel.status.value
    assert panel.stop_button.disabled  # Stop is disabled again when idle
    assert not panel.start_button.disabled


def test_stop_keeps_the_model_and_resume_continues(panel):
    panel.inputs["steps"].value = 100_000
    panel.start_button.click()
    panel.stop_button.click()
    panel.wait(timeout=300)
    stopped_at = panel.gan.steps_done
    assert stopped_at < 100_000
    assert "Stopped at step" in panel.status.value
    assert panel.progress_label.value.startswith(f"step {stopped_at:,} / ")
    panel.inputs["steps"].value = stopped_at + 3
    panel.inputs["g_learning_rate"].value = 1e-3
    panel.resume_button.click()
    panel.wait(timeout=300)
    assert panel.gan.steps_done == stopped_at + 3
    assert float(panel.gan.g_optimizer.learning_rate.numpy()) == pytest.approx(1e-3)


def test_resume_refuses_structural_changes_and_nothing_to_resume(panel):
    panel.resume_button.click()
    assert "Nothing to resume" in panel.status.value
    panel.start_button.click()
    panel.wait(timeout=300)
    panel.inputs["width"].value = 16
    panel.resume_button.click()
    assert "width changed" in panel.status.value and not panel.running


def test_panel_shows_the_monitor_metrics_while_training(tiny_recipe, tmp_path):
    panel = TrainingPanel(tiny_recipe.replace(steps=6), refresh_every=2,
                          checkpoint_dir=tmp_path, allow_download=False, metrics_every=3)
    assert panel.health.value == ""
    panel.start_button.click()
    panel.wait(timeout=600)
    assert panel.last_error is None, panel.status.value
    assert [record["step"] for record in panel.monitor.records] == [3, 6]
    assert "step 6" in panel.health.value and "FID" in panel.health.value


def test_loss_and_ema_are_chosen_in_the_panel_and_checked(panel):
    panel.inputs["loss"].value = "hinge"
    panel.inputs["ema_decay"].value = 0.99
    assert panel.read_recipe().loss == "hinge" and panel.read_recipe().ema_decay == 0.99
    panel.inputs["ema_decay"].value = 1.5
    panel.start_button.click()
    assert panel.gan is None and "EMA_DECAY" in panel.status.value


@pytest.mark.parametrize("every", [-1, 2.5, True])
def test_metrics_every_must_be_a_whole_number(tiny_recipe, every):
    with pytest.raises(ValueError, match="metrics_every must be a whole number >= 0"):
        TrainingPanel(tiny_recipe, metrics_every=every)
