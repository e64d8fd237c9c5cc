"""Reading back what people did with the exports: the review page's corrections file (versions
1 and 2), XLIFF 1.2, TMX (mtjob's 1.4b, the memory's, or a CAT tool's own, e.g. OmegaT's 1.1)
and the TSV (``mtjob.feedback.xml_units`` reads the two XML ones).

Each file becomes ``Unit``\\ s (``mtjob.feedback.units``): what the person left for one
sentence, with what the file says about it (ids, the Arabic, the machine English or the
machine output's hash, a review state, who and when), every field checked; a file that is
none of the formats is an InputError. Matching units to sentences is
``mtjob.feedback.importing``' job: nothing here trusts them.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..export.tsv import excel_quoted
from ..vocabulary import EditFrom, ReviewState
from .units import FieldProblem, Unit, check_id, check_time, clean, clean_name, kind
from .xml_units import xml_units

FORMAT = "mtjob-corrections"


def _string(item: dict[str, Any], key: str, optional: bool = False) -> Any:
    if key not in item and not optional:
        raise FieldProblem(f"{key}: missing")
    value = item.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise FieldProblem(f"{key}: expected a string{' or null' if optional else ''}, "
                           f"got {kind(value)}")
    return value


#: The largest corrections file ``import`` reads (a whole folder's TMX fits many times over).
MAX_FILE_BYTES = 1 << 30


def read_units(path: Path) -> list[Unit]:
    """The units of one file; its format from its content. InputError (naming the file) for
    one that is none of the formats or does not parse."""
    from ..inputs.sources import read_bytes

    data = read_bytes(path, MAX_FILE_BYTES)  # regular files only: a FIFO is named, not awaited
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    try:
        if head in (b"{", b"["):
            return _json_units(path, json.loads(data))
        if head == b"<":
            return xml_units(path, data)
        return _tsv_units(path, data.decode("utf-8-sig"),
                          excel=data.startswith(b"\xef\xbb\xbf"))
    except (ValueError, UnicodeDecodeError, csv.Error) as exc:
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
        raise InputError(f"{path}: reviewer: expected a string or null, got {kind(reviewer)}")
    return [_json_unit(path, number, item, reviewer)
            for number, item in enumerate(obj["corrections"])]


def _json_unit(path: Path, number: int, item: Any, reviewer: str | None) -> Unit:
    unit = Unit(file=str(path), unit=f"corrections[{number}]", fmt=EditFrom.PAGE)
    try:
        if not isinstance(item, dict):
            raise FieldProblem(f"expected an object, got {kind(item)}")
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
        try:
            unit.para_id = check_id(row[col["para_id"]], "para_id")
            unit.sent_id = check_id(row[col["sent_id"]], "sent_id")
        except FieldProblem as exc:
            unit.problem = str(exc)
        if not row[col["post_edit"]]:
            if unit.problem is not None:
                continue  # no English of a person's in it: nothing to refuse
            unit.en_only = True  # the importer checks that en is still the machine's
        unit.doc_id, unit.ar = row[col["doc_id"]], row[col["ar"]]
        unit.mt_en, unit.text = row[col["en"]], clean(unit, row[col["post_edit"]])
        units.append(unit)
    return units
