"""What a file gives back for one sentence (:class:`Unit`), and the checks of its fields.

Every field is checked for its type and range before anything is written: a unit that fails
keeps its ``problem`` and is refused by name. The English and the names are cleaned as article
text is (``inputs.controls.clean_person_text``); ``cleaned`` counts what went.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from ..inputs.controls import clean_person_text
from ..outfolder.corrections import utc_time
from ..vocabulary import EditFrom, ReviewState

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
    #: TSV: post_edit is empty; ``mt_en`` is the row's ``en``, read only to see whether a
    #: person typed the correction there (refused by name, never dropped in silence).
    en_only: bool = False
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
        raise FieldProblem(f"{field}: expected an integer, got {kind(value)}")
    if not 0 <= value <= MAX_ID:
        raise FieldProblem(f"{field}: {value} is out of range (0 to {MAX_ID})")
    return value


def check_time(value: Any, field: str) -> str | None:
    """A time as the store keeps it; None for null. Not more than a day ahead of now (an
    edit from the future would win over every later one)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise FieldProblem(f"{field}: expected an ISO-8601 time, got {kind(value)}")
    when = utc_time(value.strip())
    if when is None:
        raise FieldProblem(f"{field}: {value[:40]!r} is not an ISO-8601 time with a zone")
    limit = datetime.now(timezone.utc) + timedelta(days=1)
    if when > limit.strftime("%Y-%m-%dT%H:%M:%SZ"):
        raise FieldProblem(f"{field}: {when} is in the future")
    return when


def kind(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean",
             int: "an integer", float: "a number", type(None): "null"}
    return names.get(type(value), type(value).__name__)
