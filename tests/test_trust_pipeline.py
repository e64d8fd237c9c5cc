"""Trust signals through the pipeline with scripted fakes: copied Latin text, Arabic left in
an output, retry by score, the abstract's checks, the glossary, and verify of schema 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtjob.backends.base import Hypothesis
from mtjob.cli import app
from mtjob.config import JobConfig
from mtjob.errors import ConfigError
from mtjob.job import run_shard
from mtjob.outfolder.finished import validate_paragraph
from mtjob.outfolder.verify import verify
from mtjob.terms.glossary import load_glossary
from mtjob.testing.fakes import FakeModels, FakeSummarizer, FakeTranslator
from mtjob.text import quality
from mtjob.text.abstract_checks import check_abstract
from mtjob.text.alignment import piece_words, source_word_map, to_source_words, uncovered_share

ENGLISH = "The minister said on Monday: we will meet again. Talks resume in Geneva (2016)."
ARTICLE = ("قال المتحدث إن الاجتماع سيعقد في العاصمة.\n\n"
           f"{ENGLISH}\n\n"
           "وأضاف أن مجلس الأمن سيجتمع قريبا.\n")


@pytest.fixture
def cfg() -> JobConfig:
    return JobConfig(mt_model="fake-mt", sum_model="fake-sum", sum_min_length=5)


def write(tmp_path: Path, text: str = ARTICLE) -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir(exist_ok=True)
    (inbox / "a.txt").write_text(text, encoding="utf-8")
    return inbox


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_a_latin_only_paragraph_is_copied_without_a_model_call(tmp_path, cfg):
    translator = FakeTranslator()
    run_shard(cfg, [write(tmp_path)], tmp_path / "out", models=FakeModels(translator))
    records = lines(tmp_path / "out" / "a.jsonl")
    assert records[1]["en"] == records[1]["ar"] == ENGLISH
    # an English paragraph: copied, and flagged lang by the language check (issue 20)
    assert [s["flags"] for s in records[1]["sentences"]] == [["copied", "lang"]] * 2
    assert all(s["score"] is None for s in records[1]["sentences"])
    sent = [t for texts, _ in translator.calls for t in texts]
    assert sent and not any("Geneva" in t for t in sent)
    assert all(quality.has_arabic_letters(t) for t in sent)
    assert verify(tmp_path / "out") == []


@pytest.mark.parametrize("text, arabic", [
    ("قال", True), ("Kerry said", False), ("https://example.com/a?b=1", False),
    ("٢٠١٦ - 3.5%", False), ("«»، ؛ ؟ ـــ", False), ("ﻻ", True), ("Aleppo (حلب)", True),
])
def test_arabic_letters(text, arabic):
    assert quality.has_arabic_letters(text) is arabic


def test_arabic_left_in_an_output_is_flagged_untranslated(tmp_path, cfg):
    def script(text, options):
        return "The spokesman said الاجتماع" if "المتحدث" in text else None

    run_shard(cfg.__class__(**{**cfg.__dict__, "retry_degenerate": False}), [write(tmp_path)],
              tmp_path / "out", models=FakeModels(FakeTranslator(script=script)))
    records = lines(tmp_path / "out" / "a.jsonl")
    assert records[0]["sentences"][0]["flags"] == ["untranslated"]
    assert "untranslated" not in records[2]["flags"]


class ScoredTranslator(FakeTranslator):
    """A fake that scores its outputs: ``scores(text, retry) -> float``."""

    def __init__(self, scores) -> None:
        super().__init__()
        self.scores = scores

    def translate(self, texts, options, call=None, prefixes=None):
        hyps = super().translate(texts, options, call, prefixes)
        retry = options.repetition_penalty != 1.0
        return [Hypothesis(h.text + (" again" if retry else ""), h.tokens,
                           self.scores(t, retry)) for t, h in zip(texts, hyps, strict=True)]


@pytest.mark.parametrize("retry_score, kept", [(-0.5, "retry"), (-4.0, "first")])
def test_low_confidence_is_retried_and_the_better_scored_output_kept(tmp_path, cfg,
                                                                      retry_score, kept):
    def scores(text, retry):
        if "المتحدث" not in text:
            return -0.2
        return retry_score if retry else -3.0

    translator = ScoredTranslator(scores)
    run_shard(cfg, [write(tmp_path)], tmp_path / "out", models=FakeModels(translator))
    [first, _, last] = lines(tmp_path / "out" / "a.jsonl")
    [sentence] = first["sentences"]
    assert sentence["en"].endswith(" again") is (kept == "retry")
    expected = ["retried"] if kept == "retry" else ["low_confidence", "retried"]
    assert sentence["flags"] == expected
    assert sentence["score"] == (retry_score if kept == "retry" else -3.0)
    assert last["sentences"][0]["flags"] == [] and last["sentences"][0]["score"] == -0.2
    meta = json.loads((tmp_path / "out" / "a.abstract.json").read_text())
    assert meta["scores"]["scored"] == 2 and meta["scores"]["min"] == min(-0.2, sentence["score"])


class NumberSummarizer(FakeSummarizer):
    def summarize(self, texts, call=None):
        super().summarize(texts, call)
        return ["Kerry said 42 people met Zakharov in Geneva." for _ in texts]


def test_an_abstract_number_or_name_absent_from_the_translation_is_flagged(tmp_path, cfg):
    def script(text, options):
        return "Kerry said the people met in Geneva" if "المتحدث" in text else None

    run_shard(cfg, [write(tmp_path)], tmp_path / "out",
              models=FakeModels(FakeTranslator(script=script), NumberSummarizer(window=1024)))
    meta = json.loads((tmp_path / "out" / "a.abstract.json").read_text())
    assert meta["checks"] == {"unsupported_numbers": ["42"], "unsupported_names": ["Zakharov"],
                              "flags": ["unsupported_number", "unsupported_name"]}
    assert meta["input_tokens"] > 0 and meta["schema"] == 2
    assert verify(tmp_path / "out") == []


@pytest.mark.parametrize("abstract, flags", [
    ("The talks in Geneva ended in 2016.", []),
    ("The talks ended in 2,016 days.", []),  # separators dropped, as for the source numbers
    ("Talks ended in ٢٠١٧.", ["unsupported_number"]),
    ("", []),
])
def test_abstract_checks(abstract, flags):
    assert check_abstract(abstract, ["the talks in Geneva ended in 2016 ."])["flags"] == flags


def glossary(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "terms.tsv"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_glossary_miss_is_flagged_and_a_hit_is_not_with_terms_flag(tmp_path, cfg):
    def script(text, options):
        return "He added that the Security Council will meet" if "وأضاف" in text else None

    terms = glossary(tmp_path, "# term\trenderings\nمجلس الأمن\tsecurity council|UNSC\n"
                               "الاجتماع\tthe meeting\n\n")
    config = cfg.__class__(**{**cfg.__dict__, "glossary": str(terms), "terms": "flag"})
    run_shard(config, [write(tmp_path)], tmp_path / "out",
              models=FakeModels(FakeTranslator(script=script)))
    [first, _, last] = lines(tmp_path / "out" / "a.jsonl")
    # The flag names the term and what was expected of the English (issue 32).
    assert first["sentences"][0]["glossary_miss"] == [{"term": "الاجتماع",
                                                       "expected": ["the meeting"]}]
    assert "glossary_miss" in first["sentences"][0]["flags"]
    assert "glossary_miss" not in last["sentences"][0]["flags"]
    assert "glossary_miss" not in last["sentences"][0]
    meta = json.loads((tmp_path / "out" / "a.abstract.json").read_text())
    assert len(meta["settings"]["glossary_sha256"]) == 64
    # A changed glossary is a changed setting: the article is redone.
    terms.write_text("مجلس الأمن\tSecurity Council\n", encoding="utf-8")
    report = run_shard(config, [write(tmp_path)], tmp_path / "out", models=FakeModels())
    assert report.done == ["a"]


@pytest.mark.parametrize("text, where", [
    ("مجلس الأمن Security Council\n", ":1: expected"),
    ("# ok\nمجلس\t\n", ":2: empty rendering"),
    ("\tSecurity Council\n", ":1: empty term"),
    ("a\tb\tc\td\n", ":1: expected"),  # a third column is a comment (OmegaT's TSV)
])
def test_a_bad_glossary_line_is_a_usage_error_before_any_model(tmp_path, text, where):
    path = glossary(tmp_path, text)
    with pytest.raises(ConfigError, match=where.replace(":", r"\:")):
        load_glossary(path)
    result = CliRunner().invoke(app, ["run", str(write(tmp_path)), "--out",
                                      str(tmp_path / "out"), "--glossary", str(path),
                                      "--mt-model", str(tmp_path / "no-such-model"), "--quiet"])
    assert result.exit_code == 2 and f"{path}{where}" in result.output


def test_schema_2_fields_are_verified():
    base = {"doc_id": "a", "para_id": 0, "ar": "x", "en": "y", "flags": [], "schema": 2}
    good = {"ar": "x", "en": "y", "src_tokens": 2, "tgt_tokens": 2, "flags": [],
            "score": -0.5, "alignment": [[0, 0], [1, 0]], "glossary_miss": ["x"]}
    assert validate_paragraph({**base, "sentences": [good, {**good, "score": None}]}) == []
    for bad in ({"score": "high"}, {"alignment": [[0, 1, 2]]}, {"alignment": [[-1, 0]]},
                {"alignment": [[0.5, 1]]}, {"glossary_miss": "x"}):
        assert validate_paragraph({**base, "sentences": [{**good, **bad}]}), bad


def test_pieces_map_to_words_when_the_decoder_drops_spaces():
    # "▁," decodes to "," glued to the previous word; "▁" alone starts a word.
    pieces = ["\u2581Kerry", "\u2581,", "\u2581said", "\u2581", "\u201chello", None]
    assert piece_words("Kerry, said \u201chello", pieces) == [0, 0, 1, 2, 2, None]


def test_alignments_are_reindexed_to_the_words_as_written():
    raw = "قال \u200f المتحدث ـ أمس"
    cleaned = "قال المتحدث أمس"
    assert source_word_map(raw, cleaned) == [0, 2, 4]
    assert to_source_words(((0, 0), (1, 1), (2, 2)), raw, cleaned) == ((0, 0), (2, 1), (4, 2))
    assert uncovered_share(((0, 0), (2, 1)), 4) == 0.5
