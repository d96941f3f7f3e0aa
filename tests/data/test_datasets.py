"""Tests of ganlib.data.datasets: named datasets offline, fallback, cache, user files."""


import errno
import os
import re
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from ganlib import data


# --------------------------------------------------------------------------- named datasets
def test_default_data_dir_follows_the_environment(offline_data_dir):
    assert data.default_data_dir() == offline_data_dir
    assert data.default_data_dir() != Path(data.__file__).resolve().parents[2] / "data"


def test_without_the_environment_a_clone_keeps_its_data_folder(monkeypatch):
    monkeypatch.delenv("GANLIB_DATA_DIR")
    assert data.default_data_dir() == Path(data.__file__).resolve().parents[2] / "data"


def test_an_installed_ganlib_uses_the_user_data_folder_not_site_packages(tmp_path,
                                                                       monkeypatch):
    from ganlib.data import datasets

    installed = tmp_path / "site-packages" / "ganlib" / "data" / "datasets.py"
    monkeypatch.setattr(datasets, "__file__", str(installed))
    monkeypatch.delenv("GANLIB_DATA_DIR")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    expected = {"darwin": tmp_path / "home" / "Library" / "Application Support" / "ganlib",
                "linux": tmp_path / "home" / ".local" / "share" / "ganlib"}
    assert data.default_data_dir() == expected.get(sys.platform, data.user_data_dir())
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    if sys.platform == "linux":
        assert data.default_data_dir() == tmp_path / "xdg" / "ganlib"
    monkeypatch.setenv("GANLIB_DATA_DIR", "~/gan-data")
    assert data.default_data_dir() == tmp_path / "home" / "gan-data"


# --------------------------------------------------------------------------- data folder
#: What the learner reads when the data folder cannot take a download.
FOLDER_FIX = ("Fix: free some space there, or set GANLIB_DATA_DIR to a folder you can write "
              "to (e.g. export GANLIB_DATA_DIR=~/gan-data) and run again.")


def test_a_data_folder_under_a_file_is_refused_before_the_download(tmp_path):
    """A path that cannot be created (here: under a regular file; tests may run as root,
    for whom a folder without write permission is still writable)."""
    (tmp_path / "file").write_text("not a folder")
    folder = tmp_path / "file" / "data"
    with pytest.raises(OSError) as refused:  # conftest fails the test if it downloads
        data.load_dataset("mnist", data_dir=folder, verbose=False)
    assert str(refused.value) == (f"the data folder must be a folder you can write to with 100 MB "
                                  f"free, got '{folder}' (not a directory). {FOLDER_FIX}")


@pytest.mark.parametrize("error, reason", [
    (errno.EACCES, "permission denied"),
    (errno.EROFS, "read-only file system"),
    (errno.ENOSPC, "no space left on device"),
])
def test_an_unwritable_data_folder_is_refused_with_the_reason(tmp_path, monkeypatch, error,
                                                               reason):
    from ganlib import _checks

    def refuse_writes(path, mode="r", *args, **kwargs):
        raise OSError(error, os.strerror(error), str(path))

    monkeypatch.setattr(_checks, "open", refuse_writes, raising=False)
    with pytest.raises(OSError, match=re.escape(f"got '{tmp_path}' ({reason}). {FOLDER_FIX}")):
        data.load_dataset("cifar10", data_dir=tmp_path, verbose=False)
    assert list(tmp_path.iterdir()) == []  # no probe file left behind


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root may write into a read-only folder; the test above simulates it")
def test_a_folder_without_write_permission_is_refused(tmp_path):
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(OSError, match="(permission denied)"):
            data.check_data_folder(tmp_path)
    finally:
        tmp_path.chmod(0o700)


def test_a_nearly_full_disk_is_refused_with_the_space_left(tmp_path, monkeypatch):
    from ganlib import _checks

    monkeypatch.setattr(_checks.shutil, "disk_usage",
                        lambda path: SimpleNamespace(total=2**40, used=2**40, free=5 * 2**20))
    with pytest.raises(OSError, match=re.escape(
            "the data folder must be a folder you can write to with 400 MB free, got "
            f"'{tmp_path}' (only 5 MB free). {FOLDER_FIX}")):
        data.load_dataset("cifar10", data_dir=tmp_path, verbose=False)
    assert data.check_data_folder(tmp_path, free_mb=5) == tmp_path


