"""README.md stays true: its table of which notebook uses which module matches the notebooks,
and its Colab and Binder links are built from the course's one repository address."""

from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[1]


@pytest.fixture
def tool(tool_module):
    return tool_module("usage_table")


def test_readme_usage_table_matches_the_notebooks(tool):
    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    assert tool.readme_block(readme) == tool.render(tool.usage()), (
        "README.md's usage table is out of date: run python tools/usage_table.py")


def test_the_usage_table_traces_names_to_their_modules(tool):
    used = tool.notebook_modules("from ganlib import training, viz\n"
                                 "from ganlib.ui import TrainingPanel\n"
                                 "training.train_gan(gan)\nviz.plot_images(x)\n"
                                 "training.recipes.VARIANTS\n")
    assert used == {"ganlib.training.loop", "ganlib.viz.grids", "ganlib.ui.training_panel",
                    "ganlib.training.recipes"}


def test_the_usage_table_refuses_a_name_ganlib_lacks(tool):
    with pytest.raises(AttributeError, match="x uses ganlib.training.no_such_thing, which "
                                             "does not exist"):
        tool.notebook_modules("from ganlib import training\ntraining.no_such_thing()\n", "x")


def test_readme_links_colab_and_binder_from_the_configured_repository():
    from coursekit.course_map import binder_badge, colab_badge

    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    assert colab_badge("00_start_here.ipynb") in readme
    assert binder_badge() in readme
