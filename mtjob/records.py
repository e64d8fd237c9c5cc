"""The records a run passes between its stages and writes (the contract in the README)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import quality
from .versions import __version__

# Line separators that some JSONL readers (str.splitlines, JavaScript) treat as line ends:
# escaped so that one record is always exactly one line.
_LINE_BREAKERS = {"\u2028": "\\u2028", "\u2029": "\\u2029", "\u0085": "\\u0085"}


@dataclass
class Segment:
    """One sentence on its way through the model: ``ar`` as in the source, ``text`` cleaned for
    the model, its token count and output limit; then the translation and its flags."""

    doc: int
    para: int
    ar: str
    text: str
    tokens: int
    limit: int
    en: str = ""
    tgt_tokens: int = 0
    flags: list[str] = field(default_factory=list)


@dataclass
class ArticleOutcome:
    """What became of one article: ``done``, ``skipped`` (unchanged) or ``failed``. One type
    feeds the report, the manifest and stderr; ``meta`` is the abstract record once known."""

    doc_id: str
    path: Path
    status: str
    error: str | None = None
    meta: dict[str, Any] | None = None


@dataclass(frozen=True)
class SentenceRecord:
    ar: str
    en: str
    src_tokens: int
    tgt_tokens: int
    flags: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"ar": self.ar, "en": self.en, "src_tokens": self.src_tokens,
                "tgt_tokens": self.tgt_tokens, "flags": list(self.flags)}


@dataclass(frozen=True)
class ParagraphRecord:
    doc_id: str
    para_id: int
    ar: str
    en: str
    sentences: tuple[SentenceRecord, ...]
    flags: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {"doc_id": self.doc_id, "para_id": self.para_id, "ar": self.ar, "en": self.en,
                "sentences": [s.to_dict() for s in self.sentences], "flags": list(self.flags)}


def dumps_line(obj: dict[str, Any]) -> str:
    """One JSON object on one line, UTF-8 text kept readable (``ensure_ascii=False``)."""
    text = json.dumps(obj, ensure_ascii=False)
    for char, escaped in _LINE_BREAKERS.items():
        text = text.replace(char, escaped)
    return text + "\n"


def jsonl_bytes(records: list[ParagraphRecord]) -> bytes:
    return "".join(dumps_line(r.to_dict()) for r in records).encode("utf-8")


def join_sentences(source: str, sentences: list[str], translations: list[str]) -> str:
    """Rebuild an English paragraph, keeping line breaks that separated the source sentences."""
    out: list[str] = []
    cursor = 0
    for index, (sentence, english) in enumerate(zip(sentences, translations)):
        found = source.find(sentence, cursor)
        if index:
            gap = source[cursor:found] if found >= 0 else " "
            out.append("\n" if "\n" in gap else " ")
        if found >= 0:
            cursor = found + len(sentence)
        out.append(english)
    return "".join(out).strip()


def sentence_flags(records: list[ParagraphRecord]) -> Counter[str]:
    """How many sentences carry each flag."""
    return Counter(f for r in records for s in r.sentences for f in s.flags)


def build_records(doc_id: str, paragraphs: list[str],
                  segments: list[Segment]) -> list[ParagraphRecord]:
    """One record per paragraph, its sentences in order, the English paragraph rebuilt."""
    by_para: dict[int, list[Segment]] = {}
    for seg in segments:
        by_para.setdefault(seg.para, []).append(seg)
    records = []
    for para, text in enumerate(paragraphs):
        segs = by_para[para]
        sentences = [SentenceRecord(s.ar, s.en, s.tokens, s.tgt_tokens,
                                    tuple(s.flags if s.text else [quality.EMPTY]))
                     for s in segs]
        english = join_sentences(text, [s.ar for s in segs], [s.en for s in sentences])
        flags = tuple(sorted({f for s in sentences for f in s.flags}))
        records.append(ParagraphRecord(doc_id, para, text, english, tuple(sentences), flags))
    return records


def abstract_record(doc_id: str, source: Path, source_sha256: str, jsonl_sha256: str,
                    records: list[ParagraphRecord], text: str | None, method: str,
                    models: dict[str, Any] | None, settings: dict[str, Any]) -> dict[str, Any]:
    """``NAME.abstract.json``: the abstract, what it was made from, and with what."""
    return {
        "doc_id": doc_id, "abstract": text, "method": method, "paragraphs": len(records),
        "source": source.name, "source_sha256": source_sha256, "jsonl_sha256": jsonl_sha256,
        "models": models, "settings": settings,
        "flags": dict(sorted(sentence_flags(records).items())), "mtjob_version": __version__,
    }
