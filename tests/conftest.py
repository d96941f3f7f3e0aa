"""Shared fixtures: an offline data folder, seeds, tiny images and a tiny DCGAN factory.

Everything runs offline: the data folder points into a temporary directory and any attempt
to download through ``keras.datasets`` fails the test.
"""

import dataclasses

import keras
import numpy as np
import pytest

from ganlib import data
from ganlib.data import datasets
from ganlib.training import recipes

#: The smallest recipe that still exercises every layer; fast on two CPU cores.
TINY_RECIPE = {"dataset": "digits", "latent_dim": 8, "width": 8, "batch_size": 8,
               "steps": 4, "seed": 0}


@pytest.fixture(autouse=True)
def offline_data_dir(tmp_path_factory, monkeypatch):
    """Point GANLIB_DATA_DIR at a fresh temporary folder and forbid downloads."""
    folder = tmp_path_factory.mktemp("ganlib_data")
    monkeypatch.setenv("GANLIB_DATA_DIR", str(folder))

    def no_download(name):
        pytest.fail(f"a test tried to download {name!r}; tests must stay offline")

    monkeypatch.setattr(datasets, "_keras_download", no_download)
    return folder


@pytest.fixture(autouse=True)
def seeded():
    """Seed Python, numpy and the backend before every test."""
    keras.utils.set_random_seed(0)


@pytest.fixture
def tiny_recipe():
    return recipes.DCGANRecipe(**TINY_RECIPE)


@pytest.fixture
def tiny_recipe_kwargs(tiny_recipe):
    """The tiny recipe as a plain dict, e.g. to write into a subprocess script."""
    return dataclasses.asdict(tiny_recipe)


@pytest.fixture
def make_gan(tiny_recipe):
    """Factory: a compiled tiny GAN, ``make_gan(image_shape=..., **recipe_changes)``."""

    def factory(image_shape=(28, 28, 1), **changes):
        return recipes.build_dcgan(tiny_recipe.replace(**changes), image_shape)

    return factory


@pytest.fixture
def random_images():
    """32 float32 images of 28x28x1, uniform in [-1, 1]."""
    return np.random.default_rng(0).uniform(-1, 1, (32, 28, 28, 1)).astype(np.float32)


@pytest.fixture
def tiny_dataset(random_images):
    """A repeating tf.data pipeline of batches of 8 from ``random_images``."""
    return data.make_dataset(random_images, 8, seed=0)


@pytest.fixture
def weights_of():
    """Function returning numpy copies of a model's trainable variables."""

    def copy(model):
        return [np.array(v.numpy(), copy=True) for v in model.trainable_variables]

    return copy


@pytest.fixture
def fit_quietly():
    """Function running ``gan.fit`` without progress bars: ``fit_quietly(gan, ds, steps)``."""

    def fit(gan, dataset, steps_per_epoch, epochs=1, callbacks=()):
        return gan.fit(dataset, epochs=epochs, steps_per_epoch=steps_per_epoch,
                       callbacks=list(callbacks), verbose=0, shuffle=False)

    return fit


@pytest.fixture
def bench_module():
    """Import a script of bench/ by name, as the scripts import each other (bench/ on the path)."""
    import importlib
    import sys
    from pathlib import Path

    bench = str(Path(__file__).resolve().parent.parent / "bench")
    if bench not in sys.path:
        sys.path.insert(0, bench)
    return importlib.import_module


@pytest.fixture(scope="session")
def tool_module():
    """Function importing a script of tools/ by name: ``tool_module("usage_table")``."""
    import importlib.util
    from pathlib import Path

    def load(name):
        path = Path(__file__).resolve().parent.parent / "tools" / f"{name}.py"
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    return load


@pytest.fixture(scope="session")
def quick_executions(tmp_path_factory):
    """A folder the notebook tests fill with each notebook as nbval executed it in the quick
    setting (markdown and outputs), so that the site test renders them instead of running
    the whole course a second time."""
    return tmp_path_factory.mktemp("quick_executions")


def pytest_collection_modifyitems(items):
    """Tests that read the notebook tests' executions (``quick_executions``) run after them."""
    items.sort(key=lambda item: "quick_site" in getattr(item, "fixturenames", ()))
