"""TMX 1.4b: the sentence pairs as a translation memory, to seed a CAT tool or train on.

One ``<tu>`` per sentence that has both an Arabic and an English text: a memory entry with an
empty side would be offered as a match and inserted as nothing, so such sentences are left
out (the caller counts them). The English is the final one (a person's post-edit where there
is one); who wrote it and when are TMX's own ``creationid``/``creationdate`` and
``changeid``/``changedate`` on the English ``<tuv>``, as CAT tools show them. ``x-`` props
carry only mtjob's ids (document, paragraph, sentence), the flags and score, and ``x-source``
(``mt``: the machine's text, never a post-edit). The header's ``x-jsonl-sha256`` names the
machine output it came from, for ``mtjob import``. The memory's close match travels as a
``<note>``.

``render_project_tmx``: one memory for a whole folder (OmegaT's ``tm/auto``), one ``<tu>`` per
Arabic sentence, where a person's English beats the machine's and the newer person's the older;
a sentence a person reviewed to another English keeps it as OmegaT's alternative translation.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from ..outfolder.readback import FinishedArticle, FinishedParagraph, FinishedSentence
from ..versions import __version__
from ..vocabulary import EntrySource, Origin, ReviewState, Role
from .xmltext import XmlText, xml_document

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_ISO = re.compile(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)Z")


def _prop(parent: ET.Element, kind: str, value: str, clean: XmlText) -> None:
    ET.SubElement(parent, "prop", {"type": kind}).text = clean(value)


def tmx_date(iso: str | None) -> str | None:
    """``YYYY-MM-DDTHH:MM:SSZ`` as TMX's ``YYYYMMDDThhmmssZ``; None for anything else."""
    found = _ISO.fullmatch(iso or "")
    return "{}{}{}T{}{}{}Z".format(*found.groups()) if found else None


def tmx_skipped(article: FinishedArticle, *, only_flagged: bool = False) -> int:
    """How many (selected) sentences ``render_tmx`` leaves out for an empty side."""
    return sum(1 for _, s in article.sentences()
               if (s.flagged or not only_flagged) and not (s.ar.strip() and s.final.strip()))


def _author(who: str | None, when: str | None, changed: bool) -> dict[str, str]:
    """TMX's own author and date attributes: ``creation*`` always, ``change*`` for a change."""
    attrs = {}
    if who:
        attrs["creationid"] = who
    if tmx_date(when):
        attrs["creationdate"] = tmx_date(when) or ""
    if changed:
        attrs.update({k.replace("creation", "change"): v for k, v in attrs.items()})
    return attrs


def sentence_unit(article: FinishedArticle, paragraph: FinishedParagraph,
                  sentence: FinishedSentence) -> TranslationUnit:
    """One sentence as a ``<tu>``: its ids, flags and score as props, its author as TMX's."""
    props = [("x-doc-id", article.doc_id), ("x-para-id", str(paragraph.para_id)),
             ("x-sent-id", str(sentence.index))]
    if sentence.flags:
        props.append(("x-flags", ",".join(sentence.flags)))
    if sentence.score is not None:
        props.append(("x-score", f"{sentence.score:.4f}"))
    memory = sentence.memory if sentence.origin == Origin.MEMORY else None
    if sentence.state != ReviewState.MACHINE:
        source = EntrySource.POST_EDIT if sentence.post_edit is not None else EntrySource.MT
        author = _author(sentence.edited_by, sentence.edited_at, changed=True)
    elif memory is not None:
        source = EntrySource.POST_EDIT if memory.source == EntrySource.POST_EDIT \
            else EntrySource.MT
        author = _author(memory.edited_by, memory.edited_at, changed=False)
    else:
        source, author = EntrySource.MT, {}
    props.append(("x-source", str(source)))
    notes = []
    note = sentence.suggestion
    if note is not None and note.en:
        pct = f", {note.percent}%" if note.percent is not None else ""
        by = f", by {note.edited_by}" if note.edited_by else ""
        notes.append(f"mtjob suggestion (translation memory{pct}{by}): {note.en}")
    return TranslationUnit(f"{article.doc_id}:{paragraph.unit_id(sentence)}", sentence.ar,
                           sentence.final, tuple(props), tuple(sorted(author.items())),
                           tuple(notes))


