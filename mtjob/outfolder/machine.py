"""The machine output inside a JSONL that may hold corrections (``mtjob.outfolder.corrections``).

A reviewed sentence carries ``review``, ``post_edit`` (for an edit), ``edited_by``,
``edited_at``, ``edit_from`` and ``propagated_from`` beside the machine's ``en`` (:data:`FIELDS`);
taking those keys out gives back the bytes the run wrote, whose hash the abstract records
(``jsonl_sha256``). Lines are written by :func:`mtjob.records.dumps_line`, so parsing
and dumping again is byte-exact.
"""

from __future__ import annotations

from typing import Any

from ..records import dumps_line

FIELDS = ("review", "post_edit", "edited_by", "edited_at", "edit_from", "propagated_from")
# A quote inside a text is always escaped: these can only be keys.
_MARKS = tuple(f'"{key}":'.encode() for key in FIELDS)


def strip_records(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The records without any correction (in place; returned for convenience)."""
    for record in records:
        for sentence in record.get("sentences") or []:
            for key in FIELDS:
                sentence.pop(key, None)
    return records


def parse_jsonl(data: bytes) -> list[dict[str, Any]]:
    """Every line of a JSONL as it was written (``outfolder.jsonl``'s one rule: split on
    ``\\n`` only); raises ValueError naming the line that is not a JSON object."""
    from .jsonl import json_records  # the reader's types load when a JSONL is read

    return json_records(data)


def dump_jsonl(records: list[dict[str, Any]]) -> bytes:
    return "".join(dumps_line(r) for r in records).encode("utf-8")


def machine_bytes(data: bytes) -> bytes:
    """The machine output a JSONL was made from: its bytes without the corrections' keys
    (the same bytes when it has none). Raises ValueError for a line that is not JSON."""
    if not any(mark in data for mark in _MARKS):
        return data
    return dump_jsonl(strip_records(parse_jsonl(data)))


def corrected_paragraphs(jsonl: bytes, where: str = "JSONL") -> list[str]:
    """Each paragraph's final English (``FinishedParagraph.final``: the post-edits in place
    of the machine's sentences; read strictly: a line that is not a paragraph record is a
    RecordError naming ``where``)."""
    from .jsonl import read_paragraphs

    return [p.final for p in read_paragraphs(jsonl, where)]
