"""The record's shape is declared once (``outfolder.finished``): the validator, the typed
reader and the field tables of docs/output.md (tests/test_docs.py) are made from it, and the
writer is held to it."""

from __future__ import annotations

from pathlib import Path

from mtjob.outfolder.finished import (
    PARAGRAPH,
    SENTENCE,
    FinishedParagraph,
    FinishedSentence,
    validate_paragraph,
)
from mtjob.outfolder.finished_abstract import ABSTRACT, FinishedAbstract, validate_abstract
from mtjob.outfolder.schema import Opt, keys
from mtjob.records import ParagraphRecord, SentenceRecord, abstract_record
from mtjob.vocabulary import Origin

SHA = "ab" * 32


def _names(cls: type) -> list[str]:
    return [name for name, _ in keys(cls)]


def _in_declared_order(written: list[str], declared: list[str]) -> bool:
    return [k for k in declared if k in written] == written


def test_every_key_the_writer_writes_is_declared_in_its_order():
    miss = {"term": "نص", "expected": ["Text"]}
    sentence = SentenceRecord("نص.", "Text.", 3, 2, ("copied",), -0.5, ((0, 0),), (miss,),
                              Origin.MEMORY, {"id": 1}, {"en": "T"})
    record = ParagraphRecord("a", 0, "نص.", "Text.", (sentence,), ("copied",)).to_dict()
    assert _in_declared_order(list(record), _names(FinishedParagraph))
    assert _in_declared_order(list(record["sentences"][0]), _names(FinishedSentence))
    meta = abstract_record(doc_id="a", source=Path("a.txt"), source_sha256=SHA,
                           jsonl_sha256=SHA, records=[], text="An abstract.", method="none",
                           models=None, settings={}, corrected=(["x"], SHA))
    assert _in_declared_order(list(meta), _names(FinishedAbstract))
    assert validate_paragraph(record) == [] and validate_abstract(meta) == []


def test_every_key_declared_always_is_written():
    minimal = ParagraphRecord("a", 0, "نص.", "Text.", (SentenceRecord("نص.", "Text.", 3, 2),))
    record = minimal.to_dict()
    for schema, written in ((PARAGRAPH, record), (SENTENCE, record["sentences"][0])):
        assert {k for k in schema if not isinstance(k, Opt)} <= set(written)


def test_the_validator_is_the_declaration():
    assert set(SENTENCE) == {Opt(n) if k.optional else n for n, k in keys(FinishedSentence)}
    assert "mtjob_version" in ABSTRACT and Opt("summary_from") in ABSTRACT

