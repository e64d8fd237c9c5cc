"""Sentence segmentation: Arabic punctuation, guarded cases, token limit, nothing lost."""

from __future__ import annotations

import random

import pytest

from mtjob.text.clean import clean_for_model
from mtjob.text.segment import fit_to_limit, segment_paragraph, split_sentences


def words_counter(texts: list[str]) -> list[int]:
    """Fake tokenizer: one token per word plus </s>."""
    return [len(t.split()) + 1 for t in texts]


def chars_counter(texts: list[str]) -> list[int]:
    """Fake subword tokenizer: about three characters per token, so one huge word is long."""
    return [len(t) // 3 + 1 for t in texts]


def squash(text: str) -> str:
    return "".join(text.split())


def assert_exact_cover(text: str, segments: list[str]) -> None:
    """Every segment is a slice of ``text``, in order, and together they hold every non-space
    character exactly once."""
    assert squash("".join(segments)) == squash(text)
    cursor = 0
    for segment in segments:
        assert segment and segment == segment.strip()
        found = text.find(segment, cursor)
        assert found >= 0, segment
        assert not text[cursor:found].strip()  # only whitespace skipped between segments
        cursor = found + len(segment)
    assert not text[cursor:].strip()


# --- sentence splitting -------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("ذهب الولد. عاد البنت", ["ذهب الولد.", "عاد البنت"]),
    ("هل أتيت؟ نعم أتيت", ["هل أتيت؟", "نعم أتيت"]),
    ("لماذا? لا أعرف", ["لماذا?", "لا أعرف"]),
    ("يا له من يوم! حقا", ["يا له من يوم!", "حقا"]),
    ("قالوا كذا؛ ثم رحلوا", ["قالوا كذا؛", "ثم رحلوا"]),
    ("وانتظر… ثم عاد", ["وانتظر…", "ثم عاد"]),
    ("وانتظر... ثم عاد؟! نعم", ["وانتظر...", "ثم عاد؟!", "نعم"]),
    ("سطر أول.\nسطر ثان.\u2028سطر ثالث", ["سطر أول.", "سطر ثان.", "سطر ثالث"]),
    ("جملة واحدة بلا علامة", ["جملة واحدة بلا علامة"]),
    ("  جملة تنتهي بنقطة.  ", ["جملة تنتهي بنقطة."]),
])
def test_split_on_terminal_punctuation(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


@pytest.mark.parametrize("text", [
    "بلغ النمو 3.5 في المئة هذا العام",
    "بلغت القيمة 1,000.25 دولار أمس",
    "ارتفع إلى ٣٫٥ بالمئة و١٬٠٠٠ دينار",
    "زوروا https://www.example.com/a.b?x=1 للمزيد",
    "راسلوا info.desk@example.co.uk اليوم",
    "قال د. محمد إن الوضع مستقر",
    "التقى Dr. Smith بالوفد",
    "وصل وفد U.S. إلى جنيف",
    "كتب J. K. Rowling الرواية",
    "التقى أ. د. أحمد بالطلاب",
    "ولد عام 1950 م. في دمشق",
    "see e.g. the report",
])
def test_no_split_inside_guarded_tokens(text: str) -> None:
    assert split_sentences(text) == [text]


@pytest.mark.parametrize("text, expected", [
    ('قال: "انتهى الأمر." ثم غادر', ['قال: "انتهى الأمر."', "ثم غادر"]),
    ("وصف ذلك بـ«الخطوة المهمة.» وأضاف", ["وصف ذلك بـ«الخطوة المهمة.»", "وأضاف"]),
    ("(هذا مثال.) وذاك", ["(هذا مثال.)", "وذاك"]),
    ("هل قال “نعم؟” ربما", ["هل قال “نعم؟”", "ربما"]),
])
def test_closing_quotes_stay_with_sentence(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_sentence_ending_with_number_splits() -> None:
    assert split_sentences("وقع ذلك في عام 2016. وقال الوزير") == ["وقع ذلك في عام 2016.",
                                                                   "وقال الوزير"]


_ALPHABET = (list("ابتثجحخدذرزسشصضطظعغفقكلمنهوي") + list("abcXYZ") + list("0123456789٠١٢٣")
             + list(".!?؟؛…،,;:\"'»«”’)(]&-/@") + [" "] * 8
             + ["\n", "\t", "\u2028", "\u2029", "\u0085", "\u00a0", "\u200f", "\u0640", "\ufefb"]
             + ["د.", "Dr.", "U.S.", "3.5", "https://a.b/c.d", " . ", "...", "?! "])


def _random_text(rng: random.Random) -> str:
    return "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, 120)))


# Seeds in chunks: one test item per chunk keeps the run fast; failures name the seed.
CHUNKS = [range(start, start + 50) for start in range(0, 400, 50)]


@pytest.mark.parametrize("seeds", CHUNKS, ids=lambda r: f"seeds{r.start}-{r.stop - 1}")
def test_property_split_sentences_keeps_everything(seeds: range) -> None:
    for seed in seeds:
        text = _random_text(random.Random(seed))
        try:
            assert_exact_cover(text, split_sentences(text))
        except AssertionError as exc:
            raise AssertionError(f"seed {seed}: {text!r}") from exc


@pytest.mark.parametrize("seeds", CHUNKS, ids=lambda r: f"seeds{r.start}-{r.stop - 1}")
def test_property_segment_paragraph_keeps_everything_under_limit(seeds: range) -> None:
    for seed in seeds:
        rng = random.Random(10_000 + seed)
        text = _random_text(rng)
        limit = rng.randint(3, 12)
        counter = rng.choice([words_counter, chars_counter])
        segments = segment_paragraph(text, counter, limit)
        try:
            assert_exact_cover(text, segments)
            for segment in segments:
                assert counter([clean_for_model(segment)])[0] <= limit, segment
        except AssertionError as exc:
            raise AssertionError(f"seed {seed}, limit {limit}, {counter.__name__}: "
                                 f"{text!r} -> {segments!r}") from exc


# --- token limit guard --------------------------------------------------------------------

def _fits(segments: list[str], counter, limit: int) -> bool:
    return all(counter([clean_for_model(s)])[0] <= limit for s in segments)


def test_short_sentence_untouched() -> None:
    sentence = "قال الوزير إن المحادثات ستستأنف غدا."
    assert fit_to_limit(sentence, words_counter, 20) == [sentence]


def test_long_paragraph_without_punctuation() -> None:
    rng = random.Random(7)
    words = ["سوريا", "موسكو", "الوزير", "وقف", "إطلاق", "النار", "جنيف", "المعارضة"]
    text = ""
    while len(text) < 5000:
        text += rng.choice(words) + " "
    text = text.strip()
    segments = segment_paragraph(text, words_counter, 50)
    assert len(segments) > 1
    assert _fits(segments, words_counter, 50)
    assert_exact_cover(text, segments)


@pytest.mark.parametrize("separator", [" ", ""])
def test_laughter_with_and_without_spaces(separator: str) -> None:
    text = separator.join(["ههههه"] * 1000)
    segments = segment_paragraph(text, chars_counter, 64)
    assert len(segments) > 1
    assert _fits(segments, chars_counter, 64)
    assert_exact_cover(text, segments)
    assert "".join(segments).count("ه") == 5000


def test_long_sentence_split_at_arabic_comma_first() -> None:
    clauses = ["قال الوزير إن المحادثات ستستأنف في جنيف قريبا",
               "وأضاف أن الطرفين اتفقا على تعزيز نظام وقف إطلاق النار",
               "مشيرا إلى أن المعارضة يجب أن تكون أكثر مسؤولية"]
    sentence = "، ".join(clauses) + "."
    segments = fit_to_limit(sentence, words_counter, 14)
    assert segments == [clauses[0] + "،", clauses[1] + "،", clauses[2] + "."]
    assert _fits(segments, words_counter, 14)


def test_clause_too_long_falls_back_to_words() -> None:
    sentence = "، ".join(["كلمة " * 30, "قصيرة"]).strip()
    segments = fit_to_limit(sentence, words_counter, 10)
    assert _fits(segments, words_counter, 10)
    assert_exact_cover(sentence, segments)
    assert all(len(s.split()) <= 9 for s in segments)  # cut at spaces, not inside words


@pytest.mark.parametrize("limit", [1, 2, 3, 5, 40])
def test_tiny_limits_still_keep_every_character(limit: int) -> None:
    text = "بلغت قيمة الصفقة 1,000.25 دولار، وقال د. محمد إن ذلك جيد. ثم انتهى الاجتماع؟"
    segments = segment_paragraph(text, words_counter, limit)
    assert_exact_cover(text, segments)
    if limit >= 2:  # a single word costs 2 tokens with this counter
        assert _fits(segments, words_counter, limit)


def test_sentence_ends_are_those_of_the_backtracking_pattern(monkeypatch):
    """The linear pattern splits exactly where the old one did, on random short texts."""
    import random
    import re

    from mtjob.text import segment

    old = re.compile(r"[.!?؟؛…]+[\"'»”’)\]]*(?=[\s\u2028\u2029\u0085])")
    rng = random.Random(24)
    texts = ["".join(rng.choice('ab .!?؟…"»)\n\u2028x') for _ in range(rng.randint(0, 30)))
             for _ in range(3000)]
    new = [segment.split_sentences(t) for t in texts]
    monkeypatch.setattr(segment, "_END", old)
    assert new == [segment.split_sentences(t) for t in texts]
