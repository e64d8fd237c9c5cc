"""TMX 1.4b: the sentence pairs as a translation memory, to seed a CAT tool or train on.

One ``<tu>`` per sentence that has both an Arabic and an English text: a memory entry with an
empty side would be offered as a match and inserted as nothing, so such sentences are left
out (the caller counts them). Document, paragraph, flags and score travel as ``x-`` props; the
English is the final one (a person's post-edit where there is one), and the header's
``x-jsonl-sha256`` names the machine output it came from, for ``mtjob import``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

from ..outfolder.readback import FinishedArticle
from ..versions import __version__
from ..vocabulary import Role
from .xmltext import XmlText, xml_document

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _prop(parent: ET.Element, kind: str, value: str, clean: XmlText) -> None:
    ET.SubElement(parent, "prop", {"type": kind}).text = clean(value)


def tmx_skipped(article: FinishedArticle, *, only_flagged: bool = False) -> int:
    """How many (selected) sentences ``render_tmx`` leaves out for an empty side."""
    return sum(1 for _, s in article.sentences()
               if (s.flagged or not only_flagged) and not (s.ar.strip() and s.final.strip()))


def render_tmx(article: FinishedArticle, *, only_flagged: bool = False,
               clean: XmlText | None = None) -> str:
    """The article's sentence pairs as a TMX 1.4b document."""
    clean = clean if clean is not None else XmlText()
    header = [("x-doc-id", article.doc_id), ("x-jsonl-sha256", article.machine_sha256)]
    mt = article.model(Role.MT)
    if mt.get("id"):
        header.append(("x-mt-model", f"{mt.get('id')}@{mt.get('revision', '?')}"))
    units = []
    for paragraph, sentence in article.sentences():
        if only_flagged and not sentence.flagged:
            continue
        if not (sentence.ar.strip() and sentence.final.strip()):
            continue
        props = [("x-doc-id", article.doc_id), ("x-para-id", str(paragraph.para_id)),
                 ("x-sent-id", str(sentence.index))]
        if sentence.flags:
            props.append(("x-flags", ",".join(sentence.flags)))
        if sentence.score is not None:
            props.append(("x-score", f"{sentence.score:.4f}"))
        units.append(TranslationUnit(f"{article.doc_id}:{paragraph.unit_id(sentence)}",
                                     sentence.ar, sentence.final, tuple(props)))
    return tmx_document(header, units, clean)


@dataclass(frozen=True)
class TranslationUnit:
    """One ``<tu>``: its id, the Arabic and English, and ``x-`` props (type, value)."""

    tuid: str
    ar: str
    en: str
    props: tuple[tuple[str, str], ...] = ()


def tmx_document(header_props: list[tuple[str, str]], units: list[TranslationUnit],
                 clean: XmlText | None = None) -> str:
    """A TMX 1.4b document (source language ar) of these units."""
    clean = clean if clean is not None else XmlText()
    root = ET.Element("tmx", {"version": "1.4"})
    header = ET.SubElement(root, "header", {
        "creationtool": "mtjob", "creationtoolversion": __version__,
        "o-tmf": "mtjob-jsonl", "adminlang": "en", "datatype": "plaintext",
        "segtype": "sentence", "srclang": "ar"})
    for kind, value in header_props:
        _prop(header, kind, value, clean)
    body = ET.SubElement(root, "body")
    for unit in units:
        tu = ET.SubElement(body, "tu", {"tuid": clean(unit.tuid)})
        for kind, value in unit.props:
            _prop(tu, kind, value, clean)
        for lang, text in (("ar", unit.ar), ("en", unit.en)):
            tuv = ET.SubElement(tu, "tuv", {XML_LANG: lang})
            ET.SubElement(tuv, "seg").text = clean(text)
    return xml_document(root)
