"""Output records and their JSON form (the contract in the README)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

# Line separators that some JSONL readers (str.splitlines, JavaScript) treat as line ends:
# escaped so that one record is always exactly one line.
_LINE_BREAKERS = {"\u2028": "\\u2028", "\u2029": "\\u2029", "\u0085": "\\u0085"}


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
