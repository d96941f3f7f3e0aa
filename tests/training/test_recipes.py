"""Tests of ganlib.training.recipes: defaults, learner-facing validation messages, build_dcgan."""

import dataclasses
import re

import keras
import numpy as np
import pytest

from ganlib import data, losses, training
from ganlib.training import recipes
from ganlib.training.recipes import DCGANRecipe


def test_defaults_are_valid_and_are_the_course_recipe():
    recipe = DCGANRecipe()
    assert dataclasses.asdict(recipe) == {
        "dataset": "fashion_mnist", "latent_dim": 64, "width": 32, "batch_size": 64,
        "d_learning_rate": 4e-4, "g_learning_rate": 4e-4, "beta1": 0.5, "steps": 5_000,
        "loss": "non_saturating", "d_steps": 1, "gradient_penalty_weight": 0.0, "lr_decay": 0.0,
        "r1_weight": 0.0, "spectral_norm": False, "d_batch_norm": False, "ema_decay": 0.999,
        "seed": 0,
    }


def test_dcgan_notebook_parameters_are_the_recipe_defaults():
    """bench/train_budget.py trains DCGANRecipe(); it must be what the notebook trains."""
    import ast
    from pathlib import Path

    import nbformat

    notebook = Path(__file__).resolve().parents[2] / "notebooks" / "04_dcgan.ipynb"
    cell = next(c for c in nbformat.read(notebook, as_version=4).cells
                if "parameters" in c.metadata.get("tags", []))
    values = {node.targets[0].id: ast.literal_eval(node.value)
              for node in ast.parse(cell.source).body if isinstance(node, ast.Assign)}
    for field in dataclasses.fields(DCGANRecipe):
        assert values[field.name.upper()] == getattr(DCGANRecipe(), field.name), field.name


@pytest.mark.parametrize("changes, name, expected", [
    ({"latent_dim": "64"}, "LATENT_DIM", "a whole number"),
    ({"latent_dim": 0}, "LATENT_DIM", "a whole number >= 1"),
    ({"batch_size": 0}, "BATCH_SIZE", "a whole number >= 1"),
    ({"batch_size": -8}, "BATCH_SIZE", "a whole number >= 1"),
    ({"width": True}, "WIDTH", "a whole number"),
    ({"steps": 2.5}, "STEPS", "a whole number"),
    ({"steps": 0}, "STEPS", "a whole number >= 1"),
    ({"seed": -1}, "SEED", "a whole number >= 0"),
    ({"d_learning_rate": -1}, "D_LEARNING_RATE", "a finite number > 0 and < 1"),
    ({"d_learning_rate": 5}, "D_LEARNING_RATE", "a finite number > 0 and < 1"),
    ({"g_learning_rate": 0.0}, "G_LEARNING_RATE", "a finite number > 0 and < 1"),
    ({"g_learning_rate": "2e-4"}, "G_LEARNING_RATE", "a finite number"),
    ({"beta1": 1.0}, "BETA1", ">= 0 and < 1"),
    ({"beta1": -0.1}, "BETA1", ">= 0 and < 1"),
    ({"beta1": False}, "BETA1", "a finite number"),
    ({"dataset": "imagenet"}, "DATASET", "one of ['cifar10', 'digits', 'fashion_mnist', "
                                         "'mnist']"),
    ({"dataset": None}, "DATASET", "one of ['cifar10'"),
    ({"loss": "wgan"}, "LOSS", "one of ['hinge', 'least_squares', 'minimax', "
                               "'non_saturating', 'wasserstein']"),
])
def test_bad_values_name_the_parameter_in_uppercase(changes, name, expected):
    [(field, value)] = changes.items()
    with pytest.raises(ValueError) as excinfo:
        DCGANRecipe(**changes)
    message = str(excinfo.value)
    assert message.startswith(f"{name} must be ")
    assert expected in message and f"got {value!r}" in message
    assert field in name.lower()


def test_sizes_too_large_for_a_laptop_are_refused():
    with pytest.raises(ValueError, match=r"WIDTH must be a whole number >= 1 and <= 512 .*"
                                         r"got 1024"):
        DCGANRecipe(width=1024)
    with pytest.raises(ValueError, match=r"BATCH_SIZE must be a whole number >= 1 and <= 8192"):
        DCGANRecipe(batch_size=10_000)
    # each discriminator update is unrolled in the step: 400 of them never finished
    with pytest.raises(ValueError, match=r"D_STEPS must be a whole number >= 1 and <= 100 .*"
                                         r"got 400"):
        DCGANRecipe(d_steps=400)


