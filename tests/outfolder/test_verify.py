"""verify: ok only for a finished, untouched folder; every problem named, none a crash."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from mtjob.inputs.reader import source_sha256
from mtjob.outfolder.atomic import json_bytes
from mtjob.outfolder.manifest import ManifestWriter, done_entry, pending_entry
from mtjob.outfolder.paths import abstract_path, jsonl_path, sha256_bytes
from mtjob.outfolder.verify import VerifyReport, check_folder, verify
from mtjob.records import ParagraphRecord, SentenceRecord, jsonl_bytes

AR = "قال الوزير إن المحادثات ستستأنف غدا.\n"


def _write_article(out: Path, source: Path) -> dict:
    doc_id = source.stem
    records = [ParagraphRecord(doc_id, i, AR.strip(), "He said.",
                               (SentenceRecord(AR.strip(), "He said.", 9, 3),))
               for i in range(2)]
    data = jsonl_bytes(records)
    record = {"doc_id": doc_id, "abstract": "Talks resume.", "method": "abstractive",
              "paragraphs": 2, "source": source.name, "source_sha256": source_sha256(source),
              "jsonl_sha256": sha256_bytes(data), "models": None, "settings": {"beams": 1},
              "flags": {}, "mtjob_version": "0.1"}
    jsonl_path(out, doc_id).write_bytes(data)
    abstract_path(out, doc_id).write_bytes(json_bytes(record))
    return done_entry(source, record, json_bytes(record))


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    for name in ("a", "b", "c"):
        (folder / f"{name}.txt").write_text(AR + name, encoding="utf-8")
    return folder


def _run(inbox: Path, out: Path, world: int = 1, ranks: tuple[int, ...] = (0,),
         finish: bool = True) -> None:
    """What the job does, shard by shard, without a model."""
    out.mkdir(exist_ok=True)
    sources = sorted(inbox.glob("*.txt"))
    for rank in ranks:
        writer = ManifestWriter(out, rank, world, {"beams": 1}, "{}\n")
        mine = [s for i, s in enumerate(sources) if i % world == rank]
        writer.begin({s.stem: pending_entry(s) for s in mine})
        (out / "_mtjob" / f"lock-{rank:05d}-of-{world:05d}").touch()
        for source in mine:
            writer.update(source.stem, _write_article(out, source))
        if finish:
            writer.finish()


@pytest.fixture
def out(tmp_path: Path, inbox: Path) -> Path:
    folder = tmp_path / "out"
    _run(inbox, folder)
    return folder


def test_a_finished_folder_is_ok(out: Path, inbox: Path) -> None:
    report = check_folder(out, [inbox])
    assert report == VerifyReport([], []) and report.ok
    assert verify(out) == [] and verify(out, [inbox], strict=True) == []


def test_an_empty_folder_is_not_ok(tmp_path: Path) -> None:
    assert verify(tmp_path) == [f"{tmp_path}: no mtjob output here"]


def test_a_run_stopped_before_its_manifest_is_not_ok(tmp_path: Path) -> None:
    (tmp_path / "_mtjob").mkdir()
    (tmp_path / "_mtjob" / "lock-00000-of-00001").touch()  # SIGTERM before the manifest
    assert verify(tmp_path) == [f"{tmp_path / '_mtjob'}: the run was stopped before it began "
                                "any article: rerun the same command"]


def test_an_interrupted_run_is_named_article_by_article(tmp_path: Path, inbox: Path) -> None:
    out = tmp_path / "out"
    _run(inbox, out, finish=False)
    manifest = out / "_mtjob" / "manifest-00000-of-00001.json"
    data = json.loads(manifest.read_text())
    data["articles"]["c"] = {"source": str(inbox / "c.txt"), "status": "pending"}
    manifest.write_bytes(json_bytes(data))
    abstract_path(out, "c").unlink()
    jsonl_path(out, "c").unlink()
    errors = verify(out)
    assert errors == ["1 article(s) not written yet: the run was stopped before it finished "
                      "(or is still going); rerun the same command to finish it", "pending c"]


def test_a_shard_that_never_ran_is_named(tmp_path: Path, inbox: Path) -> None:
    out = tmp_path / "out"
    _run(inbox, out, world=2, ranks=(0,))
    assert verify(out) == [f"{out / '_mtjob'}: shard 1/2 (--shard 1/2) has not run here yet: "
                           "run it"]


def test_outputs_without_bookkeeping(out: Path) -> None:
    shutil.rmtree(out / "_mtjob")
    (out / "a.jsonl").unlink()
    (out / "a.abstract.json").unlink()
    assert verify(out) == [f"{out}: outputs but no bookkeeping (_mtjob is missing): cannot "
                           "tell whether the run finished"]
    for doc_id in ("b", "c"):
        (out / f"{doc_id}.jsonl").unlink()
        (out / f"{doc_id}.abstract.json").unlink()
    assert verify(out) == [f"{out}: no mtjob output here"]


@pytest.mark.parametrize("line, problem", [
    (b"[]\n", "line 2: expected an object, got an array"),
    (b'"x"\n', "line 2: expected an object, got a string"),
    (b'{"doc_id": "a", "para_id": 1}\n', "line 2: lacks ar"),
])
def test_wrong_shapes_in_jsonl_are_named_and_verify_goes_on(out: Path, line, problem) -> None:
    path = jsonl_path(out, "a")
    first = path.read_bytes().splitlines(keepends=True)[0]
    path.write_bytes(first + line)
    (out / "b.abstract.json").write_bytes(b"[]\n")  # a later problem is still found
    errors = verify(out)
    assert f"{path}: {problem}" in errors
    assert f"{out / 'b.abstract.json'}: expected an object, got an array" in errors


def test_a_manifest_without_articles_is_named(out: Path) -> None:
    manifest = out / "_mtjob" / "manifest-00000-of-00001.json"
    manifest.write_bytes(json_bytes({"shard": [0, 1], "settings": {}}))
    errors = verify(out)
    assert f"{manifest}: lacks articles" in errors


def test_an_abstract_missing_a_key_is_named(out: Path) -> None:
    path = abstract_path(out, "a")
    record = json.loads(path.read_text())
    del record["jsonl_sha256"]
    path.write_bytes(json_bytes(record))
    assert f"{path}: lacks jsonl_sha256" in verify(out)


def test_an_edited_abstract_text_is_caught(out: Path) -> None:
    path = abstract_path(out, "b")
    record = json.loads(path.read_text())
    record["abstract"] = "Something else entirely."
    path.write_bytes(json_bytes(record))
    assert verify(out) == [f"{path}: differs from the hash in manifest-00000-of-00001.json "
                           "(edited?)"]


def test_a_changed_jsonl_is_caught(out: Path) -> None:
    path = jsonl_path(out, "a")
    path.write_bytes(path.read_bytes().replace(b"He said", b"He sang"))
    errors = verify(out)
    assert f"{path}: content differs from the hash its abstract recorded (truncated or " \
           "edited)" in errors


def test_stray_files_warn_and_fail_when_strict(out: Path) -> None:
    (out / "notes.txt").write_text("x")
    (out / "report").mkdir()
    (out / ".a.jsonl.mtjob-tmp-1-ab").write_text("x")
    report = check_folder(out)
    assert report.errors == [] and report.warnings == [
        f"{out / '.a.jsonl.mtjob-tmp-1-ab'}: temp file of an interrupted write",
        f"{out / 'notes.txt'}: not an mtjob output"]
    assert verify(out, strict=True) == report.warnings


def test_inputs_must_all_be_done_at_their_current_hash(out: Path, inbox: Path) -> None:
    with (inbox / "a.txt").open("a", encoding="utf-8") as handle:
        handle.write("\nفقرة جديدة.\n")
    (inbox / "d.txt").write_text(AR, encoding="utf-8")
    os.mkfifo(inbox / "x.txt")
    assert verify(out, [inbox]) == [
        f"{inbox / 'x.txt'}: not_an_article: is a FIFO, not a regular file",
        f"{inbox / 'a.txt'}: changed since it was translated; run again",
        f"{inbox / 'd.txt'}: not in any manifest (not run yet?)",
    ]


def test_a_control_character_in_a_name_cannot_forge_a_line(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "x\nError: forged.jsonl").write_text("{}\n")
    assert all("\n" not in problem for problem in verify(out))
