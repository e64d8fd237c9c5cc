"""English abstracts: one pass when the text fits the summarizer's window, otherwise chunks
summarized and then the summaries summarized (hierarchically). The input is never cut."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..text.langid import NOT_ARABIC as LANGUAGE_FLAG
from ..text.segment import fit_to_limit, pack

if TYPE_CHECKING:
    from ..backends.base import Call, Summarizer
    from .base import Engine, Progress, SummaryOutcome

log = logging.getLogger(__name__)

ABSTRACTIVE = "abstractive"
HIERARCHICAL = "hierarchical"
EXTRACTIVE = "extractive"  # text shorter than a summary: it is its own abstract
DISABLED = "none"
#: No abstract: the article is mostly not Arabic (``NOT_ARABIC``, the article flag's word): its
#: "English" is mostly the copied source, which the English summarizer turns into mojibake.
NOT_ARABIC = LANGUAGE_FLAG
MAX_LEVELS = 6


def _chunks(units: list[str], summarizer: Summarizer) -> list[str]:
    """Pack paragraphs (split further if one alone is too long) into window-sized chunks."""
    limit = summarizer.window()
    pieces: list[str] = []
    for unit in units:
        pieces.extend(p + "\n" for p in fit_to_limit(unit, summarizer.count_tokens, limit))
    budget = max(1, limit - 2)  # special tokens are counted once per chunk, not per piece
    counts = [n - 2 for n in summarizer.count_tokens(pieces)]
    return [c.strip() for c in pack(pieces, counts, budget)]


def one_pass_input(paragraphs: list[str], summarizer: Summarizer,
                   min_tokens: int) -> tuple[str, int] | None:
    """The text and token count of an article the summarizer takes in one pass (it fits the
    window and is longer than an abstract); ``None`` for the others."""
    text = "\n".join(p for p in paragraphs if p.strip())
    if not text:
        return None
    total = summarizer.count_tokens([text])[0]
    return (text, total) if min_tokens < total <= summarizer.window() else None


def make_abstract(paragraphs: list[str], summarizer: Summarizer, min_tokens: int,
                  call: Call | None = None,
                  summarize_chunks: Callable[[list[str]], list[str]] | None = None
                  ) -> tuple[str, str, int]:
    """The abstract of an English text given as paragraphs, the method used, and how many
    tokens the summarizer read (every level of a hierarchy counted). ``summarize_chunks``
    runs a level's chunks (independent of each other), side by side when the engine can; by
    default in one call."""
    text = "\n".join(p for p in paragraphs if p.strip())
    if not text:
        return "", EXTRACTIVE, 0
    total = summarizer.count_tokens([text])[0]
    if total <= min_tokens:
        return text, EXTRACTIVE, 0
    if total <= summarizer.window():
        return summarizer.summarize([text], call)[0].strip(), ABSTRACTIVE, total
    units = [p for p in paragraphs if p.strip()]
    read = 0
    run = summarize_chunks or (lambda texts: summarizer.summarize(texts, call))
    for level in range(1, MAX_LEVELS + 1):
        chunks = _chunks(units, summarizer)
        log.debug("summary level %d: %d chunks", level, len(chunks))
        read += sum(summarizer.count_tokens(chunks))
        units = [s.strip() for s in run(chunks)]
        joined = "\n".join(units)
        size = summarizer.count_tokens([joined])[0]
        if size <= summarizer.window():
            return (summarizer.summarize([joined], call)[0].strip(), HIERARCHICAL,
                    read + size)
    raise RuntimeError("the summaries did not shrink below the summarizer's window")


def summarize_articles(engine: Engine, documents: list[list[str] | None], summary: bool,
                       progress: Progress | None = None) -> list[SummaryOutcome]:
    """The summarize stage: each document's abstract (from its English paragraphs); none
    with ``summary`` off, nor for None (an article mostly not Arabic: method
    ``not_arabic``)."""
    from .base import SummaryOutcome

    if not summary:
        return [SummaryOutcome(None, DISABLED) for _ in documents]
    english = [d for d in documents if d is not None]
    if progress is not None:
        progress.begin("summarizing", len(english), "articles")
    outcomes = iter(engine.summarize(english, progress) if english else [])
    return [SummaryOutcome(None, NOT_ARABIC) if d is None else next(outcomes)
            for d in documents]
