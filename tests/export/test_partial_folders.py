"""``mtjob export`` of a folder with failed or unfinished articles (issue 33): the finished
ones are exported, the others named on stderr, exit 1; ``--strict`` keeps the refusal."""

from __future__ import annotations

import json

import pytest

from mtjob.export import export_folder
from mtjob.outfolder.paths import jsonl_path
from mtjob.outfolder.readback import UnfinishedOutputError
from tests.helpers import cli, run_fake


@pytest.fixture
def partial(tmp_path, inbox):
    """The newcomer's inbox: a good article, an empty file and a PDF; the run exits 1."""
    (inbox / "b.txt").write_text("وأضاف أن المحادثات ستستمر.\n", encoding="utf-8")
    (inbox / "empty.txt").write_bytes(b"")
    (inbox / "scan.txt").write_bytes(b"%PDF-1.7\n...")
    out = tmp_path / "out"
    assert len(run_fake([inbox], out).failed) == 2
    return out


@pytest.mark.parametrize("fmt", ["html", "xliff", "tmx", "tsv"])
def test_the_finished_articles_are_exported_and_the_others_named(partial, fmt):
    result = cli("export", partial, "--format", fmt)
    assert result.exit_code == 1, result.output
    written = sorted(p.name for p in (partial / "export" / fmt).iterdir())
    suffix = {"html": ".html", "xliff": ".xlf", "tmx": ".tmx", "tsv": ".tsv"}[fmt]
    assert written == sorted([f"a{suffix}", f"b{suffix}"] + (["index.html"] * (fmt == "html")))
    lines = result.output.splitlines()
    left = [line for line in lines if line.startswith("Warning: left out")]
    assert left == [f"Warning: left out 2 failed article(s): empty ({_reason(partial, 'empty')}"
                    f"), scan ({_reason(partial, 'scan')})"]
    assert "empty file (0 bytes)" in left[0] and "PDF" in left[0]
    assert "2 article(s) left out, not finished" in lines[-1]


def _reason(out, doc_id):
    manifest = json.loads((out / "_mtjob" / "manifest-00000-of-00001.json").read_text())
    return manifest["articles"][doc_id]["error"]


def test_strict_refuses_the_folder_and_writes_nothing(partial):
    result = cli("export", partial, "--format", "tsv", "--strict")
    assert result.exit_code == 1
    assert "fails verify" in result.output and "2 article(s) failed" in result.output
    assert not (partial / "export").exists()
    with pytest.raises(UnfinishedOutputError):
        export_folder(partial, "tsv", strict=True)


def test_a_whole_folder_exits_0(tmp_path, inbox):
    run_fake([inbox], tmp_path / "out")
    result = cli("export", tmp_path / "out", "--format", "tsv")
    assert result.exit_code == 0 and "left out" not in result.output
    assert export_folder(tmp_path / "out", "tsv").complete


def test_an_article_whose_files_fail_verify_is_left_out(partial):
    data = jsonl_path(partial, "b").read_bytes()
    jsonl_path(partial, "b").write_bytes(data.replace(b'"en": "', b'"en": "edited ', 1))
    report = export_folder(partial, "tsv")
    assert [p.name for p in report.files] == ["a.tsv"]
    assert list(report.left_out) == ["failed", "broken"]
    assert "content differs from the hash" in report.left_out["broken"]["b"]


def test_nothing_finished_is_a_refusal(tmp_path):
    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "empty.txt").write_bytes(b"")
    out = tmp_path / "out"
    run_fake([inbox], out)
    result = cli("export", out, "--format", "tsv")
    assert result.exit_code == 2 and "no finished article" in result.output


def test_a_stopped_run_is_summed_up(tmp_path):
    from tests.outfolder.test_verify_report import _stopped

    out = tmp_path / "out"
    _stopped(out)
    result = cli("export", out, "--format", "tsv")
    assert result.exit_code == 1
    assert ("Warning: left out 236 article(s) not written yet (the run was stopped before it "
            "finished): p000, p001, p002, p003, p004 and 231 more") in result.output.splitlines()
    assert len(result.output.splitlines()) <= 5
