"""Tests of ganlib.data.pipeline: the tf.data batches training reads."""



import numpy as np
import pytest

from ganlib import data


# --------------------------------------------------------------------------- tf.data
def test_make_dataset_yields_full_batches_in_model_range(random_images):
    dataset = data.make_dataset(random_images[:20], 8)
    batches = [batch.numpy() for batch in dataset.take(5)]  # repeats past 20 images
    for batch in batches:
        assert batch.shape == (8, 28, 28, 1)
        assert batch.dtype == np.float32
        assert batch.min() >= -1.0 and batch.max() <= 1.0


def test_make_dataset_without_repeat_drops_the_remainder(random_images):
    dataset = data.make_dataset(random_images[:20], 8, shuffle=False, repeat=False)
    batches = [batch.numpy() for batch in dataset]
    assert [len(b) for b in batches] == [8, 8]
    np.testing.assert_array_equal(np.concatenate(batches), random_images[:16])


def test_make_dataset_keeps_labels_with_their_images(random_images):
    labels = np.arange(32)
    dataset = data.make_dataset(random_images, 8, labels=labels, seed=3)
    images, batch_labels = next(iter(dataset))
    assert batch_labels.dtype == np.int64
    np.testing.assert_array_equal(images.numpy(), random_images[batch_labels.numpy()])


@pytest.mark.parametrize("batch_size", [0, -1, True, 2.5, "8"])
def test_make_dataset_refuses_bad_batch_size(random_images, batch_size):
    with pytest.raises(ValueError, match="batch_size must be a whole number >= 1"):
        data.make_dataset(random_images, batch_size)


def test_make_dataset_accepts_numpy_integer_batch_size(random_images):
    batch = next(iter(data.make_dataset(random_images, np.int64(4))))
    assert batch.shape == (4, 28, 28, 1)


def test_make_dataset_refuses_labels_of_wrong_length(random_images):
    with pytest.raises(ValueError, match=r"labels must have shape \(32,\)"):
        data.make_dataset(random_images, 8, labels=np.arange(31))


def test_make_dataset_refuses_a_batch_larger_than_the_data_without_repeat(random_images):
    with pytest.raises(ValueError, match="larger than the 32 images"):
        data.make_dataset(random_images, 64, repeat=False)


def test_make_dataset_refuses_uint8_images():
    with pytest.raises(TypeError, match="to_model_range"):
        data.make_dataset(np.zeros((8, 28, 28, 1), np.uint8), 4)
