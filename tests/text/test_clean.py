"""Cleaning Arabic for the model: invisible controls out, presentation forms folded."""

from __future__ import annotations

import unicodedata

import pytest

from mtjob.text.clean import clean_for_model, count_removed

WORD = "السلام"


@pytest.mark.parametrize("char", [
    "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",   # embeddings / overrides
    "\u2066", "\u2067", "\u2068", "\u2069",             # isolates
    "\u200e", "\u200f", "\u061c",                       # LRM, RLM, Arabic letter mark
    "\u200b", "\u200c", "\u200d", "\u2060",             # zero-width space/non-joiner/joiner, WJ
    "\ufeff",                                           # stray BOM
    "\u0640",                                           # tatweel
])
def test_invisible_and_tatweel_removed(char: str) -> None:
    text = f"قال{char} الوزير إن {WORD[:2]}{char}{WORD[2:]} {char}قادم"
    assert clean_for_model(text) == f"قال الوزير إن {WORD} قادم"
    assert count_removed(text) == 3


def test_trojan_source_override_removed() -> None:
    text = "\u202eالمبلغ 100 دولار\u202c و\u2067 20 \u2069 سنة"
    assert clean_for_model(text) == "المبلغ 100 دولار و 20 سنة"


@pytest.mark.parametrize("raw, folded", [
    ("\ufefb", "\u0644\u0627"),                  # lam-alef ligature -> lam + alef
    ("\ufe8d\ufee0\ufeb4\ufefc\ufee1", "السلام"),  # isolated/initial/medial/final forms
    ("\ufe91\ufe8e\ufe8f", "باب"),
    ("\ufdf2", "الله"),                          # ligature allah
    ("\ufe71", "\u064b"),                        # tatweel+fathatan form: tatweel still removed
    ("كلـــــمة", "كلمة"),
])
def test_presentation_forms_folded(raw: str, folded: str) -> None:
    assert clean_for_model(raw) == folded


@pytest.mark.parametrize("raw, expected", [
    ("  قال   الوزير\t\tإن  ", "قال الوزير إن"),
    ("سطر\nسطر\r\nسطر", "سطر سطر سطر"),
    ("فقرة\u2028سطر\u2029آخر\u0085نهاية", "فقرة سطر آخر نهاية"),
    ("مسافة\u00a0غير\u3000منقسمة", "مسافة غير منقسمة"),
    ("\u200b \u200b", ""),
])
def test_whitespace_collapsed(raw: str, expected: str) -> None:
    assert clean_for_model(raw) == expected


@pytest.mark.parametrize("text", [
    "أعلن وزير الخارجية الأميركي جون كيري، أن العمل جار؟ نعم؛ (انترفاكس) «نظام التهدئة»!",
    "بلغ النمو 3.5% في 2016، أي ٢٠١٦ و٪٥ - https://www.example.com/a.b?x=1&y=2",
    "مُحَمَّدٌ قَرَأَ الكِتَابَ: \"نص\" [1] {2} <3> @#$ * + = / \\ | ~ ^ _",
    "AT&T و R&D و U.S. و د. محمد — «اقتباس» ‹›",
])
def test_visible_characters_never_removed(text: str) -> None:
    cleaned = clean_for_model(text)
    assert cleaned == unicodedata.normalize("NFKC", text)  # already single-spaced, no controls
    for char in text:
        if not char.isspace():
            assert char in cleaned


def test_clean_is_idempotent() -> None:
    raw = "\u202b\ufefb\u0640 كلـمة\u200f\u2028  \ufeffأخرى\u061c"
    once = clean_for_model(raw)
    assert once == "لا كلمة أخرى"
    assert clean_for_model(once) == once
    assert count_removed(once) == 0
