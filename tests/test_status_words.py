"""One set of status words (issue 20): the log, the summary line, the manifest, the run
record and the metrics of one run say the same word for each input
(docs/output.md, "Status words")."""

from __future__ import annotations

import json
import os
import shutil

from typer.testing import CliRunner

from mtjob.cli import app
from mtjob.runs.runlog import read_samples

from .conftest import SAMPLE


def test_one_run_says_the_same_word_everywhere(tmp_path, tiny_args):
    inbox, out, prom = tmp_path / "inbox", tmp_path / "out", tmp_path / "mtjob.prom"
    inbox.mkdir()
    shutil.copy(SAMPLE, inbox / "old.txt")
    args = [str(inbox), "--out", str(out), *tiny_args]
    assert CliRunner().invoke(app, ["run", *args]).exit_code == 0
    shutil.copy(SAMPLE, inbox / "new.txt")
    (inbox / "bad.txt").write_bytes(b"%PDF-1.7\n\x00\x01\x02")
    os.mkfifo(inbox / "pipe.txt")
    args.remove("--quiet")
    result = CliRunner().invoke(app, ["run", *args, "-v", "--metrics-file", str(prom)])
    assert result.exit_code == 1, result.output
    expected = {"old": "unchanged", "new": "done", "bad": "failed", "pipe": "not_an_article"}

    log = result.output
    for name, word in expected.items():
        assert f"{word} {inbox / name}.txt" in log, (word, log)
    assert "articles: 1 done, 1 unchanged, 1 failed, 1 not_an_article;" in log

    manifest = json.loads((out / "_mtjob" / "manifest-00000-of-00001.json").read_text())
    states = {doc: entry["status"] for doc, entry in manifest["articles"].items()}
    assert states == {**expected, "old": "done"}  # the folder's state: unchanged is done

    records = [json.loads(p.read_text()) for p in (out / "_mtjob" / "runs").iterdir()]
    record = max(records, key=lambda r: r["started"])  # two runs may share a second
    assert {o["doc_id"]: o["status"] for o in record["outcomes"]} == expected
    assert record["articles"] == {word: 1 for word in expected.values()}

    samples = read_samples(prom)
    assert {word: samples[f'mtjob_articles_total{{status="{word}"}}']
            for word in expected.values()} == {word: 1 for word in expected.values()}