def test_the_check_creates_a_missing_data_folder(tmp_path):
    folder = tmp_path / "new" / "data"
    assert data.check_data_folder(folder) == folder
    assert folder.is_dir() and list(folder.iterdir()) == []


@pytest.mark.parametrize("split, prefix", [("train", "train"), ("test", "t10k")])
def test_load_dataset_reads_user_idx_gz_files(tmp_path, capsys, split, prefix, fake_mnist_split):
    folder = tmp_path / "fashion_mnist"
    images, labels = fake_mnist_split(folder, prefix, n=5)
    loaded = data.load_dataset("fashion_mnist", split=split, data_dir=tmp_path,
                               allow_download=False, fallback=False)
    assert loaded.images.shape == (5, 28, 28, 1)
    np.testing.assert_allclose(loaded.images[..., 0], images / 127.5 - 1.0, atol=1e-6)
    np.testing.assert_array_equal(loaded.labels, labels)
    assert loaded.labels.dtype == np.int64
    assert (loaded.name, loaded.requested, loaded.fell_back) == ("fashion_mnist",
                                                                 "fashion_mnist", False)
    assert loaded.class_names[0] == "T-shirt/top"
    assert loaded.source == f"idx files in {folder}"
    description = loaded.describe()
    assert description == f"Dataset: fashion_mnist (5 images of 28x28x1) from idx files in {folder}"
    assert description in capsys.readouterr().out


def test_load_dataset_reads_uncompressed_idx_files_and_applies_limit(tmp_path, fake_mnist_split):
    images, labels = fake_mnist_split(tmp_path / "mnist", "train", n=6, suffix="")
    loaded = data.load_dataset("mnist", data_dir=tmp_path, allow_download=False,
                               fallback=False, limit=4, verbose=False)
    np.testing.assert_allclose(loaded.images[..., 0], images[:4] / 127.5 - 1.0, atol=1e-6)
    np.testing.assert_array_equal(loaded.labels, labels[:4])


def test_load_dataset_reads_the_npz_cache(tmp_path):
    x_train = np.full((3, 28, 28), 255, np.uint8)
    np.savez_compressed(tmp_path / "mnist.npz", x_train=x_train, y_train=np.array([1, 2, 3]),
                        x_test=x_train[:1], y_test=np.array([4]))
    loaded = data.load_dataset("mnist", data_dir=tmp_path, allow_download=False,
                               fallback=False, verbose=False)
    assert loaded.source == f"cache {tmp_path / 'mnist.npz'}"
    np.testing.assert_array_equal(loaded.images, np.ones((3, 28, 28, 1), np.float32))
    np.testing.assert_array_equal(loaded.labels, [1, 2, 3])


def _write_cache(path, n_images=3, n_labels=3):
    images = np.full((n_images, 28, 28), 255, np.uint8)
    np.savez_compressed(path, x_train=images, y_train=np.arange(n_labels),
                        x_test=images[:1], y_test=np.array([4]))
    return path


def _fake_download(name):
    images = np.zeros((4, 28, 28), np.uint8)
    return {"x_train": images, "y_train": np.arange(4), "x_test": images[:2],
            "y_test": np.arange(2)}


def test_load_dataset_moves_an_unreadable_cache_aside_and_falls_back(tmp_path, capsys):
    (tmp_path / "mnist.npz").write_bytes(b"not an npz file")
    with pytest.warns(UserWarning, match="dataset cache .*mnist.npz is corrupt"):
        loaded = data.load_dataset("mnist", data_dir=tmp_path, allow_download=False, limit=3)
    assert loaded.fell_back
    assert "NOTICE" in capsys.readouterr().out
    assert (tmp_path / "mnist.npz.corrupt").read_bytes() == b"not an npz file"


