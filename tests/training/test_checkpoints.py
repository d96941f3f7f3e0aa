"""Tests of ganlib.training.checkpoints: no intact checkpoint is ever lost, damaged ones are
passed over with a notice, and one trainer holds a folder at a time."""

import os
import random
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

from ganlib import training
from ganlib.training.checkpoints import CheckpointFolder, FolderInUseError


def weights(gan):
    return [v.numpy().copy() for v in gan.generator.trainable_variables]


@pytest.fixture
def trained(make_gan, tiny_dataset, tmp_path):
    """A folder with checkpoints at steps 2 and 4 of a tiny GAN, and that GAN's weights at 2."""
    gan = make_gan()
    training.train_gan(gan, tiny_dataset, 2, steps_per_epoch=2, checkpoint_dir=tmp_path,
                       verbose=0)
    at_two = weights(gan)
    training.train_gan(gan, tiny_dataset, 4, steps_per_epoch=2, checkpoint_dir=tmp_path,
                       verbose=0)
    assert CheckpointFolder(tmp_path).steps() == [2, 4]
    return tmp_path, at_two


def _data_file(folder, step):
    [path] = folder.glob(f"ckpt-{step}.data-*")
    return path


@pytest.mark.parametrize("damage", ["truncated data", "empty data", "garbage index"])
def test_damaged_newest_checkpoint_falls_back_to_the_intact_older_one(
        trained, make_gan, capsys, damage):
    folder, at_two = trained
    if damage == "truncated data":
        path = _data_file(folder, 4)
        path.write_bytes(path.read_bytes()[:100])
    elif damage == "empty data":
        _data_file(folder, 4).write_bytes(b"")
    else:
        (folder / "ckpt-4.index").write_bytes(b"not an index" * 10)
    fresh = make_gan(seed=5)
    assert training.restore_latest_checkpoint(fresh, folder) == 2
    for restored, expected in zip(weights(fresh), at_two, strict=True):
        np.testing.assert_array_equal(restored, expected)
    out = capsys.readouterr().out
    assert f"the checkpoint {folder / 'ckpt-4'}.index cannot be restored" in out
    assert "trying an older one" in out
    # the damaged files are kept aside, not deleted, and cannot be overwritten by a new save
    assert CheckpointFolder(folder).steps() == [2]
    assert len(list((folder / "damaged").glob("ckpt-4.*"))) == 2


def test_deleted_index_of_the_newest_checkpoint_resumes_from_the_one_before(
        trained, make_gan, tiny_dataset):
    folder, _ = trained
    (folder / "ckpt-4.index").unlink()
    gan = make_gan()
    training.train_gan(gan, tiny_dataset, 6, steps_per_epoch=2, checkpoint_dir=folder,
                       verbose=0)
    assert gan.steps_done == 6
    assert CheckpointFolder(folder).steps() == [4, 6]


@pytest.mark.parametrize("state", ["deleted", "garbage"])
def test_a_lost_state_file_loses_no_checkpoint(trained, make_gan, tiny_dataset, capsys, state):
    """Before: a missing or garbled 'checkpoint' file made training restart at step 0 and
    overwrite the intact checkpoints of steps 2 and 4."""
    folder, _ = trained
    if state == "deleted":
        (folder / "checkpoint").unlink()
    else:
        (folder / "checkpoint").write_text("model_checkpoint_path: \x00\x01 garbage")
    gan = make_gan()
    training.train_gan(gan, tiny_dataset, 6, steps_per_epoch=2, checkpoint_dir=folder,
                       verbose=0)
    assert "Resumed from the checkpoint" in capsys.readouterr().out and gan.steps_done == 6
    assert CheckpointFolder(folder).steps() == [4, 6]
    assert (folder / "checkpoint").read_text().startswith('model_checkpoint_path: "ckpt-6"')


def test_a_save_that_does_not_read_back_keeps_every_older_checkpoint(
        trained, make_gan, monkeypatch):
    folder, _ = trained
    gan = make_gan()
    training.restore_latest_checkpoint(gan, folder)
    store = CheckpointFolder(folder)
    monkeypatch.setattr(store, "problem", lambda step: "DataLossError: disk full"
                        if step == 9 else None)
    with pytest.raises(OSError, match=r"ckpt-9.index, does not read back .*disk full.*the older "
                                      r"checkpoints .* are kept"):
        store.save(training.gan_checkpoint(gan), 9)
    assert {2, 4} <= set(store.steps())


