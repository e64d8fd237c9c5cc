"""What a unit that found its sentence means: a new edit, a confirmation, or nothing.

- A file that says who and when (the review page; a TMX ``tuv`` with ``changedate`` or
  ``creationdate``) gives a correction with that author and time. It is added to the
  history unless the very same correction is there already (importing a file twice adds
  nothing); it applies only if it is the newest (``mtjob.outfolder.corrections``). A TMX
  text that the sentence reads already is a confirmation when a named person left it later
  than whoever gave it, else nothing (a correction carried back by the export). The very
  correction (text, author, time) the folder holds for this Arabic in another sentence is
  nothing either: a memory carries it back to every repeat (``Folder.held``).
- A file that does not (XLIFF, TSV, a TMX without dates) cannot be ordered against other
  edits, so what it says is compared with what the sentence went through: its text as the
  sentence reads now is no edit (but a confirmation when the unit is signed off: XLIFF
  ``final``/``signed-off``, a TSV post_edit equal to the machine English shown); a text the
  sentence held before (a machine English, an earlier correction, a correction of the
  same Arabic elsewhere in the folder) is an older state carried over by the file, no edit
  (an old export imported again never reverts newer work); any other text is an edit by
  ``--by``, at the import's time. But not an entry of a CAT tool's memory (a TMX without
  mtjob's ids) naming no author and no time: the tools stamp a person's work with both, so
  it is a copy of English the tool was given (mtjob's own, of an earlier model, from
  ``tm/auto``), counted and left (``NAMELESS``).
- Machine English is never a person's edit: a TMX unit marked ``x-source=mt`` (unless it
  names its sentence, as mtjob's article TMX does, and its English is no machine English of
  it: a person edited the file), or a text that is the machine English of this Arabic
  anywhere in the folder, can at most confirm a sentence that reads so (when a person is
  named), never replace a correction elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, auto

from ..outfolder.corrections import Correction, time_key
from ..vocabulary import EditFrom, ReviewState
from .folder import Folder
from .units import Unit


class Outcome(Enum):
    """What a unit came to for one sentence (the import's report counts them)."""

    APPLIED = auto()  #: a new correction that applies
    OLDER = auto()  #: kept in the history: a newer correction applies
    UNCHANGED = auto()  #: no edit (untouched, or the sentence already says it)
    NAMELESS = auto()  #: a CAT memory's entry naming no author or time: counted, no edit
    REFUSED = auto()  #: named in the report with the reason (``Verdict.refused``)


APPLIED, OLDER, UNCHANGED, NAMELESS = (Outcome.APPLIED, Outcome.OLDER, Outcome.UNCHANGED,
                                       Outcome.NAMELESS)


@dataclass
class Verdict:
    """A unit's outcome for one sentence: ``refused`` (the reason) or one of the words above,
    with the correction it added (None when it added none)."""

    outcome: Outcome
    correction: Correction | None = None
    refused: str | None = None


def decide(unit: Unit, folder: Folder, doc_id: str, i: int, by: str | None, now: str,
           source: str) -> Verdict:
    state = folder.state(doc_id)
    sentence = state.sentence(i)
    en = sentence.get("en") if isinstance(sentence.get("en"), str) else ""
    current, final = state.winner(i), state.final(i)
    text = unit.text
    article = folder.articles[doc_id]
    if unit.machine and (unit.doc_id is None or unit.fingerprint != article.machine_sha256
                         or text in folder.machine_texts(doc_id, i)):
        return Verdict(UNCHANGED)  # else mtjob's TU of this output, edited since: read on
    if not text.strip():
        if unit.fmt in (EditFrom.PAGE, EditFrom.TSV) or unit.translated or unit.state:
            return Verdict(Outcome.REFUSED, refused="the new English is empty")
        return Verdict(UNCHANGED)  # an empty target: not translated
    if text == sentence.get("ar") and text != en:
        return Verdict(UNCHANGED)  # a target still holding the Arabic (OmegaT, untranslated)
    exported = unit.fingerprint is None or unit.fingerprint == article.machine_sha256
    machine = folder.machine_texts(doc_id, i) | ({unit.mt_en} if unit.mt_en else set())
    earlier = {c.post_edit for c in state.corrections_of(i)}
    if unit.fmt == EditFrom.PAGE:
        review, who, when = unit.state or ReviewState.EDITED, unit.edited_by or by, \
            unit.edited_at or now
    elif unit.edited_at is not None:  # TMX with its own dates
        who, when = unit.edited_by or by, unit.edited_at
        if text == final and (text in machine or current is not None):
            # The text the sentence reads: a named person leaving it as it is, later than
            # whoever gave it, confirms it; the very correction carried back is nothing.
            if not unit.edited_by or (current is not None and (
                    current.review == ReviewState.CONFIRMED or when <= time_key(current))):
                return Verdict(UNCHANGED)
            review = ReviewState.CONFIRMED
        elif (text, who, when) in folder.held(doc_id, i):
            return Verdict(UNCHANGED)  # a correction of this Arabic elsewhere, carried back
        elif text not in machine:
            review = ReviewState.EDITED
        else:
            return Verdict(UNCHANGED)
    else:  # no time of its own: compared with what the sentence went through
        who, when = by, now
        confirms = unit.state == ReviewState.CONFIRMED or \
            (unit.fmt == EditFrom.TSV and text == unit.mt_en)
        if text == final:
            if not confirms or (current is not None and (
                    current.review == ReviewState.CONFIRMED or current.signed_off)):
                return Verdict(UNCHANGED)  # nothing new (or its own sign-off read again)
            review = ReviewState.CONFIRMED
        elif text in machine or text in earlier or \
                any(held[0] == text for held in folder.held(doc_id, i)):
            return Verdict(OLDER)
        elif unit.fmt == EditFrom.TMX and unit.doc_id is None and unit.edited_by is None:
            return Verdict(NAMELESS)
        elif not exported and not unit.translated and unit.fmt != EditFrom.TSV:
            return Verdict(Outcome.REFUSED, refused=(
                "made on older machine output and not marked translated: cannot tell the "
                "person's English from the older machine English"))
        else:
            review = ReviewState.EDITED
    index = state.index
    para, sent = state.records[index.order[i][0]].get("para_id"), index.order[i][1]
    correction = Correction(
        doc_id=doc_id, para_id=para if isinstance(para, int) else index.order[i][0],
        sent_id=sent, ar=str(sentence.get("ar", "")), anchor=index.anchor(i), review=review,
        post_edit=text, edited_by=who, edited_at=when,
        mt_en=unit.mt_en if unit.mt_en is not None else en if exported and (
            unit.fingerprint is not None) else None,
        mt_sha256=unit.fingerprint, edit_from=unit.fmt,
        for_source_sha256=folder.bound_to(doc_id), signed_off=unit.signed_off, source=source)
    if any(correction.same_event(c) for c in state.corrections_of(i)):
        return Verdict(UNCHANGED)
    folder.add(doc_id, correction, i)
    return Verdict(APPLIED if state.winner(i) is correction else OLDER, correction)
