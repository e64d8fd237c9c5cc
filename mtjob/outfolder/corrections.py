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
  confirmation, the text confirmed), cleaned as article text is read
  (``inputs.controls.clean_person_text``: CRLF/CR to LF, the controls no article holds
  removed, a lone surrogate as U+FFFD; nothing else changed);
- ``mt_en``: the machine English the correction was made against (null when the file did not
  say), ``mt_sha256``: the hash of the machine output it was made against (when known);
- ``edited_by`` (or null), ``edited_at`` (``YYYY-MM-DDTHH:MM:SSZ``, UTC): who and when, as
  the file it came from says (else the importer's ``--by`` and the import time); a name is
  cleaned as the English is and loses its outer whitespace (empty: null);
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
the sentence its anchor names now (``anchors.ArticleIndex.resolve``: the same normalised
Arabic; among repeats the best-matching neighbours, then the same occurrence); one whose
Arabic is gone, or bound to another stdin text, applies nowhere (named in the log, kept in
the store). A rerun with any model or settings re-applies the rest. Of the corrections
that land on one sentence, a correction made for that sentence always beats a propagated
one; among the rest the newest by its own ``edited_at`` applies (equal times: the one
stored last), so an older edit never replaces a newer one, whatever order the files were
imported in. The
sentence then gains ``review``, ``post_edit`` (for an edit; for a confirmation only when the
text confirmed differs from ``en``), ``edited_by``, ``edited_at``, ``edit_from`` and
``propagated_from``; ``en`` stays the machine's. Taking those keys out gives back the run's
bytes, whose hash the abstract records (``jsonl_sha256``; ``machine.machine_bytes``).
``mtjob.outfolder.corrected`` carries the rule out; ``mtjob.feedback`` decides what goes in.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..errors import OutputError
from ..records import dumps_line
from ..vocabulary import EditFrom, ReviewState
from .anchors import Anchor
from .atomic import read_plain
from .paths import meta_dir

STORE_VERSION = 2
_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
_TMX_TIME = re.compile(r"(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z")


def utc_time(value: str) -> str | None:
    """``value`` (ISO-8601 with a zone, fractions allowed, or TMX's ``YYYYMMDDThhmmssZ``) as
    ``YYYY-MM-DDTHH:MM:SSZ`` in UTC; None when it is no such time."""
    if not value.isascii():  # digits of other scripts are digits to \\d and to fromisoformat
        return None
    if _TIME.fullmatch(value):
        try:  # a real date and time: 2025-02-30 or 99:99 would sort as text, and win
            datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ")
        except ValueError:
            return None
        return value
    m = _TMX_TIME.fullmatch(value)
    text = f"{m[1]}-{m[2]}-{m[3]}T{m[4]}:{m[5]}:{m[6]}+00:00" if m else value
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None or not re.match(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d", text):
        return None
    try:
        utc = when.astimezone(timezone.utc)
    except OverflowError:  # 9999-12-31T23:59-05:00 and 0001-01-01T00:00+01:00: no UTC year
        return None
    return f"{utc.year:04d}" + utc.strftime("-%m-%dT%H:%M:%SZ")


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
