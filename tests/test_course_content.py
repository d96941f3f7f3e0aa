"""The course's teaching content, read from the notebooks without running them: the exercises
sit where their idea is taught and follow the template, every notebook ends with self-check
questions, the article's bugs are repaired cell by cell, and no sentence blames the wrong source.

What those cells print when run (the "Not done yet" fallback, each bug's symptom and fix) is
checked by the headless runs in ``tests/test_notebooks.py``.
"""

import ast
import inspect
import re
from pathlib import Path

import nbformat
import pytest

from ganlib.exercises import EXERCISES

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))
#: Every notebook after the welcome one ends with self-check questions.
TAUGHT = [notebook for notebook in NOTEBOOKS if not notebook.stem.startswith("00_")]

#: Exercise -> the notebook that teaches its idea.
PLACES = {
    "optimal_discriminator": "02_loss_mathematics",
    "discriminator_loss": "04_dcgan",
    "generator_loss": "04_dcgan",
    "dcgan_generator": "04_dcgan",
    "train_step": "04_dcgan",
    "gradient_penalty": "05_stability",
    "frechet_distance": "06_evaluation",
    "conditional_input": "07_conditional",
    "pix2pix_generator_loss": "09_pix2pix",
    "cycle_consistency_loss": "10_cyclegan",
    "fgsm": "11_robustness",
    "reparameterize": "12_related_models",
    "add_noise": "13_transformers_diffusion",
    "slerp": "14_latent_space",
    "laplacian_variance": "15_restoration",
}


def _cells(notebook):
    return nbformat.read(notebook, as_version=4).cells


def _tagged(cells, tag):
    return [i for i, cell in enumerate(cells) if tag in cell.metadata.get("tags", [])]


def _stub_name(cell):
    (definition,) = ast.parse(cell.source).body
    assert isinstance(definition, ast.FunctionDef), cell.source[:100]
    return definition.name


def test_every_exercise_is_placed_in_the_notebook_that_teaches_it():
    found = {}
    for notebook in NOTEBOOKS:
        cells = _cells(notebook)
        for index in _tagged(cells, "exercise"):
            found.setdefault(_stub_name(cells[index]), []).append(notebook.stem)
    assert set(EXERCISES) == set(PLACES)
    assert found == {name: [place] for name, place in PLACES.items()}


@pytest.mark.parametrize("name", sorted(PLACES))
def test_an_exercise_is_a_task_a_stub_and_a_check_that_falls_back(name):
    """Task in words, a stub with the exercise's signature that raises NotImplementedError
    with a hint, then one line that checks it and keeps a working function either way."""
    cells = _cells(NOTEBOOK_DIR / f"{PLACES[name]}.ipynb")
    (index,) = [i for i in _tagged(cells, "exercise") if _stub_name(cells[i]) == name]
    task, stub, check = cells[index - 1], cells[index], cells[index + 1]
    assert task.cell_type == "markdown" and task.source.startswith("### Exercise: ")
    assert f'exercises.solution("{name}")' in task.source
    assert check.source.strip() == f'{name} = exercises.check("{name}", {name}).function'
    assert stub.outputs == [] and check.outputs == []

    namespace = {}
    exec(stub.source, namespace)  # noqa: S102 - the notebook's own stub, defined only
    stub_function = namespace[name]
    wanted = list(inspect.signature(EXERCISES[name].reference).parameters)
    assert list(inspect.signature(stub_function).parameters) == wanted
    with pytest.raises(NotImplementedError, match=r"^Hint: \S"):
        stub_function(*[None] * len(wanted))
    # the notebook uses the function after the check, not only defines it
    later = "".join(cell.source for cell in cells[index + 2:] if cell.cell_type == "code")
    assert re.search(rf"\b{name}\(", later), f"{name} is never used after its check"


@pytest.mark.parametrize("notebook", TAUGHT, ids=lambda p: p.stem)
def test_every_notebook_ends_with_three_to_five_self_check_questions(notebook):
    last = _cells(notebook)[-1]
    assert last.cell_type == "markdown" and last.source.startswith("## Check yourself")
    blocks = re.findall(r"<details>\s*<summary>(.*?)</summary>(.*?)</details>", last.source,
                        re.DOTALL)
    assert 3 <= len(blocks) <= 5
    assert last.source.count("<details>") == len(blocks)
    for question, answer in blocks:
        assert question.strip().endswith("?"), question
        assert len(answer.split()) >= 15, f"a short answer to {question!r}"


def test_the_article_bugs_are_repaired_one_class_per_cell():
    """At least eight cells tagged seed-bug, each printing its measured symptom and its fix."""
    cells = [cell for notebook in NOTEBOOKS for cell in _cells(notebook)
             if "seed-bug" in cell.metadata.get("tags", [])]
    assert len(cells) >= 8
    for cell in cells:
        assert cell.cell_type == "code"
        assert "Symptom:" in cell.source and "Fix:" in cell.source, cell.source[:120]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_sentence_blames_the_wrong_source_or_keeps_the_wrong_term(notebook):
    """The bugs come from the article the course grew from, not from 'a well-known tutorial';
    its term for the vanishing gradient appears only beside the right one."""
    text = "\n".join(cell.source for cell in _cells(notebook) if cell.cell_type == "markdown")
    assert "well-known tutorial" not in text
    for line in text.splitlines():
        if "梯度剥离" in line:
            assert "梯度消失" in line, line
