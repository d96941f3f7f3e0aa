"""Pairs and unpaired domains: builders on known images, folder loaders and their bad input."""

import warnings

import numpy as np
import pytest
from PIL import Image

from ganlib import data
from ganlib.data import pairs


def _square(size=8, value=1.0):
    """A bright square in the middle of a dark (N=1) image."""
    image = -np.ones((1, 16, 16, 1), np.float32)
    lo = (16 - size) // 2
    image[0, lo:lo + size, lo:lo + size] = value
    return image


def test_sobel_edges_mark_the_border_of_a_square_and_nothing_else():
    edges = pairs.sobel_edges(_square())
    assert edges.shape == (1, 16, 16, 1)
    assert set(np.unique(edges)) == {-1.0, 1.0}  # dark lines on white
    assert edges[0, 8, 8, 0] == 1.0 and edges[0, 0, 0, 0] == 1.0  # inside and far outside
    assert edges[0, 4, 8, 0] == -1.0 and edges[0, 8, 3, 0] == -1.0  # on the border


def test_soft_edges_keep_the_magnitude():
    edges = pairs.sobel_edges(_square(), threshold=0)
    assert edges.min() == pytest.approx(-1.0) and edges.max() == pytest.approx(1.0)
    assert len(np.unique(edges)) > 2


def test_edge_pairs_put_the_edges_first_and_the_image_second():
    image = _square()
    built = pairs.edge_pairs(image)
    np.testing.assert_array_equal(built.targets, image)
    np.testing.assert_array_equal(built.sources, pairs.sobel_edges(image))
    assert "1 pairs, 16x16x1 -> 16x16x1" in built.describe()


def test_grey_colour_pairs_use_luminance_and_refuse_grey_images():
    colour = np.zeros((2, 8, 8, 3), np.float32)
    colour[..., 0] = 1.0  # pure red
    built = pairs.grey_colour_pairs(colour)
    np.testing.assert_allclose(built.sources, 0.299 * 1.0 + (1 - 0.299) * 0.0, atol=1e-6)
    with pytest.raises(ValueError, match="grey \\(1 channel\\) but colour"):
        pairs.grey_colour_pairs(np.zeros((2, 8, 8, 1), np.float32))


def test_resolution_pairs_average_blocks_and_check_the_factor():
    image = -np.ones((1, 8, 8, 1), np.float32)
    image[0, ::2, ::2] = 1.0  # a fine checker: averaged away at factor 2
    built = pairs.resolution_pairs(image, factor=2)
    np.testing.assert_allclose(built.sources, -0.5, atol=1e-5)
    with pytest.raises(ValueError, match=r"factor must be a whole number that divides the "
                                         r"image size 8x8: one of \[2, 4, 8\], got 3\."):
        pairs.resolution_pairs(image, factor=3)


def test_textured_digits_are_colour_in_range_and_coloured_by_class():
    grey = -np.ones((4, 12, 12, 1), np.float32)
    grey[:, 4:8, 4:8] = 1.0
    coloured = pairs.textured_digits(grey, np.array([0, 0, 3, 3]), seed=0)
    assert coloured.shape == (4, 12, 12, 3)
    assert coloured.min() >= -1 and coloured.max() <= 1
    ink = coloured[:, 6, 6]
    assert np.abs(ink[0] - ink[1]).max() < 0.5  # same class: similar ink
    assert np.abs(ink[0] - ink[2]).max() > 0.5  # other class: other ink
    with pytest.raises(ValueError, match="colour \\(3 channels\\) but grey"):
        pairs.textured_digits(coloured)


def test_colour_images_say_they_drew_digits_when_cifar_is_missing(capsys):
    images, name, description = pairs.colour_images(limit=20, image_shape=(16, 16, 3),
                                                    allow_download=False)
    assert name == "textured_digits" and images.shape == (20, 16, 16, 3)
    assert "NOTICE: cifar10 is not available" in capsys.readouterr().out
    assert "drawn in colour on textures" in description


def test_split_holds_out_the_last_pairs():
    built = pairs.ImagePairs(np.zeros((5, 4, 4, 1), np.float32),
                             np.arange(5, dtype=np.float32)[:, None, None, None] / 5,
                             "t", "test")
    train, test = built.split(2)
    assert len(train) == 3 and len(test) == 2
    assert test.targets[0, 0, 0, 0] == pytest.approx(3 / 5)
    with pytest.raises(ValueError, match="leaves no training pairs"):
        built.split(5)


def test_check_pair_arrays_refuses_unequal_sizes_and_counts():
    with pytest.raises(ValueError, match="same size: sources are 8x8, targets 4x4"):
        pairs.check_pair_arrays(np.zeros((2, 8, 8, 1), np.float32),
                                np.zeros((2, 4, 4, 1), np.float32))
    with pytest.raises(ValueError, match="sources has 2 images but targets has 3"):
        pairs.check_pair_arrays(np.zeros((2, 8, 8, 1), np.float32),
                                np.zeros((3, 8, 8, 1), np.float32))


def test_unpaired_domains_discard_the_pairing_and_share_channels():
    grey = np.linspace(-1, 1, 10, dtype=np.float32)[:, None, None, None] * np.ones((1, 4, 4, 1))
    colour = np.repeat(grey, 3, axis=-1).astype(np.float32)
    domains = pairs.unpaired_domains(grey.astype(np.float32), colour, seed=0)
    assert domains.domain_a.shape == (5, 4, 4, 3) and domains.domain_b.shape == (5, 4, 4, 3)
    values_a = set(np.round(domains.domain_a[:, 0, 0, 0], 4))
    values_b = set(np.round(domains.domain_b[:, 0, 0, 0], 4))
    assert not values_a & values_b  # no image of A has its partner in B


