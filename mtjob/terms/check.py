"""Does an English text hold a term's rendering? The check every surface runs on the English
it shows or publishes (the machine's, a person's post-edit, a memory match).

A rendering is found as whole words, case-insensitive ("Security Council" in "the UN
security council said"; not "Kerry" in "Kerryville"); a do-not-translate span must appear
byte-identical (a URL, an e-mail, a code), with no letter or digit glued to either side.
"""

from __future__ import annotations

from dataclasses import dataclass

from .glossary import TermMatch
from .index import TermIndex


@dataclass(frozen=True)
class TermMiss:
    """A term of the Arabic whose English holds none of its renderings."""

    term: str
    expected: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        return {"term": self.term, "expected": list(self.expected)}

    def __str__(self) -> str:
        return f"{self.term} → {' | '.join(self.expected)}"


def _glued(text: str, at: int) -> bool:
    return 0 <= at < len(text) and (text[at].isalnum() or text[at] == "_")


def has_phrase(text: str, phrase: str, exact: bool = False) -> bool:
    """``phrase`` in ``text`` as whole words: case-insensitive, or byte for byte (``exact``)."""
    if not phrase:
        return False
    if not exact:
        text, phrase = text.casefold(), phrase.casefold()
    start = text.find(phrase)
    while start != -1:
        end = start + len(phrase)
        # A boundary is only needed where the phrase itself starts/ends with a word character.
        if not (phrase[0].isalnum() and _glued(text, start - 1)) and \
                not (phrase[-1].isalnum() and _glued(text, end)):
            return True
        start = text.find(phrase, start + 1)
    return False


def rendered(match: TermMatch, english: str) -> str | None:
    """The rendering of ``match`` that ``english`` holds (the first, in glossary order)."""
    for rendering in match.renderings:
        if has_phrase(english, rendering, exact=match.term.keep):
            return rendering
    return None


def missing(matches: list[TermMatch], english: str) -> list[TermMatch]:
    """The matches ``english`` renders with none of their renderings (one per term)."""
    seen: set[str] = set()
    out = []
    for match in matches:
        key = match.source if match.term.keep else match.term.term
        if key not in seen and rendered(match, english) is None:
            out.append(match)
        seen.add(key)
    return out


def miss(match: TermMatch) -> TermMiss:
    """The miss of a match: a glossary term by its entry, a kept span by itself."""
    return TermMiss(match.source if match.term.keep else match.term.term, match.renderings)


def check_terms(arabic: str, final_english: str, index: TermIndex) -> list[TermMiss]:
    """The glossary terms (and do-not-translate spans, when the index protects them) of
    ``arabic`` that ``final_english`` renders with none of their renderings, in text order,
    each once. Pure: the run, the page, the exports, import and eval call it on whatever
    English they show."""
    return [miss(m) for m in missing(index.find(arabic), final_english)]
