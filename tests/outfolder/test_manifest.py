"""The manifest is written as the run goes: an interrupted run leaves an accurate partial one,
and the completion marker exists only when every article is done."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from mtjob.errors import UnsafeOutputError
from mtjob.outfolder.atomic import json_bytes
from mtjob.outfolder.manifest import (
    ManifestWriter,
    done_entry,
    failed_entry,
    not_an_article_entry,
    pending_entry,
    read_manifest,
)

SHA = "ab" * 32
RECORD = {"source_sha256": SHA, "jsonl_sha256": SHA, "paragraphs": 2}


def _writer(out: Path, rank: int = 0, world: int = 1) -> ManifestWriter:
    return ManifestWriter(out, rank, world, {"beams": 1}, '{"beams": 1}\n')


def _articles(out: Path, tag: str = "00000-of-00001") -> dict:
    return json.loads((out / "_mtjob" / f"manifest-{tag}.json").read_text())["articles"]


def test_begin_update_finish(tmp_path: Path) -> None:
    marker = tmp_path / "_mtjob" / "completions" / "00000-of-00001"
    marker.parent.mkdir(parents=True)
    marker.write_bytes(b"[]\n")  # from an earlier complete run: stale once work begins
    writer = _writer(tmp_path)
    writer.begin({"a": pending_entry("in/a.txt"), "b": pending_entry("in/b.txt")})
    assert not marker.exists()
    assert {k: v["status"] for k, v in _articles(tmp_path).items()} == {"a": "pending",
                                                                        "b": "pending"}
    assert (tmp_path / "_mtjob" / "config.json").read_text() == '{"beams": 1}\n'
    writer.update("a", done_entry("in/a.txt", RECORD, b"{}"))
    assert _articles(tmp_path)["a"]["status"] == "done"  # on disk after each article
    assert _articles(tmp_path)["a"]["abstract_sha256"] == (
        "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a")
    writer.update("b", failed_entry("in/b.txt", "in/b.txt: byte 3: invalid UTF-8"))
    assert writer.finish() is False and not marker.exists()
    writer.update("b", done_entry("in/b.txt", RECORD, b"{}"))
    assert writer.finish() is True and json.loads(marker.read_text()) == ["a", "b"]


def test_skipped_entries_block_completion(tmp_path: Path) -> None:
    writer = _writer(tmp_path)
    writer.begin({"a": done_entry("a.txt", RECORD, b"{}"),
                  "x": not_an_article_entry("in/x.txt", "is a FIFO, not a regular file")})
    assert _articles(tmp_path)["x"] == {"source": "in/x.txt", "status": "not_an_article",
                                        "error": "is a FIFO, not a regular file"}
    assert writer.finish() is False


def test_rerun_with_nothing_to_do_changes_no_file(tmp_path: Path) -> None:
    entries = {"a": done_entry("a.txt", RECORD, b"{}")}
    first = _writer(tmp_path)
    first.begin(entries)
    assert first.finish()
    for path in tmp_path.rglob("*"):
        os.utime(path, ns=(1, 1))  # any rewrite would now show
    before = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*")}
    again = _writer(tmp_path)
    again.begin(entries)
    assert again.finish() is True
    assert {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*")} == before


def test_begin_drops_the_bookkeeping_of_another_shard_count(tmp_path: Path) -> None:
    old = _writer(tmp_path, 1, 2)
    old.begin({"a": done_entry("a.txt", RECORD, b"{}")})
    old.finish()
    _writer(tmp_path, 0, 1).begin({"a": pending_entry("a.txt")})
    meta = tmp_path / "_mtjob"
    assert sorted(p.name for p in meta.glob("manifest-*")) == ["manifest-00000-of-00001.json"]
    assert list((meta / "completions").iterdir()) == []


@pytest.mark.parametrize("link", ["_mtjob", "_mtjob/completions"])
def test_symlinked_bookkeeping_is_refused(tmp_path: Path, link: str) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out"
    (out / link).parent.mkdir(parents=True, exist_ok=True)
    (out / link).symlink_to(elsewhere)
    writer = _writer(out)
    with pytest.raises(UnsafeOutputError, match="is a symlink"):
        writer.begin({"a": done_entry("a.txt", RECORD, b"{}")})
        writer.finish()
    assert list(elsewhere.iterdir()) == []


def test_a_malformed_entry_is_a_programming_error(tmp_path: Path) -> None:
    writer = _writer(tmp_path)
    writer.begin({})
    with pytest.raises(ValueError, match="status: expected one of"):
        writer.update("a", {"source": "a.txt", "status": "missing"})


def test_read_manifest_names_problems(tmp_path: Path) -> None:
    path = tmp_path / "manifest-00000-of-00001.json"
    path.write_bytes(json_bytes({"shard": [0, 1], "settings": {}}))
    assert read_manifest(path) == (None, [f"{path}: lacks articles"])
    path.write_bytes(b"{not json")
    manifest, problems = read_manifest(path)
    assert manifest is None and problems[0].startswith(f"{path}: not valid JSON")
