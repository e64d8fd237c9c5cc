"""The records a run passes between its stages and writes (docs/output.md)."""

from __future__ import annotations

import json
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .text import quality
from .text.abstract_checks import check_abstract
from .text.alignment import to_source_words
from .text.segment import Segment
from .versions import __version__
from .vocabulary import Origin, Role, Status, TermReason

if TYPE_CHECKING:
    from .inputs.reader import Article
    from .text.langid import ArticleLanguage

#: Version of the record shapes: 2 added score, alignment, glossary_miss and the abstract's
#: scores, checks and input_tokens (docs/output.md, "Trust signals").
SCHEMA = 2

# Line separators that some JSONL readers (str.splitlines, JavaScript) treat as line ends:
# escaped so that one record is always exactly one line.
_LINE_BREAKERS = {"\u2028": "\\u2028", "\u2029": "\\u2029", "\u0085": "\\u0085"}


@dataclass
class ArticleOutcome:
    """What became of one input: one of ``vocabulary.OUTCOMES`` (done, unchanged, failed,
    not_an_article). One type feeds the report, the manifest and stderr; ``meta`` is the
    abstract record once known."""

    doc_id: str
    path: Path
    status: Status
    error: str | None = None
    meta: dict[str, Any] | None = None


@dataclass(frozen=True)
class SentenceRecord:
    """One sentence as written; ``alignment`` pairs index the words of ``ar`` and ``en``."""

    ar: str
    en: str
    src_tokens: int
    tgt_tokens: int
    flags: tuple[str, ...] = ()
    score: float | None = None
    alignment: tuple[tuple[int, int], ...] | None = None
    #: Terms the English lacks: ``{term, expected}`` each (docs/memory.md, "Terms and names").
    glossary_miss: tuple[dict[str, Any], ...] = ()
    origin: Origin = Origin.MT
    memory: dict[str, Any] | None = None
    suggestion: dict[str, Any] | None = None
    #: Renderings put in by decoding again: ``{term, rendering, how, why}`` each.
    terms: tuple[dict[str, str], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "ar": self.ar, "en": self.en, "src_tokens": self.src_tokens,
            "tgt_tokens": self.tgt_tokens, "flags": list(self.flags),
            # Four decimals: well inside what the score means, and stable across reruns.
            "score": None if self.score is None else round(self.score, 4),
            "origin": self.origin}
        if self.alignment is not None:
            out["alignment"] = [list(pair) for pair in self.alignment]
        if self.glossary_miss:
            out["glossary_miss"] = list(self.glossary_miss)
        if self.terms:
            out["terms"] = list(self.terms)
        for key in ("memory", "suggestion"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        return out


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
                "sentences": [s.to_dict() for s in self.sentences], "flags": list(self.flags),
                "schema": SCHEMA}


@dataclass(frozen=True)
class ArticleJsonl:
    """An article's JSONL as the output writer made it, before its abstract."""

    #: The model's output: what the abstract's ``jsonl_sha256`` hashes.
    machine: bytes
    #: What is written: ``machine`` with every stored correction that still applies.
    data: bytes
    #: When a correction applied: the English paragraphs with the post-edits in place (the
    #: abstract is made from them) and the hash of ``data``.
    corrected: tuple[list[str], str] | None = None


@dataclass(frozen=True)
class TranslatedArticle:
    """An article through translation: what the summarize and write stages take."""

    article: Article
    language: ArticleLanguage
    records: list[ParagraphRecord]
    jsonl: ArticleJsonl

    @property
    def english(self) -> list[str]:
        """What the abstract is made from: the English written, post-edits in place."""
        return self.jsonl.corrected[0] if self.jsonl.corrected else [r.en for r in self.records]


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
    for index, (sentence, english) in enumerate(zip(sentences, translations, strict=True)):
        found = source.find(sentence, cursor)
        if index:
            gap = source[cursor:found] if found >= 0 else " "
            out.append("\n" if "\n" in gap else " ")
        if found >= 0:
            cursor = found + len(sentence)
        out.append(english)
    return "".join(out).strip()


def term_counts(sentences: list[SentenceRecord]) -> Counter[str]:
    """Sentences decoded again for a term or kept span (``forced``) and for a name unified
    across the article or run (``unified``)."""
    found: Counter[str] = Counter()
    for s in sentences:
        whys = {item.get("why") for item in s.terms}
        found["forced"] += bool(whys - {TermReason.CONSISTENCY})
        found["unified"] += TermReason.CONSISTENCY in whys
    return +found


