"""Sentence segmentation under a token limit. Nothing is ever truncated.

Sentences are cut from the raw paragraph, so every segment is an exact slice of the source
text and the segments, in order, hold every non-space character of the paragraph exactly once.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from ..inputs.sources import display_name
from ..vocabulary import Origin
from .clean import clean_for_model, count_removed

if TYPE_CHECKING:
    from ..config import JobConfig
    from ..inputs.reader import Article

log = logging.getLogger(__name__)

# A sentence ends after terminal punctuation (and any closing quotes/brackets) followed by
# whitespace. Requiring the whitespace keeps numbers (3.5), URLs (www.a.com) and dotted
# abbreviations (U.S.A) in one piece. Linear on any input: a match starts only at the first
# mark of a run (the lookbehind) and never gives back what it took (possessive), so a run of
# marks not followed by whitespace is one failed attempt, not one per mark.
_END = re.compile(
    r"(?<![.!?؟؛…])[.!?؟؛…]++[\"'»”’)\]]*+(?=[\s\u2028\u2029\u0085])")
# A word before "." that is an abbreviation, not the end of a sentence.
_ABBREV = {
    "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "inc", "ltd", "co", "corp", "vs", "etc",
    "no", "vol", "fig", "gen", "col", "lt", "sgt", "capt", "gov", "sen", "rep", "jan", "feb",
    "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "e.g", "i.e", "u.s",
    "u.k", "u.n", "a.m", "p.m", "ph.d",
    # Arabic: doctor, engineer, professor, hijri/gregorian year marks, page, etc.
    "د", "م", "أ", "هـ", "ه", "ص", "ج", "ق", "ت", "ع", "إلخ", "الخ", "ق.م",
}
_CLAUSE = re.compile(r"[،,;:](?=\s)")

CountTokens = Callable[[list[str]], list[int]]

@dataclass
class Segment:
    """One sentence on its way through the model: ``ar`` as in the source, ``text`` cleaned for
    the model, its token count and output limit; then the translation and its flags."""

    doc: int
    para: int
    ar: str
    text: str
    tokens: int
    limit: int
    en: str = ""
    tgt_tokens: int = 0
    flags: list[str] = field(default_factory=list)
    score: float | None = None
    #: (model-text word, output word) pairs, when alignments are asked for.
    alignment: tuple[tuple[int, int], ...] | None = None
    #: Glossary terms (and do-not-translate spans) the English lacks: ``{term, expected}``.
    glossary_miss: list[dict[str, Any]] = field(default_factory=list)
    #: Renderings put in by decoding again: ``{term, rendering, how, why}`` each.
    terms: list[dict[str, str]] = field(default_factory=list)
    #: While terms are enforced: the decoded hypothesis with its n-best and alignment (a
    #: ``backends.base.Hypothesis``); never written.
    first: Any = None
    #: ``mt`` (decoded), ``copy`` (no Arabic letter: the source is its own translation) or
    #: ``memory`` (an exact match of the translation memory, whose entry is ``memory``).
    origin: Origin = Origin.MT
    memory: dict[str, Any] | None = None
    #: A close memory match (score >= 0.85), recorded for a person, never used as output.
    suggestion: dict[str, Any] | None = None


class TokenCounter(Protocol):
    """The translation model's tokenizer: all that segmenting needs."""

    @property
    def model_max_tokens(self) -> int: ...

    def count_tokens(self, texts: list[str]) -> list[int]: ...



def _is_abbreviation(text: str, dot: int) -> bool:
    """True if the '.' at ``dot`` closes an abbreviation such as ``Dr.`` or ``د.``."""
    start = dot
    while start > 0 and not text[start - 1].isspace() and text[start - 1] not in "(\"'«":
        start -= 1
    word = text[start:dot].lower()
    return word in _ABBREV or (len(word) == 1 and word.isalpha())


def split_sentences(text: str) -> list[str]:
    """Split a paragraph into sentences (stripped slices of ``text``)."""
    pieces: list[str] = []
    start = 0
    for match in _END.finditer(text):
        punct = match.group(0)
        if punct == "." and _is_abbreviation(text, match.start()):
            continue
        pieces.append(text[start:match.end()])
        start = match.end()
    pieces.append(text[start:])
    return [p.strip() for p in pieces if p.strip()]


