"""Term accuracy and name consistency of a finished run, as ``mtjob eval --terms`` reports
them, for any English of its sentences (the machine's, or the final text).

Term accuracy is WMT21's terminology exact match: the share of the term occurrences of the
Arabic (every occurrence, a do-not-translate span included) whose sentence's English holds
one of the term's renderings (whole word, case-insensitive; a kept span byte for byte).

Consistency: a name is a glossary term met in two sentences or more of an article (or of the
run); it is consistent when every one of those sentences renders it the same way. A
sentence's rendering of a term is the glossary rendering its English holds, else, where the
run recorded alignments, the English words aligned to the term (so "Carey" and "Kerrey" are
two renderings, not none); a sentence that holds neither gives it no rendering, and a name
with such a sentence is not consistent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .check import rendered
from .glossary import TermMatch
from .index import TermIndex

#: The English of a sentence to score: ``sentence.en`` or ``sentence.final``.
Text = Callable[[object], str]


@dataclass
class Tally:
    """Counts behind the two figures."""

    occurrences: int = 0
    hits: int = 0
    names: int = 0
    consistent: int = 0

    @property
    def accuracy(self) -> float | None:
        return self.hits / self.occurrences if self.occurrences else None

    @property
    def consistency(self) -> float | None:
        return self.consistent / self.names if self.names else None

    def add(self, other: Tally) -> None:
        self.occurrences += other.occurrences
        self.hits += other.hits
        self.names += other.names
        self.consistent += other.consistent


@dataclass(frozen=True)
class Seen:
    """One sentence's view of one term: which rendering its English gives it (None: none)."""

    term: str
    rendering: str | None


def _aligned(match: TermMatch, english: str,
             alignment: tuple[tuple[int, int], ...] | None) -> str | None:
    if not alignment:
        return None
    words = english.split()
    linked = sorted({t for s, t in alignment if match.start <= s < match.end and t < len(words)})
    return " ".join(words[linked[0]:linked[-1] + 1]).casefold() if linked else None


def sentence_terms(arabic: str, english: str, index: TermIndex,
                   alignment: tuple[tuple[int, int], ...] | None = None
                   ) -> tuple[int, int, list[Seen]]:
    """(occurrences, hits, what the sentence gives each glossary term, once a term)."""
    occurrences = hits = 0
    seen: dict[str, Seen] = {}
    for match in index.find(arabic):
        used = rendered(match, english)
        occurrences += 1
        hits += used is not None
        if not match.term.keep and match.term.term not in seen:
            value = used.casefold() if used else _aligned(match, english, alignment)
            seen[match.term.term] = Seen(match.term.term, value)
    return occurrences, hits, list(seen.values())


def consistency(views: Iterable[list[Seen]]) -> tuple[int, int]:
    """(names, consistent names) over the sentences' views of one scope."""
    by_term: dict[str, list[str | None]] = {}
    for view in views:
        for seen in view:
            by_term.setdefault(seen.term, []).append(seen.rendering)
    recurring = [r for r in by_term.values() if len(r) >= 2]
    return len(recurring), sum(None not in r and len(set(r)) == 1 for r in recurring)
