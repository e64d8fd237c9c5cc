"""The one reader of ``NAME.jsonl``: every command that reads the lines of an output folder
(``verify``, export, ``import``, ``eval``, ``--text``, ``memory add``) reads them here.

One line-splitting rule: on ``\\n`` only. The writer (``records.dumps_line``) escapes U+2028,
U+2029 and U+0085 and JSON escapes ``\\r``, so no record holds a line end of its own, while
``str.splitlines`` (and a file opened in text mode) would split one record on them. Strict by
default: a line that is not a valid paragraph record is an error naming the file and the line;
``NaN`` and ``Infinity`` are refused (Python's ``json`` reads them, no writer of mtjob's
writes them, and a NaN score would silently rank as no score at all). The levels build on
each other: :func:`split_lines`, :func:`load_line` (JSON), :func:`line_problems` (the shape of
``outfolder.finished``), :func:`read_paragraphs` (typed).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from ..errors import InputError
from ..inputs.sources import display_name
from .finished import FinishedParagraph, validate_paragraph
from .schema import from_json

#: A file broken on every line would bury the other findings of ``verify``.
MAX_PROBLEMS = 20


class RecordError(InputError):
    """A line of an output file that is not a valid record; the message names the file and
    the line."""


def split_lines(data: bytes) -> list[bytes]:
    """The lines of a JSONL file, without their ``\\n`` (split on ``\\n`` only; a last line
    without its ``\\n`` is kept: :func:`is_cut` tells)."""
    lines = data.split(b"\n")
    if lines[-1] == b"":
        lines.pop()  # the file's final newline
    return lines


def is_cut(data: bytes) -> bool:
    """Whether the file's last line lacks its ``\\n`` (a write cut short)."""
    return bool(data) and not data.endswith(b"\n")


def _not_json(name: str) -> None:
    raise ValueError(f"{name} is not a JSON number")


def load_line(line: bytes | str) -> Any:
    """One line as JSON: strict UTF-8, no ``NaN`` or ``Infinity``. Raises ValueError."""
    text = line.decode("utf-8") if isinstance(line, bytes) else line
    return json.loads(text, parse_constant=_not_json)


def load_document(data: bytes) -> Any:
    """A whole JSON file (``NAME.abstract.json``), read as strictly as a line."""
    return load_line(data)


def line_problems(record: Any, number: int, doc_id: str | None) -> list[str]:
    """Problems of line ``number`` (from 1) of ``doc_id``'s JSONL, parsed: its shape, then
    its place (``para_id`` counts lines from 0) and its article."""
    found = [f"line {number}: {p}" for p in validate_paragraph(record)]
    if found:
        return found
    if record["para_id"] != number - 1:
        found.append(f"line {number} has para_id {record['para_id']}, expected {number - 1}")
    if doc_id is not None and record["doc_id"] != doc_id:
        found.append(f"line {number} has doc_id {display_name(record['doc_id'])}")
    return found


def _checked(data: bytes, doc_id: str | None) -> Iterator[tuple[int, Any, list[str]]]:
    """Each line's number, record (None when not JSON) and problems."""
    lines = split_lines(data)
    for number, line in enumerate(lines, start=1):
        problems = [f"line {number} is cut (no newline at end of file)"] \
            if number == len(lines) and is_cut(data) else []
        try:
            record = load_line(line)
        except UnicodeDecodeError as exc:
            yield number, None, [*problems, f"line {number} is not UTF-8 (byte {exc.start})"]
            continue
        except ValueError as exc:
            yield number, None, [*problems, f"line {number} is not valid JSON ({exc})"]
            continue
        yield number, record, problems + line_problems(record, number, doc_id)


def check_lines(data: bytes, doc_id: str | None) -> tuple[int | None, list[str]]:
    """``verify``'s reading: the record count (None when some line is not a valid record) and
    every problem, at most :data:`MAX_PROBLEMS` and a count of the rest."""
    lines = list(_checked(data, doc_id))
    problems = [p for _, _, found in lines for p in found]
    if len(problems) > MAX_PROBLEMS:
        problems[MAX_PROBLEMS:] = [f"and {len(problems) - MAX_PROBLEMS} more problems"]
    return (None if problems else len(lines)), problems


def paragraph_dicts(data: bytes, where: str, doc_id: str | None = None
                    ) -> list[dict[str, Any]]:
    """Every line as the record it holds (a dict, as written), each a valid paragraph record;
    raises :class:`RecordError` at the first line that is not, naming ``where`` and the line."""
    records = []
    for _, record, problems in _checked(data, doc_id):
        if problems:
            raise RecordError(f"{where}: {problems[0]}")
        records.append(record)
    return records


def read_paragraphs(data: bytes, where: str, doc_id: str | None = None
                    ) -> tuple[FinishedParagraph, ...]:
    """Every line as a typed :class:`FinishedParagraph` (strict, as :func:`paragraph_dicts`)."""
    return tuple(from_json(FinishedParagraph, r) for r in paragraph_dicts(data, where, doc_id))


def json_records(data: bytes, where: str = "JSONL") -> list[dict[str, Any]]:
    """Every line as raw JSON, its shape unchecked (``machine``: re-dumped byte for byte);
    raises ValueError naming ``where`` and the line that is not JSON."""
    records = []
    for number, line in enumerate(split_lines(data), start=1):
        try:
            record = load_line(line)
        except ValueError as exc:
            raise ValueError(f"{where}: line {number} is not valid JSON ({exc})") from None
        if not isinstance(record, dict):
            raise ValueError(f"{where}: line {number} is not a JSON object")
        records.append(record)
    return records
