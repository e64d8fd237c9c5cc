"""``mtjob run -`` (one article from stdin), the run's last line naming where its output is,
and ``--text`` (``NAME.en.txt``) as verify knows it (issue 20)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from mtjob.cli import app
from mtjob.outfolder.verify import check_folder

from ..conftest import SAMPLE


def invoke(*args, **kwargs):
    return CliRunner().invoke(app, [str(a) for a in args], **kwargs)


def test_run_reads_one_article_from_stdin_and_says_where(tmp_path, tiny_args):
    out = tmp_path / "out"
    result = invoke("run", "-", "--out", out, "--text", *tiny_args,
                    input=SAMPLE.read_bytes())
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "_mtjob", "stdin.abstract.json", "stdin.en.txt", "stdin.jsonl"]
    last = result.output.rstrip("\n").splitlines()[-1]
    assert f"output in {out.resolve()}/: NAME.jsonl, NAME.abstract.json, NAME.en.txt" in last
    assert last.endswith(f"mtjob verify {out}")
    records = [json.loads(line) for line in (out / "stdin.jsonl").read_text().splitlines()]
    assert records[0]["doc_id"] == "stdin" and len(records) == 17
    text = (out / "stdin.en.txt").read_text(encoding="utf-8")
    assert text == "\n\n".join(r["en"] for r in records) + "\n"
    assert check_folder(out, strict=True).errors == []


def test_text_of_an_unchanged_article_is_rewritten_and_checked(tmp_path, sample_inbox,
                                                               tiny_args):
    out = tmp_path / "out"
    assert invoke("run", sample_inbox, "--out", out, *tiny_args).exit_code == 0
    assert not (out / "article.en.txt").exists()
    again = invoke("run", sample_inbox, "--out", out, "--text", *tiny_args)
    assert again.exit_code == 0 and "0 done, 1 unchanged" in again.output
    text = out / "article.en.txt"
    good = text.read_bytes()
    assert good.count(b"\n\n") == 16 and check_folder(out, strict=True).errors == []
    text.write_bytes(b"edited\n")
    assert any("article.en.txt: differs from the English of article.jsonl" in w
               for w in check_folder(out).warnings)
    assert invoke("run", sample_inbox, "--out", out, "--text", *tiny_args).exit_code == 0
    assert text.read_bytes() == good


def test_stdin_must_be_the_only_input(tmp_path, sample_inbox, tiny_args):
    result = invoke("run", "-", sample_inbox, "--out", tmp_path / "out", *tiny_args,
                    input=b"")
    assert result.exit_code == 2
    assert "- (one article from stdin) must be the only input" in result.output
