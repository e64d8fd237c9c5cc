"""``mtjob eval``: sacreBLEU figures reproduced, misalignment refused, the extra named."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtjob.cli import app
from mtjob.evaluation.references import abstract_sentences, evaluate
from mtjob.testing.output_folder import sentence, write_finished

pytest.importorskip("sacrebleu")

HYP = {
    "a": ["The foreign minister said the ceasefire would resume in Aleppo on Tuesday.",
          "Russia and the United States discussed a political settlement by phone."],
    "b": ["The ministers called on the parties to respect the truce."],
    "c": ["Kerry met the UN envoy in Geneva on Monday.",
          "He said more work was needed to stop the fighting.",
          "Talks will continue next week in Vienna."],
}
REF = {
    "a": ["The US Secretary of State said work was under way to restore the ceasefire in "
          "Aleppo, possibly on Tuesday.",
          "Russia and the United States discussed the political settlement in Syria by "
          "telephone."],
    "b": ["The two ministers called on the parties to the conflict to respect the cessation "
          "of hostilities."],
    "c": ["Kerry met the UN envoy for Syria in Geneva on Monday.",
          "He said that more work was needed to end the fighting.",
          "The talks will resume next week in Vienna."],
}
# Computed once with sacreBLEU 2.6.0's own CLI on these six lines (a, b, c in order):
#   sacrebleu ref.txt -i hyp.txt -m bleu chrf --chrf-word-order 2 -w 4
# and per article on its own lines.
CORPUS_BLEU, CORPUS_CHRF = 37.3651, 59.5253
ARTICLE = {"a": (22.3786, 52.3657), "b": (34.9726, 53.0202), "c": (54.0449, 72.2506)}
BLEU_SIG = "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp"
CHRF_SIG = "nrefs:1|case:mixed|eff:yes|nc:6|nw:2|space:no"


def invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


def write_run(out: Path, hyp: dict[str, list[str]]) -> Path:
    for doc_id, paragraphs in hyp.items():
        write_finished(out, doc_id, [[sentence(f"ع {i}", en)] for i, en in enumerate(paragraphs)],
                       abstract=f"Summary of {doc_id}. It has two sentences.")
    return out


@pytest.fixture
def run_and_refs(tmp_path):
    out = write_run(tmp_path / "out", HYP)
    refs = tmp_path / "refs"
    refs.mkdir()
    # a: the house '&' format; b, c: blank lines, a paragraph broken over two lines.
    (refs / "a.en.txt").write_text("\n&\n".join(REF["a"]) + "\n&\n", encoding="utf-8")
    (refs / "b.en.txt").write_text(REF["b"][0].replace(" to the conflict", "\nto the conflict"),
                                   encoding="utf-8")
    (refs / "c.en.txt").write_text("\n\n".join(REF["c"]) + "\n", encoding="utf-8")
    return out, refs


def test_reproduces_sacrebleu_cli_figures(run_and_refs):
    report = evaluate(*run_and_refs)
    assert report.bleu == pytest.approx(CORPUS_BLEU, abs=0.01)
    assert report.chrf == pytest.approx(CORPUS_CHRF, abs=0.01)
    for score in report.articles:
        assert (score.bleu, score.chrf) == pytest.approx(ARTICLE[score.doc_id], abs=0.01)
    assert report.bleu_signature.startswith(BLEU_SIG)
    assert report.chrf_signature.startswith(CHRF_SIG)
    assert report.paragraphs == 6 and report.skipped == []


def test_cli_prints_scores_and_signatures(run_and_refs):
    out, refs = run_and_refs
    result = invoke("eval", out, "--refs", refs)
    assert result.exit_code == 0, result.output
    assert f"BLEU     {CORPUS_BLEU:.2f}  {BLEU_SIG}" in result.stdout
    assert f"chrF++   {CORPUS_CHRF:.2f}  {CHRF_SIG}" in result.stdout
    assert "22.38" in result.stdout and "72.25" in result.stdout
    data = json.loads(invoke("eval", out, "--refs", refs, "--json").stdout)
    assert data["bleu"] == pytest.approx(CORPUS_BLEU, abs=0.01)
    assert data["chrf_signature"].startswith(CHRF_SIG)


def test_identical_hypothesis_scores_100(tmp_path):
    out = write_run(tmp_path / "out", REF)
    refs = tmp_path / "refs"
    refs.mkdir()
    for doc_id, paragraphs in REF.items():
        (refs / f"{doc_id}.en.txt").write_text("\n\n".join(paragraphs), encoding="utf-8")
        (refs / f"{doc_id}.abstract.txt").write_text(
            f"Summary of {doc_id}. It has two sentences.", encoding="utf-8")
    report = evaluate(out, refs)
    assert report.bleu == pytest.approx(100) and report.chrf == pytest.approx(100)
    assert all(s.bleu == pytest.approx(100) for s in report.articles)
    assert report.rouge == pytest.approx({"rouge1": 100, "rouge2": 100, "rougeLsum": 100})
    assert "Lsum one sentence per line" in report.rouge_config


def test_rouge_on_abstracts(run_and_refs):
    out, refs = run_and_refs
    (refs / "a.abstract.txt").write_text("A summary of a. It is short.", encoding="utf-8")
    report = evaluate(out, refs)
    by_doc = {s.doc_id: s for s in report.articles}
    assert by_doc["b"].rouge is None and by_doc["a"].rouge is not None
    assert 0 < by_doc["a"].rouge["rouge1"] < 100
    assert report.rouge == by_doc["a"].rouge  # the mean of one


def test_abstract_split_one_sentence_per_line():
    assert abstract_sentences("One. Two? Three!\nFour") == "One.\nTwo?\nThree!\nFour"


def test_paragraph_count_mismatch_names_article_and_counts(run_and_refs):
    out, refs = run_and_refs
    (refs / "c.en.txt").write_text("\n\n".join(REF["c"][:2]), encoding="utf-8")
    result = invoke("eval", out, "--refs", refs)
    assert result.exit_code == 1
    assert "Error: c: the run has 3 paragraph(s)" in result.output
    assert "has 2" in result.output


def test_articles_without_reference_are_listed(run_and_refs):
    out, refs = run_and_refs
    (refs / "b.en.txt").unlink()
    report = evaluate(out, refs)
    assert report.skipped == ["b"] and [s.doc_id for s in report.articles] == ["a", "c"]
    assert "no reference, skipped: b" in invoke("eval", out, "--refs", refs).stdout


def test_no_reference_at_all_is_a_usage_error(run_and_refs, tmp_path):
    out, _ = run_and_refs
    empty = tmp_path / "empty"
    empty.mkdir()
    result = invoke("eval", out, "--refs", empty)
    assert result.exit_code == 2 and "Error: --refs" in result.output
    assert "no reference for any article" in result.output


def test_missing_extra_names_it(run_and_refs, monkeypatch):
    monkeypatch.setitem(sys.modules, "sacrebleu", None)
    monkeypatch.setitem(sys.modules, "sacrebleu.metrics", None)
    out, refs = run_and_refs
    result = invoke("eval", out, "--refs", refs)
    assert result.exit_code == 2
    assert "mtjob[eval]" in result.output and "Traceback" not in result.output


def test_unverified_run_is_refused(run_and_refs):
    out, refs = run_and_refs
    with (out / "a.jsonl").open("ab") as handle:
        handle.write(b"{\"cut")
    result = invoke("eval", out, "--refs", refs)
    assert result.exit_code == 1 and "fails verify" in result.output


def test_the_output_folder_is_no_reference_folder(tmp_path):
    """``--text`` writes ``NAME.en.txt`` into OUT, the name references have: ``--refs OUT``
    scored the translation against itself (BLEU 100) instead of refusing."""
    from mtjob.errors import ConfigError

    out = write_run(tmp_path / "out", REF)
    for doc_id, paragraphs in REF.items():
        (out / f"{doc_id}.en.txt").write_text("\n\n".join(paragraphs), encoding="utf-8")
    with pytest.raises(ConfigError, match="the output folder itself"):
        evaluate(out, out)
