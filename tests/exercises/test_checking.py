"""The face of the exercises: the registry, ``check``, ``solution`` and ``task``."""

import inspect

import pytest

from ganlib import exercises
from ganlib.exercises import EXERCISES, NOT_DONE, check, solution, task

#: The exercises and the exact signatures the notebooks' stubs use.
SIGNATURES = {
    "discriminator_loss": "(real_logits, fake_logits)",
    "generator_loss": "(fake_logits)",
    "optimal_discriminator": "(p_data, p_g)",
    "gradient_penalty": "(critic, real, fake, alpha)",
    "dcgan_generator": "(latent_dim)",
    "train_step": "(generator, discriminator, g_optimizer, d_optimizer, real_images, latent)",
    "frechet_distance": "(mu1, sigma1, mu2, sigma2)",
    "conditional_input": "(latent, labels, num_classes)",
    "pix2pix_generator_loss": "(fake_logits, generated, target, l1_weight)",
    "cycle_consistency_loss": "(real, reconstructed)",
    "fgsm": "(model, images, labels, epsilon)",
    "reparameterize": "(mean, log_var, noise)",
    "add_noise": "(x0, t, noise, alphas_cumprod)",
    "slerp": "(start, end, t)",
    "laplacian_variance": "(images)",
}


def test_the_registry_holds_every_exercise_with_its_signature():
    assert set(EXERCISES) == set(SIGNATURES)
    for name, exercise in EXERCISES.items():
        assert exercise.name == name == exercise.reference.__name__
        assert str(inspect.signature(exercise.reference)) == SIGNATURES[name]


@pytest.mark.parametrize("name", sorted(SIGNATURES))
def test_every_task_shows_the_signature_and_says_which_inputs_are_accepted(name):
    text = EXERCISES[name].task
    assert f"`{name}{SIGNATURES[name]}`" in text
    assert "Returns:" in text and "Args:" in text
    if name != "dcgan_generator":
        assert "NumPy arrays and tensors are both accepted" in text


@pytest.mark.parametrize("name", sorted(SIGNATURES))
def test_every_reference_passes_its_own_check(name):
    result = check(name, EXERCISES[name].reference, verbose=False)
    assert result.passed, result.message
    assert result.message.startswith(f"{name}: correct. Checked ")
    assert result.function is EXERCISES[name].reference


@pytest.mark.parametrize("name", sorted(SIGNATURES))
def test_a_stub_left_as_it_is_is_not_done_and_falls_back_to_the_reference(name):
    def stub(*args):
        raise NotImplementedError("write this function")

    result = check(name, stub, verbose=False)
    assert not result.passed
    assert result.message == ("Not done yet: the reference solution is used so the rest of "
                              f"the notebook runs. `exercises.solution('{name}')` shows it.")
    assert result.message == NOT_DONE.format(name=name)
    assert result.function is EXERCISES[name].reference


def test_an_error_in_the_learners_code_is_reported_with_its_type_message_and_line():
    def cycle_consistency_loss(real, reconstructed):
        difference = real - reconstructed
        raise ValueError(f"cannot handle {difference.shape}")

    result = check("cycle_consistency_loss", cycle_consistency_loss, verbose=False)
    assert not result.passed
    assert "Your function raised ValueError: cannot handle (2, 3, 3, 1), at line " in \
        result.message
    assert '`raise ValueError(f"cannot handle {difference.shape}")`' in result.message
    assert "Traceback" not in result.message
    assert result.function is EXERCISES["cycle_consistency_loss"].reference


def test_a_tensorflow_error_in_the_learners_code_is_one_line_without_the_op_preamble():
    import tensorflow as tf

    def discriminator_loss(real_logits, fake_logits):
        return tf.reduce_mean(tf.concat([real_logits, fake_logits], axis=0)[:, 3])

    message = check("discriminator_loss", discriminator_loss, verbose=False).message
    assert "Your function raised InvalidArgumentError: slice index 3 of dimension 1 out of " \
           "bounds." in message
    assert "{{function_node" not in message and "\n" not in message
    assert "`return tf.reduce_mean(tf.concat([real_logits, fake_logits], axis=0)[:, 3])`" in \
        message


def test_a_failure_says_the_reference_is_used_and_how_to_see_it():
    result = check("cycle_consistency_loss", lambda real, reconstructed: 0.0, verbose=False)
    assert result.message.startswith("cycle_consistency_loss: not right yet. ")
    assert result.message.endswith(
        "For now the reference solution is used so the rest of the notebook runs; "
        "`exercises.solution('cycle_consistency_loss')` shows it.")


