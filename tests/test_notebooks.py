"""Every notebook runs headless (papermill) and under nbval in its quick setting.

The quick setting is the notebook's own ``QUICK = True`` parameter, injected by papermill
where a reader can see it; downloads are switched off and the data folder is empty, so
the notebooks also prove that they run offline on the bundled data.
"""

import ast
import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import papermill
import pytest

from ganlib.exercises import NOT_DONE

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))
QUICK = {"QUICK": True, "ALLOW_DOWNLOAD": False}
#: STEPS of notebooks/04_dcgan.ipynb when QUICK is True.
QUICK_STEPS = 60

#: Files each notebook must write into its OUTPUT_DIR in the quick setting.
EXPECTED_FILES = {
    "00_start_here": ["digits_7.png"],
    "01_background": ["real_images.png", "vision_tasks.png", "pixel_model_samples.png",
                      "gan_1d.png"],
    "02_loss_mathematics": ["optimal_discriminator.png", "jsd_and_wasserstein.png",
                            "generator_losses.png", "loss_shapes.png", "seed_bugs.png"],
    "03_gan_playground_2d": ["ring8_real.png", "vanilla.png", "remedy.png", "panel.png",
                             "grid25_without_r1.png", "grid25_with_r1.png"],
    "04_dcgan": ["real_images.png", "training.png", "progress.gif", "final_samples.png",
                 "losses.png"],
    "05_stability": ["samples_by_recipe.png", "fid_curves.png"],
    "06_evaluation": ["sample_size_bias.png", "nearest_neighbours.png"],
    "07_conditional": ["real_by_class.png", "training.png", "progress.gif", "class_grid.png",
                       "latent_walk.png", "class_walk.png", "confusion_matrix.png"],
    "08_augmentation": ["classic_examples.png", "gan_samples.png", "accuracy.png"],
    "09_pix2pix": ["pairs.png", "training.png", "progress.gif", "results.png"],
    "10_cyclegan": ["domains.png", "training.png", "progress.gif", "results.png"],
    "11_robustness": ["attack_example.png", "attack_curves.png", "gan_samples.png",
                      "projections.png", "robustness_curves.png", "robustness.json"],
    "12_related_models": ["elbo_curve.png", "reconstructions.png", "vae_samples.png",
                          "latent_map.png", "samples_side_by_side.png", "attention_maps.png",
                          "attention_maps_discriminator.png"],
    "13_transformers_diffusion": ["gan_samples.png", "vit_attention.png",
                                  "forward_process.png", "diffusion_loss.png",
                                  "diffusion_samples.png", "reverse_process.png",
                                  "fid_vs_steps.png", "comparison.json"],
    "14_latent_space": ["generators.png", "interpolation.png", "interpolation_measured.png",
                        "style_grid.png", "direction_measured.png", "direction.png",
                        "truncation_samples.png", "truncation_curve.png", "inversion.png",
                        "inversion_losses.png", "latent_space.json"],
    "15_restoration": ["damage.png", "denoising.png", "inpainting.png", "super_resolution.png",
                       "restoration.json"],
}

#: Notebooks that deliberately load no image dataset (pure mathematics on known densities).
WITHOUT_IMAGE_DATA = {"02_loss_mathematics", "03_gan_playground_2d"}
#: The line a notebook on other (non-image) data prints to say which data it used.
DATA_LINES = {"03_gan_playground_2d": "Data: ring8"}


def _run(notebook, tmp_path, **parameters):
    executed = tmp_path / notebook.name
    papermill.execute_notebook(
        str(notebook), str(executed), cwd=str(NOTEBOOK_DIR), kernel_name="python3",
        parameters={**QUICK, "OUTPUT_DIR": str(tmp_path / "out"), **parameters},
        progress_bar=False,
    )
    return nbformat.read(executed, as_version=4)


def _cell_stdout(cell):
    return "".join(output.get("text", "") for output in cell.get("outputs", [])
                   if output.get("name") == "stdout")


def _stdout(notebook):
    return "".join(_cell_stdout(cell) for cell in notebook.cells if cell.cell_type == "code")


