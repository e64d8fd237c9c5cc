"""Terms on the tiny real models, both backends: their output holds hardly any term, so every
rendering must be forced; do-not-translate spans come through byte-identical; ``mtjob eval
--terms`` measures before and after."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtjob.cli import app
from mtjob.outfolder.verify import verify
from mtjob.terms.check import check_terms
from mtjob.terms.glossary import parse
from mtjob.terms.index import TermIndex

from ..conftest import SAMPLE

#: Names of the sample article.
NAMES = ("كيري\tKerry\nلافروف\tLavrov\nسيرغي لافروف\tSergei Lavrov\nدي ميستورا\tde Mistura\n"
         "حلب\tAleppo\nجنيف\tGeneva\nموسكو\tMoscow\nسوريا\tSyria\nواشنطن\tWashington\n"
         "زاخاروفا\tZakharova\n")
KEPT = ("وقال المتحدث إن التفاصيل منشورة على https://example.org/news/2016?id=7 وإن الأسئلة "
        "ترسل إلى press@example.org قبل إطلاق F-16.\n")


def invoke(*args: object) -> str:
    result = CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module", params=["ctranslate2", "transformers"])
def runs(request, tiny_models, tmp_path_factory):
    """The sample article and a sentence with kept spans, without and with enforcement."""
    base = tmp_path_factory.mktemp(f"terms-{request.param}")
    inbox = base / "inbox"
    inbox.mkdir()
    shutil.copy(SAMPLE, inbox / "article.txt")
    (inbox / "kept.txt").write_text(KEPT, encoding="utf-8")
    (base / "names.tsv").write_text(NAMES, encoding="utf-8")
    found = {}
    for terms in ("off", "enforce"):
        out = base / terms
        invoke("run", inbox, "--out", out, "--backend", request.param, "--mt-model",
               tiny_models["mt"], "--sum-model", tiny_models["sum"], "--beams", "2",
               "--sum-beams", "1", "--sum-min-length", "5", "--sum-max-length", "20",
               "--glossary", base / "names.tsv", "--terms", terms, "--quiet")
        assert verify(out) == []
        found[terms] = out
    return base, found


def sentences(out: Path, doc_id: str) -> list[dict]:
    lines = (out / f"{doc_id}.jsonl").read_text(encoding="utf-8").splitlines()
    return [s for line in lines for s in json.loads(line)["sentences"]]


def test_every_term_is_forced_in(runs):
    base, found = runs
    index = TermIndex(parse(NAMES.encode(), "names.tsv"))
    before, after = sentences(found["off"], "article"), sentences(found["enforce"], "article")
    assert sum(bool(check_terms(s["ar"], s["en"], index)) for s in before) >= 10
    assert [check_terms(s["ar"], s["en"], index) for s in after] == [[]] * len(after)
    forced = [t for s in after for t in s.get("terms", [])]
    assert forced and {t["how"] for t in forced} <= {"nbest", "prefix"}
    assert not any("glossary_miss" in s["flags"] for s in after)


def test_kept_spans_come_through_byte_identical(runs):
    _, found = runs
    [before] = sentences(found["off"], "kept")
    [after] = sentences(found["enforce"], "kept")
    spans = ("https://example.org/news/2016?id=7", "press@example.org", "F-16")
    assert not all(span in before["en"] for span in spans)
    for span in spans:
        assert span in after["en"]
    assert {t["why"] for t in after["terms"]} == {"keep"}


def test_eval_reports_term_accuracy_and_consistency_before_and_after(runs):
    base, found = runs
    report = {terms: json.loads(invoke("eval", out, "--terms", "--glossary",
                                       base / "names.tsv", "--json"))
              for terms, out in found.items()}
    assert report["off"]["machine"]["accuracy"] < 0.5
    assert report["enforce"]["machine"]["accuracy"] == 1.0
    assert report["enforce"]["final"]["accuracy"] == 1.0
    assert report["enforce"]["machine"]["consistency"] == 1.0
    assert report["off"]["machine"]["consistency"] < 1.0
    # The run kept its glossary: the same figures without --glossary.
    kept = json.loads(invoke("eval", found["enforce"], "--terms", "--json"))
    assert kept["machine"]["accuracy"] == 1.0
