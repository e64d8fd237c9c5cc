"""Where a sentence holds glossary terms: one pass over its words, a hash look-up each.

The index is a trie over folded words (:mod:`mtjob.terms.arabic`), keyed by a term's first
word: a sentence costs a look-up per word and per clitic reading of it, whatever the size of
the glossary. Matches are whole words (a character-level Aho-Corasick automaton would find a
term inside a longer word, which is what must not match). Leftmost-longest: "مجلس الأمن
الدولي" wins over "مجلس الأمن" where both match.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterable

from .arabic import EDGES, endings, fold, openings, words
from .glossary import GlossaryTerm, TermMatch
from .protect import protected_spans, without_overlaps

_HAS_EDGE = re.compile("[" + re.escape(EDGES) + "]")


class TermIndex:
    """Glossary terms by their folded first word (one entry per term and reading);
    ``protect``: also the do-not-translate spans no entry names (:mod:`mtjob.terms.protect`)."""

    def __init__(self, terms: Iterable[GlossaryTerm] = (), protect: bool = False) -> None:
        self.protect = protect
        #: first folded word -> [(the other folded words, term)], longest first.
        self._first: dict[str, list[tuple[tuple[str, ...], GlossaryTerm]]] = {}
        self.terms: list[GlossaryTerm] = []
        unsorted: set[str] = set()
        first = self._first
        for term in terms:
            folded = tuple(fold(term.term).split())
            if _HAS_EDGE.search(term.term):
                folded = tuple(w for w in (w.strip(EDGES) for w in folded) if w)
            if not folded:
                continue
            self.terms.append(term)
            bucket = first.get(folded[0])
            if bucket is None:
                first[folded[0]] = [(folded[1:], term)]
            else:
                bucket.append((folded[1:], term))
                unsorted.add(folded[0])
        for key in unsorted:
            first[key].sort(key=lambda item: -len(item[0]))

    def __len__(self) -> int:
        return len(self.terms)

    def __bool__(self) -> bool:
        return bool(self.terms) or self.protect

    def find(self, text: str) -> list[TermMatch]:
        """The terms in ``text``, leftmost-longest, not overlapping, in text order (and the
        do-not-translate spans outside them, with ``protect``)."""
        found = self._find(text)
        return without_overlaps(found, protected_spans(text)) if self.protect else found

    def _find(self, text: str) -> list[TermMatch]:
        if not self._first:
            return []
        raw = text.split()
        folded = words(text)
        found: list[TermMatch] = []
        at = 0
        while at < len(folded):
            match = self._at(raw, folded, at)
            if match is None:
                at += 1
            else:
                found.append(match)
                at = match.end
        return found

    def _at(self, raw: list[str], folded: list[str], at: int) -> TermMatch | None:
        best: TermMatch | None = None
        for head in openings(folded[at]):
            for rest, term in self._first.get(head, ()):
                end = at + 1 + len(rest)
                if end > len(folded) or (best is not None and end <= best.end):
                    continue
                if rest and (folded[at + 1:end - 1] != list(rest[:-1])
                             or rest[-1] not in endings(folded[end - 1])):
                    continue
                best = TermMatch(term, at, end, _span(raw, at, end))
        for head in _with_endings(folded[at]):  # a one-word term with a pronoun attached
            for rest, term in self._first.get(head, ()):
                if not rest and best is None:
                    best = TermMatch(term, at, at + 1, _span(raw, at, at + 1))
        return best


def _with_endings(word: str) -> list[str]:
    """Readings of one word with a proclitic and an attached pronoun both peeled."""
    return [e for o in openings(word) for e in endings(o)[1:]]


def _span(raw: list[str], start: int, end: int) -> str:
    """The words as written, the punctuation around the span left out."""
    return " ".join(raw[start:end]).strip(EDGES)


def build_index(terms: tuple[GlossaryTerm, ...], protect: bool) -> TermIndex:
    """The index of a glossary, built with the garbage collector paused: a 100k-term index
    is 100k small tuples, and the collector's passes over them cost more than the build."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return TermIndex(terms, protect=protect)
    finally:
        if enabled:
            gc.enable()