def render_tmx(article: FinishedArticle, *, only_flagged: bool = False,
               clean: XmlText | None = None) -> str:
    """The article's sentence pairs as a TMX 1.4b document."""
    clean = clean if clean is not None else XmlText()
    header = [("x-doc-id", article.doc_id), ("x-jsonl-sha256", article.machine_sha256)]
    mt = article.model(Role.MT)
    if mt.get("id"):
        header.append(("x-mt-model", f"{mt.get('id')}@{mt.get('revision', '?')}"))
    units = [sentence_unit(article, paragraph, sentence)
             for paragraph, sentence in article.sentences()
             if (sentence.flagged or not only_flagged)
             and sentence.ar.strip() and sentence.final.strip()]
    return tmx_document(header, units, clean)


def _rank(sentence: FinishedSentence) -> tuple[bool, str]:
    """A person's English (edited or confirmed) beats the machine's; the newer the better."""
    person = sentence.state != ReviewState.MACHINE
    return person, (sentence.edited_at or "") if person else ""


def render_project_tmx(articles: list[FinishedArticle], *, only_flagged: bool = False,
                       clean: XmlText | None = None) -> tuple[str, int, int]:
    """One memory for every article: per Arabic sentence the best English (``_rank``; among
    equals the first in doc id order); and for a sentence a person reviewed whose English
    differs from that, an OmegaT alternative translation tied to its place
    (:func:`alternative_unit`), so OmegaT shows each article's own correction where it was
    made. Returns the document, its units, and how many sentences it left out because
    another sentence of the same Arabic gave the English."""
    best: dict[str, tuple[tuple[bool, str], TranslationUnit]] = {}
    reviewed: list[tuple[FinishedArticle, FinishedParagraph, FinishedSentence, str | None,
                         str | None]] = []
    considered = 0
    for article in articles:
        chain = [(p, s) for p, s in article.sentences() if s.ar.strip()]  # OmegaT's segments
        for n, (paragraph, sentence) in enumerate(chain):
            if (only_flagged and not sentence.flagged) or not sentence.final.strip():
                continue
            considered += 1
            rank = _rank(sentence)
            if sentence.ar not in best or rank > best[sentence.ar][0]:
                best[sentence.ar] = rank, sentence_unit(article, paragraph, sentence)
            if sentence.reviewed:
                reviewed.append((article, paragraph, sentence,
                                 chain[n - 1][1].ar if n else None,
                                 chain[n + 1][1].ar if n + 1 < len(chain) else None))
    units = [unit for _, unit in best.values()]
    units += [alternative_unit(article, paragraph, sentence, prev, after)
              for article, paragraph, sentence, prev, after in reviewed
              if sentence.final != best[sentence.ar][1].en]
    return tmx_document([], units, clean), len(units), considered - len(units)


def alternative_unit(article: FinishedArticle, paragraph: FinishedParagraph,
                     sentence: FinishedSentence, prev: str | None, after: str | None
                     ) -> TranslationUnit:
    """A sentence's own English as OmegaT's alternative translation: the props OmegaT ties it
    with (its XLIFF file, ``ARTICLE.xlf`` as ``export --omegat`` names it, and the Arabic of
    the segments before and after it; none at an end), and no other prop (OmegaT 3.6 applies
    a ``tm/auto`` alternative only where every prop names a field of the segment's key)."""
    props = [("file", article.doc_id + ".xlf")]
    props += [(kind, text) for kind, text in (("prev", prev), ("next", after)) if text]
    author = _author(sentence.edited_by, sentence.edited_at, changed=True)
    return TranslationUnit(f"{article.doc_id}:{paragraph.unit_id(sentence)}:alternative",
                           sentence.ar, sentence.final, tuple(props),
                           tuple(sorted(author.items())))


@dataclass(frozen=True)
class TranslationUnit:
    """One ``<tu>``: its id, the Arabic and English, ``x-`` props (type, value), TMX's own
    attributes of the English ``<tuv>`` (``creationid``... as (name, value)) and notes."""

    tuid: str
    ar: str
    en: str
    props: tuple[tuple[str, str], ...] = ()
    en_attrs: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()


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
        for text in unit.notes:
            ET.SubElement(tu, "note").text = clean(text)
        for kind, value in unit.props:
            _prop(tu, kind, value, clean)
        for lang, text in (("ar", unit.ar), ("en", unit.en)):
            attrs = {XML_LANG: lang}
            if lang == "en":
                attrs.update((k, clean(v)) for k, v in unit.en_attrs)
            tuv = ET.SubElement(tu, "tuv", attrs)
            ET.SubElement(tuv, "seg").text = clean(text)
    return xml_document(root)
