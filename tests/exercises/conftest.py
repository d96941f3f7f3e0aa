"""What the exercise tests share: the message of a check that must fail."""

import pytest

from ganlib.exercises import EXERCISES, check


@pytest.fixture
def failure():
    """``failure(name, function)``: the message of a failed check (which fell back to the
    reference)."""

    def message_of(name, function):
        result = check(name, function, verbose=False)
        assert not result.passed, f"{function.__name__} passed: {result.message}"
        assert result.function is EXERCISES[name].reference
        return result.message

    return message_of