def test_a_learner_returning_nothing_is_asked_about_return():
    message = check("generator_loss", lambda fake_logits: None, verbose=False).message
    assert "The loss is None: your function returns nothing. Did you forget `return`?" in \
        message


def test_a_learner_returning_text_is_told_numbers_are_needed():
    message = check("generator_loss", lambda fake_logits: "0.5", verbose=False).message
    assert "The loss must be numbers (a tensor or a NumPy array), but your function returned " \
           "a str." in message


def test_passing_what_the_function_returns_instead_of_the_function_is_explained():
    result = check("generator_loss", 0.69, verbose=False)
    assert not result.passed
    assert "check needs your function itself, as in check('generator_loss', " \
           "generator_loss), not what it returns; got a float." in result.message
    assert result.function is EXERCISES["generator_loss"].reference


def test_check_prints_its_message_unless_told_not_to(capsys):
    result = check("cycle_consistency_loss", EXERCISES["cycle_consistency_loss"].reference)
    assert capsys.readouterr().out == result.message + "\n"
    check("cycle_consistency_loss", EXERCISES["cycle_consistency_loss"].reference,
          verbose=False)
    assert capsys.readouterr().out == ""
    assert str(result) == result.message


def test_a_wrong_answer_gives_the_same_message_every_time():
    def summed(real, reconstructed):
        import tensorflow as tf
        return tf.reduce_sum(tf.abs(real - reconstructed))

    first = check("cycle_consistency_loss", summed, verbose=False).message
    assert check("cycle_consistency_loss", summed, verbose=False).message == first


def test_solution_prints_and_returns_the_reference_source(capsys):
    source = solution("discriminator_loss")
    assert source.startswith("def discriminator_loss(real_logits, fake_logits):")
    assert "tf.nn.sigmoid_cross_entropy_with_logits" in source
    assert "ganlib" not in source  # learner-level code, not a call into the library
    assert capsys.readouterr().out == source + "\n"


@pytest.mark.parametrize("name", sorted(SIGNATURES))
def test_no_reference_calls_into_ganlib(name):
    assert "ganlib" not in inspect.getsource(EXERCISES[name].reference)


def test_task_prints_and_returns_the_task(capsys):
    text = task("fgsm")
    assert text.startswith("Write `fgsm(model, images, labels, epsilon)`")
    assert capsys.readouterr().out == text + "\n"


@pytest.mark.parametrize("face", [
    lambda: check("discriminator_los", lambda a, b: 0.0),
    lambda: solution("discriminator_los"),
    lambda: task(3),
])
def test_an_unknown_exercise_is_refused_with_the_list(face):
    with pytest.raises(ValueError, match=r"name must be one of \['add_noise', "
                                         r"'conditional_input', .*\] "
                                         r"\(exercises\.EXERCISES lists them\), got "):
        face()


def test_check_refuses_a_verbose_that_is_not_a_flag():
    with pytest.raises(ValueError, match="verbose must be True or False, got 'yes'"):
        check("fgsm", EXERCISES["fgsm"].reference, verbose="yes")


def test_registering_a_second_exercise_under_one_name_is_refused():
    from ganlib.exercises import registry

    with pytest.raises(ValueError, match="an exercise named 'fgsm' is already registered"):
        registry.register(EXERCISES["fgsm"].reference, EXERCISES["fgsm"].checker, "task")


def test_the_package_docstring_names_every_exercise():
    for name in SIGNATURES:
        assert name in exercises.__doc__


def test_the_checks_draw_nothing_from_the_notebooks_random_generators():
    """A check cell leaves the notebook's later random draws as they were (building the
    learner's DCGAN generator draws its initial weights, so that check is left out)."""
    import random

    import keras
    import numpy as np

    def draws():
        return random.random(), np.random.rand(), float(keras.random.normal(()))

    keras.utils.set_random_seed(0)
    before = draws()
    keras.utils.set_random_seed(0)
    for name in sorted(set(SIGNATURES) - {"dcgan_generator"}):
        check(name, EXERCISES[name].reference, verbose=False)
    assert draws() == before


def test_an_answer_that_breaks_a_comparison_is_reported_not_raised(monkeypatch):
    import dataclasses

    def checker(function):
        raise RuntimeError("cannot compare")

    monkeypatch.setitem(EXERCISES, "fgsm", dataclasses.replace(EXERCISES["fgsm"],
                                                               checker=checker))
    result = check("fgsm", lambda *args: None, verbose=False)
    assert not result.passed
    assert "The check could not use what your function returned (RuntimeError: cannot " \
           "compare)." in result.message
    assert result.function is EXERCISES["fgsm"].reference
