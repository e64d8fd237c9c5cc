"""XLIFF 1.2 for CAT tools (memoQ, Trados, OmegaT): every sentence a unit to post-edit.

One ``<file>`` per article, one ``<group>`` per paragraph, one ``<trans-unit id="pP-sN">``
per sentence. Targets are machine translation awaiting review (``needs-review-translation``,
``leveraged-mt``); an empty translation is ``needs-translation`` so tools count it as to do.
Flags and the score travel as ``<note>``s, which every CAT tool shows beside the segment. A
sentence a person corrected (``mtjob import``) exports their English, state ``translated``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ..outfolder.readback import FinishedArticle, FinishedParagraph, FinishedSentence
from ..terms.check import TermMiss
from ..versions import __version__
from .xmltext import XmlText, xml_document

NS = "urn:oasis:names:tc:xliff:document:1.2"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
#: Header note naming the machine output a file was exported from (``mtjob import`` checks it).
FINGERPRINT = "mtjob machine output sha256:"


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def _note(parent: ET.Element, text: str, clean: XmlText, annotates: str | None = None) -> None:
    note = ET.SubElement(parent, _q("note"), {"from": "mtjob"})
    if annotates:
        note.set("annotates", annotates)
    note.text = clean(text)


def _unit(group: ET.Element, paragraph: FinishedParagraph, sentence: FinishedSentence,
          clean: XmlText, omegat: bool = False, misses: list[TermMiss] | None = None) -> None:
    # xml:space="preserve": a sentence's inner line breaks and spacing are part of it.
    unit = ET.SubElement(group, _q("trans-unit"), {"id": paragraph.unit_id(sentence),
                                                   XML_SPACE: "preserve"})
    ET.SubElement(unit, _q("source"), {XML_LANG: "ar"}).text = clean(sentence.ar)
    state = {"state": "needs-review-translation", "state-qualifier": "leveraged-mt"} \
        if sentence.en else {"state": "needs-translation"}
    if sentence.post_edit is not None:
        state = {"state": "translated"}
    if omegat:  # OmegaT 3.6 translates <target>, keeping <source> as is: give it the Arabic
        state = {"state": "needs-translation"}
    target = ET.SubElement(unit, _q("target"), {XML_LANG: "en", **state})
    target.text = clean(sentence.ar if omegat else sentence.final)
    if sentence.flags:
        _note(unit, "mtjob flags: " + ", ".join(sentence.flags), clean, "target")
    if sentence.score is not None:
        _note(unit, f"mtjob score (mean log-prob): {sentence.score:.4f}", clean, "target")
    if misses:  # issue 32: the glossary terms the final English lacks, and what they expect
        _note(unit, "mtjob terms missing: " + "; ".join(map(str, misses)), clean, "target")


def render_xliff(article: FinishedArticle, *, only_flagged: bool = False,
                 clean: XmlText | None = None, omegat: bool = False,
                 terms: dict[str, list[TermMiss]] | None = None) -> str:
    """The article as an XLIFF 1.2 document; ``only_flagged`` keeps flagged sentences only.

    ``omegat``: each ``<target>`` a copy of the Arabic. OmegaT 3.6's XLIFF filter takes
    ``<source>`` as fixed text and translates ``<target>``; with mtjob's English there, its
    segments would be English, and neither its project memory nor a TMX in ``tm/auto`` (both
    keyed by the Arabic) would ever match. The English reaches OmegaT through the TMX export.
    """
    clean = clean if clean is not None else XmlText()
    ET.register_namespace("", NS)
    root = ET.Element(_q("xliff"), {"version": "1.2"})
    file = ET.SubElement(root, _q("file"), {
        "original": clean(article.source_name), "source-language": "ar",
        "target-language": "en", "datatype": "plaintext", "tool-id": "mtjob"})
    header = ET.SubElement(file, _q("header"))
    ET.SubElement(header, _q("tool"), {"tool-id": "mtjob", "tool-name": "mtjob",
                                       "tool-version": __version__})
    if article.abstract:
        _note(header, "English abstract (machine-made): " + article.abstract, clean)
    _note(header, f"{FINGERPRINT} {article.machine_sha256}", clean)
    mt = article.model("mt")
    if mt.get("id"):
        _note(header, f"MT model: {mt.get('id')} @ {mt.get('revision', '?')}", clean)
    body = ET.SubElement(file, _q("body"))
    for paragraph in article.paragraphs:
        sentences = [s for s in paragraph.sentences if s.flagged or not only_flagged]
        if not sentences:
            continue
        group = ET.SubElement(body, _q("group"), {"id": f"p{paragraph.para_id}",
                                                  "resname": f"paragraph {paragraph.para_id}"})
        if paragraph.flags:
            _note(group, "mtjob paragraph flags: " + ", ".join(paragraph.flags), clean)
        for sentence in sentences:
            _unit(group, paragraph, sentence, clean, omegat,
                  (terms or {}).get(paragraph.unit_id(sentence)))
    return xml_document(root)
