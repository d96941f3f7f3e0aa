"""Tests of ganlib._files: writes that a crash cannot cut short, damaged files kept aside."""

import json
import os

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


def test_process_alive_tells_a_running_process_from_an_ended_one():
    import subprocess
    import sys

    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)
    assert _files.process_alive(os.getpid()) is True
    assert _files.process_alive(int(ended.stdout)) is False
    for garbage in (None, "123", 0, -5, True, 2.5):
        assert _files.process_alive(garbage) is False


def test_process_alive_off_posix_answers_unknown_instead_of_probing(monkeypatch):
    """os.kill(pid, 0) would end the process on Windows: the caller's answer is used."""
    monkeypatch.setattr(_files, "_POSIX", False)
    monkeypatch.setattr(_files.os, "kill", lambda *args: pytest.fail("probed with os.kill"))
    assert _files.process_alive(os.getpid(), unknown=True) is True
    assert _files.process_alive(os.getpid()) is False
