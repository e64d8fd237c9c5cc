"""Detecting translations that are wrong without any error: loops, odd lengths, lost numbers,
Arabic left in the output, low model confidence, source words left unaligned.

MarianMT is known to loop ("no, no, no, ...") or hallucinate on odd or long input. Each check
is cheap and per segment; a flagged segment is retried once with anti-repetition settings.
"""

from __future__ import annotations

import re

# Eastern Arabic and Persian digits -> ASCII, so "٢٠١٦" in the source matches "2016".
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "0123456789" * 2)
# Separators: ASCII . and , plus the Arabic decimal (U+066B) and thousands (U+066C) marks.
_SEPARATORS = ".,\u066b\u066c"
_NUMBER = re.compile(rf"\d+(?:[{_SEPARATORS}]\d+)*")
_WORD = re.compile(r"\w+", re.UNICODE)

LENGTH_LIMIT = "length_limit"
LENGTH_RATIO = "length_ratio"
REPETITION = "repetition"
NUMBERS = "numbers_mismatch"
RETRIED = "retried"
EMPTY = "empty_source"
EMPTY_OUTPUT = "empty_translation"
LOW_CONFIDENCE = "low_confidence"
UNTRANSLATED = "untranslated"
COPIED = "copied"
SOURCE_UNCOVERED = "source_uncovered"
GLOSSARY_MISS = "glossary_miss"

#: Target/source token ratio outside this range is suspicious (source of >= 8 tokens).
RATIO_RANGE = (0.3, 3.0)
RATIO_MIN_SOURCE = 8
#: Coverage is judged on sentences of at least this many source words: in a shorter one, one
#: unaligned particle is already a large share.
UNCOVERED_MIN_WORDS = 4

# Arabic-script blocks: Arabic, Supplement, Extended-A, presentation forms A and B.
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")


def numbers_in(text: str) -> set[str]:
    """Numbers written in a text, digits unified and separators dropped (1,000 == 1000)."""
    found = set()
    for match in _NUMBER.finditer(text.translate(_DIGITS)):
        found.add(re.sub(rf"[{_SEPARATORS}]", "", match.group(0)))
    return found


def has_loop(text: str, min_repeats: int = 4, max_ngram: int = 6) -> bool:
    """True if some n-gram of words repeats back to back: ``min_repeats`` times for single
    words ("no, no, no, no"), one time fewer for longer n-grams ("the war the war the war")."""
    words = [w.lower() for w in _WORD.findall(text)]
    for n in range(1, max_ngram + 1):
        needed = min_repeats if n == 1 else max(2, min_repeats - 1)
        for i in range(len(words) - n * needed + 1):
            gram = words[i:i + n]
            if all(words[i + k * n:i + (k + 1) * n] == gram for k in range(1, needed)):
                return True
    return False


def has_arabic_letters(text: str) -> bool:
    """True if ``text`` holds an Arabic letter (digits, punctuation, marks and tatweel are
    not letters): a sentence without one is not sent to the model."""
    return any(char.isalpha() and char != "\u0640" for char in _ARABIC.findall(text))


def detect(source: str, src_tokens: int, output: str, tgt_tokens: int,
           limit: int, *, score: float | None = None, min_score: float | None = None,
           uncovered: float | None = None, max_uncovered: float | None = None) -> list[str]:
    """Flags for one translated segment (empty list: nothing suspicious). ``score`` is the
    mean log-prob per output token, ``uncovered`` the share of unaligned source words; each
    is judged only when it and its threshold are given."""
    flags = []
    if not output.strip():
        flags.append(EMPTY_OUTPUT)
    # transformers keeps the last slot for the forced end-of-sequence token, so an output cut
    # by the limit has limit - 1 tokens there (CTranslate2: limit).
    if tgt_tokens >= limit - 1:
        flags.append(LENGTH_LIMIT)
    if src_tokens >= RATIO_MIN_SOURCE:
        ratio = tgt_tokens / src_tokens
        if not RATIO_RANGE[0] <= ratio <= RATIO_RANGE[1]:
            flags.append(LENGTH_RATIO)
    if has_loop(output):
        flags.append(REPETITION)
    if numbers_in(source) - numbers_in(output):
        flags.append(NUMBERS)
    if has_arabic_letters(output):
        flags.append(UNTRANSLATED)
    if score is not None and min_score is not None and score < min_score:
        flags.append(LOW_CONFIDENCE)
    if (uncovered is not None and max_uncovered is not None and uncovered > max_uncovered
            and len(source.split()) >= UNCOVERED_MIN_WORDS):
        flags.append(SOURCE_UNCOVERED)
    return flags


def badness(flags: list[str]) -> int:
    """How bad a set of flags is; the retry keeps the output with the lower score."""
    return sum(WEIGHTS.get(flag, 0) for flag in flags)


#: How bad each flag is; a flag of weight 0 (copied, glossary_miss, retried) is never retried.
WEIGHTS = {EMPTY_OUTPUT: 5, REPETITION: 4, UNTRANSLATED: 4, LENGTH_LIMIT: 3, LENGTH_RATIO: 2,
           SOURCE_UNCOVERED: 2, NUMBERS: 1, LOW_CONFIDENCE: 1}


def preference(flags: list[str], score: float | None) -> tuple[int, float]:
    """Sort key of a hypothesis, lower is better: flag weight, then the model's score."""
    return badness(flags), -(score if score is not None else float("-inf"))
