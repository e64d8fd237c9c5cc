"""Nothing a person wrote is lost (issue 22): after ``mtjob import``, a rerun with ``--force``,
with other settings and with another model each re-apply every correction whose Arabic is
unchanged; one whose Arabic is gone is named and kept in the bookkeeping."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import mtjob
from mtjob.cli import app
from mtjob.export import export_folder
from mtjob.outfolder.corrections import corrections_path, read_corrections
from mtjob.outfolder.paths import sha256_bytes
from mtjob.outfolder.verify import verify
from mtjob.testing.tiny_models import build_marian
from tests.feedback.test_importing import KILLER
from tests.helpers import run_fake


def invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


def edited(out: Path) -> dict[str, str]:
    """{Arabic: post_edit} of the article's corrected sentences."""
    lines = (out / "article.jsonl").read_text(encoding="utf-8").splitlines()
    return {s["ar"]: s["post_edit"] for line in lines for s in json.loads(line)["sentences"]
            if "post_edit" in s}


def fill_tsv(path: Path, rows_to_edit: list[int]) -> list[str]:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline=""),
                           delimiter="\t"))
    column = rows[0].index("post_edit")
    for n in rows_to_edit:
        rows[n][column] = f"Edited row {n}."
    buffer = io.StringIO()
    csv.writer(buffer, delimiter="\t", lineterminator="\r\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return [rows[n][rows[0].index("ar")] for n in rows_to_edit]


@pytest.mark.slow
def test_reruns_keep_every_applicable_correction(tmp_path, sample_inbox, tiny_args, tiny_models):
    out = tmp_path / "out"
    assert invoke("run", sample_inbox, "--out", out, *tiny_args).exit_code == 0
    export_folder(out, "tsv")
    tsv = out / "export" / "tsv" / "article.tsv"
    arabic = fill_tsv(tsv, [2, 5])
    assert invoke("import", out, tsv, "--by", "editor").exit_code == 0
    want = {arabic[0]: "Edited row 2.", arabic[1]: "Edited row 5."}
    assert edited(out) == want
    english = mtjob.final_english(out, "article")  # the Python API: the final text
    assert sum(p.count("Edited row") for p in english) == 2
    other_model = build_marian(tmp_path / "other-marian", seed=1)
    beams = tiny_args.index("--beams")
    variants = {
        "force": [*tiny_args, "--force"],
        "settings": [*tiny_args[:beams], "--beams", "2", *tiny_args[beams + 2:]],
        "model": [*tiny_args[:1], str(other_model), *tiny_args[2:]],
    }
    assert tiny_args[0] == "--mt-model"
    for name, args in variants.items():
        result = invoke("run", sample_inbox, "--out", out, *args)
        assert result.exit_code == 0, (name, result.output)
        assert edited(out) == want, name
        assert verify(out) == [], name
    assert len(read_corrections(out, "article")) == 2
    # The source changes under one corrected sentence: that correction no longer applies,
    # is named, and stays stored; the other is re-applied.
    source = sample_inbox / "article.txt"
    source.write_text(source.read_text(encoding="utf-8").replace(arabic[0], "جملة جديدة تماما"),
                      encoding="utf-8")
    result = invoke("run", sample_inbox, "--out", out, *tiny_args)
    assert result.exit_code == 0, result.output
    assert "correction no longer applies" in result.output
    assert edited(out) == {arabic[1]: "Edited row 5."}
    assert len(read_corrections(out, "article")) == 2
    assert corrections_path(out, "article").is_file() and verify(out) == []


@pytest.mark.slow
def test_resummarize_from_the_corrected_english(tmp_path, sample_inbox, tiny_args):
    out = tmp_path / "out"
    assert invoke("run", sample_inbox, "--out", out, *tiny_args).exit_code == 0
    machine = json.loads((out / "article.abstract.json").read_text(encoding="utf-8"))
    assert "summary_from" not in machine  # made from the machine English
    export_folder(out, "tsv")
    tsv = out / "export" / "tsv" / "article.tsv"
    fill_tsv(tsv, [1, 2, 3])
    result = invoke("import", out, tsv, "--resummarize")
    assert result.exit_code == 0, result.output
    meta = json.loads((out / "article.abstract.json").read_text(encoding="utf-8"))
    assert meta["summary_from"] == "corrected"
    assert meta["summary_jsonl_sha256"] == sha256_bytes((out / "article.jsonl").read_bytes())
    assert meta["jsonl_sha256"] == machine["jsonl_sha256"]  # the machine output's, as before
    assert verify(out) == []
    before = (out / "article.abstract.json").read_bytes()
    assert invoke("import", out, "--resummarize").exit_code == 0  # nothing new: unchanged
    assert (out / "article.abstract.json").read_bytes() == before
    assert invoke("run", sample_inbox, "--out", out, *tiny_args).exit_code == 0  # skipped
    assert (out / "article.abstract.json").read_bytes() == before and verify(out) == []


@pytest.mark.slow
def test_a_rerun_summarizes_the_corrected_english(tmp_path, sample_inbox, tiny_args):
    """``--force`` after ``import --resummarize`` remade the abstract from the machine English:
    the corrected abstract was lost without a word. A rerun now gives the same abstract record
    as ``--resummarize``; with the summary off it claims nothing."""
    out = tmp_path / "out"
    assert invoke("run", sample_inbox, "--out", out, *tiny_args).exit_code == 0
    export_folder(out, "tsv")
    fill_tsv(out / "export" / "tsv" / "article.tsv", [1, 2, 3])
    assert invoke("import", out, out / "export" / "tsv" / "article.tsv",
                  "--resummarize").exit_code == 0
    abstract = out / "article.abstract.json"
    resummarized = json.loads(abstract.read_text(encoding="utf-8"))
    jsonl = (out / "article.jsonl").read_bytes()
    result = invoke("run", sample_inbox, "--out", out, *tiny_args, "--force")
    assert result.exit_code == 0, result.output
    assert (out / "article.jsonl").read_bytes() == jsonl  # corrections re-applied
    meta = json.loads(abstract.read_text(encoding="utf-8"))
    assert meta["summary_from"] == "corrected"
    assert meta["summary_jsonl_sha256"] == sha256_bytes(jsonl)
    assert meta == resummarized and verify(out) == []
    result = invoke("run", sample_inbox, "--out", out, *tiny_args, "--force", "--no-summary")
    assert result.exit_code == 0, result.output
    meta = json.loads(abstract.read_text(encoding="utf-8"))
    assert meta["abstract"] is None and "summary_from" not in meta and verify(out) == []


@pytest.mark.slow
def test_sigkill_during_resummarize(tmp_path, sample_inbox, tiny_args):
    """Killed between renaming the manifest and the abstract: verify reads the commit."""
    out = tmp_path / "out"
    assert invoke("run", sample_inbox, "--out", out, *tiny_args).exit_code == 0
    export_folder(out, "tsv")
    fill_tsv(out / "export" / "tsv" / "article.tsv", [1])
    assert invoke("import", out, out / "export" / "tsv" / "article.tsv").exit_code == 0
    proc = subprocess.run([sys.executable, "-c", KILLER, "replace:2", str(out),
                           "--resummarize"], capture_output=True,
                          env={**os.environ, "PYTHONPATH": os.getcwd()})
    assert proc.returncode == -9, proc.stderr
    assert "summary_from" not in (out / "article.abstract.json").read_text(encoding="utf-8")
    assert verify(out) == []  # reads as after: the journal's committed abstract and manifest
    assert invoke("run", sample_inbox, "--out", out, *tiny_args).exit_code == 0  # finishes it
    meta = json.loads((out / "article.abstract.json").read_text(encoding="utf-8"))
    assert meta["summary_from"] == "corrected" and verify(out) == []


def test_a_corrections_file_that_is_not_utf8_fails_its_article_alone(tmp_path, inbox):
    from mtjob.outfolder.corrections import corrections_path

    (inbox / "b.txt").write_text("خبر آخر عن الطقس.\n", encoding="utf-8")
    out = tmp_path / "o"
    store = corrections_path(out, "a")
    store.parent.mkdir(parents=True)
    store.write_bytes(b'{"doc_id": "a", "ar": "\xff"}\n')  # edited by hand, not UTF-8
    report = run_fake([inbox], out)  # used to stop the whole run: "unexpected UnicodeDecodeError"
    assert report.done == ["b"]
    assert [o.doc_id for o in report.failed] == ["a"] and \
        "not UTF-8" in (report.failed[0].error or "")
