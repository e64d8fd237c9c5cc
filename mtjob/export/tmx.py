"""TMX 1.4b: the sentence pairs as a translation memory, to seed a CAT tool or train on.

One ``<tu>`` per sentence that has both an Arabic and an English text: a memory entry with an
empty side would be offered as a match and inserted as nothing, so such sentences are left
out (the caller counts them). Document, paragraph, flags and score travel as ``x-`` props.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ..outfolder.readback import FinishedArticle
from ..versions import __version__
from .xmltext import XmlText, xml_document

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _prop(parent: ET.Element, kind: str, value: str, clean: XmlText) -> None:
    ET.SubElement(parent, "prop", {"type": kind}).text = clean(value)


def tmx_skipped(article: FinishedArticle, *, only_flagged: bool = False) -> int:
    """How many (selected) sentences ``render_tmx`` leaves out for an empty side."""
    return sum(1 for _, s in article.sentences()
               if (s.flagged or not only_flagged) and not (s.ar.strip() and s.en.strip()))


def render_tmx(article: FinishedArticle, *, only_flagged: bool = False,
               clean: XmlText | None = None) -> str:
    """The article's sentence pairs as a TMX 1.4b document."""
    clean = clean if clean is not None else XmlText()
    root = ET.Element("tmx", {"version": "1.4"})
    header = ET.SubElement(root, "header", {
        "creationtool": "mtjob", "creationtoolversion": __version__,
        "o-tmf": "mtjob-jsonl", "adminlang": "en", "datatype": "plaintext",
        "segtype": "sentence", "srclang": "ar"})
    _prop(header, "x-doc-id", article.doc_id, clean)
    mt = article.model("mt")
    if mt.get("id"):
        _prop(header, "x-mt-model", f"{mt.get('id')}@{mt.get('revision', '?')}", clean)
    body = ET.SubElement(root, "body")
    for paragraph, sentence in article.sentences():
        if only_flagged and not sentence.flagged:
            continue
        if not (sentence.ar.strip() and sentence.en.strip()):
            continue
        tu = ET.SubElement(body, "tu", {"tuid": clean(
            f"{article.doc_id}:{paragraph.unit_id(sentence)}")})
        _prop(tu, "x-doc-id", article.doc_id, clean)
        _prop(tu, "x-para-id", str(paragraph.para_id), clean)
        _prop(tu, "x-sent-id", str(sentence.index), clean)
        if sentence.flags:
            _prop(tu, "x-flags", ",".join(sentence.flags), clean)
        if sentence.score is not None:
            _prop(tu, "x-score", f"{sentence.score:.4f}", clean)
        for lang, text in (("ar", sentence.ar), ("en", sentence.en)):
            tuv = ET.SubElement(tu, "tuv", {XML_LANG: lang})
            ET.SubElement(tuv, "seg").text = clean(text)
    return xml_document(root)