def pack(units: list[str], counts: list[int], limit: int) -> list[str]:
    """Greedily join consecutive units (which keep their own spacing) under ``limit`` tokens."""
    out: list[str] = []
    current, total = "", 0
    for unit, n in zip(units, counts, strict=True):
        if current and total + n > limit:
            out.append(current)
            current, total = "", 0
        current += unit
        total += n
    if current:
        out.append(current)
    return out


def _split_keep(text: str, pattern: re.Pattern[str]) -> list[str]:
    """Split after each match, keeping every character."""
    parts, start = [], 0
    for match in pattern.finditer(text):
        parts.append(text[start:match.end()])
        start = match.end()
    parts.append(text[start:])
    return [p for p in parts if p]


def _split_chars(text: str, count: CountTokens, limit: int) -> list[str]:
    """Last resort for one huge 'word': halve until each piece fits."""
    if len(text) <= 1 or count([clean_for_model(text)])[0] <= limit:
        return [text]
    mid = len(text) // 2
    return _split_chars(text[:mid], count, limit) + _split_chars(text[mid:], count, limit)


def fit_to_limit(sentence: str, count: CountTokens, limit: int) -> list[str]:
    """Split a sentence whose model text exceeds ``limit`` tokens: at clause punctuation,
    then into windows of words, then (one giant word) into pieces of characters."""
    if count([clean_for_model(sentence)])[0] <= limit:
        return [sentence]
    # Token counts are measured on each piece alone; a small margin absorbs the special tokens
    # counted once per piece, and every packed piece is re-checked below.
    budget = max(1, limit - 2)
    for pattern in (_CLAUSE, re.compile(r"\s+")):
        units = _split_keep(sentence, pattern)
        if len(units) > 1:
            counts = count([clean_for_model(u) for u in units])
            result: list[str] = []
            for piece in pack(units, counts, budget):
                result.extend(fit_to_limit(piece, count, limit) if piece != sentence
                              else _split_chars(piece, count, limit))
            return [p.strip() for p in result if p.strip()]
    return [p.strip() for p in _split_chars(sentence, count, limit) if p.strip()]


def segment_paragraph(text: str, count: CountTokens, limit: int) -> list[str]:
    """Sentences of a paragraph, each no longer than ``limit`` model tokens."""
    out: list[str] = []
    for sentence in split_sentences(text):
        out.extend(fit_to_limit(sentence, count, limit))
    return out


def segment_article(doc: int, article: Article, tokenizer: TokenCounter,
                    config: JobConfig) -> list[Segment]:
    """Every sentence of an article as a :class:`Segment`, with its token count and output
    limit (``max_length_factor`` x source tokens + ``max_length_offset``, capped by the model).
    """
    cap = tokenizer.model_max_tokens
    limit = min(config.max_source_tokens, cap)
    out: list[Segment] = []
    for para, paragraph in enumerate(article.paragraphs):
        if removed := count_removed(paragraph.text):
            log.info("%s line %d: removed %d invisible character(s) for the model",
                     display_name(article.path), paragraph.line, removed)
        for sentence in segment_paragraph(paragraph.text, tokenizer.count_tokens, limit):
            text = clean_for_model(sentence)
            tokens = tokenizer.count_tokens([text])[0] if text else 0
            out_limit = min(cap, math.ceil(config.max_length_factor * tokens)
                            + config.max_length_offset)
            out.append(Segment(doc, para, sentence, text, tokens, out_limit))
    return out


def segment_articles(articles: list[Article], tokenizer: TokenCounter, config: JobConfig
                     ) -> tuple[list[Segment], dict[int, str]]:
    """The segment stage: every article's segments, and why an article could not be
    segmented (by its index): a tokenizer choking on odd text fails that article alone,
    while a model error concerns every article and is raised."""
    from ..errors import MtjobError

    segments: list[Segment] = []
    errors: dict[int, str] = {}
    for doc, article in enumerate(articles):
        try:
            segments += segment_article(doc, article, tokenizer, config)
        except MtjobError:
            raise
        except Exception as exc:
            log.debug("segmenting %s failed", display_name(article.path), exc_info=True)
            errors[doc] = f"cannot segment: {type(exc).__name__}: {exc}"
    return segments, errors
