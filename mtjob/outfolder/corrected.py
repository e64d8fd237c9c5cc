"""The JSONL as written: the machine output with the corrections that apply laid over it.

``mtjob.outfolder.corrections`` documents the store and the apply rule; this module carries
the rule out: each stored correction resolved to its sentence (``ArticleCorrections``), the
winner of each sentence written onto it, ``verify``'s check that a JSONL is exactly that,
and what a run writes for an article with corrections (:func:`reapply`).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from ..errors import OutputError
from ..inputs.reader import Article
from ..records import ParagraphRecord
from ..vocabulary import Origin, ReviewState
from .anchors import ArticleIndex
from .atomic import read_plain
from .corrections import Correction, corrections_path, read_corrections, time_key
from .machine import corrected_paragraphs, dump_jsonl, machine_bytes, parse_jsonl
from .paths import jsonl_path, sha256_bytes

log = logging.getLogger(__name__)


def _overlay(sentence: dict[str, Any], c: Correction) -> None:
    """Write correction ``c`` onto a machine sentence (the order of keys is part of the
    JSONL's bytes, which ``verify`` recomputes)."""
    sentence["review"] = c.review
    if c.review == ReviewState.EDITED or c.post_edit != sentence.get("en"):
        sentence["post_edit"] = c.post_edit
    sentence["edited_by"] = c.edited_by
    sentence["edited_at"] = c.edited_at
    if c.edit_from is not None:
        sentence["edit_from"] = c.edit_from
    if c.propagated_from is not None:
        sentence["propagated_from"] = c.propagated_from


class ArticleCorrections:
    """One article's machine records and its corrections, each resolved to a sentence.

    ``history[i]``: the corrections that land on sentence ``i`` of ``index.order``, with the
    order they were stored in; :meth:`winner` is the one that applies."""

    def __init__(self, records: list[dict[str, Any]], corrections: list[Correction],
                 source_sha256: str | None = None) -> None:
        self.records = records
        self.index = ArticleIndex(records)
        self.source_sha256 = source_sha256
        self.history: dict[int, list[tuple[int, Correction]]] = {}
        self.unapplied: list[Correction] = []
        self._stored = 0
        for c in corrections:
            self.add(c)

    def place(self, c: Correction) -> int | None:
        if c.for_source_sha256 is not None and self.source_sha256 is not None \
                and c.for_source_sha256 != self.source_sha256:
            return None  # made for another text piped on stdin
        return self.index.resolve(c.ar, c.anchor, (c.para_id, c.sent_id))

    def add(self, c: Correction, at: int | None = None) -> int | None:
        """Store ``c`` after the others; returns its sentence (None: it applies nowhere)."""
        i = self.place(c) if at is None else at
        self._stored += 1
        if i is None:
            self.unapplied.append(c)
        else:
            self.history.setdefault(i, []).append((self._stored, c))
        return i

    def winner(self, i: int) -> Correction | None:
        entries = self.history.get(i)
        if not entries:
            return None
        own = [e for e in entries if e[1].own]
        return max(own or entries, key=lambda e: (time_key(e[1]), e[0]))[1]

    def corrections_of(self, i: int) -> list[Correction]:
        return [c for _, c in self.history.get(i, [])]

    def sentence(self, i: int) -> dict[str, Any]:
        p, s = self.index.order[i]
        sentence: dict[str, Any] = self.records[p]["sentences"][s]
        return sentence

    def final(self, i: int) -> str:
        """The English a reader gets for sentence ``i`` now."""
        c = self.winner(i)
        en = self.sentence(i).get("en")
        return c.post_edit if c is not None else en if isinstance(en, str) else ""

    def unit_id(self, i: int) -> str:
        p, s = self.index.order[i]
        para_id = self.records[p].get("para_id", p)
        return f"p{para_id}-s{s}"

    def jsonl(self) -> bytes:
        """The machine records with the winning correction of each sentence in place."""
        if not self.history:
            return dump_jsonl(self.records)
        out = []
        touched: dict[int, dict[int, Correction]] = {}
        for i in self.history:
            winner = self.winner(i)
            if winner is not None:
                p, s = self.index.order[i]
                touched.setdefault(p, {})[s] = winner
        for p, record in enumerate(self.records):
            if p not in touched:
                out.append(record)
                continue
            sentences = [dict(sentence) for sentence in record["sentences"]]
            for s, c in touched[p].items():
                _overlay(sentences[s], c)
            out.append({**record, "sentences": sentences})
        return dump_jsonl(out)


def with_corrections(machine: bytes, corrections: list[Correction],
                     source_sha256: str | None = None) -> tuple[bytes, list[Correction]]:
    """The JSONL of ``machine`` output plus ``corrections``, and those that do not apply."""
    if not corrections:
        return machine, []
    article = ArticleCorrections(parse_jsonl(machine), corrections, source_sha256)
    return article.jsonl(), article.unapplied


def _legacy_jsonl(machine: bytes, corrections: list[Correction]) -> bytes:
    """How mtjob before review states wrote the corrections (kept so its folders verify):
    at the same place when the Arabic is the same there, else the article's first sentence
    with this Arabic; the later one wins; three keys only."""
    records = parse_jsonl(machine)
    flat = [s for r in records for s in r.get("sentences") or []]
    for c in corrections:
        sentences = records[c.para_id].get("sentences") or [] \
            if 0 <= c.para_id < len(records) else []
        at = sentences[c.sent_id] if 0 <= c.sent_id < len(sentences) else None
        target = at if at is not None and at.get("ar") == c.ar else \
            next((s for s in flat if s.get("ar") == c.ar), None)
        if target is not None:
            target.update(post_edit=c.post_edit, edited_by=c.edited_by,
                          edited_at=c.edited_at)
    return dump_jsonl(records)


def check_article(out: Path, doc_id: str, data: bytes, overlay: dict[Path, bytes],
                  source_sha256: str | None = None) -> list[str]:
    """``verify``'s check: the JSONL equals its machine output plus its corrections."""
    try:
        corrections = read_corrections(out, doc_id, overlay)
        machine = machine_bytes(data)
        expected, _ = with_corrections(machine, corrections, source_sha256)
        if expected != data and corrections and all(c.version == 1 for c in corrections):
            expected = _legacy_jsonl(machine, corrections)
    except (OutputError, ValueError) as exc:
        return [str(exc)]
    if expected != data:
        return [(f"{doc_id}.jsonl: its post-edits differ from its corrections in "
                f"{corrections_path(out, doc_id)} (edited by hand?)")]
    return []


def _memory_sentences(data: bytes | None) -> set[str]:
    """The Arabic of the sentences a JSONL took from a translation memory."""
    if not data or b'"origin": "memory"' not in data:
        return set()
    try:
        records = parse_jsonl(data)
    except ValueError:
        return set()
    return {s.get("ar") for r in records for s in r.get("sentences") or []
            if s.get("origin") == Origin.MEMORY}


def reapply(out: Path, article: Article, records: list[ParagraphRecord], machine: bytes
            ) -> tuple[bytes, tuple[list[str], str] | None]:
    """What a run writes for ``records``, whose JSONL the output writer made (``machine``):
    the JSONL with every stored correction that still has its sentence (the others are
    named in the log, and stay stored) and, when one applied, what the run summarizes
    instead of the machine's English: the English paragraphs with the post-edits in place,
    and the hash of the JSONL they come from. Corrections made for another text piped on
    stdin (bound to its source hash) do not apply. A sentence the earlier run took from a
    translation memory and this one decoded is named loudly (memory matches are not
    corrections: without ``--memory`` they are lost)."""
    doc_id, source_sha256 = article.doc_id, article.sha256
    corrections = read_corrections(out, doc_id)
    lost = _memory_sentences(read_plain(jsonl_path(out, doc_id))) - {
        s.ar for r in records for s in r.sentences if s.origin == Origin.MEMORY}
    if lost:
        log.warning("%s: %d sentence(s) the earlier run took from a translation memory are "
                    "machine-translated now (this run has no --memory, or its memory lacks "
                    "them); run again with --memory FILE to keep them", doc_id, len(lost))
    data, unapplied = with_corrections(machine, corrections, source_sha256)
    if corrections:
        log.info("%s: %d correction(s) re-applied", doc_id,
                 len(corrections) - len(unapplied))
    for c in unapplied:
        why = "it was made for another text read from stdin" \
            if c.for_source_sha256 not in (None, source_sha256) else \
            "its Arabic sentence is gone"
        log.warning("%s %s: correction no longer applies (%s); kept in %s", doc_id, c.unit,
                    why, corrections_path(out, doc_id))
    applied = len(corrections) > len(unapplied)
    return data, (corrected_paragraphs(data), sha256_bytes(data)) if applied else None
