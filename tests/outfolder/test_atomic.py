"""Atomic writing: no half files, no stray temps, typed errors."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from mtjob.errors import OutputError
from mtjob.inputs.sources import TMP_MARK
from mtjob.outfolder import atomic as writer
from mtjob.outfolder.atomic import (
    atomic_write,
    ensure_writable,
    json_bytes,
    remove_stale_tmp,
    write_if_changed,
)
from tests.helpers import run_fake

DATA = "سطر عربي\n".encode()


def _temps(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if TMP_MARK in p.name]


@pytest.mark.parametrize("name", ["article.jsonl", "مقال الأحد.abstract.json", "-dash.jsonl"])
def test_atomic_write_creates_and_replaces(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    atomic_write(path, DATA)
    assert path.read_bytes() == DATA
    atomic_write(path, b"new")
    assert path.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_atomic_write_replaces_inode(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(b"old")
    before = path.stat().st_ino
    handle = path.open("rb")  # a reader holding the old file sees it whole
    atomic_write(path, DATA)
    assert handle.read() == b"old"
    handle.close()
    assert path.stat().st_ino != before and path.read_bytes() == DATA


@pytest.mark.parametrize("target", ["replace", "fsync"])
def test_disk_full_leaves_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   target: str) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(b"old content")

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, target, full)
    with pytest.raises(OutputError, match="disk full") as info:
        atomic_write(path, DATA)
    assert str(path) in str(info.value)
    monkeypatch.undo()
    assert path.read_bytes() == b"old content"
    assert _temps(tmp_path) == []


def test_other_os_error_gives_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.jsonl"

    def denied(*args, **kwargs):
        raise OSError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(os, "replace", denied)
    with pytest.raises(OutputError, match="Permission denied"):
        atomic_write(path, DATA)
    monkeypatch.undo()
    assert not path.exists() and _temps(tmp_path) == []


def test_interrupt_cleans_temp_and_propagates(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(tmp_path / "a.jsonl", DATA)
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []


def test_missing_folder_is_output_error(tmp_path: Path) -> None:
    with pytest.raises(OutputError):
        atomic_write(tmp_path / "absent" / "a.jsonl", DATA)


def test_write_if_changed(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    assert write_if_changed(path, DATA) is True
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    before = path.stat()
    assert write_if_changed(path, DATA) is False
    after = path.stat()
    assert after.st_mtime_ns == before.st_mtime_ns == 1_000_000_000
    assert after.st_ino == before.st_ino
    assert write_if_changed(path, b"changed") is True
    assert path.read_bytes() == b"changed"
    assert path.stat().st_mtime_ns != 1_000_000_000


def test_remove_stale_tmp_only_given_names(tmp_path: Path) -> None:
    keep = ["a.jsonl", "b.jsonl", "a.abstract.json", ".a.jsonl.other", "a.jsonl" + TMP_MARK]
    for name in keep:
        (tmp_path / name).write_bytes(b"x")
    stale = [writer.tmp_name(tmp_path / "a.jsonl"), writer.tmp_name(tmp_path / "a.jsonl"),
             writer.tmp_name(tmp_path / "مقال.abstract.json")]
    other = [writer.tmp_name(tmp_path / "b.jsonl"), writer.tmp_name(tmp_path / "a.json")]
    for path in stale + other:
        path.write_bytes(b"partial")
    removed = remove_stale_tmp(tmp_path, {"a.jsonl", "مقال.abstract.json", "absent.jsonl"})
    assert removed == 3
    left = {p.name for p in tmp_path.iterdir()}
    assert left == set(keep) | {p.name for p in other}


def test_tmp_name_is_hidden_and_not_matched_by_globs(tmp_path: Path) -> None:
    tmp = writer.tmp_name(tmp_path / "a.jsonl")
    tmp.write_bytes(b"")
    assert tmp.name.startswith(".") and tmp.parent == tmp_path
    assert list(tmp_path.glob("*.jsonl")) == [] and list(tmp_path.glob("*.json")) == []


def test_ensure_writable_creates_folder(tmp_path: Path) -> None:
    folder = tmp_path / "out" / "nested"
    ensure_writable(folder)
    assert folder.is_dir() and list(folder.iterdir()) == []


def test_ensure_writable_under_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(OutputError, match="not writable") as info:
        ensure_writable(blocker / "sub")
    assert str(blocker / "sub") in str(info.value)
    with pytest.raises(OutputError):
        ensure_writable(blocker)


def test_json_bytes_readable_and_stable() -> None:
    data = json_bytes({"b": 1, "a": "سوريا"})
    assert data.decode("utf-8") == '{\n  "a": "سوريا",\n  "b": 1\n}\n'


def test_read_plain_of_a_folder_is_none(tmp_path):
    from mtjob.outfolder.atomic import read_plain

    assert read_plain(tmp_path) is None


def test_temp_files_in_report_and_runs_are_cleaned(tmp_path, inbox):
    import os
    import time

    from mtjob.inputs.sources import TMP_MARK

    out = tmp_path / "out"
    run_fake([inbox], out, report=True)
    (out / "_mtjob" / "runs").mkdir(exist_ok=True)
    stale = [out / "report" / f".a.html{TMP_MARK}1-ab", out / "report" / f".index.html{TMP_MARK}2",
             out / "_mtjob" / "runs" / f".20260101T000000Z-00000.json{TMP_MARK}3"]
    for path in stale:
        path.write_text("partial")
        os.utime(path, (time.time() - 3600, time.time() - 3600))
    fresh = out / "_mtjob" / "runs" / f".20260101T000001Z-00000.json{TMP_MARK}4"
    fresh.write_text("being written by a run that released its lock")
    assert run_fake([inbox], out, report=True).unchanged == ["a"]
    assert [p.exists() for p in stale] == [False, False, False] and fresh.exists()


def test_an_article_named_like_a_temp_file_is_skipped_not_deleted_every_run(tmp_path, inbox):
    """``.a.jsonl.mtjob-tmp-1.txt`` (given by path: a dot name) wrote outputs that every later
    run removed as "temp files left by an interrupted run", then translated again."""
    odd = inbox / ".a.jsonl.mtjob-tmp-1.txt"
    odd.write_text("خبر آخر.\n", encoding="utf-8")
    out = tmp_path / "o"
    run_fake([inbox / "a.txt", odd], out)
    again = run_fake([inbox / "a.txt", odd], out)
    assert again.done == [] and again.unchanged == ["a"]  # not translated again, every run
    assert [o.doc_id for o in again.failed] == [odd.stem]
    assert "mtjob-tmp" in (again.failed[0].error or "")
