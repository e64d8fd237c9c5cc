"""TBX glossaries, the CAT tools' exchange format: read TBX-Basic / TBX v2 core (``<martif>``,
``termEntry/langSet/tig|ntig/term``) and TBX v3 (``<tbx>``, ``conceptEntry/langSec/termSec/
term``); write TBX-Basic, which OmegaT, memoQ and Trados read.

An entry's Arabic terms (``xml:lang`` ar, ar-*) each get its English terms (en, en-*) as
renderings; an English term equal to the Arabic one marks a do-not-translate span; a
``descrip``/``note`` becomes the comment. Entries lacking either side are skipped (a
multilingual termbase has entries for other languages).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from ..errors import ConfigError

#: ``(entry number, Arabic term, English renderings, comment)``, as ``glossary.merge`` takes.
Row = tuple[int, str, list[str], str]


class Entry(Protocol):
    """What a TBX entry is written from (``glossary.GlossaryTerm``)."""

    @property
    def term(self) -> str: ...

    @property
    def renderings(self) -> tuple[str, ...]: ...

    @property
    def note(self) -> str: ...

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
#: What XML 1.0 cannot hold (C0 controls but tab and newlines, U+FFFE, U+FFFF, surrogates).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _lang(element: ET.Element) -> str:
    return (element.get(XML_LANG) or element.get("lang") or "").lower()


def parse_tbx(data: bytes, path: str | Path) -> list[Row]:
    """``(entry number, term, renderings, note)`` of each Arabic term of a TBX file; an
    unreadable file is a ConfigError naming it and the place."""
    if b"<!ENTITY" in data:  # entity expansion (billion laughs) has no place in a termbase
        raise ConfigError(f"{path}: a TBX glossary must not declare XML entities")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        line, column = exc.position
        raise ConfigError(f"{path}:{line}: not a TBX file (XML error at column {column}: "
                          f"{exc.msg})") from None
    if _local(root.tag) not in ("martif", "tbx"):
        raise ConfigError(f"{path}: not a TBX file (the root is <{_local(root.tag)}>, not "
                          f"<martif> or <tbx>)")
    rows: list[Row] = []
    entries = [e for e in root.iter() if _local(e.tag) in ("termEntry", "conceptEntry")]
    for number, entry in enumerate(entries, 1):
        sides: dict[str, list[str]] = {"ar": [], "en": []}
        notes = [(e.text or "").strip() for e in entry.iter()
                 if _local(e.tag) in ("descrip", "note") and (e.text or "").strip()]
        for lang_set in (e for e in entry if _local(e.tag) in ("langSet", "langSec")):
            side = _lang(lang_set).split("-")[0]
            if side in sides:
                sides[side] += ["".join(t.itertext()).strip() for t in lang_set.iter()
                                if _local(t.tag) == "term" and "".join(t.itertext()).strip()]
        for term in sides["ar"]:
            if sides["en"]:
                rows.append((number, term, list(sides["en"]), "; ".join(notes)))
    return rows


def render_tbx(terms: Iterable[Entry], title: str = "mtjob glossary") -> str:
    """The terms as TBX-Basic (``martif``, one ``termEntry`` a term; a do-not-translate span
    has the Arabic as its English term)."""
    ET.register_namespace("xml", "http://www.w3.org/XML/1998/namespace")
    root = ET.Element("martif", {"type": "TBX-Basic", XML_LANG: "en"})
    header = ET.SubElement(root, "martifHeader")
    source = ET.SubElement(ET.SubElement(header, "fileDesc"), "sourceDesc")
    ET.SubElement(source, "p").text = title
    body = ET.SubElement(ET.SubElement(root, "text"), "body")
    for number, term in enumerate(terms, 1):
        entry = ET.SubElement(body, "termEntry", {"id": f"t{number}"})
        if term.note:
            ET.SubElement(entry, "note").text = _NOT_XML.sub("", term.note)
        for lang, texts in (("ar", [term.term]), ("en", list(term.renderings))):
            lang_set = ET.SubElement(entry, "langSet", {XML_LANG: lang})
            for text in texts:
                ET.SubElement(ET.SubElement(lang_set, "tig"), "term").text = \
                    _NOT_XML.sub("", text)
    ET.indent(root)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<!DOCTYPE martif SYSTEM "TBXBasiccoreStructV02.dtd">\n'
            + ET.tostring(root, encoding="unicode") + "\n")
