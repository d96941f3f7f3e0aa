"""Tests of ganlib._files: writes that a crash cannot cut short, damaged files kept aside."""

import json

import numpy as np
import pytest

from ganlib import _files


def test_replacing_puts_the_new_file_in_place_and_keeps_the_suffix(tmp_path):
    path = tmp_path / "sub" / "cache.npz"
    with _files.replacing(path) as temporary:
        assert temporary.parent == path.parent and temporary.suffix == ".npz"
        assert temporary.name.startswith(".cache.")
        np.savez_compressed(temporary, x=np.arange(3))  # would add ".npz" to another suffix
    with np.load(path) as arrays:
        np.testing.assert_array_equal(arrays["x"], [0, 1, 2])
    assert list(path.parent.iterdir()) == [path]


@pytest.mark.parametrize("kill", [KeyboardInterrupt, OSError])
def test_a_kill_during_a_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path, kill):
    path = tmp_path / "classifier.keras"
    path.write_bytes(b"the old file")
    with pytest.raises(kill):
        with _files.replacing(path) as temporary:
            temporary.write_bytes(b"half of the new")
            raise kill("killed midway")
    assert path.read_bytes() == b"the old file"
    assert list(tmp_path.iterdir()) == [path]


def test_move_aside_keeps_every_damaged_copy(tmp_path):
    path = tmp_path / "mnist.npz"
    path.write_bytes(b"first")
    assert _files.move_aside(path) == tmp_path / "mnist.npz.corrupt"
    path.write_bytes(b"second")
    assert _files.move_aside(path) == tmp_path / "mnist.npz.corrupt-2"
    assert not path.exists()
    assert (tmp_path / "mnist.npz.corrupt").read_bytes() == b"first"
    assert (tmp_path / "mnist.npz.corrupt-2").read_bytes() == b"second"


def test_write_json_atomically_leaves_only_the_file(tmp_path):
    path = _files.write_json_atomically(tmp_path / "metrics.json", {"fid": 1.5})
    assert json.loads(path.read_text()) == {"fid": 1.5}
    assert list(tmp_path.iterdir()) == [path]
