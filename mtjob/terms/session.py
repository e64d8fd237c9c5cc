"""What a run does with terms, from its first article group to its last: the glossary index
it loaded once, the modes (``--terms``, ``--consistency``) and the renderings its recurring
names got so far (``--consistency run``: later articles follow earlier ones)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..choices import Consistency, TermsMode, resolve_term_modes
from ..text import quality
from ..vocabulary import Origin
from .check import check_terms, missing
from .consistency import disagreements
from .enforce import Judge, force_terms
from .glossary import GlossaryTerm, load_data
from .index import TermIndex, build_index
from .required import requirements
from .stored import store_glossary

if TYPE_CHECKING:
    from ..config import JobConfig
    from ..engines.base import Engine
    from ..text.segment import Segment

log = logging.getLogger(__name__)


@dataclass
class TermSession:
    """The run's terms: ``terms`` and ``consistency`` as resolved (``JobConfig.term_modes``)."""

    index: TermIndex
    terms: TermsMode
    consistency: Consistency
    #: Renderings chosen for recurring names earlier in the run (``--consistency run``).
    chosen: dict[str, str] = field(default_factory=dict)
    #: Where the glossary is kept for the final text's checks, its bytes and hash.
    keep: tuple[Path, bytes, str] | None = None

    @classmethod
    def start(cls, config: JobConfig, out: Path) -> tuple[TermSession | None, str | None]:
        """A run's session (None when terms and consistency are both off) and the hash of
        its glossary: the file read once, kept in ``out`` when the first sentences are
        decoded."""
        terms, sha, data = load_data(config.glossary)
        session = cls.for_run(config, terms)
        if session is not None and sha is not None:
            session.keep = (out, data, sha)
        return session, sha

    @classmethod
    def for_run(cls, config: JobConfig, glossary: tuple[GlossaryTerm, ...]) -> TermSession | None:
        """The session of a run, or None when it has no glossary and terms and consistency
        are both off."""
        terms, consistency = resolve_term_modes(config.terms, config.consistency,
                                                config.glossary is not None)
        if (terms, consistency) == (TermsMode.OFF, Consistency.OFF) and config.glossary is None:
            return None
        return cls(build_index(glossary, protect=terms != TermsMode.OFF), terms, consistency)

    def requires(self, text: str) -> bool:
        """Does enforcement require anything of this source's English?"""
        return self.terms == TermsMode.ENFORCE and bool(self.index.find(text))

    @property
    def needs_alignment(self) -> bool:
        """Every decoded sentence needs its alignment: names are found through it."""
        return self.consistency != Consistency.OFF

    def apply(self, segments: list[Segment], engine: Engine, config: JobConfig,
              errors: dict[int, str], judge: Judge, retry: dict[str, Any]) -> None:
        """Enforce the terms, unify the names, then check every sentence's English.
        ``judge``: a hypothesis's flags; ``retry``: the anti-repetition settings that a
        retried sentence is decoded with again."""
        if self.keep is not None:
            store_glossary(*self.keep)
            self.keep = None
        live = [s for s in segments if s.text and s.doc not in errors]
        # All of a sentence's terms: forcing one must keep the rest.
        if self.terms == TermsMode.ENFORCE:
            needs = [(s, requirements(found)) for s in live if s.origin == Origin.MT
                     if missing(found := self.index.find(s.text), s.en)]
            force_terms(needs, engine, config, judge, retry)
        if self.consistency != Consistency.OFF:
            scopes: list[list[Segment]] = [live]
            if self.consistency == Consistency.ARTICLE:
                by_doc: dict[int, list[Segment]] = {}
                for seg in live:
                    by_doc.setdefault(seg.doc, []).append(seg)
                scopes = list(by_doc.values())
            needs = [n for scope in scopes for n in disagreements(
                scope, self.index, self.chosen if self.consistency == Consistency.RUN else None)]
            if self.terms == TermsMode.ENFORCE:  # unifying a name must keep the sentence's terms
                needs = [(seg, reqs + [r for r in requirements(self.index.find(seg.text))
                                       if r.label not in {q.label for q in reqs}])
                         for seg, reqs in needs]
            if needs:
                log.info("names: %d sentence(s) render a recurring name otherwise: decoding "
                         "them again", len(needs))
                force_terms(needs, engine, config, judge, retry)
        if self.terms != TermsMode.OFF:
            for seg in live:
                misses = check_terms(seg.text, seg.en, self.index)
                if misses:
                    seg.glossary_miss = [m.to_dict() for m in misses]
                    seg.flags = seg.flags + [quality.GLOSSARY_MISS]
