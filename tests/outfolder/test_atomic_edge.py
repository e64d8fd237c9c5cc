"""Bookkeeping never follows symlinks or blocks on FIFOs; temp files and folders of killed
runs are found and removed, but never ones in use."""

from __future__ import annotations

import fcntl
import os
import tempfile
from pathlib import Path

import pytest

from mtjob.errors import OutputError, UnsafeOutputError
from mtjob.inputs.sources import TMP_MARK
from mtjob.outfolder import atomic as writer
from mtjob.outfolder.atomic import (
    atomic_write,
    ensure_real_dir,
    remove_stale_tmp,
    remove_stale_tmp_dirs,
    write_if_changed,
)


def test_temp_file_that_is_a_symlink_is_not_followed(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "elsewhere"
    trap = tmp_path / ".a.json.mtjob-tmp-trap"
    trap.symlink_to(target)
    monkeypatch.setattr(writer, "tmp_name", lambda path: trap)
    with pytest.raises(OutputError):
        atomic_write(tmp_path / "a.json", b"data")
    assert not target.exists() and not (tmp_path / "a.json").exists()


def test_write_if_changed_replaces_a_symlink_instead_of_following_it(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.json"
    target.write_bytes(b"same")
    link = tmp_path / "manifest.json"
    link.symlink_to(target)
    assert write_if_changed(link, b"same") is True
    assert not link.is_symlink() and link.read_bytes() == b"same"
    assert target.read_bytes() == b"same"


def test_write_if_changed_over_a_fifo_does_not_block(tmp_path: Path, deadline) -> None:
    path = tmp_path / "config.json"
    os.mkfifo(path)
    assert write_if_changed(path, b"{}") is True
    assert path.read_bytes() == b"{}"


def test_ensure_real_dir(tmp_path: Path) -> None:
    assert ensure_real_dir(tmp_path / "_mtjob").is_dir()
    assert ensure_real_dir(tmp_path / "_mtjob") == tmp_path / "_mtjob"  # exists: fine
    (tmp_path / "other").mkdir()
    (tmp_path / "linked").symlink_to(tmp_path / "other")
    with pytest.raises(UnsafeOutputError, match="linked: is a symlink"):
        ensure_real_dir(tmp_path / "linked")
    (tmp_path / "file").write_bytes(b"")
    with pytest.raises(UnsafeOutputError, match="file: is not a folder"):
        ensure_real_dir(tmp_path / "file")
    assert UnsafeOutputError.exit_code == 2


def test_remove_stale_tmp_without_names_removes_every_temp_of_ours(tmp_path: Path) -> None:
    stale = [writer.tmp_name(tmp_path / n) for n in ("manifest-00000-of-00001.json",
                                                       "config.json", "00000-of-00001")]
    for path in stale:
        path.write_bytes(b"partial")
    keep = ["config.json", ".hidden", "lock-00000-of-00001"]
    for name in keep:
        (tmp_path / name).write_bytes(b"")
    (tmp_path / f".dir{TMP_MARK}1-ab").mkdir()  # not a file of ours: left alone
    assert remove_stale_tmp(tmp_path) == 3
    assert {p.name for p in tmp_path.iterdir()} == set(keep) | {f".dir{TMP_MARK}1-ab"}


def _conversion_leftover(root: Path, name: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=root))
    (folder / "model").mkdir()
    (folder / "model" / "model.bin").write_bytes(b"half")
    return folder


def test_remove_stale_tmp_dirs_only_removes_unlocked_ones(tmp_path: Path) -> None:
    busy, idle = "opus.mt--abc--int8", "bart--def--float32"
    busy_dir = _conversion_leftover(tmp_path, busy)
    idle_dirs = [_conversion_leftover(tmp_path, idle) for _ in range(2)]
    (tmp_path / idle).mkdir()  # a finished model: never touched
    (tmp_path / f".{idle}").write_bytes(b"")
    # A conversion in progress holds its lock (another open file description: as another
    # process would).
    holder = os.open(tmp_path / f"{busy}.lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(holder, fcntl.LOCK_EX)
    try:
        assert remove_stale_tmp_dirs(tmp_path, "*") == 2
    finally:
        os.close(holder)
    assert busy_dir.is_dir() and not any(d.exists() for d in idle_dirs)
    assert (tmp_path / idle).is_dir() and (tmp_path / f".{idle}").exists()
    assert remove_stale_tmp_dirs(tmp_path, busy) == 1 and not busy_dir.exists()
    assert remove_stale_tmp_dirs(tmp_path / "absent", "*") == 0
