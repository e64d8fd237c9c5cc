"""The text functions are linear on hostile input (1 MB runs of punctuation, blank lines,
marks): a backtracking pattern would take hours."""

from __future__ import annotations

import time

import pytest

from mtjob.inputs import reader
from mtjob.terms import glossary
from mtjob.terms.check import check_terms
from mtjob.terms.index import TermIndex
from mtjob.text import clean as textclean
from mtjob.text import quality, segment

MB = 1 << 20

def _linear(fn, text):
    """Run ``fn`` on 1 MB of hostile text; a backtracking pattern takes hours on it."""
    began = time.process_time()
    fn(text)
    assert time.process_time() - began < 1.0, f"{fn.__name__} is not linear"

_RUNS = ["." * MB, "؟" * MB, "…" * MB, ".!?" * (MB // 3), "." + '"' * MB, ".)" * (MB // 2),
         "a." * (MB // 2), "a" * MB + ". x", "،" * MB, " " * MB + ".", "\u2028" * MB,
         "1," * (MB // 2) + "x", "\u0640" * MB, "\u200f" * MB]

@pytest.mark.parametrize("text", _RUNS, ids=range(len(_RUNS)))
def test_text_functions_are_linear_on_1mb_runs(text):
    _linear(segment.split_sentences, text)
    _linear(textclean.clean_for_model, text)
    _linear(textclean.count_removed, text)
    _linear(quality.numbers_in, text)
    _linear(reader.split_paragraphs, text)

def test_segmenting_a_1mb_punctuation_run_is_linear_and_keeps_every_mark():
    text = "." * MB
    began = time.process_time()
    pieces = segment.segment_paragraph(text, lambda xs: [len(x) // 4 for x in xs], 1 << 30)
    assert time.process_time() - began < 1.0
    assert "".join(pieces) == text

@pytest.mark.parametrize("text", ["x&\n" + "\n" * MB + "y&\n", "x\n" + " \n" * (MB // 2),
                                  "&\n" * (MB // 2), "\n" * MB])
def test_paragraph_splitting_is_linear_on_blank_lines(text):
    _linear(reader.split_paragraphs, text)

def test_glossary_checks_are_linear():
    index = TermIndex(glossary.parse("مجلس\taa|a a|...\n".encode(), "g.tsv"))
    _linear(lambda t: check_terms("مجلس", t, index), "a" * MB)
    _linear(lambda t: check_terms("مجلس", t, index), "a " * (MB // 2))
    _linear(lambda t: check_terms("مجلس" * (MB // 4), t, index), "." * MB)