def test_every_notebook_is_listed_with_expected_files():
    assert [nb.stem for nb in NOTEBOOKS] == sorted(EXPECTED_FILES)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_template(notebook):
    """One parameters cell with QUICK, OUTPUT_DIR and ALLOW_DOWNLOAD; no stray outputs."""
    nb = nbformat.read(notebook, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    for name in ("QUICK = False", "OUTPUT_DIR =", "ALLOW_DOWNLOAD ="):
        assert name in tagged[0].source
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    assert "Time on a laptop CPU" in nb.cells[0].source
    for cell in nb.cells:
        if cell.cell_type == "code" and "NBVAL_CHECK_OUTPUT" not in cell.source:
            assert cell.outputs == [], f"stored outputs in an unchecked cell: {cell.source[:60]}"


def _checked_names(source):
    """The names given to ``check_parameters(dict(...))``, the first statement of ``source``."""
    first = ast.parse(source).body[0]
    assert isinstance(first, ast.Expr) and isinstance(first.value, ast.Call) \
        and getattr(first.value.func, "id", "") == "check_parameters", source[:200]
    values = first.value.args[0]
    assert isinstance(values, ast.Call) and values.func.id == "dict" and not values.args
    assert all(isinstance(k.value, ast.Name) and k.value.id == k.arg for k in values.keywords)
    return [keyword.arg for keyword in values.keywords]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_parameter_is_checked_first_thing_after_the_parameters_cell(notebook):
    """The code cell after the parameters cell starts with check_parameters, given every
    name of the parameters cell (so a wrong value stops there, named, before QUICK acts)."""
    cells = nbformat.read(notebook, as_version=4).cells
    index = next(i for i, c in enumerate(cells) if "parameters" in c.metadata.get("tags", []))
    parameters = [node.targets[0].id for node in ast.parse(cells[index].source).body]
    following = next(c for c in cells[index + 1:] if c.cell_type == "code")
    assert _checked_names(following.source) == parameters


@pytest.fixture(scope="module")
def dcgan_run(tmp_path_factory):
    """Notebook 04 run once in its quick setting, offline on an empty data folder: the
    folder holding its ``out/`` and the executed notebook, shared by the tests that read them."""
    folder = tmp_path_factory.mktemp("dcgan_run")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GANLIB_DATA_DIR", str(tmp_path_factory.mktemp("dcgan_data")))
        executed = _run(NOTEBOOK_DIR / "04_dcgan.ipynb", folder)
    return folder, executed


def _nbval(notebook, tmp_path):
    """nbval runs the notebook in its quick setting and compares the cells marked
    NBVAL_CHECK_OUTPUT with their stored outputs; returns what every cell printed."""
    prepared = tmp_path / notebook.name
    papermill.execute_notebook(
        str(notebook), str(prepared), prepare_only=True,
        parameters={**QUICK, "OUTPUT_DIR": str(tmp_path / "out")},
    )
    record = tmp_path / "recorded.ipynb"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "-q", "-p", "no:cacheprovider",
         "-p", "nbval_record", "--rootdir", str(tmp_path), str(prepared)],
        cwd=NOTEBOOK_DIR, capture_output=True, text=True,
        env={**os.environ, "NBVAL_RECORD": str(record),
             "PYTHONPATH": os.pathsep.join(filter(None, [str(Path(__file__).parent),
                                                          os.environ.get("PYTHONPATH")]))},
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "passed" in result.stdout
    return nbformat.read(prepared, as_version=4), nbformat.read(record, as_version=4)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_under_nbval_in_quick_setting(notebook, tmp_path, quick_executions):
    """One run per notebook: nbval compares the checked cells, then the headless checks read
    what the run wrote and printed (files, the dataset used, the teaching cells). The run,
    outputs included, is kept for the site test."""
    prepared, executed = _nbval(notebook, tmp_path)
    code_cells = [cell for cell in prepared.cells if cell.cell_type == "code"]
    assert len(executed.cells) == len(code_cells)  # every cell ran
    if notebook.stem == "04_dcgan":
        # seven repaired bugs of section 2 (a to g), three of the DCGAN itself
        assert sum("NBVAL_CHECK_OUTPUT" in c.source for c in code_cells) == 10
    for name in EXPECTED_FILES[notebook.stem]:
        written = tmp_path / "out" / name
        assert written.exists() and written.stat().st_size > 1000, name
    if notebook.stem not in WITHOUT_IMAGE_DATA:
        assert "Dataset: digits" in _stdout(executed)  # the bundled data, said out loud
    if notebook.stem in DATA_LINES:
        assert DATA_LINES[notebook.stem] in _stdout(executed)
    _check_teaching_cells(executed)
    for cell, recorded in zip(code_cells, executed.cells, strict=True):
        cell.outputs = recorded.outputs
    nbformat.write(prepared, quick_executions / notebook.name)