def test_an_int_for_a_float_field_and_numpy_numbers_are_accepted():
    recipe = DCGANRecipe(latent_dim=np.int64(16), d_learning_rate=np.float32(1e-3),
                         beta1=0, batch_size=np.int32(8))
    assert recipe.latent_dim == 16 and recipe.beta1 == 0


def test_seed_of_2_to_the_32_is_refused_by_the_recipe_not_later_by_keras():
    with pytest.raises(ValueError, match=r"^SEED must be a whole number >= 0 and <= 4294967295 "
                                         r"\(Keras seeds are below 2\*\*32\), got 4294967296\.$"):
        DCGANRecipe(seed=2**32)
    assert DCGANRecipe(seed=2**32 - 1).seed == 4294967295


def test_numpy_numbers_are_stored_as_python_numbers_so_the_fingerprint_works():
    recipe = DCGANRecipe(width=np.int64(16), seed=np.uint32(3), d_learning_rate=np.float64(1e-3),
                         gradient_penalty_weight=np.int64(10), spectral_norm=np.bool_(True),
                         dataset=np.str_("mnist"))
    assert recipe.fingerprint() == DCGANRecipe(width=16, seed=3, d_learning_rate=1e-3,
                                               gradient_penalty_weight=10.0, spectral_norm=True,
                                               dataset="mnist").fingerprint()
    assert [type(getattr(recipe, name)) for name in (
        "width", "seed", "d_learning_rate", "gradient_penalty_weight", "spectral_norm",
        "dataset")] == [int, int, float, float, bool, str]


def test_replace_changes_one_value_and_validates_again():
    recipe = DCGANRecipe()
    smaller = recipe.replace(batch_size=16)
    assert smaller.batch_size == 16
    assert dataclasses.replace(smaller, batch_size=64) == recipe
    with pytest.raises(ValueError, match="BATCH_SIZE must be .*got -1"):
        recipe.replace(batch_size=-1)
    with pytest.raises(ValueError, match=r"LOSS must be one of \[.*\], got 'wgan'"):
        recipe.replace(loss="wgan")


def test_recipe_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        DCGANRecipe().latent_dim = 8


# --------------------------------------------------------------------------- build_dcgan


def test_build_dcgan_returns_a_compiled_gan(tiny_recipe):
    recipe = tiny_recipe.replace(latent_dim=12, d_learning_rate=1e-3, g_learning_rate=3e-4,
                                 beta1=0.4)
    gan = recipes.build_dcgan(recipe)
    assert isinstance(gan, training.GAN)
    assert gan.latent_dim == 12
    assert gan.generator.input_shape == (None, 12)
    assert gan.generator.output_shape == (None, 28, 28, 1)
    assert gan.discriminator.output_shape == (None, 1)
    assert gan.d_optimizer is not gan.g_optimizer
    assert isinstance(gan.d_optimizer, keras.optimizers.Adam)
    assert float(gan.d_optimizer.learning_rate) == pytest.approx(1e-3)
    assert float(gan.g_optimizer.learning_rate) == pytest.approx(3e-4)
    assert gan.d_optimizer.beta_1 == gan.g_optimizer.beta_1 == pytest.approx(0.4)
    assert (gan.d_loss_fn, gan.g_loss_fn) == losses.get_loss_pair("non_saturating")
    assert gan.steps_done == 0


def test_build_dcgan_for_colour_images_with_the_minimax_loss(tiny_recipe):
    gan = recipes.build_dcgan(tiny_recipe.replace(loss="minimax"), image_shape=(32, 32, 3))
    assert gan.generate(n=2).shape == (2, 32, 32, 3)
    assert gan.g_loss_fn is losses.minimax_generator_loss


@pytest.mark.parametrize("loss", ["least_squares", "wasserstein", "hinge"])
def test_recipe_accepts_every_registered_loss(tiny_recipe, loss):
    gan = recipes.build_dcgan(tiny_recipe.replace(loss=loss))
    assert (gan.d_loss_fn, gan.g_loss_fn) == losses.get_loss_pair(loss)
    assert gan.loss_name == loss


def test_build_dcgan_is_reproducible_from_the_seed(tiny_recipe):
    first = recipes.build_dcgan(tiny_recipe).generate(n=3)
    again = recipes.build_dcgan(tiny_recipe).generate(n=3)
    other = recipes.build_dcgan(tiny_recipe.replace(seed=1)).generate(n=3)
    np.testing.assert_array_equal(first, again)
    assert not np.allclose(first, other)