def test_an_orphaned_temporary_folder_is_removed(trained):
    folder, _ = trained
    (folder / "ckpt-6_temp").mkdir()
    (folder / "ckpt-6_temp" / "part-00000").write_bytes(b"half a save")
    with CheckpointFolder(folder):
        assert not (folder / "ckpt-6_temp").exists()
    assert CheckpointFolder(folder).steps() == [2, 4]


def test_a_second_trainer_in_the_same_notebook_is_refused(trained, make_gan, tiny_dataset):
    folder, _ = trained
    with CheckpointFolder(folder):
        with pytest.raises(FolderInUseError, match="in use by another trainer in this notebook"):
            training.train_gan(make_gan(), tiny_dataset, 6, checkpoint_dir=folder, verbose=0)
    assert not (folder / "LOCK").exists()  # released when the first trainer ends


def test_a_second_trainer_in_another_process_is_refused(trained, make_gan, tiny_dataset):
    folder, _ = trained
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (folder / "LOCK").write_text(f'{{"pid": {other.pid}, "host": "{os.uname().nodename}", '
                                     '"since": "2026-12-02T10:00:00"}')
        with pytest.raises(FolderInUseError, match=rf"process {other.pid} .*delete "
                                                   rf"{folder / 'LOCK'}"):
            training.train_gan(make_gan(), tiny_dataset, 6, checkpoint_dir=folder, verbose=0)
    finally:
        other.kill()
        other.wait()


def test_a_lock_left_by_an_ended_process_is_taken_over(trained, make_gan, tiny_dataset, capsys):
    folder, _ = trained
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)
    (folder / "LOCK").write_text(f'{{"pid": {ended.stdout.strip()}, '
                                 f'"host": "{os.uname().nodename}", "since": "yesterday"}}')
    gan = make_gan()
    training.train_gan(gan, tiny_dataset, 6, steps_per_epoch=2, checkpoint_dir=folder,
                       verbose=0)
    assert "was left by a trainer that has ended; taking the folder over" in \
        capsys.readouterr().out
    assert gan.steps_done == 6 and not (folder / "LOCK").exists()


def test_a_checkpoint_of_another_model_is_refused_with_the_fix(trained, make_gan):
    folder, _ = trained
    with pytest.raises(ValueError, match="holds another model than this one.*another folder"):
        training.restore_latest_checkpoint(make_gan(width=16), folder)


def test_killing_the_trainer_during_saves_never_loses_an_intact_checkpoint(
        tmp_path, tiny_recipe_kwargs):
    """Kill a trainer that saves every step, at random moments, again and again: each time
    the folder still restores, at least at the step restored the time before."""
    folder = tmp_path / "ckpt"
    script = tmp_path / "train.py"
    script.write_text(textwrap.dedent(f"""
        import sys
        from ganlib import data, training
        from ganlib.training import recipes

        gan = recipes.build_dcgan(recipes.DCGANRecipe(**{tiny_recipe_kwargs!r}))
        images = data.load_dataset("digits", limit=64, verbose=False).images
        training.train_gan(gan, data.make_dataset(images, 8), steps=10_000, steps_per_epoch=1,
                           checkpoint_dir=sys.argv[1], verbose=0)
    """))
    rng, restored_before = random.Random(0), 0
    for _ in range(4):
        process = subprocess.Popen([sys.executable, str(script), str(folder)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 300  # only guards against a hung child
            while max(CheckpointFolder(folder).steps(), default=0) <= restored_before + 2:
                assert process.poll() is None and time.monotonic() < deadline
                time.sleep(0.05)
            time.sleep(rng.uniform(0.0, 0.5))  # saves take most of each step's time here
            process.send_signal(signal.SIGKILL)
            process.wait()
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        check = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(f"""
                from ganlib.training import recipes
                from ganlib import training
                gan = recipes.build_dcgan(recipes.DCGANRecipe(**{tiny_recipe_kwargs!r}))
                print(training.restore_latest_checkpoint(gan, {str(folder)!r}))
            """)], capture_output=True, text=True, check=True)
        restored = int(check.stdout.strip().splitlines()[-1])
        assert restored >= max(restored_before, 1), check.stdout
        restored_before = restored
