"""The Arabic matcher: clitics, attached pronouns, spelling variants and word boundaries."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from mtjob.terms.arabic import PREFIXES, fold
from mtjob.terms.glossary import parse
from mtjob.terms.index import TermIndex

GLOSSARY = ("كيري\tKerry\nمجلس الأمن\tSecurity Council|UNSC\nالأمم المتحدة\tUnited Nations\n"
            "مجلس الأمن الدولي\tUN Security Council\nلبنان\tLebanon\nحكومة\tgovernment\n"
            "مسؤول\tofficial\nمصر\tEgypt\n")


@pytest.fixture(scope="module")
def index() -> TermIndex:
    return TermIndex(parse(GLOSSARY.encode(), "g.tsv"))


def found(index: TermIndex, text: str) -> list[tuple[str, str]]:
    return [(m.term.term, m.source) for m in index.find(text)]


@pytest.mark.parametrize("text, term", [
    ("قال كيري إن", "كيري"),
    ("وكيري قال", "كيري"),  # and
    ("فكيري", "كيري"),  # so
    ("لكيري", "كيري"),  # for
    ("بكيري", "كيري"),  # with
    ("ولكيري", "كيري"),  # and for
    ("كَيْري", "كيري"),  # diacritics
    ("كيـــري", "كيري"),  # tatweel
    ("كيري،", "كيري"),  # punctuation glued
    ("(كيري)", "كيري"),
    ("في مجلس الأمن", "مجلس الأمن"),
    ("لمجلس الأمن", "مجلس الأمن"),
    ("ومجلس الأمن", "مجلس الأمن"),
    ("للأمم المتحدة", "الأمم المتحدة"),  # ل + ال written لل
    ("والأمم المتحدة", "الأمم المتحدة"),
    ("بالأمم المتحدة", "الأمم المتحدة"),
    ("الامم المتحده", "الأمم المتحدة"),  # hamza dropped, taa marbuta written haa
    ("بلبنان", "لبنان"),
    ("حكومتها", "حكومة"),  # taa marbuta before an attached pronoun
    ("وحكومتهم", "حكومة"),
    ("مسئول", "مسؤول"),  # hamza seat
])
def test_clitic_and_spelling_forms_are_matched(index, text, term):
    assert [t for t, _ in found(index, text)] == [term]


@pytest.mark.parametrize("text", [
    "كيريا",  # a longer word that merely contains the term
    "سكيري",
    "كيريون",
    "لبناني",  # Lebanese, not Lebanon: ي after a name is the nisba adjective
    "مصري",  # Egyptian
    "مصرية",
    "حكومي",
    "مجلس",  # half of a two-word term
    "الأمن مجلس",  # its words the other way round
])
def test_a_longer_word_or_a_part_is_not_matched(index, text):
    assert found(index, text) == []


def test_the_longest_term_wins_and_matches_do_not_overlap(index):
    assert found(index, "اجتمع مجلس الأمن الدولي ومجلس الأمن اليوم") == [
        ("مجلس الأمن الدولي", "مجلس الأمن الدولي"), ("مجلس الأمن", "ومجلس الأمن")]


def test_matches_index_the_words_of_the_text(index):
    [match] = index.find("قال الوزير كيري، أمس")
    assert (match.start, match.end) == (2, 3)
    assert "قال الوزير كيري، أمس".split()[match.start] == "كيري،"


ARABIC = st.text(alphabet="ابتثجحخدذرزسشصضطظعغفقكلمنهوي", min_size=3, max_size=8)


@settings(max_examples=200, deadline=None)
@given(term=ARABIC, prefix=st.sampled_from(("",) + PREFIXES))
def test_any_term_with_any_proclitic_is_found(term, prefix):
    index = TermIndex(parse(f"{term}\tX\n".encode(), "g.tsv"))
    assume(not index.find("قال اليوم"))  # the carrier words are no form of the term (يوم)
    assert [m.term.term for m in index.find(f"قال {prefix}{term} اليوم")] == [term]


@settings(max_examples=200, deadline=None)
@given(term=ARABIC, extra=st.sampled_from("قغظضصشسزذخجثتبا"))
def test_a_term_with_a_letter_more_is_not_found(term, extra):
    index = TermIndex(parse(f"{term}\tX\n".encode(), "g.tsv"))
    assume(not index.find("قال اليوم"))  # the carrier words are no form of the term (قال)
    assert index.find(f"قال {term}{extra} اليوم") == []


@given(st.text())
def test_folding_is_idempotent(text):
    assert fold(fold(text)) == fold(text)