def test_build_dcgan_accepts_numpy_integers(tiny_recipe):
    gan = recipes.build_dcgan(tiny_recipe.replace(latent_dim=np.int64(8), width=np.int64(8)))
    assert gan.generate(n=1).shape == (1, 28, 28, 1)


def test_build_dcgan_refuses_something_else_than_a_recipe():
    with pytest.raises(TypeError, match="recipe must be a DCGANRecipe, got dict"):
        recipes.build_dcgan({"latent_dim": 8})


def test_fingerprint_ignores_steps_but_not_the_model_or_training():
    recipe = DCGANRecipe()
    assert len(recipe.fingerprint()) == 8
    assert recipe.replace(steps=99).fingerprint() == recipe.fingerprint()
    assert recipe.replace(width=16).fingerprint() != recipe.fingerprint()
    assert recipe.replace(g_learning_rate=1e-3).fingerprint() != recipe.fingerprint()
    assert DCGANRecipe().fingerprint() == recipe.fingerprint()  # stable across instances


def test_fingerprint_of_runs_without_the_later_fields_is_the_one_before_they_existed():
    """Checkpoints saved before ``lr_decay`` and ``d_batch_norm`` were added still resume:
    their key is unchanged (the values below were computed by the code before the fields
    existed); switching either on starts afresh."""
    assert DCGANRecipe().fingerprint() == "bf9d0a3e"
    assert recipes.variant("plain").fingerprint() == "391cf7e3"
    assert len({DCGANRecipe().fingerprint(), DCGANRecipe(lr_decay=0.5).fingerprint(),
                DCGANRecipe(d_batch_norm=True).fingerprint()}) == 3


@pytest.mark.parametrize("share", [-0.5, 1.01, float("nan")])
def test_recipe_refuses_an_lr_decay_outside_0_to_1_naming_the_parameter(share):
    with pytest.raises(ValueError, match=r"^LR_DECAY must be a finite number >= 0 and <= 1 "):
        DCGANRecipe(lr_decay=share)


def test_build_dcgan_normalises_the_discriminators_batches_when_asked(tiny_recipe):
    for flag in (False, True):
        gan = recipes.build_dcgan(tiny_recipe.replace(d_batch_norm=flag))
        assert flag == any(isinstance(layer, keras.layers.BatchNormalization)
                           for layer in gan.discriminator.layers)


def test_build_dcgan_passes_lr_decay_to_the_gan():
    gan = recipes.build_dcgan(DCGANRecipe(dataset="digits", latent_dim=8, width=8,
                                          lr_decay=0.25))
    assert gan.lr_decay == 0.25 and gan.base_learning_rates == (4e-4, 4e-4)


def test_fingerprint_holds_the_data_actually_loaded_and_its_size(capsys):
    """Before: a run asked for MNIST that fell back to the digits offline saved under the same
    key as a real MNIST run (and a quick run's checkpoint was resumed by the full run)."""
    recipe = DCGANRecipe(dataset="mnist")
    fallback = data.load_dataset("mnist", allow_download=False)  # offline: the digits
    assert "NOTICE: mnist is not available" in capsys.readouterr().out
    assert fallback.name == "digits" and fallback.requested == "mnist"
    small = data.load_dataset("digits", limit=512, verbose=False)
    keys = {recipe.fingerprint(), recipe.fingerprint(fallback), recipe.fingerprint(small),
            recipe.replace(dataset="digits").fingerprint(fallback)}
    assert len(keys) == 4
    assert recipe.fingerprint(fallback) == recipe.fingerprint(
        data.load_dataset("mnist", allow_download=False, verbose=False))  # stable


@pytest.mark.parametrize("changes, name, expected", [
    ({"d_steps": 0}, "D_STEPS", "a whole number >= 1"),
    ({"spectral_norm": 1}, "SPECTRAL_NORM", "True or False"),
    ({"spectral_norm": "True"}, "SPECTRAL_NORM", "True or False"),
    ({"d_batch_norm": 0}, "D_BATCH_NORM", "True or False"),
    ({"d_batch_norm": True, "r1_weight": 1.0}, "D_BATCH_NORM", "Set D_BATCH_NORM=False, or "
                                                               "both penalty weights to 0"),
    ({"d_batch_norm": True, "gradient_penalty_weight": 10.0, "loss": "wasserstein"},
     "D_BATCH_NORM=True does not go", "(GRADIENT_PENALTY_WEIGHT 10.0, R1_WEIGHT 0.0)"),
    ({"ema_decay": 1.0}, "EMA_DECAY", ">= 0 and < 1"),
    ({"ema_decay": float("nan")}, "EMA_DECAY", ">= 0 and < 1"),
    ({"gradient_penalty_weight": -1.0}, "GRADIENT_PENALTY_WEIGHT", "a finite number >= 0"),
    ({"r1_weight": float("inf")}, "R1_WEIGHT", "a finite number >= 0"),
])
def test_bad_variant_values_name_the_parameter(changes, name, expected):
    with pytest.raises(ValueError, match=re.escape(name) + ".*" + re.escape(expected)):
        DCGANRecipe(**changes)


