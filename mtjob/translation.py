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
from typing import TYPE_CHECKING

from .backends.base import GenOptions, Hypothesis
from .engines.batching import plan_jobs
from .text import quality
from .text.alignment import uncovered_share
from .text.glossary import Entry, load_glossary, misses
from .text.langid import LANG

if TYPE_CHECKING:
    from .config import JobConfig
    from .engines.base import Engine, Progress
    from .text.segment import Segment

log = logging.getLogger(__name__)

RETRY_OPTIONS = {"no_repeat_ngram_size": 3, "repetition_penalty": 1.3}


def translate_segments(segments: list[Segment], engine: Engine, config: JobConfig,
                       progress: Progress | None = None,
                       seconds: dict[str, float] | None = None,
                       glossary: tuple[Entry, ...] | None = None) -> dict[int, str]:
    """Translate segments in place, retrying flagged ones once when the config says so, then
    check the glossary. Returns ``{doc index: error}`` for the articles a failed batch took
    down; adds the time spent to ``seconds["translate"]`` and ``seconds["retry"]``.
    ``glossary``: the entries the run loaded (else the file is read now)."""
    seconds = {} if seconds is None else seconds
    glossary = load_glossary(config.glossary) if glossary is None else glossary
    started = time.monotonic()  # the memory's look-ups count as translating
    copied = [s for s in segments if s.text and (LANG in s.flags
                                                 or not quality.has_arabic_letters(s.text))]
    for seg in copied:
        copy_source(seg, config.alignments)
    not_decoded = len(copied)
    if config.memory:  # before batching: what the memory knows is never decoded
        from .memory.lookup import apply_memory

        not_decoded += apply_memory(segments, config.memory)
    if progress is not None and not_decoded:
        progress(not_decoded)
    errors = _translate(segments, engine, config, progress, retry=False)
    seconds["translate"] = seconds.get("translate", 0.0) + time.monotonic() - started
    if config.retry_degenerate:
        suspect = [s for s in segments if quality.badness(s.flags) and s.doc not in errors]
        if suspect:
            log.info("retrying %d suspicious segment(s) with anti-repetition settings",
                     len(suspect))
            started = time.monotonic()
            for doc, message in _translate(suspect, engine, config, None, retry=True).items():
                # The first pass stands: a failed retry costs the retry, not the article.
                log.warning("retry failed for article %d of this group, first translations "
                            "kept: %s", doc, message)
            seconds["retry"] = seconds.get("retry", 0.0) + time.monotonic() - started
    for seg in segments:
        if glossary and seg.text and (missed := misses(glossary, seg.text, seg.en)):
            seg.glossary_miss = missed
            seg.flags = seg.flags + [quality.GLOSSARY_MISS]
    return errors


def copy_source(seg: Segment, alignments: bool) -> None:
    """The cleaned source as its own translation, each word aligned to itself."""
    kept = [LANG] if LANG in seg.flags else []  # another language: not for this model
    seg.en, seg.tgt_tokens, seg.flags, seg.score = seg.text, 0, [quality.COPIED, *kept], None
    seg.origin = "copy"
    if alignments:
        seg.alignment = tuple((i, i) for i in range(len(seg.text.split())))


def _translate(segments: list[Segment], engine: Engine, config: JobConfig,
               progress: Progress | None, retry: bool) -> dict[int, str]:
    work = [s for s in segments if s.text and s.origin == "mt"]
    extra = RETRY_OPTIONS if retry else {}
    batches, jobs = plan_jobs(
        [s.text for s in work], [s.tokens for s in work], [s.limit for s in work],
        config.token_budget,
        lambda limit: GenOptions(config.beams, limit, alignments=config.alignments,
                                 alignment_layer=config.alignment_layer, **extra),
        engine.planned_workers)
    log.info("%s %d segment(s) in %d batch(es) of up to %d padded tokens, beam %d",
             "retrying" if retry else "translating", len(work), len(jobs), config.token_budget,
             config.beams)
    errors: dict[int, str] = {}
    for batch, outcome in zip(batches, engine.translate_batches(jobs, progress)):
        members = [work[i] for i in batch.indices]
        error = outcome.error
        if error is None and len(outcome.hypotheses) != len(members):
            error = (f"the model returned {len(outcome.hypotheses)} translation(s) for "
                     f"{len(members)} segment(s)")
        if error is not None:
            for seg in members:
                errors.setdefault(seg.doc, error)
            continue
        for seg, hyp in zip(members, outcome.hypotheses):
            flags = judge(seg, hyp, config)
            # The retry wins only when strictly better: fewer or lighter flags, then score.
            if not retry or (quality.preference(flags, hyp.score)
                             < quality.preference(seg.flags, seg.score)):
                seg.en, seg.tgt_tokens, seg.flags = hyp.text, hyp.tokens, flags
                seg.score, seg.alignment = hyp.score, hyp.alignment
            if retry:
                seg.flags = seg.flags + [quality.RETRIED]
    return errors


def judge(seg: Segment, hyp: Hypothesis, config: JobConfig) -> list[str]:
    """The flags of one hypothesis for one segment."""
    uncovered = None if hyp.alignment is None else \
        uncovered_share(hyp.alignment, len(seg.text.split()))
    return quality.detect(seg.text, seg.tokens, hyp.text, hyp.tokens, seg.limit,
                          score=hyp.score, min_score=config.min_score, uncovered=uncovered,
                          max_uncovered=config.max_uncovered)
