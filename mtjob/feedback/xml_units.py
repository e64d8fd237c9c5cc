"""The XML files people send back: XLIFF 1.2 and TMX, as units (``mtjob.feedback.formats``).

XLIFF names its article by what it holds (``<file original>``, the source name mtjob wrote,
and the fingerprint note, the machine output's hash), never by the file's name; a unit's
state says whether a person translated (``translated``) or signed it off (``final``,
``signed-off``: a confirmation; not ``approved="yes"``, which tools set with every edit).

TMX takes who and when from the English ``tuv``'s ``changeid``/``changedate``, else its
``creationid``/``creationdate`` (else the ``tu``'s, else the memory's ``x-edited-by``/
``x-edited-at``). mtjob's ``x-doc-id``/``x-para-id``/``x-sent-id`` name the sentence; a TU
whose ``x-source`` is ``mt`` held the machine's English when it was written (a memory's
entry is never a post-edit; a changed text of mtjob's own article export is, as
``mtjob.feedback.deciding`` says); OmegaT's ``file``/``prev``/``next``/``id`` props tie an
alternative translation to one place.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from ..errors import InputError
from ..export.xliff import FINGERPRINT, NS
from ..vocabulary import EditFrom, EntrySource, ReviewState
from .units import (
    Context,
    FieldProblem,
    Unit,
    check_id,
    check_time,
    clean,
    clean_name,
)

_UNIT_ID = re.compile(r"p(\d+)-s(\d+)")
_TRANSLATED = ("translated", "signed-off", "final")
_SIGNED = ("signed-off", "final")
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def xml_units(path: Path, data: bytes) -> list[Unit]:
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise InputError(f"{path}: cannot read it: {exc}") from None
    if root.tag == f"{{{NS}}}xliff":
        return _xliff_units(path, root)
    if root.tag == "tmx":
        return _tmx_units(path, root)
    raise InputError(f"{path}: XML but neither XLIFF 1.2 nor TMX (<{root.tag[:80]}>)")


def _text(element: ET.Element | None) -> str:
    return "" if element is None else "".join(element.itertext())


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def _xliff_units(path: Path, root: ET.Element) -> list[Unit]:
    units = []
    for file in root.iter(_q("file")):
        fingerprint = None
        header = file.find(_q("header"))
        for note in (header.iter(_q("note")) if header is not None else ()):
            if _text(note).startswith(FINGERPRINT):
                fingerprint = _text(note)[len(FINGERPRINT):].strip()
        for tu in file.iter(_q("trans-unit")):
            uid = tu.get("id", "")
            target = tu.find(_q("target"))
            state = target.get("state", "") if target is not None else ""
            unit = Unit(file=str(path), unit=uid or "(no id)", fmt=EditFrom.XLIFF,
                        ar=_text(tu.find(_q("source"))), original=file.get("original"),
                        fingerprint=fingerprint, translated=state in _TRANSLATED)
            unit.text = clean(unit, _text(target))
            if state in _SIGNED:  # not approved="yes": tools set it with every edit
                unit.state, unit.signed_off = ReviewState.CONFIRMED, True
            match = _UNIT_ID.fullmatch(uid)
            if match:
                try:
                    unit.para_id = check_id(match.group(1), "id")
                    unit.sent_id = check_id(match.group(2), "id")
                except FieldProblem as exc:
                    unit.problem = str(exc)
            units.append(unit)
    return units


def _props(element: ET.Element) -> dict[str, str]:
    found: dict[str, str] = {}
    for p in element.findall("prop"):
        found.setdefault(p.get("type", ""), p.text or "")
    return found


def _lang(tuv: ET.Element) -> str:
    return (tuv.get(_XML_LANG) or tuv.get("lang") or "").lower().split("-")[0]


def _tmx_units(path: Path, root: ET.Element) -> list[Unit]:
    header = root.find("header")
    head = _props(header) if header is not None else {}
    fmt = EditFrom.MEMORY if "x-memory" in head else EditFrom.TMX
    units = []
    for number, tu in enumerate(root.iter("tu")):
        by_lang: dict[str, ET.Element] = {}
        for tuv in tu.findall("tuv"):
            by_lang.setdefault(_lang(tuv), tuv)
        ar, en = by_lang.get("ar"), by_lang.get("en")
        if ar is None or en is None:
            continue  # no English (or no Arabic) to import
        units.append(_tmx_unit(path, tu, ar, en, head, number, fmt))
    return units


def _tmx_unit(path: Path, tu: ET.Element, ar: ET.Element, en: ET.Element,
              head: dict[str, str], number: int, fmt: EditFrom) -> Unit:
    props = _props(tu)
    unit = Unit(file=str(path), unit=tu.get("tuid") or f"tu[{number}]", fmt=fmt,
                ar=_text(ar.find("seg")))
    unit.text = clean(unit, _text(en.find("seg")))
    doc_id = props.get("x-doc-id") or head.get("x-doc-id")
    # x-source=mt: machine English as exported (``deciding`` tells an edit of mtjob's own
    # article export from a memory's machine entry).
    unit.machine = props.get("x-source") == EntrySource.MT
    if doc_id is not None and "x-para-id" in props and "x-sent-id" in props:
        unit.doc_id, unit.fingerprint = doc_id, head.get("x-jsonl-sha256")
        try:
            unit.para_id = check_id(props["x-para-id"], "x-para-id")
            unit.sent_id = check_id(props["x-sent-id"], "x-sent-id")
        except FieldProblem as exc:
            unit.problem = str(exc)
    if "file" in props:  # OmegaT: an alternative translation, tied to its place
        unit.context = Context(file=props["file"], prev=props.get("prev"),
                               next=props.get("next"), id=props.get("id"))
    who = [en.get("changeid"), en.get("creationid"), tu.get("changeid"),
           tu.get("creationid"), props.get("x-edited-by")]
    unit.edited_by = clean_name(unit, next((w for w in who if w), None))
    when = [("changedate", en.get("changedate")), ("creationdate", en.get("creationdate")),
            ("changedate", tu.get("changedate")), ("creationdate", tu.get("creationdate")),
            ("x-edited-at", props.get("x-edited-at"))]
    field, value = next(((f, v) for f, v in when if v), ("", None))
    try:
        unit.edited_at = check_time(value, field)
    except FieldProblem as exc:
        unit.problem = str(exc)
    return unit