def test_a_truncated_npz_cache_is_moved_aside_and_the_fallback_names_it(tmp_path, capsys):
    # A cache cut short by a crash raised zipfile.BadZipFile (notebooks 00 and 04 crashed).
    cache = _write_cache(tmp_path / "mnist.npz")
    truncated = cache.read_bytes()[:200]
    cache.write_bytes(truncated)
    with pytest.warns(UserWarning, match=f"The dataset cache {re.escape(str(cache))} is corrupt "
                                         r"\(BadZipFile.*moved it to .*mnist\.npz\.corrupt"):
        loaded = data.load_dataset("mnist", data_dir=tmp_path, allow_download=False, limit=3)
    assert loaded.fell_back and loaded.name == "digits"
    out = capsys.readouterr().out
    assert f"NOTICE: mnist is not available (the cache {cache} was corrupt (moved to " \
           "mnist.npz.corrupt), and downloads are switched off (allow_download=False))" in \
           " ".join(line.strip("! ") for line in out.splitlines())
    assert not cache.exists()
    assert (tmp_path / "mnist.npz.corrupt").read_bytes() == truncated  # kept, not deleted


def test_a_truncated_npz_cache_is_downloaded_again_when_allowed(tmp_path, monkeypatch):
    from ganlib.data import datasets

    monkeypatch.setattr(datasets, "_keras_download", _fake_download)
    cache = _write_cache(tmp_path / "mnist.npz")
    cache.write_bytes(cache.read_bytes()[:-30])
    with pytest.warns(UserWarning, match="is corrupt"):
        loaded = data.load_dataset("mnist", data_dir=tmp_path, verbose=False)
    assert not loaded.fell_back and loaded.images.shape == (4, 28, 28, 1)
    assert loaded.source == f"keras.datasets download (now cached in {cache})"
    again = data.load_dataset("mnist", split="test", data_dir=tmp_path, verbose=False)
    assert again.source == f"cache {cache}" and len(again.images) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mnist.npz", "mnist.npz.corrupt"]


def test_an_npz_cache_with_5_images_and_3_labels_is_refused_with_both_counts(tmp_path):
    cache = _write_cache(tmp_path / "mnist.npz", n_images=5, n_labels=3)
    expected = re.escape(f"{cache} (x_train) holds 5 images but its y_train holds 3 labels")
    with pytest.warns(UserWarning, match=expected):
        loaded = data.load_dataset("mnist", data_dir=tmp_path, allow_download=False,
                                   verbose=False)
    assert loaded.fell_back
    assert (tmp_path / "mnist.npz.corrupt").exists() and not cache.exists()


def test_a_kill_during_the_cache_write_leaves_no_cache_and_no_temporary_file(tmp_path,
                                                                              monkeypatch):
    from ganlib.data import datasets

    monkeypatch.setattr(datasets, "_keras_download", _fake_download)

    def killed_midway(file, **arrays):
        with open(file, "wb") as handle:
            handle.write(b"PK\x03\x04 half a zip")
        raise KeyboardInterrupt

    save = np.savez_compressed
    monkeypatch.setattr(np, "savez_compressed", killed_midway)
    with pytest.raises(KeyboardInterrupt):
        data.load_dataset("mnist", data_dir=tmp_path, verbose=False)
    assert list(tmp_path.iterdir()) == []  # neither a cut-short cache nor a temporary file
    monkeypatch.setattr(np, "savez_compressed", save)
    assert not data.load_dataset("mnist", data_dir=tmp_path, verbose=False).fell_back


def test_idx_files_of_100_images_and_50_labels_are_refused_naming_both(tmp_path, write_idx):
    folder = tmp_path / "mnist"
    images = write_idx(folder / "train-images-idx3-ubyte.gz", np.zeros((100, 28, 28)))
    labels = write_idx(folder / "train-labels-idx1-ubyte.gz", np.zeros(50))
    with pytest.raises(ValueError, match=f"{re.escape(str(images))} holds 100 images but "
                                         f"{re.escape(str(labels))} holds 50 "
                                         "labels; they must come from the same split"):
        data.load_dataset("mnist", data_dir=tmp_path, allow_download=False)


