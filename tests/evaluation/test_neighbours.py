"""Tests of ganlib.evaluation.neighbours: nearest training images and the near-copy report."""

import numpy as np
import pytest

from ganlib.evaluation import neighbours


def test_nearest_neighbours_finds_known_points_and_distances():
    references = np.array([[0.0, 0.0], [3.0, 4.0], [10.0, 0.0]])
    queries = np.array([[0.0, 1.0], [3.0, 4.0], [9.0, 0.0], [6.0, 8.0]])
    distances, indices = neighbours.nearest_neighbours(queries, references)
    np.testing.assert_array_equal(indices, [0, 1, 2, 1])
    np.testing.assert_allclose(distances, [1.0, 0.0, 1.0, 5.0], atol=1e-5)


def test_nearest_neighbours_works_on_images_in_blocks(monkeypatch):
    monkeypatch.setattr(neighbours, "_CHUNK", 3)  # several blocks
    rng = np.random.default_rng(0)
    train = rng.integers(0, 256, (50, 6, 6, 1), dtype=np.uint8)
    order = rng.permutation(50)[:7]
    distances, indices = neighbours.nearest_neighbours(train[order], train,
                                                       value_range=(0, 255))
    np.testing.assert_array_equal(indices, order)
    np.testing.assert_allclose(distances, 0.0, atol=1e-3)


def test_copy_report_tells_a_copier_from_new_samples():
    rng = np.random.default_rng(1)
    train = rng.uniform(-1, 1, (400, 8, 8, 1)).astype(np.float32)
    held_out = rng.uniform(-1, 1, (200, 8, 8, 1)).astype(np.float32)
    new = rng.uniform(-1, 1, (200, 8, 8, 1)).astype(np.float32)
    copies = train[:200] + rng.normal(0, 0.01, (200, 8, 8, 1)).astype(np.float32)

    honest = neighbours.copy_report(new, train, held_out)
    copier = neighbours.copy_report(copies, train, held_out)
    assert 0.9 < honest["ratio"] < 1.1 and honest["near_copy_share"] < 0.05
    assert copier["ratio"] < 0.1 and copier["near_copy_share"] == 1.0
    assert copier["threshold"] == pytest.approx(honest["threshold"])


def test_bad_inputs_are_named():
    with pytest.raises(ValueError, match="queries have 4 values per sample but references "
                                         "have 9"):
        neighbours.nearest_neighbours(np.zeros((2, 2, 2)), np.zeros((2, 3, 3)))
    with pytest.raises(ValueError, match="references contain NaN"):
        neighbours.nearest_neighbours(np.zeros((2, 2)), np.full((2, 2), np.nan))
    with pytest.raises(ValueError, match="queries is empty"):
        neighbours.nearest_neighbours(np.zeros((0, 2)), np.zeros((2, 2)))
    with pytest.raises(TypeError, match="queries must be numeric"):
        neighbours.nearest_neighbours(np.array([["a", "b"]]), np.zeros((2, 2)))
    with pytest.raises(ValueError, match="quantile must be in"):
        neighbours.copy_report(np.zeros((2, 2)), np.zeros((2, 2)), np.zeros((2, 2)),
                               quantile=1.5)
