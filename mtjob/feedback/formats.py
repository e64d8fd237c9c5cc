"""Reading back what people did with the exports: the review page's corrections file (versions
1 and 2), XLIFF 1.2, TMX (mtjob's 1.4b, the memory's, or a CAT tool's own, e.g. OmegaT's 1.1)
and the TSV (``mtjob.feedback.xml_units`` reads the two XML ones).

Each file becomes :class:`Unit`\\ s: what the person left for one sentence, with what the file
says about it (ids, the Arabic, the machine English or the machine output's hash, a review
state, who and when). Every field is checked for its type and range here, before anything
is written: a unit that fails is kept with its ``problem`` and refused by name; a file that
is none of the formats is an InputError. The English and the names are cleaned as article
text is (``text.clean.clean_person_text``; ``cleaned`` counts what went). Matching units to
sentences is ``mtjob.feedback.importing``' job: nothing here trusts them.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..export.tsv import excel_quoted
from ..outfolder.corrections import utc_time
from ..text.clean import clean_person_text
from ..vocabulary import EditFrom, ReviewState

FORMAT = "mtjob-corrections"
#: Ids and places beyond this are no article's (and 1e999 is no integer at all).
MAX_ID = 10**9


@dataclass(frozen=True)
class Context:
    """Where a CAT tool tied a translation (OmegaT's alternative translations): its file,
    the Arabic of the segments before and after it, its segment id. None: not said."""

    file: str | None = None
    prev: str | None = None
    next: str | None = None
    id: str | None = None


@dataclass
class Unit:
    """One sentence's English as a file gives it back. ``doc_id``/``para_id``/``sent_id`` are
    None where the file names none (a CAT tool's memory: matched by the Arabic alone)."""

    file: str
    unit: str
    fmt: EditFrom
    ar: str = ""
    text: str = ""
    doc_id: str | None = None
    original: str | None = None  # XLIFF: <file original>, the article's source name
    para_id: int | None = None
    sent_id: int | None = None
    mt_en: str | None = None  # the machine English it was exported with, if the file says
    fingerprint: str | None = None  # the machine output's hash, if the file says
    state: ReviewState | None = None  # what the file says the person did, if it says
    translated: bool = False  # XLIFF: the tool marks it translated (a person's work)
    signed_off: bool = False  # XLIFF: final or signed-off (the state confirms its text)
    edited_by: str | None = None  # who and when, as the file says
    edited_at: str | None = None
    machine: bool = False  # the file says this English is the machine's (TMX x-source=mt)
    context: Context | None = None
    problem: str | None = None  # why the unit cannot be used (refused by name)
    cleaned: int = 0  # control characters removed from the English and the names

    @property
    def place(self) -> tuple[int, int] | None:
        return None if self.para_id is None or self.sent_id is None else \
            (self.para_id, self.sent_id)


class FieldProblem(ValueError):
    """A field of a unit that is not what it must be (the message names it)."""


def clean(unit: Unit, text: str) -> str:
    cleaned, removed = clean_person_text(text)
    unit.cleaned += removed
    return cleaned


def clean_name(unit: Unit, name: str | None) -> str | None:
    return (clean(unit, name).strip() or None) if name is not None else None


def check_id(value: Any, field: str) -> int:
    """An id or place: an integer 0..MAX_ID (not a boolean, not 1.0, not 1e999)."""
    if isinstance(value, str):
        try:
            value = int(value.strip())
        except ValueError:
            raise FieldProblem(f"{field}: {value!r} is not an integer") from None
    if not isinstance(value, int) or isinstance(value, bool):
        raise FieldProblem(f"{field}: expected an integer, got {_kind(value)}")
    if not 0 <= value <= MAX_ID:
        raise FieldProblem(f"{field}: {value} is out of range (0 to {MAX_ID})")
    return value


def check_time(value: Any, field: str) -> str | None:
    """A time as the store keeps it; None for null. Not more than a day ahead of now (an
    edit from the future would win over every later one)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise FieldProblem(f"{field}: expected an ISO-8601 time, got {_kind(value)}")
    when = utc_time(value.strip())
    if when is None:
        raise FieldProblem(f"{field}: {value[:40]!r} is not an ISO-8601 time with a zone")
    limit = datetime.now(timezone.utc) + timedelta(days=1)
    if when > limit.strftime("%Y-%m-%dT%H:%M:%SZ"):
        raise FieldProblem(f"{field}: {when} is in the future")
    return when


def _kind(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean",
             int: "an integer", float: "a number", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def _string(item: dict[str, Any], key: str, optional: bool = False) -> Any:
    if key not in item and not optional:
        raise FieldProblem(f"{key}: missing")
    value = item.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise FieldProblem(f"{key}: expected a string{' or null' if optional else ''}, "
                           f"got {_kind(value)}")
    return value


def read_units(path: Path) -> list[Unit]:
    """The units of one file; its format from its content. InputError (naming the file) for
    one that is none of the formats or does not parse."""
    from .xml_units import xml_units

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    try:
        if head in (b"{", b"["):
            return _json_units(path, json.loads(data))
        if head == b"<":
            return xml_units(path, data)
        return _tsv_units(path, data.decode("utf-8-sig"),
                          excel=data.startswith(b"\xef\xbb\xbf"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read it: {exc}") from None


def _json_units(path: Path, obj: object) -> list[Unit]:
    if not isinstance(obj, dict) or obj.get("format") != FORMAT \
            or not isinstance(obj.get("corrections"), list):
        raise InputError(f"{path}: not an mtjob corrections file (format {FORMAT!r})")
    if obj.get("version", 1) not in (1, 2):
        raise InputError(f"{path}: corrections file version {obj.get('version')!r}: made by "
                         "a newer mtjob (this one reads versions 1 and 2)")
    reviewer = obj.get("reviewer")
    if reviewer is not None and not isinstance(reviewer, str):
        raise InputError(f"{path}: reviewer: expected a string or null, got {_kind(reviewer)}")
    return [_json_unit(path, number, item, reviewer)
            for number, item in enumerate(obj["corrections"])]


def _json_unit(path: Path, number: int, item: Any, reviewer: str | None) -> Unit:
    unit = Unit(file=str(path), unit=f"corrections[{number}]", fmt=EditFrom.PAGE)
    try:
        if not isinstance(item, dict):
            raise FieldProblem(f"expected an object, got {_kind(item)}")
        unit.doc_id = _string(item, "doc_id")
        if not unit.doc_id:
            raise FieldProblem("doc_id: empty")
        unit.para_id = check_id(item.get("para_id"), "para_id")
        unit.sent_id = check_id(item.get("sent_id"), "sent_id")
        unit.ar = _string(item, "ar")
        unit.mt_en = _string(item, "mt_en", optional=True)
        unit.text = clean(unit, _string(item, "post_edit"))
        state = item.get("state", ReviewState.EDITED)
        if state not in (ReviewState.EDITED, ReviewState.CONFIRMED):
            raise FieldProblem(f"state: expected edited or confirmed, got {state!r}"[:120])
        unit.state = ReviewState(state)
        by = _string(item, "edited_by", optional=True)
        unit.edited_by = clean_name(unit, by if by is not None else reviewer)
        unit.edited_at = check_time(item.get("edited_at"), "edited_at")
    except FieldProblem as exc:
        unit.problem = f"not a correction: {exc}"
    return unit


def _uncell(cell: str) -> str:
    """A cell as written before ``--excel`` neutralised it (``'=x`` -> ``=x``)."""
    return cell[1:] if cell.startswith("'") and excel_quoted(cell[1:]) else cell


def _tsv_units(path: Path, text: str, excel: bool) -> list[Unit]:
    """The TSV export, also as ``--excel`` wrote it (a BOM; formula-like cells behind ``'``,
    given back as they were: only a file with the BOM was neutralised)."""
    rows = [[_uncell(cell) if excel else cell for cell in row] for row in
            csv.reader(io.StringIO(text, newline=""), delimiter="\t")]
    need = ("doc_id", "para_id", "sent_id", "ar", "en")
    if not rows or any(name not in rows[0] for name in need):
        raise InputError(f"{path}: not an mtjob TSV export (a header with "
                         f"{', '.join(need)} and post_edit)")
    col = {name: i for i, name in enumerate(rows[0])}
    if "post_edit" not in col:
        raise InputError(f"{path}: no post_edit column: write the new English there (the en "
                         "column is the machine's, to check against)")
    units = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue  # a blank line, as editors leave at the end
        unit = Unit(file=str(path), unit=f"row {number}", fmt=EditFrom.TSV)
        if len(row) < len(rows[0]):
            unit.problem = f"{len(row)} fields, the header has {len(rows[0])}"
            units.append(unit)
            continue
        if not row[col["post_edit"]]:
            continue
        try:
            unit.para_id = check_id(row[col["para_id"]], "para_id")
            unit.sent_id = check_id(row[col["sent_id"]], "sent_id")
        except FieldProblem as exc:
            unit.problem = str(exc)
        unit.doc_id, unit.ar = row[col["doc_id"]], row[col["ar"]]
        unit.mt_en, unit.text = row[col["en"]], clean(unit, row[col["post_edit"]])
        units.append(unit)
    return units
