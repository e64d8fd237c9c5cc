"""Detecting translations that are wrong without any error: loops, odd lengths, lost numbers.

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

#: Target/source token ratio outside this range is suspicious (source of >= 8 tokens).
RATIO_RANGE = (0.3, 3.0)
RATIO_MIN_SOURCE = 8


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


def detect(source: str, src_tokens: int, output: str, tgt_tokens: int,
           limit: int) -> list[str]:
    """Flags for one translated segment (empty list: nothing suspicious)."""
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
    return flags


def badness(flags: list[str]) -> int:
    """How bad a set of flags is; the retry keeps the output with the lower score."""
    weights = {EMPTY_OUTPUT: 5, REPETITION: 4, LENGTH_LIMIT: 3, LENGTH_RATIO: 2, NUMBERS: 1}
    return sum(weights.get(flag, 0) for flag in flags)
