"""Checkpoint folders that never lose a learner's training.

A folder holds TensorFlow checkpoints named by the step they reached (``ckpt-<step>.index``
and ``ckpt-<step>.data-...``), the ``checkpoint`` file that ``tf.train.latest_checkpoint``
reads, and a ``LOCK`` file while a trainer uses it. ``CheckpointFolder`` keeps four
promises:

- **Nothing is lost by a crash.** A new checkpoint is written and read back in full before
  any older one is deleted, so a kill during a save leaves the previous ones intact; the
  temporary folder such a kill leaves behind is removed the next time.
- **A damaged checkpoint is passed over, not fatal.** Restoring tries the newest first and
  falls back to older ones, with a notice naming each file that failed; a damaged one is
  moved into ``damaged/`` (never deleted) so that no later save overwrites it either.
- **The folder, not the state file, is the truth.** Checkpoints are found by their files,
  so a deleted or garbled ``checkpoint`` file loses nothing.
- **One trainer at a time.** A second trainer that opens a folder in use (another
  notebook, a panel, a second process) is refused with a message that says who holds it.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import socket
import threading
from pathlib import Path

import tensorflow as tf

from ganlib import _checks, _files

__all__ = ["CheckpointFolder", "FolderInUseError"]

_NAME = re.compile(r"^ckpt-(\d+)\.index$")
_HELD = set()                  # folders this process holds, by resolved path
_HELD_LOCK = threading.Lock()  # guards _HELD between a notebook and a panel's thread


class FolderInUseError(RuntimeError):
    """Raised when a second trainer opens a checkpoint folder that another one is using."""


class CheckpointFolder:
    """The checkpoints of one training run, in ``directory``.

    Args:
        directory: the folder (created when needed).
        keep: how many verified checkpoints to keep; older ones are deleted only after a
            newer one has been written and read back.
    """

    LOCK = "LOCK"
    DAMAGED = "damaged"

    def __init__(self, directory, keep: int = 2):
        self.directory = Path(directory)
        self.keep = _checks.whole_number(keep, "keep")

    # ------------------------------------------------------------------ what is there
    def prefix(self, step: int) -> Path:
        """The path prefix of the checkpoint of ``step`` (``<directory>/ckpt-<step>``)."""
        return self.directory / f"ckpt-{int(step)}"

    def steps(self) -> list[int]:
        """The steps of the checkpoints in the folder, oldest first, found by their files."""
        if not self.directory.is_dir():
            return []
        found = (_NAME.match(path.name) for path in self.directory.iterdir())
        return sorted(int(match.group(1)) for match in found if match)

    def problem(self, step: int) -> str | None:
        """Why the checkpoint of ``step`` cannot be restored, or None when it reads in full.

        Every tensor is read back, so a truncated data file or a garbled index shows here.
        """
        try:
            reader = tf.train.load_checkpoint(str(self.prefix(step)))
            for name in reader.get_variable_to_shape_map():
                reader.get_tensor(name)
        except Exception as error:  # TensorFlow reports damage as OpError, IndexError, ...
            text = " ".join(str(error).split())
            return f"{type(error).__name__}: {text[:200]}"
        return None

    # ------------------------------------------------------------------ restore
    def restore_newest(self, checkpoint: tf.train.Checkpoint, newer_than: int = -1) -> int:
        """Restore the newest checkpoint that reads in full and is past ``newer_than``.

        Damaged checkpoints are reported (naming the file) and moved into ``damaged/``;
        older ones are tried next. Returns the step restored, or 0 when none was.
        """
        for step in reversed(self.steps()):
            if step <= newer_than:
                break
            problem = self.problem(step)
            if problem is None:
                try:
                    checkpoint.restore(str(self.prefix(step))).assert_existing_objects_matched()
                except (AssertionError, ValueError) as error:  # other variables or shapes
                    raise ValueError(
                        f"The checkpoint {self.prefix(step)}.index holds another model than "
                        f"this one ({str(error)[:200]}). Train into another folder, or build "
                        "the model with the settings of that run.") from None
                return step
            moved = self._move_damaged(step)
            print(f"NOTICE: the checkpoint {self.prefix(step)}.index cannot be restored "
                  f"({problem}). It was moved to {moved}; trying an older one.", flush=True)
        return 0

    def _move_damaged(self, step: int) -> Path:
        target = self.directory / self.DAMAGED
        target.mkdir(exist_ok=True)
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        for path in self.directory.glob(f"ckpt-{step}.*"):
            path.rename(target / f"{path.name}.{stamp}")
        return target

    # ------------------------------------------------------------------ save
    def save(self, checkpoint: tf.train.Checkpoint, step: int) -> Path:
        """Write the checkpoint of ``step``, read it back, then let the oldest ones go.

        Raises an ``OSError`` naming the file when the new checkpoint does not read back
        (a full disk, say); the older checkpoints are then left as they were.
        """
        self.directory.mkdir(parents=True, exist_ok=True)
        checkpoint.save_counter.assign_add(1)  # written too, so a restore matches every object
        prefix = checkpoint.write(str(self.prefix(step)))
        problem = self.problem(step)
        if problem is not None:
            raise OSError(f"The checkpoint just written, {prefix}.index, does not read back "
                          f"({problem}); the older checkpoints in {self.directory} are kept. "
                          "Check the free disk space.")
        kept = [s for s in self.steps() if s <= step][-self.keep:]
        self._write_state(kept)
        for old in self.steps():
            if old < step and old not in kept:
                for path in self.directory.glob(f"ckpt-{old}.*"):
                    path.unlink()
        return Path(prefix)

    def _write_state(self, steps):
        """The ``checkpoint`` file ``tf.train.latest_checkpoint`` reads, newest last."""
        lines = [f'model_checkpoint_path: "ckpt-{steps[-1]}"']
        lines += [f'all_model_checkpoint_paths: "ckpt-{s}"' for s in steps]
        _files.write_text_atomically(self.directory / "checkpoint", "\n".join(lines) + "\n")

    # ------------------------------------------------------------------ one trainer
    def acquire(self):
        """Take the folder for this trainer, or raise ``FolderInUseError`` saying who has it.

        A lock left by a process that has ended is taken over with a notice; temporary
        folders of an interrupted save are removed.
        """
        self.directory.mkdir(parents=True, exist_ok=True)
        key = str(self.directory.resolve())
        lock = self.directory / self.LOCK
        with _HELD_LOCK:
            if key in _HELD:
                raise FolderInUseError(
                    f"The checkpoint folder {self.directory} is in use by another trainer in "
                    "this notebook (a running panel or cell). Stop it first, or train into "
                    "another folder.")
            if not self._create_lock(lock):
                holder = _files.read_json(lock, default={})
                holder = holder if isinstance(holder, dict) else {}
                if holder.get("pid") != os.getpid() and (
                        holder.get("host") != socket.gethostname()
                        or _files.process_alive(holder.get("pid"), unknown=True)):
                    raise FolderInUseError(
                        f"The checkpoint folder {self.directory} is in use by another trainer "
                        f"(process {holder.get('pid')} on {holder.get('host')}, since "
                        f"{holder.get('since')}). Wait for it to finish or stop it, or train "
                        f"into another folder. If no such process runs, delete {lock}.")
                print(f"NOTICE: {lock} was left by a trainer that has ended; taking the "
                      "folder over.", flush=True)
                _files.write_json_atomically(lock, self._holder())
            _HELD.add(key)
        for orphan in self.directory.glob("ckpt-*_temp"):
            shutil.rmtree(orphan, ignore_errors=True)
        return self

    @staticmethod
    def _holder() -> dict:
        return {"pid": os.getpid(), "host": socket.gethostname(),
                "since": datetime.datetime.now().isoformat(timespec="seconds")}

    def _create_lock(self, lock: Path) -> bool:
        """Create the lock file if there is none; False when one exists already."""
        try:
            descriptor = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            return False
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(self._holder(), handle)
        return True

    def release(self):
        """Give the folder back (the lock file is removed)."""
        with _HELD_LOCK:
            _HELD.discard(str(self.directory.resolve()))
            (self.directory / self.LOCK).unlink(missing_ok=True)

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *exc_info):
        self.release()
