"""README.md stays true: its table of which notebook uses which module matches the notebooks."""

import importlib.util
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[1]


def _usage_table_tool():
    spec = importlib.util.spec_from_file_location("usage_table",
                                                  PROJECT_DIR / "tools" / "usage_table.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_usage_table_matches_the_notebooks():
    tool = _usage_table_tool()
    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    assert tool.readme_block(readme) == tool.render(tool.usage()), (
        "README.md's usage table is out of date: run python tools/usage_table.py")


def test_the_usage_table_traces_names_to_their_modules():
    tool = _usage_table_tool()
    used = tool.notebook_modules("from ganlib import training, viz\n"
                                 "from ganlib.ui import TrainingPanel\n"
                                 "training.train_gan(gan)\nviz.plot_images(x)\n"
                                 "training.recipes.VARIANTS\n")
    assert used == {"ganlib.training.loop", "ganlib.viz.grids", "ganlib.ui.training_panel",
                    "ganlib.training.recipes"}


def test_the_usage_table_refuses_a_name_ganlib_lacks():
    tool = _usage_table_tool()
    with pytest.raises(AttributeError, match="x uses ganlib.training.no_such_thing, which "
                                             "does not exist"):
        tool.notebook_modules("from ganlib import training\ntraining.no_such_thing()\n", "x")