def _check_teaching_cells(executed):
    """Left as they are, the exercise stubs fall back to the reference with the "Not done
    yet" sentence; each repaired bug prints its measured symptom and its fix."""
    cells = executed.cells
    for index, cell in enumerate(cells):
        tags = cell.metadata.get("tags", [])
        if "exercise" in tags:
            name = ast.parse(cell.source).body[0].name
            assert NOT_DONE.format(name=name) in _cell_stdout(cells[index + 1]), name
        if "seed-bug" in tags:
            printed = _cell_stdout(cell)
            assert "Symptom:" in printed and "Fix:" in printed, cell.source[:120]


def test_dcgan_notebook_says_which_dataset_it_fell_back_to(dcgan_run):
    tmp_path, executed = dcgan_run
    text = _stdout(executed)
    assert "NOTICE: fashion_mnist is not available" in text
    assert "restored model draws identical images: True" in text
    written = json.loads((tmp_path / "out" / "metrics.json").read_text())
    assert written["dataset"] == "digits" and written["steps"] == QUICK_STEPS
    assert written["eval_samples"] == 200 and math.isfinite(written["fid"])
    assert 0 <= written["precision"] <= 1 and 0 <= written["recall"] <= 1


def test_a_number_given_as_text_by_papermill_is_refused_with_its_name(tmp_path):
    """``-r LATENT_DIM 64`` injects the text "64": the run stops, naming it."""
    with pytest.raises(papermill.PapermillExecutionError) as error:
        _run(NOTEBOOK_DIR / "04_dcgan.ipynb", tmp_path, LATENT_DIM="64")
    assert "LATENT_DIM must be a whole number >= 1 and <= 4096" in str(error.value)
    assert "got '64' (str)." in str(error.value)


def _refused_at_the_recipe_cell(notebook, tmp_path, **parameters):
    """The error of a run that must stop at the cell after the parameters (the recipe cell):
    its check_parameters call fails before any data is loaded."""
    with pytest.raises(papermill.PapermillExecutionError) as error:
        _run(NOTEBOOK_DIR / notebook, tmp_path, **parameters)
    assert error.value.source.startswith("# Every parameter above, checked"), \
        error.value.source[:200]
    assert not (tmp_path / "out").exists()  # stopped before the cell made OUTPUT_DIR
    return str(error.value)


def test_dcgan_notebook_stops_at_its_recipe_cell_on_a_bad_flag(tmp_path):
    assert "QUICK must be True or False, got 'no' (str)." \
        in _refused_at_the_recipe_cell("04_dcgan.ipynb", tmp_path, QUICK="no")


def _without_magics(source):
    return "\n".join(line for line in source.splitlines() if not line.startswith("%"))


def _check_cell_error(notebook, **parameters):
    """The message of the check at the top of the recipe cell for these values, run in this
    process after the setup cell's imports: the parameters cell's defaults, then the values
    papermill would inject (the same check in a kernel is proven by the tests above)."""
    cells = nbformat.read(NOTEBOOK_DIR / notebook, as_version=4).cells
    index = next(i for i, c in enumerate(cells) if "parameters" in c.metadata.get("tags", []))
    following = next(c for c in cells[index + 1:] if c.cell_type == "code")
    check = ast.Module([ast.parse(following.source).body[0]], type_ignores=[])
    imports = [node for cell in cells[:index] if cell.cell_type == "code"
               for node in ast.parse(_without_magics(cell.source)).body
               if isinstance(node, ast.Import | ast.ImportFrom)]
    namespace = {}
    exec(compile(ast.Module(imports, type_ignores=[]), notebook, "exec"), namespace)  # noqa: S102
    exec(cells[index].source, namespace)  # noqa: S102 - the notebook's own parameters
    namespace.update(QUICK, **parameters)
    with pytest.raises((TypeError, ValueError)) as error:
        exec(compile(check, notebook, "exec"), namespace)  # noqa: S102
    return str(error.value)


