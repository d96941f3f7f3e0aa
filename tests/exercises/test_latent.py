"""The latent-space exercise: slerp, and the mistakes its check names."""

import numpy as np


def test_the_straight_line_is_named(failure):
    def slerp(start, end, t):
        return (1 - t) * np.asarray(start) + t * np.asarray(end)

    assert "That is the straight line (lerp), whose middle is shorter than both ends" in \
        failure("slerp", slerp)


def test_swapped_weights_are_named(failure):
    def slerp(start, end, t):
        start, end = np.asarray(start), np.asarray(end)
        omega = np.arccos(start @ end / (np.linalg.norm(start) * np.linalg.norm(end)))
        return (np.sin(t * omega) * start + np.sin((1 - t) * omega) * end) / np.sin(omega)

    assert "The two weights are swapped: start takes sin((1 - t) Omega), so that t = 0 " \
           "gives start." in failure("slerp", slerp)


def test_a_missing_division_by_sin_omega_is_named(failure):
    def slerp(start, end, t):
        start, end = np.asarray(start), np.asarray(end)
        omega = np.arccos(start @ end / (np.linalg.norm(start) * np.linalg.norm(end)))
        return np.sin((1 - t) * omega) * start + np.sin(t * omega) * end

    message = failure("slerp", slerp)
    assert "for two codes of N(0, I) in 64 dimensions, t = 0.3" in message
    assert "The division by sin(Omega) is missing." in message


def test_an_angle_from_codes_not_normalised_is_not_finite(failure):
    def slerp(start, end, t):
        start, end = np.asarray(start), np.asarray(end)
        with np.errstate(invalid="ignore"):
            omega = np.arccos(start @ end)  # the cosine needs the lengths divided out
        return (np.sin((1 - t) * omega) * start + np.sin(t * omega) * end) / np.sin(omega)

    message = failure("slerp", slerp)
    assert "is not finite" in message and "cos(Omega) = start . end / (|start| |end|)" in message


def test_a_normalised_result_is_named(failure):
    def slerp(start, end, t):
        start, end = np.asarray(start), np.asarray(end)
        omega = np.arccos(start @ end / (np.linalg.norm(start) * np.linalg.norm(end)))
        point = (np.sin((1 - t) * omega) * start + np.sin(t * omega) * end) / np.sin(omega)
        return point / np.linalg.norm(point)

    assert "The result has length 1: slerp keeps the codes' own lengths" in \
        failure("slerp", slerp)
