"""The glossary check runs on the English that is published: a person's post-edit (through
``mtjob import``) and a memory match are checked as the machine's English is, and the flag
names the term and what was expected, on the page and in the exports."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from mtjob.choices import LangCheck, TermsMode
from mtjob.cli import app
from mtjob.config import JobConfig
from mtjob.job import run_shard
from mtjob.testing.fakes import FakeModels, FakeTranslator

ARTICLE = "قال كيري إن الاجتماع انتهى.\n\nوأضاف أن جنيف استضافت المحادثات.\n"
ENGLISH = {"قال كيري إن الاجتماع انتهى.": "Kerry said the meeting had ended.",
           "وأضاف أن جنيف استضافت المحادثات.": "He added that Geneva hosted the talks."}


def invoke(*args: object) -> str:
    result = CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def folder(tmp_path: Path) -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "g.tsv").write_text("كيري\tKerry\nجنيف\tGeneva\n", encoding="utf-8")
    config = JobConfig(mt_model="fake-mt", sum_model="fake-sum", summary=False,
                       lang_check=LangCheck.OFF, glossary=str(tmp_path / "g.tsv"))
    out = tmp_path / "out"
    run_shard(config, [inbox], out, models=FakeModels(FakeTranslator(
        script=lambda text, options: ENGLISH.get(text))))
    return out


def test_a_post_edit_that_drops_a_term_is_flagged_with_the_term_named(tmp_path):
    out = folder(tmp_path)
    invoke("export", out, "--format", "tsv", "--quiet")
    exported = (out / "export" / "tsv" / "a.tsv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(exported), delimiter="\t"))
    assert rows[0][-1] == "terms_missing" and [r[-1] for r in rows[1:]] == ["", ""]
    rows[1][rows[0].index("post_edit")] = "John Kerri said the meeting had ended."
    edited = tmp_path / "edited.tsv"
    with edited.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter="\t", lineterminator="\r\n").writerows(rows)
    summary = invoke("import", out, edited, "--by", "rana")
    assert "1 lack a glossary term" in summary
    assert "a p0-s0: the post-edit lacks كيري → Kerry" in summary
    # The page and every export name the term on the final text, not the machine's.
    invoke("export", out, "--format", "xliff", "--quiet")
    xliff = (out / "export" / "xliff" / "a.xlf").read_text(encoding="utf-8")
    assert xliff.count("mtjob terms missing: كيري → Kerry") == 1
    invoke("export", out, "--format", "tsv", "--quiet")
    rows = list(csv.reader(io.StringIO((out / "export" / "tsv" / "a.tsv").read_text(
        encoding="utf-8")), delimiter="\t"))
    assert [r[-1] for r in rows[1:]] == ["كيري → Kerry", ""]
    invoke("export", out, "--format", "html", "--quiet")
    page = (out / "export" / "html" / "a.html").read_text(encoding="utf-8")
    assert page.count("كيري → Kerry") == 1
    # eval scores the final text apart from the machine's.
    report = json.loads(invoke("eval", out, "--terms", "--json"))
    assert (report["machine"]["hits"], report["final"]["hits"]) == (2, 1)


def test_a_post_edit_that_restores_a_term_clears_the_flag(tmp_path):
    out = folder(tmp_path)
    (tmp_path / "g.tsv").write_text("كيري\tKerry\n", encoding="utf-8")
    config = JobConfig(mt_model="fake-mt", sum_model="fake-sum", summary=False,
                       lang_check=LangCheck.OFF, glossary=str(tmp_path / "g.tsv"),
                       terms=TermsMode.FLAG)
    run_shard(config, [tmp_path / "inbox"], out, force=True, models=FakeModels(FakeTranslator(
        script=lambda text, options: "Carey said it ended." if "كيري" in text else None)))
    sentences = [json.loads(line)["sentences"][0] for line in (out / "a.jsonl").read_text(
        encoding="utf-8").splitlines()]
    assert sentences[0]["glossary_miss"] == [{"term": "كيري", "expected": ["Kerry"]}]
    invoke("export", out, "--format", "tsv", "--quiet")
    rows = list(csv.reader(io.StringIO((out / "export" / "tsv" / "a.tsv").read_text(
        encoding="utf-8")), delimiter="\t"))
    assert rows[1][-1] == "كيري → Kerry"
    rows[1][rows[0].index("post_edit")] = "Kerry said it ended."
    with (tmp_path / "e.tsv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter="\t", lineterminator="\r\n").writerows(rows)
    invoke("import", out, tmp_path / "e.tsv")
    invoke("export", out, "--format", "xliff", "--quiet")
    assert "terms missing" not in (out / "export" / "xliff" / "a.xlf").read_text(
        encoding="utf-8")