@pytest.mark.parametrize(("name", "value", "expected"), [
    ("LATENT_DIM", -4, "LATENT_DIM must be a whole number >= 1 and <= 4096"),
    ("D_LEARNING_RATE", 3.0, "D_LEARNING_RATE must be a finite number > 0 and < 1"),
    ("DATASET", "imagenet", "DATASET must be one of ['cifar10', 'digits', 'fashion_mnist', "
                            "'mnist']"),
    ("CHECKPOINT_EVERY", 0, "CHECKPOINT_EVERY must be a whole number >= 1 (steps between two "
                            "checkpoints), got 0."),
    ("DATA_LIMIT", 0, "DATA_LIMIT must be a whole number >= 1 (or None: every image), got 0."),
    ("SEED", 4294967296, "SEED must be a whole number >= 0 and <= 4294967295 (Keras seeds are "
                         "below 2**32), got 4294967296."),
    ("EVAL_SAMPLES", 0, "EVAL_SAMPLES must be a whole number >= 1 (generated images scored at "
                        "the end), got 0."),
    ("D_BATCH_NORM", "yes", "D_BATCH_NORM must be True or False"),
])
def test_dcgan_notebook_refuses_a_bad_parameter_at_its_recipe_cell(name, value, expected):
    message = _check_cell_error("04_dcgan.ipynb", **{name: value})
    assert expected in message
    shown = f"{value!r} (str)" if isinstance(value, str) else repr(value)
    assert f"got {shown}." in message


def test_pix2pix_notebook_refuses_an_unknown_task_at_its_recipe_cell():
    assert "TASK must be one of ['edges', 'colour', 'resolution'], got 'sketch' (str)." \
        in _check_cell_error("09_pix2pix.ipynb", TASK="sketch")


@pytest.mark.parametrize(("name", "value", "expected"), [
    ("PREDICTION", "x0", "PREDICTION must be one of ['eps', 'v'], got 'x0' (str)."),
    ("TIMESTEP_SAMPLING", "normal", "TIMESTEP_SAMPLING must be one of ['logit_normal', "
                                    "'uniform'], got 'normal' (str)."),
])
def test_diffusion_notebook_refuses_an_unknown_target_or_law_of_steps(name, value, expected):
    assert expected in _check_cell_error("13_transformers_diffusion.ipynb", **{name: value})


def test_resume_continues_from_the_notebook_checkpoint(dcgan_run, tmp_path):
    """A second run with more steps continues the first one's checkpoint."""
    shutil.copytree(dcgan_run[0] / "out", tmp_path / "out")  # quick: 60 steps on 512 images
    executed = _run(NOTEBOOK_DIR / "04_dcgan.ipynb", tmp_path, QUICK=False, STEPS=100,
                    DATA_LIMIT=512, REFRESH_EVERY=20, CHECKPOINT_EVERY=20)
    text = _stdout(executed)
    assert "Resumed from the checkpoint" in text and "at step 60" in text
    assert "the GAN has now made 100 steps" in text
    # the full setting scores 5,000 samples; the bundled digits have fewer test images
    assert "EVAL_SAMPLES lowered from 5000 to" in text


def test_a_sweep_over_the_dcgan_notebook_collects_its_metrics(tmp_path):
    """coursekit.sweep runs notebook 04 and finds the metrics.json it writes."""
    from coursekit import sweep

    result = sweep.run_sweep(NOTEBOOK_DIR / "04_dcgan.ipynb", {"LOSS": ["hinge"]},
                             fixed=QUICK, out_dir=tmp_path / "sweep", kernel_name="python3")
    assert result.ok, result.failed
    (row,) = result.table.rows
    assert row["LOSS"] == "hinge" and row["status"] == "ok"
    assert row["steps"] == QUICK_STEPS and math.isfinite(row["fid"])
    assert (tmp_path / "sweep" / "results.md").exists()


def test_conditional_notebook_trains_and_restores_the_auxiliary_classifier_gan(tmp_path):
    executed = _run(NOTEBOOK_DIR / "07_conditional.ipynb", tmp_path, DISCRIMINATOR="auxiliary")
    text = _stdout(executed)
    assert "image -> realism (1,) and class logits (10,)" in text
    assert "restored model draws identical images: True" in text
    assert any("-auxiliary" in path.name for path in (tmp_path / "out" / "checkpoints").iterdir())


def test_conditional_notebook_refuses_an_unknown_discriminator():
    assert "DISCRIMINATOR must be one of ['auxiliary', 'projection'], got 'acgan' (str)." \
        in _check_cell_error("07_conditional.ipynb", DISCRIMINATOR="acgan")
