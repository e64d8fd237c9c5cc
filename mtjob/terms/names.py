"""Recurring names and the English each sentence gives them: what consistency unifies and
``mtjob eval`` measures.

A name is a glossary term (its rendering: the glossary rendering the English holds), or an
Arabic span aligned to a capitalised English span (a run of capitalised words; at the start
of a sentence only a word seen capitalised elsewhere in the sentences at hand, so "The" and
"He" are no names). Two Arabic spans are one name when one is the other with a clitic
peeled (كيري, وكيري, لكيري).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .arabic import EDGES, has_arabic, openings, words
from .glossary import GlossaryTerm, TermMatch
from .index import TermIndex

#: An Arabic span aligned to a capitalised English run longer than this is no name.
MAX_NAME_WORDS = 4
NAME_NOTE = "name"


@dataclass(frozen=True)
class Occurrence:
    """One name in one sentence: ``sentence`` is the caller's key; ``match`` the Arabic
    span; ``rendering`` the English the sentence gives it (None: none of the glossary's)."""

    sentence: int
    key: str
    match: TermMatch
    rendering: str | None
    glossary: bool


def glossary_occurrences(sentence: int, arabic: str, english: str,
                         index: TermIndex) -> list[Occurrence]:
    """The glossary terms (not do-not-translate spans) of a sentence and the glossary
    rendering its English holds."""
    from .check import has_phrase

    out = []
    for match in index.find(arabic):
        if match.term.keep:
            continue
        used = next((r for r in match.term.renderings if has_phrase(english, r)), None)
        out.append(Occurrence(sentence, "g:" + match.term.term, match, used, True))
    return out


def _capitalised(word: str) -> bool:
    core = word.strip(EDGES)
    return bool(core) and core[0].isupper() and core[0].isalpha()


def aligned_occurrences(sentence: int, arabic: str, english: str,
                        alignment: Iterable[tuple[int, int]], known: set[str],
                        taken: list[TermMatch]) -> list[Occurrence]:
    """Names of one sentence from its alignment: capitalised English runs (a first word only
    when in ``known``, the words seen capitalised inside some sentence) and the Arabic words
    aligned to them; spans overlapping ``taken`` (glossary matches) are left to the glossary."""
    out_words = english.split()
    runs: list[tuple[int, int]] = []
    for at, word in enumerate(out_words):
        if not _capitalised(word) or (at == 0 and word.strip(EDGES) not in known):
            continue
        if runs and runs[-1][1] == at and not out_words[at - 1].endswith(tuple(EDGES)):
            runs[-1] = (runs[-1][0], at + 1)
        else:
            runs.append((at, at + 1))
    pairs = list(alignment)
    src = arabic.split()
    found = []
    for start, end in runs:
        linked = sorted({s for s, t in pairs if start <= t < end})
        if not linked or linked[-1] - linked[0] + 1 > MAX_NAME_WORDS:
            continue
        first, last = linked[0], linked[-1] + 1
        if any(not (last <= m.start or first >= m.end) for m in taken):
            continue
        span = " ".join(src[first:last]).strip(EDGES)
        if not has_arabic(span):
            continue
        rendering = " ".join(out_words[start:end]).strip(EDGES)
        match = TermMatch(GlossaryTerm(span, (rendering,), False, NAME_NOTE), first, last, span)
        found.append(Occurrence(sentence, "", match, rendering, False))
    return found


def capitalised_inside(english: Iterable[str]) -> set[str]:
    """Words capitalised somewhere other than a sentence's start."""
    return {w.strip(EDGES) for text in english for w in text.split()[1:] if _capitalised(w)}


def name_keys(occurrences: list[Occurrence]) -> list[Occurrence]:
    """The aligned occurrences keyed so that clitic forms of one name share a key: spans are
    joined when one's first word, a clitic peeled, is the other's (union-find); the key is
    the shortest folded form of the group."""
    folded = [tuple(words(o.match.source)) for o in occurrences]
    parent = list(range(len(occurrences)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_form: dict[tuple[str, ...], int] = {}
    for i, form in enumerate(folded):
        by_form.setdefault(form, i)
    for i, form in enumerate(folded):
        for head in openings(form[0])[1:] if form else ():
            other = by_form.get((head, *form[1:]))
            if other is not None:
                parent[root(i)] = root(other)
    groups: dict[int, list[int]] = {}
    for i in range(len(occurrences)):
        groups.setdefault(root(i), []).append(i)
    keyed = list(occurrences)
    for members in groups.values():
        key = "n:" + " ".join(min((folded[i] for i in members), key=lambda f: (len("".join(f)), f)))
        for i in members:
            o = occurrences[i]
            keyed[i] = Occurrence(o.sentence, key, o.match, o.rendering, o.glossary)
    return keyed


def same(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and a.casefold() == b.casefold()
