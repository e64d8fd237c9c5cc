"""Record JSON: readable Arabic, one record per line whatever the text holds."""

from __future__ import annotations

import json

import pytest

from mtjob.records import ParagraphRecord, SentenceRecord, dumps_line, join_sentences, jsonl_bytes

TEXTS = [
    "قال الوزير إن المحادثات ستستأنف غدا.",
    "سطر\u2028سطر آخر",
    "فقرة\u2029فقرة",
    "التالي\u0085سطر",
    "سطر\nسطر\r\nو\rو\x0bو\x0cو\x1cو\x1dو\x1e",
    "\u2028\u2029\u0085",
    'اقتباس "مزدوج" و\\ مائل',
]


def _record(doc: str, para: int, ar: str) -> ParagraphRecord:
    sentence = SentenceRecord(ar=ar, en="english " + ar, src_tokens=3, tgt_tokens=4,
                              flags=("retried",))
    return ParagraphRecord(doc_id=doc, para_id=para, ar=ar, en="english " + ar,
                           sentences=(sentence,), flags=("repetition",))


@pytest.mark.parametrize("text", TEXTS)
def test_dumps_line_is_one_line_and_round_trips(text: str) -> None:
    line = dumps_line({"ar": text})
    assert line.endswith("\n")
    assert line.splitlines() == [line[:-1]]
    assert json.loads(line) == {"ar": text}


def test_arabic_kept_readable() -> None:
    line = dumps_line({"ar": "سوريا ٢٠١٦"})
    assert "سوريا ٢٠١٦" in line and "\\u" not in line


@pytest.mark.parametrize("char, escape", [("\u2028", "\\u2028"), ("\u2029", "\\u2029"),
                                          ("\u0085", "\\u0085")])
def test_line_breakers_escaped(char: str, escape: str) -> None:
    line = dumps_line({"ar": f"أ{char}ب"})
    assert char not in line and escape in line


def test_jsonl_one_record_per_line() -> None:
    records = [_record("doc", i, text) for i, text in enumerate(TEXTS)]
    data = jsonl_bytes(records)
    lines = data.decode("utf-8").splitlines()
    assert len(lines) == len(TEXTS)
    for i, line in enumerate(lines):
        obj = json.loads(line)
        assert obj == records[i].to_dict()
        assert obj["ar"] == TEXTS[i] and obj["para_id"] == i
        assert obj["sentences"][0]["ar"] == TEXTS[i]


def test_record_contract_keys() -> None:
    obj = _record("مقال", 0, "نص").to_dict()
    assert list(obj) == ["doc_id", "para_id", "ar", "en", "sentences", "flags", "schema"]
    assert obj["flags"] == ["repetition"]
    assert obj["sentences"] == [{"ar": "نص", "en": "english نص", "src_tokens": 3,
                                 "tgt_tokens": 4, "flags": ["retried"], "score": None,
                                 "origin": "mt"}]


@pytest.mark.parametrize("source, sentences, expected", [
    ("جملة أولى. جملة ثانية.", ["جملة أولى.", "جملة ثانية."], "One. Two."),
    ("جملة أولى.\nجملة ثانية.", ["جملة أولى.", "جملة ثانية."], "One.\nTwo."),
    ("عنوان\n\nجملة. وأخرى", ["عنوان", "جملة.", "وأخرى"], "One.\nTwo. Three."),
    ("أ.  \n  ب. ج.", ["أ.", "ب.", "ج."], "One.\nTwo. Three."),
    ("سطر.\u2028سطر.", ["سطر.", "سطر."], "One. Two."),
    ("مكرر. مكرر.\nمكرر.", ["مكرر.", "مكرر.", "مكرر."], "One. Two.\nThree."),
])
def test_join_sentences(source: str, sentences: list[str], expected: str) -> None:
    english = ["One.", "Two.", "Three."][:len(sentences)]
    assert join_sentences(source, sentences, english) == expected


def test_join_sentences_unknown_sentence_falls_back_to_space() -> None:
    assert join_sentences("أ. ب.", ["أ.", "غير موجود"], ["A.", "B."]) == "A. B."