def test_load_dataset_unknown_name_lists_the_choices(tmp_path):
    with pytest.raises(ValueError, match="imagenet") as excinfo:
        data.load_dataset("imagenet", data_dir=tmp_path, allow_download=False)
    for name in ("cifar10", "digits", "fashion_mnist", "mnist"):
        assert repr(name) in str(excinfo.value)
    assert "load_image_folder" in str(excinfo.value)


@pytest.mark.parametrize("kwargs, match", [
    ({"split": "validation"}, "split"),
    ({"limit": 0}, "limit"),
    ({"limit": 2.5}, "limit"),
])
def test_load_dataset_refuses_bad_arguments(tmp_path, kwargs, match):
    with pytest.raises(ValueError, match=match):
        data.load_dataset("digits", data_dir=tmp_path, allow_download=False, **kwargs)


def test_load_dataset_offline_falls_back_to_digits_with_a_notice(tmp_path, capsys):
    loaded = data.load_dataset("mnist", data_dir=tmp_path, allow_download=False)
    out = capsys.readouterr().out
    assert "NOTICE: mnist is not available" in out
    assert "allow_download=False" in out
    assert loaded.describe() in out
    assert loaded.fell_back
    assert (loaded.name, loaded.requested) == ("digits", "mnist")
    assert loaded.images.shape == (1500, 28, 28, 1)
    assert loaded.images.min() >= -1.0 and loaded.images.max() <= 1.0
    assert set(np.unique(loaded.labels)) == set(range(10))
    assert "offline fallback for mnist" in loaded.source
    assert list(tmp_path.iterdir()) == []  # nothing was cached or downloaded


def test_load_dataset_without_fallback_says_how_to_fix(tmp_path):
    with pytest.raises(data.DatasetUnavailableError) as excinfo:
        data.load_dataset("fashion_mnist", data_dir=tmp_path, allow_download=False,
                          fallback=False)
    message = str(excinfo.value)
    assert "'fashion_mnist' is not available" in message
    assert "allow_download=False" in message
    assert "Fix:" in message
    assert str(tmp_path / "fashion_mnist") in message
    assert "name='digits'" in message


def test_cifar10_fallback_has_the_cifar_shape(tmp_path, capsys):
    loaded = data.load_dataset("cifar10", data_dir=tmp_path, allow_download=False, limit=8)
    assert loaded.fell_back
    assert loaded.images.shape == (8, 32, 32, 3)
    assert loaded.images.dtype == np.float32
    assert loaded.images.min() >= -1.0 and loaded.images.max() <= 1.0
    # grey digits repeated over three channels
    np.testing.assert_array_equal(loaded.images[..., 0], loaded.images[..., 2])
    assert "NOTICE: cifar10 is not available" in capsys.readouterr().out


@pytest.mark.parametrize("split, n", [("train", 1500), ("test", 297)])
def test_digits_is_bundled_and_does_not_fall_back(tmp_path, capsys, split, n):
    loaded = data.load_dataset("digits", split=split, data_dir=tmp_path, allow_download=False)
    assert not loaded.fell_back
    assert loaded.images.shape == (n, 28, 28, 1)
    assert loaded.class_names == tuple("0123456789")
    assert "NOTICE" not in capsys.readouterr().out


def test_load_dataset_resizes_to_the_requested_shape(tmp_path):
    loaded = data.load_dataset("digits", image_shape=(32, 32, 3), data_dir=tmp_path,
                               allow_download=False, limit=4, verbose=False)
    assert loaded.images.shape == (4, 32, 32, 3)


def test_load_dataset_reads_a_user_cifar10_image_folder(tmp_path, write_png):
    write_png(tmp_path / "cifar10" / "train" / "airplane" / "a.png",
              np.zeros((32, 32, 3), np.uint8))
    write_png(tmp_path / "cifar10" / "train" / "truck" / "b.png",
              np.full((32, 32, 3), 255, np.uint8))
    loaded = data.load_dataset("cifar10", data_dir=tmp_path, allow_download=False,
                               fallback=False, verbose=False)
    assert loaded.images.shape == (2, 32, 32, 3)
    np.testing.assert_array_equal(loaded.labels, [0, 1])
    np.testing.assert_allclose(loaded.images[0], -1.0)
    np.testing.assert_allclose(loaded.images[1], 1.0)
