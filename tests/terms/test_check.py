"""The English side: whole words, case-insensitive; a do-not-translate span byte for byte."""

from __future__ import annotations

import pytest

from mtjob.terms.check import TermMiss, check_terms, has_phrase
from mtjob.terms.glossary import parse
from mtjob.terms.index import TermIndex
from mtjob.terms.protect import protected_spans


@pytest.mark.parametrize("text, phrase, found", [
    ("the UN security council said", "Security Council", True),
    ("Kerry's visit", "Kerry", True),
    ("Kerryville", "Kerry", False),
    ("McKerry", "Kerry", False),
    ("see https://x.org/a.", "https://x.org/a", True),
    ("(F-16)", "F-16", True),
    ("", "Kerry", False),
])
def test_whole_words_case_insensitive(text, phrase, found):
    assert has_phrase(text, phrase) is found


def test_a_kept_span_must_be_byte_identical():
    assert has_phrase("the BBC said", "BBC", exact=True)
    assert not has_phrase("the bbc said", "BBC", exact=True)
    assert not has_phrase("see https://x.org/ab", "https://x.org/a", exact=True)


def test_check_terms_names_each_missing_term_and_its_renderings():
    index = TermIndex(parse("كيري\tKerry\nمجلس الأمن\tSecurity Council|UNSC\n".encode(), "g"))
    arabic = "قال كيري إن مجلس الأمن سيجتمع وكيري سيحضر"
    assert check_terms(arabic, "Carey said the UNSC will meet", index) == [
        TermMiss("كيري", ("Kerry",))]
    assert check_terms(arabic, "Kerry said the council will meet", index) == [
        TermMiss("مجلس الأمن", ("Security Council", "UNSC"))]
    assert str(check_terms(arabic, "", index)[1]) == "مجلس الأمن → Security Council | UNSC"
    assert check_terms(arabic, "KERRY: the Security Council meets", index) == []


@pytest.mark.parametrize("arabic, spans", [
    ("زوروا https://example.com/a_b?x=1. الآن", ["https://example.com/a_b?x=1"]),
    ("راسلوا info@un.org، اليوم", ["info@un.org"]),
    ("ارتفع 50% و $1.2 و 5 km", ["50%", "$1.2", "5 km"]),
    ("قال بان كي مون (Ban Ki-moon) لـ BBC و CNN.", ["Ban Ki-moon", "BBC", "CNN"]),
    ("طائرات F-16 وCOVID-19", ["F-16", "COVID-19"]),
    ("في عام 2016 قال", []),  # a bare number is checked by the quality flags, not kept
])
def test_do_not_translate_spans(arabic, spans):
    assert [m.source for m in protected_spans(arabic)] == spans


def test_a_glossary_entry_wins_over_an_automatic_span():
    index = TermIndex(parse(b"BBC\tthe BBC\n", "g"), protect=True)
    [match] = index.find("قالت BBC")
    assert match.renderings == ("the BBC",) and not match.term.keep
