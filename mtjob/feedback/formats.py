"""Reading back what people did with the exports: the review page's corrections file, XLIFF
1.2, TMX (mtjob's 1.4b, or a CAT tool's own, e.g. OmegaT's 1.1) and the TSV.

Each file becomes :class:`Unit`s: what the person wrote for one sentence, with what the file
says it was exported from (ids, the Arabic, the machine English or the hash of the machine
output). Matching them against the folder is ``mtjob.feedback.importing``' job; nothing here
trusts them.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..export.tsv import formula_like
from ..export.xliff import FINGERPRINT, NS

_UNIT_ID = re.compile(r"p(\d+)-s(\d+)")
_DONE_STATES = ("translated", "signed-off", "final")
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
FORMAT = "mtjob-corrections"


@dataclass
class Unit:
    """One sentence's English as a file gives it back. ``doc_id``/``para_id``/``sent_id`` are
    None where the file names none (a CAT tool's memory: matched by the Arabic alone)."""

    file: str
    unit: str
    ar: str
    text: str
    doc_id: str | None = None
    para_id: int | None = None
    sent_id: int | None = None
    mt_en: str | None = None  # the machine English it was exported with, if the file says
    fingerprint: str | None = None  # the machine output's hash, if the file says
    done: bool = False  # the tool marks it translated/approved (XLIFF state)
    edited_by: str | None = None
    edited_at: str | None = None


def read_units(path: Path) -> list[Unit]:
    """The units of one file; its format from its content. InputError (naming the file) for
    one that is none of the formats or does not parse."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    try:
        if head in (b"{", b"["):
            return _json_units(path, json.loads(data))
        if head == b"<":
            root = ET.fromstring(data)
            if root.tag == f"{{{NS}}}xliff":
                return _xliff_units(path, root)
            if root.tag == "tmx":
                return _tmx_units(path, root)
            raise InputError(f"{path}: XML but neither XLIFF 1.2 nor TMX (<{root.tag}>)")
        return _tsv_units(path, data.decode("utf-8-sig"))
    except (ValueError, ET.ParseError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read it: {exc}") from None


def _json_units(path: Path, obj: object) -> list[Unit]:
    if not isinstance(obj, dict) or obj.get("format") != FORMAT \
            or not isinstance(obj.get("corrections"), list):
        raise InputError(f"{path}: not an mtjob corrections file (format {FORMAT!r})")
    reviewer = obj.get("reviewer") if isinstance(obj.get("reviewer"), str) else None
    units = []
    for number, item in enumerate(obj["corrections"]):
        try:
            units.append(Unit(
                file=str(path), unit=f"corrections[{number}]", doc_id=str(item["doc_id"]),
                para_id=int(item["para_id"]), sent_id=int(item["sent_id"]),
                ar=str(item["ar"]), mt_en=str(item["mt_en"]), text=str(item["post_edit"]),
                done=True, edited_by=item.get("edited_by") or reviewer or None,
                edited_at=item.get("edited_at") or None))
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(f"{path}: corrections[{number}]: not a correction "
                             f"({type(exc).__name__}: {exc})") from None
    return units


def _text(element: ET.Element | None) -> str:
    return "" if element is None else "".join(element.itertext())


def _xliff_units(path: Path, root: ET.Element) -> list[Unit]:
    def q(tag: str) -> str:
        return f"{{{NS}}}{tag}"

    units = []
    for file in root.iter(q("file")):
        fingerprint = None
        for note in file.iter(q("note")):
            if _text(note).startswith(FINGERPRINT):
                fingerprint = _text(note)[len(FINGERPRINT):].strip()
        doc_id = _doc_id_of(path, file.get("original"))
        for tu in file.iter(q("trans-unit")):
            uid = tu.get("id", "")
            match = _UNIT_ID.fullmatch(uid)
            target = tu.find(q("target"))
            units.append(Unit(
                file=str(path), unit=uid or "(no id)", ar=_text(tu.find(q("source"))),
                text=_text(target), doc_id=doc_id,
                para_id=int(match.group(1)) if match else None,
                sent_id=int(match.group(2)) if match else None,
                fingerprint=fingerprint,
                done=target is not None and target.get("state") in _DONE_STATES))
    return units


def _doc_id_of(path: Path, original: str | None) -> str:
    """The export names each file ``DOC_ID.xlf``/``.tmx``; a tool's target keeps the name.
    ``original`` (the source file's name) is the fallback ``mtjob.feedback.importing`` tries."""
    return path.name.rsplit(".", 1)[0] if "." in path.name else (original or path.name)


def _props(element: ET.Element) -> dict[str, str]:
    return {p.get("type", ""): (p.text or "") for p in element.findall("prop")}


def _lang(tuv: ET.Element) -> str:
    return (tuv.get(_XML_LANG) or tuv.get("lang") or "").lower().split("-")[0]


def _tmx_date(value: str | None) -> str | None:
    """TMX's ``YYYYMMDDThhmmssZ`` as ISO-8601."""
    m = re.fullmatch(r"(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z", value or "")
    return f"{m[1]}-{m[2]}-{m[3]}T{m[4]}:{m[5]}:{m[6]}Z" if m else None


def _tmx_units(path: Path, root: ET.Element) -> list[Unit]:
    header = root.find("header")
    head = _props(header) if header is not None else {}
    units = []
    for number, tu in enumerate(root.iter("tu")):
        props = _props(tu)
        by_lang = {_lang(tuv): tuv for tuv in tu.findall("tuv")}
        ar, en = by_lang.get("ar"), by_lang.get("en")
        if ar is None or en is None:
            continue
        doc_id = props.get("x-doc-id") or head.get("x-doc-id")
        ours = doc_id is not None and "x-para-id" in props and "x-sent-id" in props
        units.append(Unit(
            file=str(path), unit=tu.get("tuid") or f"tu[{number}]", ar=_text(ar.find("seg")),
            text=_text(en.find("seg")), doc_id=doc_id if ours else None,
            para_id=int(props["x-para-id"]) if ours else None,
            sent_id=int(props["x-sent-id"]) if ours else None,
            fingerprint=head.get("x-jsonl-sha256") if ours else None,
            edited_by=en.get("changeid") or en.get("creationid") or None,
            edited_at=_tmx_date(en.get("changedate") or en.get("creationdate"))))
    return units


def _uncell(cell: str) -> str:
    """A cell as written before ``--excel`` neutralised it (``'=x`` -> ``=x``)."""
    return cell[1:] if cell.startswith("'") and formula_like(cell[1:]) else cell


def _tsv_units(path: Path, text: str) -> list[Unit]:
    """The TSV export, also as ``--excel`` wrote it (a BOM; formula-like cells behind ``'``)."""
    rows = [[_uncell(cell) for cell in row] for row in
            csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), delimiter="\t")]
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
        if len(row) < len(rows[0]):
            raise InputError(f"{path}: row {number}: {len(row)} fields, the header has "
                             f"{len(rows[0])}")
        if not row[col["post_edit"]]:
            continue
        try:
            para, sent = int(row[col["para_id"]]), int(row[col["sent_id"]])
        except ValueError:
            raise InputError(f"{path}: row {number}: para_id/sent_id not numbers") from None
        units.append(Unit(file=str(path), unit=f"row {number}", doc_id=row[col["doc_id"]],
                          para_id=para, sent_id=sent, ar=row[col["ar"]],
                          mt_en=row[col["en"]], text=row[col["post_edit"]], done=True))
    return units
