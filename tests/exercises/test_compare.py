"""The comparison helpers: a mismatch becomes a sentence, an exception a one-line report."""

import numpy as np
import pytest
import tensorflow as tf

from ganlib.exercises import compare


def test_show_writes_numbers_and_small_arrays_briefly():
    assert compare.show(0.5) == "0.5"
    assert compare.show(np.float32(1 / 3)) == "0.333333"
    assert compare.show([[1.0, 2.0], [3.0, -4.5]]) == "[[1, 2], [3, -4.5]]"
    assert compare.show(np.zeros(20)) == "an array of shape (20,)"


def test_a_value_close_enough_passes_silently():
    compare.compare(1.00001, 1.0, "the loss")
    compare.compare([0.5, 0.25], np.array([0.5, 0.25]), "D*")


def test_a_whole_number_factor_is_named_when_no_typical_mistake_matches():
    with pytest.raises(compare.Mismatch, match=r"^The loss is 3 but should be 1\. It is 3 times "
                                               r"too large: a sum where a mean was meant \(or "
                                               r"the reverse\)\?$"):
        compare.compare(3.0, 1.0, "the loss")
    with pytest.raises(compare.Mismatch, match=r"It is 2 times too small: a missing or extra "
                                               r"factor of 2\?$"):
        compare.compare([0.5, 1.0], [1.0, 2.0], "the values")


def test_a_flipped_sign_is_named():
    with pytest.raises(compare.Mismatch, match=r"is -0\.7 but should be 0\.7\. The sign is "
                                               r"flipped\.$"):
        compare.compare(-0.7, 0.7, "the loss")


def test_a_typical_mistake_wins_over_the_hint_and_the_factor():
    with pytest.raises(compare.Mismatch, match=r"Labels swapped\.$"):
        compare.compare(2.0, 1.0, "the loss", wrong=[(2.0, "Labels swapped.")], hint="A hint.")
    with pytest.raises(compare.Mismatch, match=r"should be 1\. A hint\.$"):
        compare.compare(2.0, 1.0, "the loss", wrong=[(5.0, "Labels swapped.")], hint="A hint.")


def test_a_value_that_is_not_finite_is_named_with_the_hint():
    with pytest.raises(compare.Mismatch, match=r"^The loss for logits \[50\] is not finite "
                                               r"\(inf\); it should be 50\. Use softplus\.$"):
        compare.compare(np.inf, 50.0, "the loss", on=" for logits [50]", hint="Use softplus.")


def test_many_values_are_summarised_by_how_many_differ():
    got = np.zeros(20)
    got[:3] = 1.0
    with pytest.raises(compare.Mismatch, match=r"^The images: 3 of 20 values differ from the "
                                               r"expected ones \(by up to 1\)\.$"):
        compare.compare(got, np.zeros(20), "the images")


def test_a_shape_mismatch_is_named():
    with pytest.raises(compare.Mismatch, match=r"The loss has shape \(2,\); it must have shape "
                                               r"\(\)\."):
        compare.compare([1.0, 2.0], 1.0, "the loss")


def test_a_scalar_is_refused_when_it_is_one_value_per_sample():
    with pytest.raises(compare.Mismatch, match=r"must be a single number, but your function "
                                               r"returned an array of shape \(3,\): average\.$"):
        compare.scalar(tf.ones(3), "the loss", reduce="average")
    assert compare.scalar(tf.constant([2.5])) == 2.5


def test_a_stub_becomes_not_done_and_an_error_a_sentence_with_the_line():
    def stub(x):
        raise NotImplementedError("later")

    def broken(x):
        return x["key"]

    with pytest.raises(compare.NotDone):
        compare.call(stub, 1)
    with pytest.raises(compare.LearnerError) as caught:
        compare.call(broken, [1], doing="Your model")
    assert str(caught.value) == ("Your model raised TypeError: list indices must be integers "
                                 f"or slices, not str, at line "
                                 f"{broken.__code__.co_firstlineno + 1}: `return x[\"key\"]`.")


def test_a_gradient_stopped_on_the_way_is_named():
    def stopped(x, y):
        return tf.stop_gradient(x) + y

    with pytest.raises(compare.Mismatch, match=r"^Why\. But no gradient flows from your loss "
                                               r"back to x\. Use TensorFlow operations"):
        compare.require_gradients(stopped, (np.ones(2), np.ones(2)), {0: "x", 1: "y"},
                                  what="your loss", why="Why.")
    compare.require_gradients(lambda x: 2.0 * x, (np.ones(2),), {0: "x"})
