"""What the second adversarial test broke (issue 24): stale output no rerun repairs, hangs on
hostile text or paths, injected cells and log lines, names that collide with mtjob's own."""

from __future__ import annotations

import time

import pytest

from mtjob import glossary, quality, reader, segment, textclean

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
    entries = glossary.parse("مجلس\taa|a a|...\n".encode(), "g.tsv")
    _linear(lambda t: glossary.misses(entries, "مجلس", t), "a" * MB)
    _linear(lambda t: glossary.misses(entries, "مجلس", t), "a " * (MB // 2))
    _linear(lambda t: glossary.misses(entries, "مجلس" * (MB // 4), t), "." * MB)


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
