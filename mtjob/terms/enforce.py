"""Required renderings put into the English at decode time, on a pretrained model as it is.

Neither backend offers positive constraints (CTranslate2 #739 and marian-dev #931 are open;
transformers 5 removed ``force_words_ids``), and grid or dynamic-beam-allocation search
(Hokamp & Liu 2017, Post & Vilar 2018, Hu et al. 2019) lives inside the beam loop, which
CTranslate2 does not expose. What both do expose is a forced target prefix. So a sentence
whose English lacks a required rendering goes through, at most:

1. ``nbest``: the best-scored hypothesis of its n-best (n = beams) that holds every
   rendering wins (free where the model knew it: "Carey" top, "Kerry" second). A sentence
   whose source holds a term was decoded keeping its n-best and alignment (``translation``),
   so this costs no decoding; another (a name to unify) goes on with its alignment.
2. ``prefix``: the best hypothesis up to the output word aligned to the term (cross-attention
   alignment; where none is, the term's source position scaled to the output) plus the
   rendering, for each of its first two renderings, as target prefixes; the model decodes
   the rest; the best candidate by the model's score of the whole output wins. One term a
   round, the earlier forced ones kept in the prefix, until every rendering is in.
3. ``replace``: a rendering no prefix brings through (a character outside the model's
   vocabulary) is written over the aligned output words; such a text has no model score.

Placeholders (mask the term, translate, put it back) are not used: models move, drop or
translate the mask (modernmt #362, LibreTranslate #944).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from ..backends.base import GenOptions, Hypothesis
from ..engines.batching import plan_jobs
from ..text import quality
from ..vocabulary import Forced
from .required import Requirement

if TYPE_CHECKING:
    from ..config import JobConfig
    from ..engines.base import Engine
    from ..text.segment import Segment

log = logging.getLogger(__name__)

#: Prefix rounds per sentence (one required rendering forced a round).
MAX_ROUNDS = 6
#: Renderings of a term tried as prefixes (the glossary's first ones).
RENDERINGS_TRIED = 2

Judge = Callable[["Segment", Hypothesis], list[str]]


@dataclass
class _Work:
    """One sentence being forced: its requirements, its current best hypothesis, the output
    words a forced prefix has fixed, and what was forced."""

    seg: Segment
    wanted: list[Requirement]
    base: Hypothesis | None = None
    fixed: int = 0
    done: list[dict[str, str]] = field(default_factory=list)
    stuck: set[int] = field(default_factory=set)

    def unmet(self) -> list[Requirement]:
        text = self.base.text if self.base else self.seg.en
        return [r for r in self.wanted if r.met_by(text) is None]


def force_terms(needs: list[tuple[Segment, list[Requirement]]], engine: Engine,
                config: JobConfig, judge: Judge, retry: dict[str, Any] | None = None) -> int:
    """Decode again each segment whose English lacks one of its requirements, until it holds
    them all (module docstring). Updates the segments (text, score, flags, alignment, and
    ``terms``: what was forced and how); returns how many segments changed. ``retry``: the
    decoding settings of a retried segment (flagged ``retried``)."""
    work = [_Work(seg, reqs) for seg, reqs in needs if seg.text]
    work = [w for w in work if w.unmet()]
    if not work:
        return 0
    log.info("terms: %d sentence(s) lack a required rendering: decoding them again", len(work))
    decode = _Decoder(engine, config, retry or {})
    _nbest(work, decode)
    for _ in range(MAX_ROUNDS):
        pending = [w for w in work if w.base is not None and _next(w) is not None]
        if not pending:
            break
        _prefix_round(pending, decode)
    for w in work:
        if w.base is not None and (w.unmet() or w.stuck):
            _replace(w)
    changed = 0
    for w in work:
        if w.done and w.base is not None:
            _apply(w.seg, w.base, w.done, judge)
            changed += 1
    return changed


@dataclass(frozen=True)
class _Decoder:
    engine: Engine
    config: JobConfig
    retry: dict[str, Any]

    def options(self, retried: bool, hypotheses: int) -> Callable[[int], GenOptions]:
        extra = self.retry if retried else {}
        return lambda limit: GenOptions(self.config.beams, limit, alignments=True,
                                        alignment_layer=self.config.alignment_layer,
                                        hypotheses=hypotheses, **extra)

    def __call__(self, rows: list[tuple[_Work, str]],
                 hypotheses: int = 1) -> list[Hypothesis | None]:
        """Each ``(work, prefix)`` decoded (a segment retried with anti-repetition settings
        is decoded with them again); ``None`` where its batch failed."""
        out: list[Hypothesis | None] = [None] * len(rows)
        for retried in (False, True):
            chosen = [i for i, (w, _) in enumerate(rows)
                      if (quality.RETRIED in w.seg.flags) == retried]
            if not chosen:
                continue
            segs = [rows[i][0].seg for i in chosen]
            prefixes = [rows[i][1] for i in chosen]
            batches, jobs = plan_jobs([s.text for s in segs], [s.tokens for s in segs],
                                      [s.limit for s in segs], self.config.token_budget,
                                      self.options(retried, hypotheses),
                                      prefixes if any(prefixes) else None,
                                      self.engine.planned_workers)
            for batch, outcome in zip(batches, self.engine.translate_batches(jobs), strict=True):
                if outcome.error is not None or len(outcome.hypotheses) != len(batch.indices):
                    log.warning("terms: a batch of %d forced decoding(s) failed, the first "
                                "translations kept: %s", len(batch.indices), outcome.error)
                    continue
                for index, hyp in zip(batch.indices, outcome.hypotheses, strict=True):
                    out[chosen[index]] = hyp
        return out


def _nbest(work: list[_Work], decode: _Decoder) -> None:
    """The best hypothesis of each sentence's n-best that holds every rendering (the n-best
    of its first decoding, kept for it; else decoded now), else its best as the base of the
    prefix rounds. A sentence decoded with its alignment alone goes to those rounds as is."""
    beams = decode.config.beams
    kept = {id(w): _kept(w.seg) for w in work}
    again = [w for w in work if kept[id(w)] is None]
    found = dict(zip(map(id, again), decode([(w, "") for w in again], hypotheses=beams),
                     strict=True))
    for w in work:
        hyp = kept[id(w)] or found[id(w)]
        if hyp is None:
            continue
        fits = [h for h in (hyp, *hyp.alternatives)
                if all(r.met_by(h.text) is not None for r in w.wanted)]
        if fits and hyp.alternatives:
            best = max(fits, key=lambda h: h.score if h.score is not None else float("-inf"))
            w.done += [r.record(r.met_by(best.text) or "", Forced.NBEST) for r in w.unmet()]
            w.base = replace(best, alternatives=())
        else:
            w.base = replace(hyp, alternatives=())


def _kept(seg: Segment) -> Hypothesis | None:
    """What the first decoding left of a sentence: its n-best, or its alignment."""
    if seg.first is not None and seg.first.text == seg.en:
        return seg.first  # type: ignore[no-any-return]
    if seg.alignment is not None:
        return Hypothesis(seg.en, seg.tgt_tokens, seg.score, seg.alignment)
    return None


def _next(w: _Work) -> Requirement | None:
    """The unmet requirement forced next: the earliest in the output, none it failed on."""
    unmet = [r for r in w.unmet() if id(r) not in w.stuck]
    if not unmet or w.base is None:
        return None
    base = w.base
    return min(unmet, key=lambda r: _positions(r, base, w)[0])


def _positions(req: Requirement, hyp: Hypothesis, w: _Work) -> list[int]:
    """Output words before which ``req``'s rendering may go: the first word aligned to its
    source span, and its source position scaled to the output; none before ``w.fixed``."""
    out_words = len(hyp.text.split())
    linked = sorted(t for s, t in hyp.alignment or () if req.match.start <= s < req.match.end)
    scaled = round(req.match.start * out_words / max(1, len(w.seg.text.split())))
    found = linked[:1] or [scaled]  # one candidate position: each costs a decoding
    return [min(max(p, w.fixed), out_words) for p in found]


def _prefix_round(pending: list[_Work], decode: _Decoder) -> None:
    rows: list[tuple[_Work, str]] = []
    plans: list[tuple[_Work, Requirement, str, int]] = []
    for w in pending:
        req = _next(w)
        assert req is not None and w.base is not None
        words = w.base.text.split()
        for position in _positions(req, w.base, w):
            for rendering in req.renderings[:RENDERINGS_TRIED]:
                rows.append((w, " ".join([*words[:position], rendering])))
                plans.append((w, req, rendering, position))
    found = decode(rows)
    best: dict[int, tuple[tuple[int, float], Hypothesis, Requirement, str, int]] = {}
    for (w, req, rendering, position), hyp in zip(plans, found, strict=True):
        if hyp is None or req.met_by(hyp.text) is None:
            continue
        met = sum(r.met_by(hyp.text) is not None for r in w.wanted)
        key = (met, hyp.score if hyp.score is not None else float("-inf"))
        if id(w) not in best or key > best[id(w)][0]:
            best[id(w)] = (key, hyp, req, rendering, position)
    for w in pending:
        if id(w) not in best:  # no prefix brought it through: written in by _replace
            req = _next(w)
            if req is not None:
                w.stuck.add(id(req))
            continue
        _, hyp, req, rendering, position = best[id(w)]
        w.done.append(req.record(req.met_by(hyp.text) or rendering, Forced.PREFIX))
        w.base = replace(hyp, alternatives=())
        w.fixed = position + len(rendering.split())


def _replace(w: _Work) -> None:
    """Write each rendering still missing over the output words aligned to its term."""
    assert w.base is not None
    hyp = w.base
    for req in w.unmet():
        words = hyp.text.split()
        rendering = req.renderings[0]
        linked = sorted(t for s, t in hyp.alignment or ()
                        if req.match.start <= s < req.match.end and t >= w.fixed)
        if linked:
            start, end = linked[0], min(linked[-1] + 1, linked[0] + req.match.end
                                        - req.match.start + 2)
        else:
            start = end = min(max(_positions(req, hyp, w)[-1], w.fixed), len(words))
        words[start:end] = [rendering]
        alignment = None
        if hyp.alignment is not None:
            shift = 1 - (end - start)
            alignment = tuple(sorted(
                {(s, t if t < start else t + shift) for s, t in hyp.alignment
                 if not start <= t < end} | {(s, start) for s in range(req.match.start,
                                                                       req.match.end)}))
        hyp = Hypothesis(" ".join(words), hyp.tokens, None, alignment)
        w.fixed = start + len(rendering.split())
        w.done.append(req.record(rendering, Forced.REPLACE))
    w.base = hyp


def _apply(seg: Segment, hyp: Hypothesis, done: list[dict[str, str]], judge: Judge) -> None:
    retried = quality.RETRIED in seg.flags
    seg.en, seg.tgt_tokens, seg.score, seg.alignment = hyp.text, hyp.tokens, hyp.score, \
        hyp.alignment
    seg.flags = judge(seg, hyp) + ([quality.RETRIED] if retried else [])
    seg.terms = seg.terms + done
    seg.first = None
