"""The translation memory (issue 22.3): ``mtjob memory add|stats|export`` and ``run --memory``.

The main test runs the tiny real models: an article is translated, a person corrects one of
its sentences (the JSONL gains ``post_edit``, as ``mtjob import`` writes it), the correction
goes into a memory, and a new article holding that Arabic sentence gets the corrected English
with origin ``memory``, the sentence never reaching the model. The rest use the fake models.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from mtjob.cli import app
from mtjob.memory.entries import memory_key
from mtjob.memory.reader import MemoryReader
from mtjob.outfolder.paths import meta_dir
from mtjob.testing.fakes import FakeModels, FakeTranslator

DATELINE = "القاهرة (رويترز) - قال المتحدث باسم الوزارة إن المحادثات ستستمر غدا."
OTHER = "وأضاف أن الوفود ستصل تباعا إلى العاصمة."
NEW = "وفي سياق متصل أعلنت الحكومة عن خطة جديدة للنقل العام."
FIXED = "CAIRO (Reuters) - The ministry spokesman said the talks would continue tomorrow."


def invoke(*args) -> Result:
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return folder


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def sentences(path: Path) -> list[dict]:
    return [s for record in lines(path) for s in record["sentences"]]


def post_edit(path: Path, arabic: str, english: str, who: str | None = "rania",
              when: str = "2026-12-01T10:00:00Z") -> None:
    """Correct one sentence in a JSONL the way ``mtjob import`` records it."""
    records = lines(path)
    hits = 0
    for record in records:
        for s in record["sentences"]:
            if s["ar"] == arabic:
                s.update(post_edit=english, edited_by=who, edited_at=when)
                hits += 1
    assert hits == 1
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                    encoding="utf-8")


def run_records(out: Path) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8"))
            for p in sorted((meta_dir(out) / "runs").glob("*.json"))]


def test_a_corrected_sentence_comes_from_the_memory_and_is_never_decoded(
        tmp_path, tiny_args, monkeypatch):
    import mtjob.engines.resolve as engine_models
    from mtjob.backends import make_translator as real

    decoded: list[str] = []

    def counting(*args):  # every text the model is asked to translate
        translator = real(*args)
        translate = translator.translate

        def wrapped(texts, options, call=None, prefixes=None):
            decoded.extend(texts)
            return translate(texts, options, call, prefixes)
        translator.translate = wrapped
        return translator

    monkeypatch.setattr(engine_models, "make_translator", counting)
    first = write(tmp_path / "day1", "a", f"{DATELINE} {OTHER}\n")
    assert invoke("run", first, "--out", tmp_path / "out1", *tiny_args).exit_code == 0
    assert memory_key(DATELINE) in decoded  # day 1: the model translated it
    post_edit(tmp_path / "out1" / "a.jsonl", DATELINE, FIXED)
    mem = tmp_path / "mem.sqlite"
    added = invoke("memory", "add", mem, tmp_path / "out1")
    assert added.exit_code == 0, added.output
    assert "added 1" in added.output

    decoded.clear()
    before = hashlib.sha256(mem.read_bytes()).hexdigest()
    second = write(tmp_path / "day2", "b", f"{NEW}\n\n{DATELINE}\n")
    result = invoke("run", second, "--out", tmp_path / "out2", "--memory", mem, *tiny_args)
    assert result.exit_code == 0, result.output
    found = {s["ar"]: s for s in sentences(tmp_path / "out2" / "b.jsonl")}
    assert found[DATELINE]["en"] == FIXED
    assert found[DATELINE]["origin"] == "memory"
    assert found[DATELINE]["memory"]["source"] == "post_edit"
    assert found[DATELINE]["memory"]["edited_by"] == "rania"
    assert found[DATELINE]["memory"]["edited_at"] == "2026-12-01T10:00:00Z"
    assert found[DATELINE]["memory"]["doc_id"] == "a"
    assert found[NEW]["origin"] == "mt"
    assert decoded and memory_key(DATELINE) not in decoded  # only NEW reached the model
    assert memory_key(NEW) in decoded
    record = run_records(tmp_path / "out2")[-1]
    assert record["origins"] == {"memory": 1, "mt": 1}
    assert "segments 2 (1 from the translation memory, not decoded)" in result.output
    assert record["settings"]["memory"] == str(mem)
    assert hashlib.sha256(mem.read_bytes()).hexdigest() == before  # the run wrote nothing
    assert invoke("verify", tmp_path / "out2").exit_code == 0


@pytest.fixture
def fake(monkeypatch):
    translator = FakeTranslator()
    monkeypatch.setattr("mtjob.job.default_models", lambda config: FakeModels(translator))
    return translator


def machine_memory(tmp_path: Path, english: str = FIXED) -> Path:
    """A memory holding DATELINE -> ``english`` as a post-edit, made through the CLI."""
    out = tmp_path / "seed"
    assert invoke("run", write(tmp_path / "seed_in", "s", DATELINE + "\n"), "--out", out,
                  "--quiet").exit_code == 0
    post_edit(out / "s.jsonl", DATELINE, english)
    mem = tmp_path / "mem.sqlite"
    assert invoke("memory", "add", mem, out).exit_code == 0
    return mem


def test_the_run_opens_the_memory_read_only(tmp_path, fake):
    mem = machine_memory(tmp_path)
    reader = MemoryReader(mem)
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        reader.db.execute("DELETE FROM entries")
    reader.close()
    mem.chmod(0o444)  # a memory on storage this job may only read
    inbox = write(tmp_path / "in", "b", DATELINE + "\n")
    assert invoke("run", inbox, "--out", tmp_path / "out", "--memory", mem,
                  "--quiet").exit_code == 0
    assert sentences(tmp_path / "out" / "b.jsonl")[0]["origin"] == "memory"
    assert not list(tmp_path.glob("mem.sqlite-*"))  # no journal, no WAL beside it


def test_a_close_match_is_a_suggestion_only(tmp_path, fake):
    mem = machine_memory(tmp_path)
    close = DATELINE.replace("غدا", "اليوم")  # one word differs
    out = tmp_path / "out"
    assert invoke("run", write(tmp_path / "in", "c", close + "\n"), "--out", out,
                  "--memory", mem, "--quiet").exit_code == 0
    (s,) = sentences(out / "c.jsonl")
    assert s["origin"] == "mt" and s["en"] != FIXED
    assert s["suggestion"]["en"] == FIXED and s["suggestion"]["ar"] == DATELINE
    assert 0.85 <= s["suggestion"]["match"] < 1
    assert any(memory_key(close) in texts for texts, _ in fake.calls)  # it was decoded


def test_the_memory_is_no_skip_key_and_force_applies_a_newer_one(tmp_path, fake):
    inbox = write(tmp_path / "in", "d", DATELINE + "\n")
    out = tmp_path / "out"
    assert invoke("run", inbox, "--out", out, "--quiet").exit_code == 0
    assert sentences(out / "d.jsonl")[0]["origin"] == "mt"
    mem = machine_memory(tmp_path)
    calls = len(fake.calls)
    assert invoke("run", inbox, "--out", out, "--memory", mem, "--quiet").exit_code == 0
    assert len(fake.calls) == calls and sentences(out / "d.jsonl")[0]["origin"] == "mt"
    assert invoke("run", inbox, "--out", out, "--memory", mem, "--force",
                  "--quiet").exit_code == 0
    assert sentences(out / "d.jsonl")[0]["en"] == FIXED
    assert len(fake.calls) == calls  # nothing left to decode


def test_add_ranks_post_edits_over_machine_and_newer_over_older(tmp_path, fake):
    out = tmp_path / "out"
    assert invoke("run", write(tmp_path / "in", "e", f"{DATELINE} {OTHER}\n"), "--out", out,
                  "--quiet").exit_code == 0
    mem = tmp_path / "m.sqlite"
    assert "added 0" in invoke("memory", "add", mem, out).output  # nothing corrected yet
    assert "added 2" in invoke("memory", "add", mem, out, "--include-mt").output
    post_edit(out / "e.jsonl", DATELINE, "first fix", when="2026-12-01T10:00:00Z")
    assert "replaced 1" in invoke("memory", "add", mem, out, "--include-mt").output
    again = invoke("memory", "add", mem, out, "--include-mt").output
    assert "added 0, replaced 0, kept 2" in again  # the same folder twice changes nothing
    newer = tmp_path / "newer"
    assert invoke("run", write(tmp_path / "in2", "f", DATELINE + "\n"), "--out", newer,
                  "--quiet").exit_code == 0
    post_edit(newer / "f.jsonl", DATELINE, "second fix", when="2026-12-02T09:00:00Z")
    assert "replaced 1" in invoke("memory", "add", mem, newer).output
    assert MemoryReader(mem).exact(memory_key(DATELINE)).en == "second fix"
    stats = json.loads(invoke("memory", "stats", mem, "--json").output)
    assert (stats["entries"], stats["post_edit"], stats["mt"]) == (2, 1, 1)


def test_export_tmx_is_a_tmx_of_every_entry(tmp_path, fake):
    mem = machine_memory(tmp_path, "A fix with <markup> & more")
    result = invoke("memory", "export", mem, "--format", "tmx")
    assert result.exit_code == 0, result.output
    root = ET.parse(mem.with_suffix(".tmx")).getroot()
    (tu,) = root.iter("tu")
    segs = [seg.text for seg in tu.iter("seg")]
    assert segs == [DATELINE, "A fix with <markup> & more"]
    props = {p.get("type"): p.text for p in tu.iter("prop")}
    assert props["x-source"] == "post_edit" and props["x-edited-by"] == "rania"
    assert invoke("memory", "export", mem, "--format", "csv").exit_code == 2


def test_a_missing_or_foreign_memory_is_a_usage_error_before_any_work(tmp_path, fake):
    inbox = write(tmp_path / "in", "g", DATELINE + "\n")
    result = invoke("run", inbox, "--out", tmp_path / "out", "--memory", tmp_path / "no.sqlite")
    assert result.exit_code == 2 and "no.sqlite" in result.output
    junk = tmp_path / "junk.sqlite"
    junk.write_text("not a database", encoding="utf-8")
    result = invoke("run", inbox, "--out", tmp_path / "out", "--memory", junk)
    assert result.exit_code == 2 and "not an mtjob memory" in result.output
    assert not fake.calls


def test_a_line_that_is_not_a_record_is_named(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "x.jsonl").write_text('{"doc_id": "x", "para_id": 0, "ar": "", "en": "", '
                                 '"sentences": [], "flags": []}\n["not", "a record"]\n',
                                 encoding="utf-8")
    result = invoke("memory", "add", tmp_path / "m.sqlite", out)
    assert result.exit_code == 1 and "x.jsonl: line 2: expected an object" in result.output
    assert invoke("memory", "add", tmp_path / "m.sqlite", tmp_path / "none").exit_code == 2


@pytest.mark.slow
@pytest.mark.ray
def test_the_ray_engine_takes_the_memory_on_the_driver(tmp_path, tiny_args):
    """Same bytes as the local engine with the same memory: the look-ups happen before any
    batch reaches an actor."""
    import subprocess

    pytest.importorskip("ray")
    from ..engines.test_ray import _env
    from ..test_process import mtjob_cmd

    seed = write(tmp_path / "seed_in", "s", DATELINE + "\n")
    assert invoke("run", seed, "--out", tmp_path / "seed", *tiny_args).exit_code == 0
    post_edit(tmp_path / "seed" / "s.jsonl", DATELINE, FIXED)
    mem = tmp_path / "mem.sqlite"
    assert invoke("memory", "add", mem, tmp_path / "seed").exit_code == 0
    inbox = write(tmp_path / "in", "b", f"{NEW}\n\n{DATELINE}\n")
    local, ray_out = tmp_path / "local", tmp_path / "ray"
    args = [*tiny_args, "--threads", "1", "--memory", mem]
    assert invoke("run", inbox, "--out", local, *args).exit_code == 0
    done = subprocess.run(mtjob_cmd("run", inbox, "--out", ray_out, *args, "--engine", "ray",
                                    "--workers", "1"), capture_output=True, text=True, env=_env())
    assert done.returncode == 0, done.stderr
    for name in ("b.jsonl", "b.abstract.json"):
        assert (local / name).read_bytes() == (ray_out / name).read_bytes(), name
    found = {s["ar"]: s for s in sentences(ray_out / "b.jsonl")}
    assert found[DATELINE]["origin"] == "memory" and found[DATELINE]["en"] == FIXED