def sentence_flags(records: list[ParagraphRecord]) -> Counter[str]:
    """How many sentences carry each flag."""
    return Counter(f for r in records for s in r.sentences for f in s.flags)


def sentence_record(seg: Segment) -> SentenceRecord:
    """The written form of a translated segment: alignments re-indexed to the words of the
    source as written (the model saw its cleaned text)."""
    alignment = None if seg.alignment is None else \
        to_source_words(seg.alignment, seg.ar, seg.text)
    return SentenceRecord(seg.ar, seg.en, seg.tokens, seg.tgt_tokens,
                          tuple(seg.flags if seg.text else [quality.EMPTY]), seg.score,
                          alignment, tuple(seg.glossary_miss),
                          seg.origin if seg.text else Origin.COPY, seg.memory, seg.suggestion,
                          tuple(seg.terms))


def build_records(*, doc_id: str, paragraphs: list[str],
                  segments: list[Segment]) -> list[ParagraphRecord]:
    """One record per paragraph, its sentences in order, the English paragraph rebuilt."""
    by_para: dict[int, list[Segment]] = {}
    for seg in segments:
        by_para.setdefault(seg.para, []).append(seg)
    records = []
    for para, text in enumerate(paragraphs):
        segs = by_para.get(para, [])  # an empty paragraph has no sentence
        sentences = [sentence_record(s) for s in segs]
        english = join_sentences(text, [s.ar for s in segs], [s.en for s in sentences])
        flags = tuple(sorted({f for s in sentences for f in s.flags}))
        records.append(ParagraphRecord(doc_id, para, text, english, tuple(sentences), flags))
    return records


def score_summary(records: list[ParagraphRecord]) -> dict[str, Any]:
    """The article's score distribution: lowest, median, share of scored sentences flagged
    low_confidence (``None`` values when no sentence was scored)."""
    scored = [s for r in records for s in r.sentences if s.score is not None]
    values = sorted(round(s.score, 4) for s in scored if s.score is not None)
    if not values:
        return {"scored": 0, "min": None, "median": None, "low_confidence_share": None}
    low = sum(quality.LOW_CONFIDENCE in s.flags for s in scored)
    return {"scored": len(values), "min": values[0],
            "median": round(statistics.median(values), 4),
            "low_confidence_share": round(low / len(values), 4)}


def abstract_record(*, doc_id: str, source: Path, source_sha256: str, jsonl_sha256: str,
                    records: list[ParagraphRecord], text: str | None, method: str,
                    models: dict[Role, Any] | None, settings: dict[str, Any],
                    input_tokens: int | None = None, language: str | None = None,
                    article_flags: tuple[str, ...] = (),
                    corrected: tuple[list[str], str] | None = None) -> dict[str, Any]:
    """``NAME.abstract.json``: the abstract, what it was made from, and with what; the
    sentences' score distribution and the abstract's checks against the translation; the
    article's language (None when not checked) and flags (``not_arabic``). ``corrected``:
    the abstract was summarized from these English paragraphs, a person's post-edits in
    place, read from the JSONL of that hash (as ``mtjob import --resummarize`` says it)."""
    english = corrected[0] if corrected else [r.en for r in records]
    record = {
        "doc_id": doc_id, "abstract": text, "method": method,
        "paragraphs": len(records), "source": source.name, "source_sha256": source_sha256,
        "jsonl_sha256": jsonl_sha256, "models": models, "settings": settings,
        "flags": dict(sorted(sentence_flags(records).items())),
        "scores": score_summary(records),
        "checks": check_abstract(text, english),
        "input_tokens": input_tokens, "language": language,
        "article_flags": list(article_flags), "schema": SCHEMA, "mtjob_version": __version__,
    }
    if corrected:
        record.update(summary_from="corrected", summary_jsonl_sha256=corrected[1])
    return {**record, "names": names} if (names := unified_names(records)) else record


def unified_names(records: list[ParagraphRecord]) -> list[dict[str, Any]]:
    """The recurring names the article unified: the name, the rendering it got, the
    renderings it replaced, in how many sentences and how (``terms`` with ``why``
    consistency)."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for record in records:
        for sentence in record.sentences:
            for item in sentence.terms:
                if item.get("why") != TermReason.CONSISTENCY:
                    continue
                entry = found.setdefault((item["term"], item["rendering"]), {
                    "name": item["term"], "rendering": item["rendering"], "sentences": 0,
                    "replaced": [], "how": []})
                entry["sentences"] += 1
                for key, value in (("replaced", item.get("replaced")), ("how", item["how"])):
                    if value and value not in entry[key]:
                        entry[key].append(value)
    return list(found.values())