def test_every_variant_is_a_valid_recipe_that_differs_from_the_default():
    assert recipes.VARIANTS["default"] == {}
    fingerprints = {recipes.variant(name).fingerprint() for name in recipes.VARIANTS}
    assert len(fingerprints) == len(recipes.VARIANTS)
    plain = DCGANRecipe(d_learning_rate=2e-4, g_learning_rate=2e-4, ema_decay=0.0)
    assert recipes.variant("plain") == plain
    assert recipes.variant("ema", seed=3) == plain.replace(ema_decay=0.999, seed=3)
    expected_changes = {
        "minimax": {"loss"}, "least_squares": {"loss"}, "hinge_sn": {"loss", "spectral_norm"},
        "wgan_gp": {"loss", "gradient_penalty_weight", "d_steps"}, "r1": {"r1_weight"},
        "ttur": {"d_learning_rate", "g_learning_rate"}, "ema": {"ema_decay"}}
    assert set(recipes.VARIANTS) == {"default", "plain", *expected_changes}
    for name, expected in expected_changes.items():   # each remedy: plain + its own change
        remedy = recipes.variant(name)
        changed = {field.name for field in dataclasses.fields(DCGANRecipe)
                   if getattr(remedy, field.name) != getattr(plain, field.name)}
        assert changed == expected, name
    with pytest.raises(ValueError, match=r"variant must be one of \['default', 'plain'.*"
                                         r"got 'wgan'"):
        recipes.variant("wgan")


@pytest.mark.parametrize("name", ["hinge_sn", "wgan_gp", "r1", "ema"])
def test_build_dcgan_applies_the_variant(tiny_recipe, name):
    recipe = tiny_recipe.replace(**recipes.VARIANTS[name])
    gan = recipes.build_dcgan(recipe)
    assert gan.loss_name == recipe.loss and gan.d_steps == recipe.d_steps
    assert gan.gradient_penalty_weight == recipe.gradient_penalty_weight
    assert gan.r1_weight == recipe.r1_weight
    assert (gan.ema_generator is not None) == (recipe.ema_decay > 0)
    has_spectral_norm = any(isinstance(layer, keras.layers.SpectralNormalization)
                            for layer in gan.discriminator.layers)
    assert has_spectral_norm == recipe.spectral_norm


def test_bench_recipe_changes_apply_to_course_recipes_only(bench_module):
    """train_budget.py --set width=16 changes the course recipe; wrong changes are named."""
    reference = bench_module("recipes_reference")
    narrow = reference.build_recipe("ema", seed=0, changes={"width": 16})
    plain = reference.build_recipe("ema", seed=0)
    assert "width=16" in narrow.description and "ema_decay=0.999" in narrow.description
    assert narrow.gan.generator.count_params() < plain.gan.generator.count_params()
    with pytest.raises(ValueError, match=r"Unknown recipe field\(s\) \['widht'\]"):
        reference.build_recipe("default", changes={"widht": 16})
    with pytest.raises(ValueError, match="apply only to the course's recipes"):
        reference.build_recipe("radford", changes={"width": 16})
    with pytest.raises(ValueError, match="WIDTH"):
        reference.build_recipe("default", changes={"width": 0})


@pytest.mark.parametrize("seconds, width", [(1, 32), (300, 32), (599.9, 32), (600, 64),
                                            (900, 64), (np.float64(3600), 64)])
def test_for_budget_keeps_the_default_below_ten_minutes_and_widens_from_there(seconds, width):
    recipe = recipes.for_budget(seconds)
    assert recipe.width == width
    expected = DCGANRecipe() if width == 32 else DCGANRecipe().replace(**recipes.LONG)
    assert recipe == expected  # nothing else changes: the same optimizer and average
    assert recipes.for_budget(seconds, seed=2, dataset="mnist") == \
        expected.replace(seed=2, dataset="mnist")


