"""What people and the translation memory did with a sentence, as the review page shows it:
who edited or confirmed it, when and from which file; a correction propagated from the same
Arabic elsewhere, linked to where it came from; the memory's exact match with its author; a
close match offered as a suggestion (badge, percentage, text). Every string is escaped."""

from __future__ import annotations

import re
from urllib.parse import quote

from ..outfolder.memory_note import MemoryNote
from ..outfolder.paths import page_name
from ..outfolder.readback import FinishedSentence
from ..vocabulary import EditFrom, EntrySource, Origin, ReviewState
from .html_text import esc

REVIEW_CSS = """
.sev-ok{color:#067647;background:#ecfdf3}
.flag a{color:inherit}
.suggest{grid-column:2/4;font-size:13px;color:var(--muted);padding-top:2px}
.suggest .text{color:var(--ink)}
.pair[data-review] .s.en{box-shadow:inset 3px 0 0 #12b76a}
"""

_REF = re.compile(r"(.+)#(p\d+-s\d+)")


def _who(by: str | None) -> str:
    return f" by {by}" if by else ""


def _when(at: str | None, source: str | None) -> str:
    parts = [at or "", f"from {source}" if source else ""]
    return "; ".join(p for p in parts if p)


def _badge(label: str, title: str, severity: str = "info", inner: str | None = None) -> str:
    return (f'<span class="flag sev-{severity}" title="{esc(title)}">'
            f"{inner if inner is not None else esc(label)}</span>")


def _propagated(sentence: FinishedSentence) -> str:
    title = ("a person's correction of the same Arabic elsewhere, applied by import; "
             f"machine English: {sentence.en}")
    found = _REF.fullmatch(sentence.propagated_from or "")
    if found is None:
        return _badge(EditFrom.PROPAGATED, title)
    doc, unit = found.groups()
    link = f'<a href="{esc(quote(page_name(doc)))}#{unit}">{esc(doc)} {unit}</a>'
    return _badge("", title, inner=f"propagated from {link}")


def review_badges(sentence: FinishedSentence) -> str:
    """The badges of a sentence's review state and of the memory's exact match."""
    badges = ""
    state = sentence.state
    if sentence.propagated:
        badges += _propagated(sentence)
    elif state == ReviewState.EDITED:
        title = f"machine English: {sentence.en}; " + _when(sentence.edited_at,
                                                             sentence.edit_from)
        badges += _badge("post-edited" + _who(sentence.edited_by), title.rstrip("; "))
    elif state == ReviewState.CONFIRMED:
        title = _when(sentence.edited_at, sentence.edit_from) or "accepted as it is"
        if sentence.post_edit is not None:
            title = f"machine English: {sentence.en}; {title}"
        badges += _badge(ReviewState.CONFIRMED + _who(sentence.edited_by), title, "ok")
    if sentence.origin == Origin.MEMORY:
        badges += memory_badge(sentence.memory or MemoryNote())
    return badges


def memory_badge(note: MemoryNote) -> str:
    """The memory's exact match, with who wrote its English."""
    whose = "a person's post-edit" if note.source == EntrySource.POST_EDIT else \
        "the machine's English" if note.source == EntrySource.MT else "an entry"
    title = f"exact match of the translation memory: {whose}" + \
        (f", {note.edited_at}" if note.edited_at else "")
    return _badge(Origin.MEMORY + _who(note.edited_by), title)


def suggestion_row(sentence: FinishedSentence) -> str:
    """A close memory match offered to the reviewer (never the output): badge and text."""
    note = sentence.suggestion
    if note is None or not note.en:
        return ""
    pct = f" {note.percent}%" if note.percent is not None else ""
    title = "close match of the translation memory" + \
        (f" for: {note.ar}" if note.ar else "") + (f"; {note.edited_at}" if note.edited_at else "")
    badge = _badge(f"suggestion{pct}{_who(note.edited_by)}", title)
    return (f'<div class="suggest">{badge} <span class="text" lang="en">{esc(note.en)}</span>'
            "</div>")


def review_attr(sentence: FinishedSentence) -> str:
    """``data-review`` on a pair a person reviewed: "Flagged only" hides it."""
    return f' data-review="{sentence.state}"' if sentence.reviewed else ""
