"""One rendering per recurring name, across an article or a whole run.

A name that recurs (two sentences or more of the scope) gets one rendering: for a glossary
term the glossary rendering most used (ties: glossary order), else the English most used
(ties: the highest-scored sentence's). The sentences that render it otherwise are decoded
again with that rendering forced (:mod:`mtjob.terms.enforce`). In a run, the articles
already written keep what they say: a rendering chosen earlier in the run (``chosen``) is
the one later articles get.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..vocabulary import Origin, TermReason
from .index import TermIndex
from .names import (
    Occurrence,
    aligned_occurrences,
    capitalised_inside,
    glossary_occurrences,
    name_keys,
    same,
)
from .required import Requirement

if TYPE_CHECKING:
    from ..text.segment import Segment


def occurrences(segments: Sequence[Segment], index: TermIndex) -> list[Occurrence]:
    """Every name of ``segments`` (``Occurrence.sentence``: the position in ``segments``)."""
    known = capitalised_inside(s.en for s in segments)
    found: list[Occurrence] = []
    aligned: list[Occurrence] = []
    for at, seg in enumerate(segments):
        listed = glossary_occurrences(at, seg.text, seg.en, index)
        found += listed
        if seg.alignment is not None:
            aligned += aligned_occurrences(at, seg.text, seg.en, seg.alignment, known,
                                           [o.match for o in listed])
    return found + name_keys(aligned)


def choose(group: list[Occurrence], segments: Sequence[Segment]) -> str | None:
    """The rendering a recurring name gets (module docstring)."""
    used = [o for o in group if o.rendering]
    if not used:
        return None
    counts = Counter(o.rendering.casefold() for o in used if o.rendering)
    if group[0].glossary:
        order = [r.casefold() for r in group[0].match.term.renderings]
        best = max(counts, key=lambda r: (counts[r], -order.index(r) if r in order else 0))
    else:
        def top_score(r: str) -> float:
            return max((segments[o.sentence].score or float("-inf")) for o in used
                       if o.rendering and o.rendering.casefold() == r)
        best = max(counts, key=lambda r: (counts[r], top_score(r)))
    spellings = Counter(o.rendering for o in used if o.rendering and o.rendering.casefold() == best)
    return spellings.most_common(1)[0][0]


def disagreements(segments: Sequence[Segment], index: TermIndex,
                  chosen: dict[str, str] | None = None
                  ) -> list[tuple[Segment, list[Requirement]]]:
    """The decoded sentences of ``segments`` that render a recurring name otherwise than
    the rendering it gets, each with that rendering as a requirement. ``chosen``: the run's
    renderings so far (read, and filled with this scope's choices)."""
    groups: dict[str, list[Occurrence]] = {}
    for o in occurrences(segments, index):
        groups.setdefault(o.key, []).append(o)
    needs: dict[int, list[Requirement]] = {}
    for key, group in groups.items():
        earlier = chosen.get(key) if chosen is not None else None
        if earlier is None and len({o.sentence for o in group}) < 2:
            continue
        rendering = earlier or choose(group, segments)
        if rendering is None:
            continue
        if chosen is not None:
            chosen[key] = rendering
        for o in group:
            seg = segments[o.sentence]
            if same(o.rendering, rendering) or seg.origin != Origin.MT or o.rendering is None:
                continue
            needs.setdefault(o.sentence, []).append(
                Requirement(o.match, (rendering,), TermReason.CONSISTENCY, o.rendering))
    return [(segments[at], reqs) for at, reqs in sorted(needs.items())]
