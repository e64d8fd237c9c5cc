"""Inputs that are not regular files never block or pass silently; names never forge lines."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from mtjob.errors import InputError
from mtjob.inputs.reader import (
    Skipped,
    discover,
    discover_inputs,
    display_name,
    read_article,
    source_sha256,
)

AR = "قال الوزير إن المحادثات ستستأنف غدا.\n".encode()




@pytest.mark.parametrize("read", [lambda p: read_article(p, 1000), source_sha256])
def test_fifo_is_refused_without_blocking(tmp_path: Path, deadline, read) -> None:
    fifo = tmp_path / "x.txt"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="is a FIFO, not a regular file") as info:
        read(fifo)
    assert str(fifo) in str(info.value)


@pytest.mark.parametrize("read", [lambda p: read_article(p, 10 ** 12), source_sha256])
def test_device_is_refused_before_reading(deadline, read) -> None:
    with pytest.raises(InputError, match="/dev/zero: is a character device"):
        read(Path("/dev/zero"))


@pytest.mark.parametrize("read", [lambda p: read_article(p, 1000), source_sha256])
def test_folder_is_refused(tmp_path: Path, read) -> None:
    (tmp_path / "y.txt").mkdir()
    with pytest.raises(InputError, match="is a folder, not a regular file"):
        read(tmp_path / "y.txt")


def test_source_sha256_of_a_regular_file(tmp_path: Path) -> None:
    import hashlib

    (tmp_path / "a.txt").write_bytes(AR)
    assert source_sha256(tmp_path / "a.txt") == hashlib.sha256(AR).hexdigest()


def test_missing_file_hash_is_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        source_sha256(tmp_path / "absent.txt")


@pytest.mark.parametrize("name, shown", [
    ("plain.txt", "plain.txt"),
    ("مقال الأحد.txt", "مقال الأحد.txt"),
    ("bad\n2026-01-01 INFO mtjob: done.txt", "'bad\\n2026-01-01 INFO mtjob: done.txt'"),
    ("esc\x1b[31m.txt", "'esc\\x1b[31m.txt'"),
    ("rlo\u202e.txt", "'rlo\\u202e.txt'"),
])
def test_display_name_escapes_controls(name: str, shown: str) -> None:
    assert display_name(Path("/in") / name) == ("/in/" + shown if shown[0] != "'" else
                                               repr("/in/" + name))


def test_errors_never_carry_a_raw_newline(tmp_path: Path) -> None:
    path = tmp_path / "bad\n2026-01-01 INFO mtjob: ok.txt"
    path.write_bytes(AR + b"\xff")
    with pytest.raises(InputError) as info:
        read_article(path, 1000)
    assert "\n" not in str(info.value) and "\\n2026" in str(info.value)


def _special_inbox(tmp_path: Path) -> tuple[Path, Path]:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.txt").write_bytes(AR)
    os.mkfifo(inbox / "x.txt")
    (inbox / "y.txt").mkdir()
    (inbox / "loop.txt").symlink_to(inbox / "loop.txt")
    (inbox / "broken.txt").symlink_to(tmp_path / "absent.txt")
    outside = tmp_path / "elsewhere.txt"
    outside.write_bytes(AR)
    (inbox / "linked.txt").symlink_to(outside)
    return inbox, outside


def test_discover_reports_each_special_entry(tmp_path: Path, caplog) -> None:
    inbox, outside = _special_inbox(tmp_path)
    with caplog.at_level(logging.INFO, logger="mtjob.inputs.sources"):
        files, skipped = discover([inbox])
    assert files == [inbox / "a.txt", inbox / "linked.txt"]
    reasons = {s.path.name: s.reason for s in skipped}
    assert reasons == {
        "broken.txt": f"is a broken symlink (to {tmp_path / 'absent.txt'})",
        "loop.txt": "is a symlink loop",
        "x.txt": "is a FIFO, not a regular file",
        "y.txt": "is a folder, not a regular file",
    }
    assert all(isinstance(s, Skipped) for s in skipped)
    assert f"follows symlink to {outside}" in caplog.text


def test_discover_reports_a_special_file_named_on_the_command_line(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "x.txt")
    assert discover([tmp_path / "x.txt"]) == ([], [Skipped(tmp_path / "x.txt",
                                                          "is a FIFO, not a regular file")])


def test_discover_inputs_keeps_regular_files_and_warns(tmp_path: Path, caplog) -> None:
    inbox, _ = _special_inbox(tmp_path)
    with caplog.at_level(logging.WARNING, logger="mtjob.inputs.sources"):
        assert discover_inputs([inbox]) == [inbox / "a.txt", inbox / "linked.txt"]
    assert f"not_an_article {inbox / 'x.txt'}: is a FIFO, not a regular file" in caplog.text
