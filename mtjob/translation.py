"""Translating segments: length-sorted batches across articles, quality and trust flags, and
one retry of the suspicious ones with anti-repetition settings.

A segment without an Arabic letter (an English quote, a URL, a number), or of a paragraph in
another language (flagged ``lang``), is not sent to the model: its cleaned text is its
translation, flagged ``copied`` (origin ``copy``). With ``--memory``, a segment the
translation memory knows exactly is not sent either (origin ``memory``, ``mtjob.memory.lookup``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .backends.base import GenOptions, Hypothesis
from .engines.batching import plan_jobs
from .text import quality
from .text.alignment import uncovered_share
from .text.langid import LANG
from .vocabulary import Origin

if TYPE_CHECKING:
    from .config import JobConfig
    from .engines.base import Engine, Progress
    from .engines.batching import BatchJob
    from .memory.reader import MemoryReader
    from .terms.session import TermSession
    from .text.segment import Segment

log = logging.getLogger(__name__)

#: The retry's anti-repetition settings (``GenOptions`` fields).
RETRY_OPTIONS: dict[str, Any] = {"no_repeat_ngram_size": 3, "repetition_penalty": 1.3}


def translate_segments(segments: list[Segment], engine: Engine, config: JobConfig,
                       progress: Progress | None = None,
                       seconds: dict[str, float] | None = None,
                       terms: TermSession | None = None,
                       memory: MemoryReader | None = None) -> dict[int, str]:
    """Translate segments in place, retrying flagged ones once when the config says so, then
    enforce and check the terms and unify the names (:mod:`mtjob.terms`). Returns ``{doc
    index: error}`` for the articles a failed batch took down; adds the time spent to
    ``seconds["translate"]``, ``seconds["retry"]`` and ``seconds["terms"]``. ``terms``: the
    run's (else one is made from the config, its glossary read now); ``memory``: the
    ``--memory`` the run opened (else it is opened now, for this call)."""
    seconds = {} if seconds is None else seconds
    if terms is None:
        from .terms.glossary import load_glossary
        from .terms.session import TermSession

        terms = TermSession.for_run(config, load_glossary(config.glossary))
    started = time.monotonic()  # the memory's look-ups count as translating
    copied = [s for s in segments if s.text and (LANG in s.flags
                                                 or not quality.has_arabic_letters(s.text))]
    for seg in copied:
        copy_source(seg, config.alignments)
    if config.memory:  # before batching: what the memory knows is never decoded
        from .memory.lookup import apply_memory
        from .memory.reader import MemoryReader

        opened = memory if memory is not None else MemoryReader(config.memory)
        try:
            apply_memory(segments, opened)
        finally:
            if opened is not memory:
                opened.close()
    if progress is not None:  # what is copied or remembered takes no decoding: not counted
        progress.begin("translating",
                       sum(1 for s in segments if s.text and s.origin == Origin.MT), "sentences")
    aligned = config.alignments or (terms is not None and terms.needs_alignment)
    # The sentences whose source holds a required term keep their n-best and alignment: a
    # missing rendering is then looked for there, and forced at the aligned word, without
    # decoding them again first.
    keen = {id(s) for s in segments if s.text and terms is not None and terms.requires(s.text)}
    errors = _translate(segments, engine, config, progress, retry=False, aligned=aligned,
                        keen=keen)
    seconds["translate"] = seconds.get("translate", 0.0) + time.monotonic() - started
    if config.retry_degenerate:
        suspect = [s for s in segments if quality.badness(s.flags) and s.doc not in errors]
        if suspect:
            log.info("retrying %d suspicious segment(s) with anti-repetition settings",
                     len(suspect))
            started = time.monotonic()
            for doc, message in _translate(suspect, engine, config, None, retry=True,
                                           aligned=aligned, keen=keen).items():
                # The first pass stands: a failed retry costs the retry, not the article.
                log.warning("retry failed for article %d of this group, first translations "
                            "kept: %s", doc, message)
            seconds["retry"] = seconds.get("retry", 0.0) + time.monotonic() - started
    if terms is not None:
        started = time.monotonic()
        terms.apply(segments, engine, config, errors,
                    lambda seg, hyp: judge(seg, hyp, config), RETRY_OPTIONS)
        seconds["terms"] = seconds.get("terms", 0.0) + time.monotonic() - started
    for seg in segments:
        seg.first = None
        if not config.alignments:  # asked for by the terms and names alone: not written
            seg.alignment = None
    return errors


def copy_source(seg: Segment, alignments: bool) -> None:
    """The cleaned source as its own translation, each word aligned to itself."""
    kept = [LANG] if LANG in seg.flags else []  # another language: not for this model
    seg.en, seg.tgt_tokens, seg.flags, seg.score = seg.text, 0, [quality.COPIED, *kept], None
    seg.origin = Origin.COPY
    if alignments:
        seg.alignment = tuple((i, i) for i in range(len(seg.text.split())))


def _options(config: JobConfig, retry: bool, aligned: bool,
             hypotheses: int) -> Callable[[int], GenOptions]:
    extra: dict[str, Any] = dict(RETRY_OPTIONS) if retry else {}
    return lambda limit: GenOptions(config.beams, limit, alignments=aligned,
                                    alignment_layer=config.alignment_layer,
                                    hypotheses=hypotheses, **extra)


def _translate(segments: list[Segment], engine: Engine, config: JobConfig,
               progress: Progress | None, retry: bool, aligned: bool,
               keen: set[int] | None = None) -> dict[int, str]:
    """Decode the segments (``keen`` ones, by id, with their n-best and alignment kept)."""
    work = [s for s in segments if s.text and s.origin == Origin.MT]
    keen = keen or set()
    groups = [([s for s in work if id(s) not in keen], _options(config, retry, aligned, 1)),
              ([s for s in work if id(s) in keen], _options(config, retry, True, config.beams))]
    batches: list[list[Segment]] = []
    jobs: list[BatchJob] = []
    for group, options in groups:
        planned, group_jobs = plan_jobs([s.text for s in group], [s.tokens for s in group],
                                        [s.limit for s in group], config.token_budget, options,
                                        workers=engine.planned_workers)
        batches += [[group[i] for i in batch.indices] for batch in planned]
        jobs += group_jobs
    log.info("%s %d segment(s) in %d batch(es) of up to %d padded tokens, beam %d",
             "retrying" if retry else "translating", len(work), len(jobs), config.token_budget,
             config.beams)
    errors: dict[int, str] = {}
    for members, outcome in zip(batches, engine.translate_batches(jobs, progress), strict=True):
        error = outcome.error
        if error is None and len(outcome.hypotheses) != len(members):
            error = (f"the model returned {len(outcome.hypotheses)} translation(s) for "
                     f"{len(members)} segment(s)")
        if error is not None:
            for seg in members:
                errors.setdefault(seg.doc, error)
            continue
        for seg, hyp in zip(members, outcome.hypotheses, strict=True):
            flags = judge(seg, hyp, config)
            # The retry wins only when strictly better: fewer or lighter flags, then score.
            if not retry or (quality.preference(flags, hyp.score)
                             < quality.preference(seg.flags, seg.score)):
                seg.en, seg.tgt_tokens, seg.flags = hyp.text, hyp.tokens, flags
                seg.score, seg.alignment = hyp.score, hyp.alignment
                seg.first = hyp if id(seg) in keen else None
            if retry:
                seg.flags = seg.flags + [quality.RETRIED]
    return errors


def judge(seg: Segment, hyp: Hypothesis, config: JobConfig) -> list[str]:
    """The flags of one hypothesis for one segment (``source_uncovered`` only when the
    alignments were asked for: the names' alignments alone flag nothing)."""
    uncovered = None if hyp.alignment is None or not config.alignments else \
        uncovered_share(hyp.alignment, len(seg.text.split()))
    return quality.detect(seg.text, seg.tokens, hyp.text, hyp.tokens, seg.limit,
                          score=hyp.score, min_score=config.min_score, uncovered=uncovered,
                          max_uncovered=config.max_uncovered)
