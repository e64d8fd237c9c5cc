"""XLIFF 1.2 for CAT tools (memoQ, Trados, OmegaT): every sentence a unit to post-edit.

One ``<file>`` per article, one ``<group>`` per paragraph, one ``<trans-unit id="pP-sN">``
per sentence. The target's state says what a person did (docs/review.md): machine English
awaits review (``needs-review-translation``, qualified ``leveraged-mt`` when decoded,
``leveraged-tm`` when the memory's exact match, ``exact-match`` for a correction propagated
from the same Arabic elsewhere); an edited sentence is ``translated`` (the person's English),
a confirmed one ``final``; an empty translation is ``needs-translation`` so tools count it as
to do. Flags and the score travel as ``<note>``s, which every CAT tool shows beside the
segment; the memory's close match as an ``<alt-trans origin="memory" match-quality="NN">``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ..outfolder.readback import FinishedArticle, FinishedParagraph, FinishedSentence
from ..terms.check import TermMiss
from ..versions import __version__
from ..vocabulary import Origin, ReviewState, Role
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


def target_state(sentence: FinishedSentence) -> dict[str, str]:
    """The ``<target>``'s ``state`` (and ``state-qualifier``) of a sentence."""
    if sentence.propagated:
        return {"state": "needs-review-translation", "state-qualifier": "exact-match"}
    if sentence.state == ReviewState.CONFIRMED:
        return {"state": "final"}
    if sentence.state == ReviewState.EDITED:
        return {"state": "translated"}
    if not sentence.en:
        return {"state": "needs-translation"}
    leveraged = "leveraged-tm" if sentence.origin == Origin.MEMORY else "leveraged-mt"
    return {"state": "needs-review-translation", "state-qualifier": leveraged}


def _alt_trans(unit: ET.Element, sentence: FinishedSentence, clean: XmlText) -> None:
    """The memory's close match, as CAT tools show a fuzzy match: quality and who wrote it."""
    note = sentence.suggestion
    if note is None or not note.en:
        return
    attrs = {"origin": str(Origin.MEMORY)}
    if note.percent is not None:
        attrs["match-quality"] = str(note.percent)
    alt = ET.SubElement(unit, _q("alt-trans"), attrs)
    if note.ar:
        ET.SubElement(alt, _q("source"), {XML_LANG: "ar"}).text = clean(note.ar)
    ET.SubElement(alt, _q("target"), {XML_LANG: "en"}).text = clean(note.en)
    if note.edited_by or note.edited_at:
        by = f" by {note.edited_by}" if note.edited_by else ""
        at = f" at {note.edited_at}" if note.edited_at else ""
        author = ET.SubElement(alt, _q("note"), {"from": clean(note.edited_by or "mtjob")})
        author.text = clean(f"translation memory entry written{by}{at}")


def _unit(group: ET.Element, paragraph: FinishedParagraph, sentence: FinishedSentence,
          clean: XmlText, omegat: bool = False, misses: list[TermMiss] | None = None) -> None:
    # xml:space="preserve": a sentence's inner line breaks and spacing are part of it.
    unit = ET.SubElement(group, _q("trans-unit"), {"id": paragraph.unit_id(sentence),
                                                   XML_SPACE: "preserve"})
    ET.SubElement(unit, _q("source"), {XML_LANG: "ar"}).text = clean(sentence.ar)
    state = target_state(sentence)
    if omegat:  # OmegaT 3.6 translates <target>, keeping <source> as is: give it the Arabic
        state = {"state": "needs-translation"}
    target = ET.SubElement(unit, _q("target"), {XML_LANG: "en", **state})
    target.text = clean(sentence.ar if omegat else sentence.final)
    if sentence.flags:
        _note(unit, "mtjob flags: " + ", ".join(sentence.flags), clean, "target")
    if sentence.score is not None:
        _note(unit, f"mtjob score (mean log-prob): {sentence.score:.4f}", clean, "target")
    if misses:  # the glossary terms the final English lacks, and what they expect
        _note(unit, "mtjob terms missing: " + "; ".join(map(str, misses)), clean, "target")
    for line in provenance(sentence):
        _note(unit, line, clean, "target")
    _alt_trans(unit, sentence, clean)


def provenance(sentence: FinishedSentence) -> list[str]:
    """Where the target's English came from, in words, when not from the model alone."""
    lines = []
    if sentence.origin == Origin.MEMORY and sentence.memory is not None:
        by = f" written by {sentence.memory.edited_by}" if sentence.memory.edited_by else ""
        lines.append(f"mtjob memory: exact match{by}")
    if sentence.propagated:
        lines.append(f"mtjob propagated from {sentence.propagated_from or 'elsewhere'}: a "
                     "correction of the same Arabic")
    elif sentence.state != ReviewState.MACHINE:
        by = f" by {sentence.edited_by}" if sentence.edited_by else ""
        at = f" at {sentence.edited_at}" if sentence.edited_at else ""
        lines.append(f"mtjob {sentence.state}{by}{at}")
    return lines


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
    mt = article.model(Role.MT)
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