def test_pair_dataset_keeps_pairs_together():
    sources = np.linspace(-1, 1, 8, dtype=np.float32)[:, None, None, None] * np.ones((1, 4, 4, 1))
    built = pairs.ImagePairs(sources.astype(np.float32), -sources.astype(np.float32), "t", "t")
    a, b = next(iter(pairs.make_pair_dataset(built, 4, seed=1)))
    np.testing.assert_allclose(a.numpy(), -b.numpy())


# --------------------------------------------------------------------------- folders


def _save(path, array):
    Image.fromarray(array).save(path)


def _pair_file(height=8, width=16, colour=True):
    rng = np.random.default_rng(0)
    shape = (height, width, 3) if colour else (height, width)
    return rng.integers(0, 256, shape, dtype=np.uint8)


def test_pair_folder_splits_each_file_into_a_and_b(tmp_path):
    array = _pair_file()
    _save(tmp_path / "one.png", array)
    loaded = pairs.load_pair_folder(tmp_path, image_shape=(8, 8, 3))
    np.testing.assert_allclose(data.to_uint8(loaded.sources[0]), array[:, :8], atol=1)
    np.testing.assert_allclose(data.to_uint8(loaded.targets[0]), array[:, 8:], atol=1)
    swapped = pairs.load_pair_folder(tmp_path, image_shape=(8, 8, 3), direction="BtoA")
    np.testing.assert_array_equal(swapped.sources, loaded.targets)


def test_pair_folder_skips_bad_files_with_a_warning_naming_them(tmp_path):
    _save(tmp_path / "good.png", _pair_file())
    _save(tmp_path / "odd.png", _pair_file(width=15))
    _save(tmp_path / "grey.png", _pair_file(colour=False))
    (tmp_path / "broken.png").write_bytes(b"not an image")
    with pytest.warns(UserWarning) as caught:
        loaded = pairs.load_pair_folder(tmp_path, image_shape=(8, 8, 3))
    message = str(caught[0].message)
    assert len(loaded) == 1
    assert "Skipped 3 file(s)" in message
    assert "odd.png: its halves differ in size" in message
    assert "grey.png: A is grey where colour is expected" in message
    assert "broken.png: unreadable" in message


def test_pair_folder_refuses_colour_where_grey_is_expected(tmp_path):
    _save(tmp_path / "colour.png", _pair_file())
    with pytest.raises(ValueError, match="No usable image left.*colour where grey"):
        pairs.load_pair_folder(tmp_path, image_shape=(8, 8, 1))


def test_empty_or_missing_folders_are_refused_by_name(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        pairs.load_pair_folder(tmp_path / "nowhere")
    (tmp_path / "trainA").mkdir()
    (tmp_path / "trainB").mkdir()
    _save(tmp_path / "trainB" / "b.png", _pair_file(width=8))
    with pytest.raises(ValueError, match="trainA folder .* is empty"):
        pairs.load_unpaired_folders(tmp_path, image_shape=(8, 8, 3))


def test_unpaired_folders_load_both_domains_and_skip_wrong_channels(tmp_path):
    for name in ("trainA", "trainB"):
        (tmp_path / name).mkdir()
    _save(tmp_path / "trainA" / "a.png", _pair_file(width=8))
    _save(tmp_path / "trainA" / "grey.png", _pair_file(width=8, colour=False))
    _save(tmp_path / "trainB" / "b.jpg", _pair_file(height=16, width=16))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        domains = pairs.load_unpaired_folders(tmp_path, image_shape=(8, 8, 3))
    assert domains.domain_a.shape == (1, 8, 8, 3) and domains.domain_b.shape == (1, 8, 8, 3)
    assert any("grey.png: is grey where colour is expected" in str(w.message) for w in caught)


def test_a_16_bit_grey_pair_file_is_scaled_from_0_to_65535(tmp_path):
    # A 16-bit grey file loaded as pure white before (PIL clips I;16 to 255 in convert("L")).
    values = np.zeros((8, 16), np.uint16)
    values[:, 8:] = 65535
    values[0, 0] = 32768
    Image.fromarray(values).save(tmp_path / "deep.png")
    loaded = pairs.load_pair_folder(tmp_path, image_shape=(8, 8, 1))
    assert data.to_uint8(loaded.sources[0, 0, 0, 0]) == 128  # 32768 / 65535 * 255 = 127.5
    assert data.to_uint8(loaded.sources[0, 1, 1, 0]) == 0
    np.testing.assert_array_equal(data.to_uint8(loaded.targets), 255)


def test_16_bit_grey_unpaired_files_are_scaled_from_0_to_65535(tmp_path):
    for name, value in (("trainA", 0), ("trainB", 16384)):
        (tmp_path / name).mkdir()
        Image.fromarray(np.full((8, 8), value, np.uint16)).save(tmp_path / name / "x.png")
    domains = pairs.load_unpaired_folders(tmp_path, image_shape=(8, 8, 1))
    np.testing.assert_array_equal(data.to_uint8(domains.domain_a), 0)
    np.testing.assert_array_equal(data.to_uint8(domains.domain_b), 64)  # 16384/65535*255


def test_a_pair_file_above_the_size_limit_is_skipped_with_a_warning_naming_it(tmp_path,
                                                                               monkeypatch):
    from ganlib.data import files

    monkeypatch.setattr(files, "MAX_IMAGE_PIXELS", 100)
    _save(tmp_path / "small.png", _pair_file(height=4, width=8))
    _save(tmp_path / "large.png", _pair_file(height=8, width=16))
    with pytest.warns(UserWarning, match=r"large\.png: too large: 16 x 8 pixels"):
        loaded = pairs.load_pair_folder(tmp_path, image_shape=(4, 4, 3))
    assert len(loaded) == 1
