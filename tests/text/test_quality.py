"""Silent-failure checks: loops, odd lengths, lost numbers."""

from __future__ import annotations

import pytest

from mtjob.text.quality import (
    LENGTH_LIMIT,
    LENGTH_RATIO,
    NUMBERS,
    REPETITION,
    badness,
    detect,
    has_loop,
    numbers_in,
)


@pytest.mark.parametrize("text", [
    "no, no, no, no",
    "He said no, no, no, no, no.",
    "Syria Syria Syria Syria Syria",
    "the war the war the war",                                # bigram x3
    "and the talks and the talks and the talks continued",     # trigram x3
    "We will we will we will rock",
    "a b c d e f a b c d e f a b c d e f",                    # 6-gram x3
    "NO no No no",                                            # case-insensitive
])
def test_has_loop_positive(text: str) -> None:
    assert has_loop(text)


@pytest.mark.parametrize("text", [
    "no, no",
    "No, no, I said no.",
    "The foreign ministers discussed the ceasefire in Syria on Monday.",
    "Kerry said that work is under way to resume the talks in Geneva.",
    "the war the war",                     # bigram only twice
    "very very very good",                 # a word three times
    "",
    "1, 2, 3, 4, 5",
])
def test_has_loop_negative(text: str) -> None:
    assert not has_loop(text)


def test_has_loop_thresholds_are_parameters() -> None:
    assert not has_loop("no no no")
    assert has_loop("no no no", min_repeats=3)
    assert not has_loop("a b c d e f g a b c d e f g a b c d e f g", max_ngram=6)
    assert has_loop("a b c d e f g a b c d e f g a b c d e f g", max_ngram=7)


@pytest.mark.parametrize("text, expected", [
    ("عام ٢٠١٦", {"2016"}),
    ("عام ۲۰۱۶", {"2016"}),                       # Persian digits
    ("in 2016.", {"2016"}),
    ("1,000 و ١٬٠٠٠ و 1000", {"1000"}),           # thousands separators dropped
    ("3.5 و ٣٫٥", {"35"}),                        # decimal separators unified
    ("من 3 إلى ٤٠ يوما", {"3", "40"}),
    ("لا أرقام هنا", set()),
    ("at 10:30, on 3/5", {"10", "30", "3", "5"}),
])
def test_numbers_in(text: str, expected: set[str]) -> None:
    assert numbers_in(text) == expected


@pytest.mark.parametrize("source, output", [
    ("في عام ٢٠١٦ قتل ١٬٢٠٠ شخص", "In 2016, 1,200 people were killed"),
    ("بنسبة ٣٫٥ بالمئة", "by 3.5 percent"),
    ("في 2016", "in 2016"),
])
def test_numbers_match_across_scripts(source: str, output: str) -> None:
    assert NUMBERS not in detect(source, 6, output, 7, 100)


@pytest.mark.parametrize("source, src_tokens, output, tgt_tokens, limit, expected", [
    ("قال الوزير إن المحادثات ستستأنف", 10, "The minister said the talks would resume", 10,
     40, []),
    ("قال الوزير", 10, " ".join(f"w{i}" for i in range(40)), 40, 40, [LENGTH_LIMIT, LENGTH_RATIO]),
    ("قال الوزير إن المحادثات ستستأنف", 20, "He said.", 3, 40, [LENGTH_RATIO]),
    ("قال الوزير إن المحادثات ستستأنف", 10, "He said.", 2, 40, [LENGTH_RATIO]),
    ("قال", 4, "He said so and so and more and more words", 11, 40, []),  # short source
    ("قال", 10, "no, no, no, no, no", 12, 40, [REPETITION]),
    ("في عام ٢٠١٦", 10, "In 2015", 10, 40, [NUMBERS]),
    ("في عام ٢٠١٦ و3", 10, "In 2016", 10, 40, [NUMBERS]),
    ("in 2016", 10, "In 2016 and 2017", 10, 40, []),  # extra numbers in output are fine
    ("في", 10, "the war the war the war", 41, 41, [LENGTH_LIMIT, LENGTH_RATIO, REPETITION]),
])
def test_detect(source: str, src_tokens: int, output: str, tgt_tokens: int, limit: int,
                expected: list[str]) -> None:
    assert detect(source, src_tokens, output, tgt_tokens, limit) == expected


@pytest.mark.parametrize("ratio_tokens, flagged", [
    ((10, 3), False), ((10, 2), True), ((10, 30), False), ((10, 31), True),
    ((8, 1), True), ((7, 1), False),
])
def test_ratio_boundaries(ratio_tokens: tuple[int, int], flagged: bool) -> None:
    src, tgt = ratio_tokens
    assert (LENGTH_RATIO in detect("س", src, "x", tgt, 1000)) is flagged


def test_badness_ordering() -> None:
    assert badness([]) == 0
    assert badness([REPETITION]) > badness([LENGTH_LIMIT]) > badness([LENGTH_RATIO]) \
        > badness([NUMBERS]) > badness([])
    assert badness([LENGTH_RATIO, NUMBERS]) > badness([LENGTH_RATIO])
    assert badness([REPETITION, NUMBERS]) > badness([LENGTH_LIMIT, NUMBERS])
    assert badness(["retried", "empty_source"]) == 0
