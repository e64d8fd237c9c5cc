"""Spans of an Arabic sentence that must come through byte-identical without any glossary
entry: URLs, e-mail addresses, numbers with a unit or currency, and Latin-script names and
codes (BBC, F-16, COVID-19, iPhone). A Marian model rewrites them freely (spaces inside a
URL, a code lower-cased, a name transliterated back): they are required like glossary terms.
"""

from __future__ import annotations

import re

from .arabic import EDGES, has_arabic
from .glossary import GlossaryTerm, TermMatch

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_LATIN = re.compile(r"[A-Za-z]")
#: A number glued to a unit or currency sign: 50%, $1.2, 3.5GHz, 100km, €20.
_MEASURE = re.compile(r"[$€£¥]?[0-9][0-9.,]*\s?(?:%|‰|[$€£¥]|[A-Za-z]+)|[$€£¥][0-9][0-9.,]*")
_NUMBER = re.compile(r"[0-9][0-9.,]*")
#: What ends a URL or e-mail but is not part of it.
_URL_TAIL = ".,;:!?)]}»\"'”’،؛؟"
#: An Arabic proclitic glued to a Latin word: وCOVID-19, بـ BBC.
_CLITIC = re.compile(r"^[\u0621-\u064a\u0640]{1,3}(?=[A-Za-z0-9$€£])")
NOTE = "do not translate"


def _core(word: str) -> str:
    word = _CLITIC.sub("", word.lstrip(EDGES))
    if _URL.match(word) or "@" in word:
        return word.rstrip(_URL_TAIL)
    return word.strip(EDGES)


def _kept(core: str) -> bool:
    if not core or has_arabic(core):
        return False
    if _URL.fullmatch(core) or _EMAIL.fullmatch(core) or _MEASURE.fullmatch(core):
        return True
    return bool(_LATIN.search(core))


def protected_spans(text: str) -> list[TermMatch]:
    """The do-not-translate spans of ``text`` (words of ``text.split()``), in order; runs of
    such words not parted by punctuation are one span (a name: "Ban Ki-moon"), and a bare
    number before one joins it ("5 km")."""
    raw = text.split()
    spans: list[tuple[int, int]] = []
    open_span = False
    for at, word in enumerate(raw):
        core = _core(word)
        kept = _kept(core)
        if kept:
            joined = open_span and not word.startswith(tuple(EDGES)) and \
                not raw[at - 1].endswith(tuple(EDGES)) and not _CLITIC.match(word)
            if joined:
                spans[-1] = (spans[-1][0], at + 1)
            elif at and _NUMBER.fullmatch(raw[at - 1]) and not spans_end_at(spans, at):
                spans.append((at - 1, at + 1))
            else:
                spans.append((at, at + 1))
        open_span = kept
    out = []
    for start, end in spans:
        source = _core(" ".join(raw[start:end]))
        if source:
            out.append(TermMatch(GlossaryTerm(source, (source,), True, NOTE), start, end,
                                 source))
    return out


def spans_end_at(spans: list[tuple[int, int]], at: int) -> bool:
    return bool(spans) and spans[-1][1] == at


def without_overlaps(first: list[TermMatch], second: list[TermMatch]) -> list[TermMatch]:
    """``first`` and those of ``second`` that overlap none of them, in text order."""
    taken = [(m.start, m.end) for m in first]
    kept = [m for m in second if all(m.end <= a or m.start >= b for a, b in taken)]
    return sorted([*first, *kept], key=lambda m: m.start)
