"""The output schema: what a well-formed record is, and every problem named with its place."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from mtjob.outfolder.finished import PARAGRAPH, validate_paragraph
from mtjob.outfolder.finished_abstract import ABSTRACT, validate_abstract
from mtjob.outfolder.schema import validate, validate_manifest
from mtjob.records import ParagraphRecord, SentenceRecord

SHA = "ab" * 32
SENTENCE = {"ar": "نص.", "en": "Text.", "src_tokens": 3, "tgt_tokens": 2, "flags": []}
PARA = {"doc_id": "a", "para_id": 0, "ar": "نص.", "en": "Text.", "sentences": [SENTENCE],
        "flags": []}
ABS = {"doc_id": "a", "abstract": "Text.", "method": "abstractive", "paragraphs": 1,
       "source": "a.txt", "source_sha256": SHA, "jsonl_sha256": SHA, "models": {"mt": {}},
       "settings": {"beams": 1}, "flags": {"repeat": 1}, "mtjob_version": "0.1"}
MANIFEST: dict[str, Any] = {"shard": [0, 1], "settings": {}, "articles": {
    "a": {"source": "in/a.txt", "status": "done", "source_sha256": SHA, "jsonl_sha256": SHA,
          "abstract_sha256": SHA, "paragraphs": 1},
    "b": {"source": "in/b.txt", "status": "failed", "error": "bad byte"},
    "c": {"source": "in/c.txt", "status": "pending"}}}


def test_well_formed_records_have_no_problem() -> None:
    assert validate_paragraph(PARA) == []
    assert validate_abstract(ABS) == [] and validate_abstract({**ABS, "abstract": None,
                                                               "models": None}) == []
    assert validate_manifest(MANIFEST) == []


def test_extra_keys_are_allowed() -> None:
    para = {**PARA, "score": 0.5, "sentences": [{**SENTENCE, "score": -0.1}]}
    assert validate_paragraph(para) == []


def test_records_the_job_builds_validate() -> None:
    record = ParagraphRecord("a", 0, "نص.", "Text.", (SentenceRecord("نص.", "Text.", 3, 2),))
    assert validate_paragraph(record.to_dict()) == []


@pytest.mark.parametrize("obj, problem", [
    ([], "expected an object, got an array"),
    ("x", "expected an object, got a string"),
    (None, "expected an object, got null"),
    ({k: v for k, v in PARA.items() if k != "en"}, "lacks en"),
    ({**PARA, "para_id": "0"}, "para_id: expected an integer, got a string"),
    ({**PARA, "para_id": True}, "para_id: expected an integer, got a boolean"),
    ({**PARA, "sentences": {}}, "sentences: expected an array, got an object"),
    ({**PARA, "sentences": [SENTENCE, {**SENTENCE, "tgt_tokens": 1.5}]},
     "sentences[1].tgt_tokens: expected an integer, got a number"),
    ({**PARA, "sentences": [{**SENTENCE, "flags": ["ok", 3]}]},
     "sentences[0].flags[1]: expected a string, got an integer"),
])
def test_paragraph_problems_are_named(obj, problem) -> None:
    assert validate_paragraph(obj) == [problem]


def test_every_problem_is_reported_not_only_the_first() -> None:
    assert len(validate_paragraph({"doc_id": 1, "para_id": None})) == 6


@pytest.mark.parametrize("change, problem", [
    ({"abstract": ["x"]}, "abstract: expected a string or null, got an array"),
    ({"source_sha256": "abc"}, "source_sha256: expected a sha256 hex digest, got 'abc'"),
    ({"flags": {"repeat": "1"}}, "flags.repeat: expected an integer, got a string"),
])
def test_abstract_problems_are_named(change, problem) -> None:
    assert validate_abstract({**ABS, **change}) == [problem]


def test_manifest_problems_are_named() -> None:
    assert validate_manifest({"shard": [0, 1]}) == ["lacks articles", "lacks settings"]
    broken = copy.deepcopy(MANIFEST)
    broken["articles"]["a"].pop("jsonl_sha256")
    broken["articles"]["c"]["status"] = "finished"
    broken["shard"] = [0]
    assert validate_manifest(broken) == [
        "shard: expected [rank, world_size] with 0 <= rank < world_size",
        "articles.a: lacks jsonl_sha256 (status done)",
        "articles.c.status: expected one of done, failed, not_an_article, pending, skipped, "
        "got 'finished'",
    ]


def test_schema_is_plain_data_for_others_to_read() -> None:
    assert PARAGRAPH["sentences"] == [PARAGRAPH["sentences"][0]] and "doc_id" in ABSTRACT
    assert validate(3, int) == [] and validate("3", int) == ["expected an integer, got a string"]
