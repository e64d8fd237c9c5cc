"""Translating segments: length-sorted batches across articles, quality flags, and one retry
of the suspicious ones with anti-repetition settings."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from . import quality
from .backends.base import GenOptions
from .batching import plan_jobs

if TYPE_CHECKING:
    from .config import JobConfig
    from .engines.base import Engine, Progress
    from .records import Segment

log = logging.getLogger(__name__)

RETRY_OPTIONS = {"no_repeat_ngram_size": 3, "repetition_penalty": 1.3}


def translate_segments(segments: list[Segment], engine: Engine, config: JobConfig,
                       progress: Progress | None = None,
                       seconds: dict[str, float] | None = None) -> dict[int, str]:
    """Translate segments in place, retrying flagged ones once when the config says so.
    Returns ``{doc index: error}`` for the articles a failed batch took down; adds the time
    spent to ``seconds["translate"]`` and ``seconds["retry"]``."""
    seconds = {} if seconds is None else seconds
    started = time.monotonic()
    errors = _translate(segments, engine, config, progress, retry=False)
    seconds["translate"] = seconds.get("translate", 0.0) + time.monotonic() - started
    if config.retry_degenerate:
        suspect = [s for s in segments if s.flags and s.doc not in errors]
        if suspect:
            log.info("retrying %d suspicious segment(s) with anti-repetition settings",
                     len(suspect))
            started = time.monotonic()
            for doc, message in _translate(suspect, engine, config, None, retry=True).items():
                errors.setdefault(doc, message)
            seconds["retry"] = seconds.get("retry", 0.0) + time.monotonic() - started
    return errors


def _translate(segments: list[Segment], engine: Engine, config: JobConfig,
               progress: Progress | None, retry: bool) -> dict[int, str]:
    work = [s for s in segments if s.text]
    extra = RETRY_OPTIONS if retry else {}
    batches, jobs = plan_jobs([s.text for s in work], [s.tokens for s in work],
                              [s.limit for s in work], config.token_budget,
                              lambda limit: GenOptions(config.beams, limit, **extra))
    log.info("%s %d segment(s) in %d batch(es) of up to %d padded tokens, beam %d",
             "retrying" if retry else "translating", len(work), len(jobs), config.token_budget,
             config.beams)
    errors: dict[int, str] = {}
    for batch, outcome in zip(batches, engine.translate_batches(jobs, progress)):
        members = [work[i] for i in batch.indices]
        if outcome.error is not None:
            for seg in members:
                errors.setdefault(seg.doc, outcome.error)
            continue
        for seg, hyp in zip(members, outcome.hypotheses):
            flags = quality.detect(seg.text, seg.tokens, hyp.text, hyp.tokens, seg.limit)
            if not retry or quality.badness(flags) < quality.badness(seg.flags):
                seg.en, seg.tgt_tokens, seg.flags = hyp.text, hyp.tokens, flags
            if retry:
                seg.flags = seg.flags + [quality.RETRIED]
    return errors
