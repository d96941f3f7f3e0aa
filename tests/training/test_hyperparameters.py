"""Tests of ganlib.training.hyperparameters: the limits, the optimizer check and the rules
of a notebook's parameter cell (``check_parameters``)."""

import keras
import numpy as np
import pytest

from ganlib.training import hyperparameters
from ganlib.training.hyperparameters import (
    check_parameters,
    each,
    folder,
    one_of,
    optional,
    real,
    whole,
)

# --------------------------------------------------------------------------- limits


def test_seed_of_2_to_the_32_is_refused_as_keras_would_later():
    with pytest.raises(ValueError, match=r"^seed must be a whole number >= 0 and <= 4294967295 "
                                         r"\(Keras seeds are below 2\*\*32\), got 4294967296\.$"):
        hyperparameters.check("seed", 2**32)
    assert hyperparameters.check("seed", 2**32 - 1) == 4294967295


def test_numpy_numbers_come_back_as_python_numbers():
    width = hyperparameters.check("width", np.int64(16))
    rate = hyperparameters.check("d_learning_rate", np.float32(0.25))
    assert (type(width), width) == (int, 16)
    assert (type(rate), rate) == (float, 0.25)


# --------------------------------------------------------------------------- optimizers


@pytest.mark.parametrize("rate", [float("nan"), float("inf"), 0.0, -1e-3, 1.0])
def test_optimizer_with_a_nan_or_non_positive_learning_rate_is_refused_by_name(rate):
    with pytest.raises(ValueError, match=r"^g_optimizer's learning rate must be a finite number "
                                         rf"> 0 and < 1 .*got {rate!r}\.$"):
        hyperparameters.check_optimizer(keras.optimizers.Adam(rate), "g_optimizer")


def test_optimizer_with_a_learning_rate_schedule_is_accepted():
    schedule = keras.optimizers.schedules.PolynomialDecay(1e-3, 100, 1e-5)
    optimizer = keras.optimizers.SGD(schedule)
    assert hyperparameters.check_optimizer(optimizer, "d_optimizer") is optimizer


def test_an_optimizer_name_instead_of_an_optimizer_is_refused():
    with pytest.raises(TypeError, match=r"^d_optimizer must be a Keras optimizer, e\.g\. "
                                        r"keras\.optimizers\.Adam\(2e-4\), got 'adam' \(str\)\.$"):
        hyperparameters.check_optimizer("adam", "d_optimizer")


# --------------------------------------------------------------------------- notebook parameters


@pytest.mark.parametrize(("name", "value", "message"), [
    ("CHECKPOINT_EVERY", -20, "CHECKPOINT_EVERY must be a whole number >= 1 (steps between "
                              "two checkpoints), got -20."),
    ("DATA_LIMIT", 2.5, "DATA_LIMIT must be a whole number >= 1 (or None: every image), got 2.5."),
    ("SEED", -1, "SEED must be a whole number >= 0 and <= 4294967295 (Keras seeds are below "
                 "2**32), got -1."),
    ("EVAL_SAMPLES", "200", "EVAL_SAMPLES must be a whole number >= 1 (generated images scored "
                            "at the end), got '200' (str)."),
    ("QUICK", "True", "QUICK must be True or False, got 'True' (str)."),
    ("RESUME", 1, "RESUME must be True or False, got 1."),
    ("ALLOW_DOWNLOAD", "False", "ALLOW_DOWNLOAD must be True or False, got 'False' (str)."),
    ("OUTPUT_DIR", "", "OUTPUT_DIR must be a folder (a non-empty text or a Path), got '' (str)."),
    ("LATENT_DIM", "64", "LATENT_DIM must be a whole number >= 1 and <= 4096 (the size of the "
                         "noise vector z), got '64' (str)."),
    ("D_STEPS", 101, "D_STEPS must be a whole number >= 1 and <= 100"),
    ("LOSS", "wgan", "LOSS must be one of ['hinge', 'least_squares', 'minimax', "
                     "'non_saturating', 'wasserstein'], got 'wgan' (str)."),
])
def test_bad_shared_parameter_is_refused_with_its_name(name, value, message):
    with pytest.raises(ValueError) as error:
        check_parameters({name: value})
    assert str(error.value).startswith(message)


def test_parameters_come_back_checked_as_python_values():
    checked = check_parameters({"SEED": np.int64(7), "DATA_LIMIT": None, "QUICK": np.bool_(True),
                                "D_LEARNING_RATE": np.float32(0.5), "OUTPUT_DIR": "out"})
    assert checked == {"SEED": 7, "DATA_LIMIT": None, "QUICK": True, "D_LEARNING_RATE": 0.5,
                       "OUTPUT_DIR": "out"}
    assert [type(value) for value in checked.values()] == [int, type(None), bool, float, str]


def test_parameter_without_a_rule_is_refused():
    with pytest.raises(ValueError, match=r"^No rule for the parameters \['GRID', 'STEP'\]: give "
                                         r"each one in rules="):
        check_parameters({"STEP": 10, "SEED": 0, "GRID": 3})


def test_notebook_rules_check_its_own_names_and_narrow_shared_ones():
    rules = {"TASK": one_of(["edges", "colour"]), "DATASET": one_of(["digits", "mnist"])}
    assert check_parameters({"TASK": "edges", "DATASET": "mnist"}, rules) == \
        {"TASK": "edges", "DATASET": "mnist"}
    with pytest.raises(ValueError, match=r"^TASK must be one of \['edges', 'colour'\], got "
                                         r"'sketch' \(str\)\.$"):
        check_parameters({"TASK": "sketch"}, rules)
    with pytest.raises(ValueError, match=r"^DATASET must be one of \['digits', 'mnist'\], got "
                                         r"'cifar10' \(str\)\.$"):
        check_parameters({"DATASET": "cifar10"}, rules)


def test_one_of_numbers_refuses_a_float_or_a_bool_that_equals_an_option():
    rule = one_of([1, 3])
    assert rule(np.int64(3), "PAIR_CHANNELS") == 3
    for value in (3.0, True):
        with pytest.raises(ValueError, match=rf"^PAIR_CHANNELS must be one of \[1, 3\], got "
                                             rf"{value!r}\.$"):
            rule(value, "PAIR_CHANNELS")


def test_each_names_the_bad_entry_and_refuses_a_bare_name_or_an_empty_list():
    rule = each(one_of(["plain", "minimax", "ema"]))
    assert rule(["plain", "ema"], "VARIANTS") == ["plain", "ema"]
    with pytest.raises(ValueError, match=r"^VARIANTS\[1\] must be one of \['plain', 'minimax', "
                                         r"'ema'\], got 'wgan' \(str\)\.$"):
        rule(["plain", "wgan"], "VARIANTS")
    for value in ("plain", []):
        with pytest.raises(ValueError, match=r"^VARIANTS must be a list of one or more values"):
            rule(value, "VARIANTS")
    assert each(whole(0))((0, np.int64(5)), "SNAPSHOTS") == (0, 5)


def test_optional_real_and_folder_rules():
    assert optional(whole(1))(None, "TEST_LIMIT") is None
    with pytest.raises(ValueError, match=r"^TEST_LIMIT must be a whole number >= 1, got 0\.$"):
        optional(whole(1))(0, "TEST_LIMIT")
    with pytest.raises(ValueError, match=r"^GEN_STD must be a finite number > 0, got nan\.$"):
        real(above=0)(float("nan"), "GEN_STD")
    assert folder("../outputs", "OUTPUT_DIR") == "../outputs"
    with pytest.raises(ValueError, match=r"^FOLDER must be a folder .*, got 3\.$"):
        folder(3, "FOLDER")
