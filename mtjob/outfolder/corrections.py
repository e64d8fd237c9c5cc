"""Corrections: what a person did with a sentence, kept so that it is never lost.

The store
---------
``OUT/_mtjob/corrections/DOC_ID.jsonl`` holds an article's corrections history: one JSON
object a line, written by :func:`mtjob.records.dumps_line` (UTF-8; U+2028, U+2029 and U+0085
escaped, so a line is a line for every reader) and read by splitting on ``\\n`` alone. Lines
are only ever added: the file is replaced atomically by its old bytes plus the new lines.
A line of this format (``"version": 2``) holds:

- ``doc_id``; ``para_id``, ``sent_id``: where the sentence was when the correction was made
  (a hint only);
- the anchor (``mtjob.outfolder.anchors``): ``ar`` (the Arabic sentence as written),
  ``occurrence`` (among identical sentences of the article, from 0), ``repeats`` (how many
  there were), ``prev_ar``/``next_ar`` (the neighbouring sentences' Arabic, null at an end);
- ``review``: ``edited`` or ``confirmed``; ``post_edit``: the English the person left (for a
  confirmation, the text confirmed);
- ``mt_en``: the machine English the correction was made against (null when the file did not
  say), ``mt_sha256``: the hash of the machine output it was made against (when known);
- ``edited_by`` (or null), ``edited_at`` (``YYYY-MM-DDTHH:MM:SSZ``): who and when, as the
  file it came from says (else the importer's ``--by`` and the import time);
- ``edit_from``: page, xliff, tmx, tsv, memory or propagated; ``propagated_from``
  (``DOC_ID#pP-sS`` of the correction it copies) for a propagated one;
- ``for_source_sha256``: set for an article read from stdin (``mtjob run -``), which has no
  name to be known by: the correction applies only to that very text;
- ``signed_off``: the file marked the unit signed off (XLIFF ``final``/``signed-off``), so
  importing that file again confirms nothing new;
- ``source``: the file name and unit it came from.

Lines without ``version`` were written by mtjob before review states (``doc_id``,
``para_id``, ``sent_id``, ``ar``, ``mt_en``, ``post_edit``, ``edited_by``, ``edited_at``,
``source``): they are read as edits with no anchor beyond their place.

The apply rule
--------------
Every JSONL is its machine output plus its corrections. Each stored correction is resolved to
the sentence its anchor names now (:meth:`ArticleIndex.resolve`); one whose Arabic is gone
applies nowhere (named in the log, kept in the store). Of the corrections that land on one
sentence, a correction made for that sentence always beats a propagated one; among the
rest the newest by its own ``edited_at`` applies (equal times: the one stored last), so an
older edit never replaces a newer one, whatever order the files were imported in. The
sentence then gains ``review``, ``post_edit`` (for an edit; for a confirmation only when the
text confirmed differs from ``en``), ``edited_by``, ``edited_at``, ``edit_from`` and
``propagated_from``; ``en`` stays the machine's. Taking those keys out gives back the run's
bytes, whose hash the abstract records (``jsonl_sha256``; :func:`machine_bytes`).
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..errors import OutputError
from ..records import ParagraphRecord, dumps_line, jsonl_bytes
from ..vocabulary import EditFrom, Origin, ReviewState
from .anchors import Anchor, ArticleIndex
from .atomic import read_plain
from .machine import corrected_paragraphs, dump_jsonl, machine_bytes, parse_jsonl
from .paths import jsonl_path, meta_dir, sha256_bytes

log = logging.getLogger(__name__)

STORE_VERSION = 2
_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
_TMX_TIME = re.compile(r"(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z")


def utc_time(value: str) -> str | None:
    """``value`` (ISO-8601 with a zone, fractions allowed, or TMX's ``YYYYMMDDThhmmssZ``) as
    ``YYYY-MM-DDTHH:MM:SSZ`` in UTC; None when it is no such time."""
    if _TIME.fullmatch(value):
        return value
    m = _TMX_TIME.fullmatch(value)
    text = f"{m[1]}-{m[2]}-{m[3]}T{m[4]}:{m[5]}:{m[6]}+00:00" if m else value
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None or not re.match(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d", text):
        return None
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def now_utc() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True, kw_only=True)
class Correction:
    """One line of the store (the module docstring says what each field means)."""

    doc_id: str
    para_id: int
    sent_id: int
    ar: str
    post_edit: str
    edited_at: str
    review: ReviewState = ReviewState.EDITED
    edited_by: str | None = None
    mt_en: str | None = None
    mt_sha256: str | None = None
    anchor: Anchor | None = None
    edit_from: EditFrom | None = None
    propagated_from: str | None = None
    for_source_sha256: str | None = None
    signed_off: bool = False
    source: str = ""
    version: int = STORE_VERSION

    @property
    def unit(self) -> str:
        return f"p{self.para_id}-s{self.sent_id}"

    @property
    def own(self) -> bool:
        """Made for this sentence (not propagated from a repeat elsewhere)."""
        return self.edit_from != EditFrom.PROPAGATED

    def same_event(self, other: Correction) -> bool:
        """The same correction read again (importing a file twice adds nothing)."""
        return (self.review, self.post_edit, self.edited_by, self.edited_at,
                self.propagated_from) == (other.review, other.post_edit, other.edited_by,
                                          other.edited_at, other.propagated_from)

    def to_dict(self) -> dict[str, Any]:
        anchor = self.anchor
        return {"version": self.version, "doc_id": self.doc_id, "para_id": self.para_id,
                "sent_id": self.sent_id, "ar": self.ar,
                "occurrence": anchor.occurrence if anchor else None,
                "repeats": anchor.repeats if anchor else None,
                "prev_ar": anchor.prev_ar if anchor else None,
                "next_ar": anchor.next_ar if anchor else None,
                "review": self.review, "post_edit": self.post_edit, "mt_en": self.mt_en,
                "mt_sha256": self.mt_sha256, "edited_by": self.edited_by,
                "edited_at": self.edited_at, "edit_from": self.edit_from,
                "propagated_from": self.propagated_from,
                "for_source_sha256": self.for_source_sha256, "signed_off": self.signed_off,
                "source": self.source}


def time_key(correction: Correction) -> str:
    """What "newest" compares (a stored time of an older mtjob may have fractions)."""
    return utc_time(correction.edited_at) or correction.edited_at


def corrections_dir(out: Path) -> Path:
    return meta_dir(out) / "corrections"


def corrections_path(out: Path, doc_id: str) -> Path:
    return corrections_dir(out) / f"{doc_id}.jsonl"


_V1 = ("doc_id", "para_id", "sent_id", "ar", "mt_en", "post_edit", "edited_by", "edited_at",
       "source")
_EDIT_FROM_SUFFIX = {".json": EditFrom.PAGE, ".xlf": EditFrom.XLIFF, ".xliff": EditFrom.XLIFF,
                     ".tmx": EditFrom.TMX, ".tsv": EditFrom.TSV}


def _str(obj: dict[str, Any], key: str, optional: bool = False) -> Any:
    value = obj[key]
    if not (isinstance(value, str) or (optional and value is None)):
        raise TypeError(f"{key}: expected a string{' or null' if optional else ''}")
    return value


def _int(obj: dict[str, Any], key: str, optional: bool = False) -> Any:
    value = obj[key]
    if optional and value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise TypeError(f"{key}: expected an integer >= 0")
    return value


def _from_line(obj: Any) -> Correction:
    if not isinstance(obj, dict):
        raise TypeError("not an object")
    if "version" not in obj:  # a line of mtjob before review states
        missing = [k for k in _V1 if k not in obj]
        if missing:
            raise KeyError(missing[0])
        suffix = Path(str(obj["source"]).split("#", 1)[0]).suffix.lower()
        return Correction(doc_id=_str(obj, "doc_id"), para_id=_int(obj, "para_id"),
                          sent_id=_int(obj, "sent_id"), ar=_str(obj, "ar"),
                          mt_en=_str(obj, "mt_en"), post_edit=_str(obj, "post_edit"),
                          edited_by=_str(obj, "edited_by", True),
                          edited_at=_str(obj, "edited_at"), source=_str(obj, "source"),
                          edit_from=_EDIT_FROM_SUFFIX.get(suffix), version=1)
    if obj["version"] != STORE_VERSION:
        raise ValueError(f"version {obj['version']!r}: written by a newer mtjob?")
    occurrence = _int(obj, "occurrence", True)
    anchor = None if occurrence is None else Anchor(
        occurrence=occurrence, repeats=_int(obj, "repeats"),
        prev_ar=_str(obj, "prev_ar", True), next_ar=_str(obj, "next_ar", True))
    edit_from = _str(obj, "edit_from", True)
    if not isinstance(obj.get("signed_off", False), bool):
        raise TypeError("signed_off: expected true or false")
    return Correction(
        doc_id=_str(obj, "doc_id"), para_id=_int(obj, "para_id"), sent_id=_int(obj, "sent_id"),
        ar=_str(obj, "ar"), anchor=anchor, review=ReviewState(_str(obj, "review")),
        post_edit=_str(obj, "post_edit"), mt_en=_str(obj, "mt_en", True),
        mt_sha256=_str(obj, "mt_sha256", True), edited_by=_str(obj, "edited_by", True),
        edited_at=_str(obj, "edited_at"),
        edit_from=None if edit_from is None else EditFrom(edit_from),
        propagated_from=_str(obj, "propagated_from", True),
        for_source_sha256=_str(obj, "for_source_sha256", True),
        signed_off=obj.get("signed_off", False), source=_str(obj, "source"))


def parse_corrections(data: bytes, where: str) -> list[Correction]:
    """The corrections of one store file, oldest first; a line that is not one is an
    OutputError naming it (the store is mtjob's own bookkeeping: a broken line means it was
    edited). Lines end at ``\\n`` only: a U+2028 inside a line (written raw by older mtjob) is
    text, as JSON says."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise OutputError(f"{where}: not UTF-8 (byte {exc.start}): edited?") from None
    found = []
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for number, line in enumerate(lines, start=1):
        try:
            found.append(_from_line(json.loads(line)))
        except (ValueError, KeyError, TypeError) as exc:
            raise OutputError(f"{where}: line {number} is not a correction ({exc})") from None
    return found


def read_corrections(out: Path, doc_id: str, overlay: dict[Path, bytes] | None = None
                     ) -> list[Correction]:
    """The stored corrections of one article, oldest first (none: ``[]``)."""
    path = corrections_path(out, doc_id)
    data = (overlay or {}).get(path) or read_plain(path)
    return parse_corrections(data, str(path)) if data else []


def store_bytes(old: bytes | None, new: list[Correction]) -> bytes:
    """The store's new bytes: the old ones, then one line per new correction."""
    return (old or b"") + "".join(dumps_line(c.to_dict()) for c in new).encode("utf-8")


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


def reapply(out: Path, doc_id: str, records: list[ParagraphRecord],
            source_sha256: str | None = None
            ) -> tuple[bytes, bytes, tuple[list[str], str] | None]:
    """What a run writes for ``records``: the machine output (the JSONL's bytes), the JSONL
    with every stored correction that still has its sentence (the others are named in the
    log, and stay stored) and, when one applied, what the run summarizes instead of the
    machine's English: the English paragraphs with the post-edits in place, and the hash of
    the JSONL they come from. ``source_sha256``: the article's source hash (corrections made
    for another text piped on stdin do not apply). A sentence the earlier run took from a
    translation memory and this one decoded is named loudly (memory matches are not
    corrections: without ``--memory`` they are lost)."""
    machine = jsonl_bytes(records)
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
    return machine, data, (corrected_paragraphs(data), sha256_bytes(data)) if applied else None
