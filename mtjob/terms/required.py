"""What a sentence's English must hold: a rendering of each of its terms, and of a name
unified across the article or run."""

from __future__ import annotations

from dataclasses import dataclass

from ..vocabulary import Forced, TermReason
from .check import has_phrase
from .glossary import TermMatch


@dataclass(frozen=True)
class Requirement:
    """A rendering a sentence's English must hold: one of ``renderings`` for ``match``."""

    match: TermMatch
    renderings: tuple[str, ...]
    why: TermReason
    #: The rendering the sentence gave a name before it was unified.
    replaced: str | None = None

    @property
    def label(self) -> str:
        """The term as the records name it: the glossary's, or the source span."""
        return self.match.source if self.match.term.keep else self.match.term.term

    def met_by(self, english: str) -> str | None:
        """The rendering ``english`` holds, if any."""
        for rendering in self.renderings:
            if has_phrase(english, rendering, exact=self.match.term.keep):
                return rendering
        return None

    def record(self, rendering: str, how: Forced) -> dict[str, str]:
        out = {"term": self.label, "rendering": rendering, "how": str(how), "why": str(self.why)}
        if self.replaced is not None:
            out["replaced"] = self.replaced
        return out


def requirements(matches: list[TermMatch]) -> list[Requirement]:
    """What glossary (and do-not-translate) matches ask of the English: one requirement per
    term, at its first occurrence."""
    found: dict[str, Requirement] = {}
    for match in matches:
        why = TermReason.KEEP if match.term.keep else TermReason.GLOSSARY
        req = Requirement(match, match.renderings, why)
        found.setdefault(req.label, req)
    return list(found.values())