@pytest.mark.parametrize("seconds", [0, -60, float("nan"), float("inf"), "900", True, None])
def test_for_budget_refuses_a_budget_that_is_not_a_positive_number(seconds):
    with pytest.raises((TypeError, ValueError), match=r"^seconds must be a finite number > 0 "
                                                      r".*the training budget in seconds"):
        recipes.for_budget(seconds)


def test_bench_budget_recipe_needs_the_budget_and_builds_the_setting_it_picks(bench_module):
    """train_budget.py --recipe budget --seconds 900 trains for_budget(900)'s wider networks."""
    reference = bench_module("recipes_reference")
    short = reference.build_recipe("budget", seed=0, seconds=300)
    long = reference.build_recipe("budget", seed=0, seconds=900)
    default = reference.build_recipe("default", seed=0)
    assert short.gan.generator.count_params() == default.gan.generator.count_params()
    assert long.gan.generator.count_params() > 2 * default.gan.generator.count_params()
    assert "width=64" in long.description and "900 s" in long.description
    with pytest.raises(ValueError, match="give seconds, e.g. seconds=900"):
        reference.build_recipe("budget", seed=0)


@pytest.mark.parametrize("name, discriminator", [("conditional", "projection_discriminator"),
                                                 ("conditional_ac",
                                                  "auxiliary_classifier_discriminator")])
def test_bench_conditional_recipes_build_the_named_discriminator(bench_module, name,
                                                                 discriminator):
    reference = bench_module("recipes_reference")
    bench = reference.build_recipe(name, seed=0, dataset="fashion_mnist")
    assert bench.num_classes == 10
    assert bench.gan.discriminator.name == discriminator
    assert "d_learning_rate=0.0002" in bench.description  # notebook 07's rate, not 4e-4


def test_bench_builds_notebook_13s_vit_gan_and_diffusion_recipes(bench_module):
    """train_budget.py --recipe vit_gan / diffusion: the models notebook 13 trains."""
    reference = bench_module("recipes_reference")
    vit_gan = reference.build_recipe("vit_gan", seed=0)
    assert vit_gan.gan.discriminator.name == "vit_discriminator"
    assert vit_gan.gan.generator.count_params() == \
        reference.build_recipe("default", seed=0).gan.generator.count_params()
    assert "discriminator" in vit_gan.parameter_counts()
    model = reference.build_recipe("diffusion", seed=0).gan
    assert model.schedule.timesteps == 250 and model.sampling_steps == 30
    assert model.sampler == "dpm_solver" and "30 steps of dpm_solver" in \
        reference.build_recipe("diffusion").description
    assert reference.build_recipe("diffusion").parameter_counts().startswith("denoiser ")
    samples = model.generate(2, seed=0, steps=2)
    assert samples.shape == (2, 28, 28, 1) and np.abs(samples).max() <= 1
    assert model.prediction == "v"


def test_bench_diffusion_takes_build_diffusion_settings_and_names_a_wrong_one(bench_module):
    """train_budget.py --recipe diffusion --set prediction=eps: Ho et al.'s noise target."""
    reference = bench_module("recipes_reference")
    eps = reference.build_recipe("diffusion", seed=0, changes={"prediction": "eps"})
    assert eps.gan.prediction == "eps" and "predicting eps" in eps.description
    assert "changed: {'prediction': 'eps'}" in eps.description
    with pytest.raises(ValueError, match=r"Unknown diffusion setting\(s\) \['predict'\]; "
                                         r"build_diffusion takes \[.*'prediction'"):
        reference.build_recipe("diffusion", changes={"predict": "eps"})
    with pytest.raises(ValueError, match=r"^prediction must be one of \['eps', 'v'\]"):
        reference.build_recipe("diffusion", changes={"prediction": "x0"})


def test_train_budget_also_sample_takes_sampler_and_steps_for_diffusion_only(bench_module,
                                                                             capsys):
    train_budget = bench_module("train_budget")
    args = train_budget.parse_args(["--recipe", "diffusion", "--also-sample", "ddim:30",
                                    "dpm_solver:20"])
    assert args.also_sample == [("ddim", 30), ("dpm_solver", 20)]
    for bad, message in [(["--recipe", "diffusion", "--also-sample", "ddpm:250"], "ddpm:250"),
                         (["--recipe", "diffusion", "--also-sample", "ddim"], "'ddim'"),
                         (["--recipe", "diffusion", "--also-sample", "ddim:0"], "ddim:0"),
                         (["--also-sample", "ddim:30"], "for --recipe diffusion only")]:
        with pytest.raises(SystemExit):
            train_budget.parse_args(bad)
        assert message in capsys.readouterr().err
