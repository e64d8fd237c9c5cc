"""``mtjob import``: corrections from XLIFF, TMX, TSV and the review page's JSON come back into
the JSONL as ``post_edit``, checked against what they were exported with; nothing in between
survives a SIGKILL; importing twice changes nothing (issue 22)."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from translate.storage.tmx import tmxfile
from translate.storage.xliff import xlifffile
from typer.testing import CliRunner

from mtjob.cli import app
from mtjob.export import export_folder
from mtjob.outfolder.corrections import corrections_path, read_corrections
from mtjob.outfolder.journal import overlay
from mtjob.outfolder.verify import verify
from mtjob.testing.output_folder import sentence, write_finished


def invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


def folder(out: Path) -> Path:
    write_finished(out, "alpha", [
        [sentence("جملة أولى.", "First sentence."), sentence("ثانية؟", "Second?", ["retried"])],
        [sentence("قال الوزير", "The minister say")]])
    write_finished(out, "beta", [[sentence("نعم", "Yes"), sentence("لا", "No")]])
    return out


def sentences(out: Path, doc_id: str) -> list[dict]:
    lines = (out / f"{doc_id}.jsonl").read_text(encoding="utf-8").splitlines()
    return [s for line in lines for s in json.loads(line)["sentences"]]


def snapshot(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and "export" not in p.parts and not p.name.endswith(".lock")
            and not p.name.startswith("lock-")}  # locks: empty, made by whoever runs first


def edit_xliff(path: Path, edits: dict[str, str]) -> None:
    """As a CAT tool saves a post-edited file: target text and state changed."""
    store = xlifffile.parsefile(str(path))
    for unit in store.units:
        uid = unit.getid().split("\x04")[-1]  # translate-toolkit: FILE\x04ID
        if uid in edits:
            unit.target = edits[uid]
            unit.xmlelement.find(unit.namespaced("target")).set("state", "translated")
    path.write_bytes(bytes(store))


def test_xliff_round_trip_and_twice_changes_nothing(tmp_path):
    out = folder(tmp_path / "out")
    export_folder(out, "xliff")
    xlf = out / "export" / "xliff" / "alpha.xlf"
    edit_xliff(xlf, {"p0-s1": "The second one?", "p1-s0": "The minister said"})
    result = invoke("import", out, xlf, "--by", "rana")
    assert result.exit_code == 0, result.output
    got = sentences(out, "alpha")
    assert [s.get("post_edit") for s in got] == [None, "The second one?", "The minister said"]
    assert [s["en"] for s in got] == ["First sentence.", "Second?", "The minister say"]
    assert got[1]["edited_by"] == "rana" and got[1]["edited_at"].endswith("Z")
    assert verify(out) == []
    before = snapshot(out)
    assert invoke("import", out, xlf, "--by", "rana").exit_code == 0
    assert snapshot(out) == before
    # A re-export carries the person's English, and importing it changes nothing either.
    export_folder(out, "xliff")
    assert invoke("import", out, xlf).exit_code == 0 and snapshot(out) == before


def test_tmx_round_trip(tmp_path):
    out = folder(tmp_path / "out")
    export_folder(out, "tmx")
    path = out / "export" / "tmx" / "alpha.tmx"
    store = tmxfile.parsefile(str(path))
    for unit in store.units:
        if unit.source in ("ثانية؟", "قال الوزير"):
            unit.target = unit.target.upper()
    path.write_bytes(bytes(store))
    result = invoke("import", out, path)
    assert result.exit_code == 0, result.output
    assert [s.get("post_edit") for s in sentences(out, "alpha")] == [
        None, "SECOND?", "THE MINISTER SAY"]
    assert verify(out) == []


def test_an_article_tmx_of_an_earlier_model_is_no_edit(tmp_path):
    """The article TMX marks machine English ``x-source=mt``; an edit in it (its text no
    machine English of its output) is imported, but after a run with another model the same
    TU's English is the earlier model's: no edit, and nothing refused."""
    from .test_newest_wins import rerun

    out = folder(tmp_path / "out")
    export_folder(out, "tmx")
    old = shutil.copy(out / "export" / "tmx" / "beta.tmx", tmp_path / "beta.tmx")
    rerun(out, "beta", [[sentence("نعم", "Yes (model 2)"), sentence("لا", "No (model 2)")]])
    before = snapshot(out)
    result = invoke("import", out, old)
    assert result.exit_code == 0, result.output
    assert snapshot(out) == before


def edit_tsv(path: Path, post_edits: list[str]) -> None:
    """As a spreadsheet saves the --excel TSV: the first rows' post_edit cells filled."""
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline=""),
                           delimiter="\t"))
    column = rows[0].index("post_edit")
    for row, text in zip(rows[1:], post_edits, strict=False):  # the first rows edited
        row[column] = text
    buffer = io.StringIO()
    csv.writer(buffer, delimiter="\t", lineterminator="\r\n").writerows(rows)
    # A spreadsheet or an editor often leaves a blank last line: it is no row of units.
    path.write_bytes(("\ufeff" + buffer.getvalue() + "\r\n").encode("utf-8"))


def test_tsv_round_trip(tmp_path):
    out = folder(tmp_path / "out")
    export_folder(out, "tsv", excel=True)
    path = out / "export" / "tsv" / "beta.tsv"
    edit_tsv(path, ["Yes, indeed", "No, never"])
    assert invoke("import", out, path).exit_code == 0
    assert [s.get("post_edit") for s in sentences(out, "beta")] == ["Yes, indeed", "No, never"]
    export_folder(out, "tsv")  # the export gives the final text back
    assert "Yes, indeed" in path.read_text(encoding="utf-8")


def test_tsv_written_for_excel_comes_back_with_formula_like_cells(tmp_path):
    """--excel puts ' before a cell a spreadsheet would run; import takes it off again, so the
    checks against the machine English still match (a news dash bullet, an = sign)."""
    out = tmp_path / "out"
    write_finished(out, "gamma", [[sentence("- قال الوزير", "- The minister said"),
                                  sentence("=1+1", "=1+1"), sentence(" =2", " =2")]])
    export_folder(out, "tsv", excel=True)
    path = out / "export" / "tsv" / "gamma.tsv"
    assert "'- The minister said" in path.read_bytes().decode("utf-8-sig")
    edit_tsv(path, ["'- The minister has said", "Two", "Three"])
    result = invoke("import", out, path)
    assert result.exit_code == 0, result.output
    assert [s.get("post_edit") for s in sentences(out, "gamma")] == [
        "- The minister has said", "Two", "Three"]


def corrections_file(path: Path, items: list[dict]) -> Path:
    path.write_text(json.dumps({"format": "mtjob-corrections", "version": 1,
                                "reviewer": "Hala", "corrections": items}), encoding="utf-8")
    return path


def item(doc_id, para, sent, ar, mt_en, post_edit):
    return {"doc_id": doc_id, "para_id": para, "sent_id": sent, "ar": ar, "mt_en": mt_en,
            "post_edit": post_edit, "edited_at": "2026-12-06T10:00:00Z"}


def test_units_made_on_older_output_apply_and_only_a_gone_arabic_is_refused(tmp_path):
    """Issue 31 item 2: a unit made against older machine English applies when its Arabic
    still matches (recorded with the machine English it was made against); refused only
    when the Arabic changed or the article is gone, by file, unit and reason."""
    out = folder(tmp_path / "out")
    export_folder(out, "xliff")
    xlf = out / "export" / "xliff" / "beta.xlf"
    edit_xliff(xlf, {"p0-s0": "Yes!"})
    # beta is re-translated after the export: its XLIFF was made on older output.
    write_finished(out, "beta", [[sentence("نعم", "Yes."), sentence("لا", "No.")]])
    path = corrections_file(tmp_path / "c.json", [
        item("alpha", 0, 0, "جملة أولى.", "First sentence.", "The first sentence."),
        item("alpha", 1, 0, "قال الوزير", "The minister says", "x"),   # older MT: applies
        item("alpha", 0, 1, "ثانية", "Second?", "y"),                  # Arabic differs
        item("gamma", 0, 0, "x", "y", "z")])                           # no such article
    result = CliRunner().invoke(app, ["import", str(out), str(path), str(xlf)])
    assert result.exit_code == 1
    refused = [line for line in result.stderr.splitlines() if line.startswith("Refused")]
    assert len(refused) == 3, result.stderr
    assert f"{path}: corrections[2]: the Arabic differs" in refused[0]
    assert "corrections[3]: no article 'gamma'" in refused[1]
    # The untouched unit of the old export: its text is the older machine English.
    assert f"{xlf}: p0-s1: made on older machine output and not marked translated" \
        in refused[2]
    got = sentences(out, "alpha")
    assert got[0]["post_edit"] == "The first sentence." and got[0]["edited_by"] == "Hala"
    assert got[0]["edited_at"] == "2026-12-06T10:00:00Z" and got[0]["review"] == "edited"
    assert got[2]["post_edit"] == "x" and "post_edit" not in got[1]
    stored = {c.post_edit: c for c in read_corrections(out, "alpha")}
    assert stored["x"].mt_en == "The minister says"  # made on older output, and says so
    beta = sentences(out, "beta")
    assert beta[0]["post_edit"] == "Yes!" and "post_edit" not in beta[1]
    assert read_corrections(out, "beta")[0].mt_en is None  # the file did not say
    assert verify(out) == []


def test_verify_names_a_post_edit_changed_by_hand(tmp_path):
    out = folder(tmp_path / "out")
    path = corrections_file(tmp_path / "c.json", [
        item("beta", 0, 1, "لا", "No", "No way")])
    assert invoke("import", out, path).exit_code == 0
    jsonl = out / "beta.jsonl"
    jsonl.write_bytes(jsonl.read_bytes().replace(b"No way", b"No wai"))
    assert any("post-edits differ from its corrections" in p for p in verify(out))
    jsonl.write_bytes(jsonl.read_bytes().replace(b'"en": "No"', b'"en": "Nay"'))
    assert any("differs from the hash" in p for p in verify(out))


KILLER = """
import os, signal, sys
import mtjob.outfolder.journal as journal
import mtjob.outfolder.atomic as writer
point, calls = sys.argv[1], [0]
def counting(real):
    def wrapped(*args, **kwargs):
        calls[0] += 1
        if calls[0] == int(point.split(":")[1]):
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)
    return wrapped
if point.startswith("write"):
    journal.atomic_write = counting(writer.atomic_write)
else:  # the journal's own renames, not those of atomic_write
    import types
    journal.os = types.SimpleNamespace(**{**vars(os), "replace": counting(os.replace)})
from mtjob.cli import app
app(["import", *sys.argv[2:]])
"""


@pytest.mark.parametrize("point", ["write:2", "write:5", "replace:1", "replace:3"])
def test_sigkill_during_import_leaves_before_or_after(tmp_path, point):
    """A real SIGKILL of the import process while it stages files (write:N) or moves them
    into place (replace:N): the folder verifies, and reads as before or as after."""
    out = folder(tmp_path / "out")
    path = corrections_file(tmp_path / "c.json", [
        item("alpha", 0, 0, "جملة أولى.", "First sentence.", "One"),
        item("beta", 0, 0, "نعم", "Yes", "Yes!")])
    before = snapshot(out)
    proc = subprocess.run([sys.executable, "-c", KILLER, point, str(out), str(path)],
                          capture_output=True, check=False,
                          env={**os.environ, "PYTHONPATH": os.getcwd()})
    assert proc.returncode == -9, proc.stderr
    assert verify(out) == []
    seen = {**snapshot(out), **{str(p.relative_to(out)): d for p, d in overlay(out).items()}}
    seen = {k: v for k, v in seen.items() if "pending" not in k}
    after_dir = folder(tmp_path / "after")
    assert invoke("import", after_dir, path).exit_code == 0
    after = snapshot(after_dir)
    assert seen == before or seen == after
    assert (seen == before) == point.startswith("write")
    # The next import finishes (or redoes) the work; the folder ends as after.
    assert invoke("import", out, path).exit_code == 0
    assert snapshot(out) == after and verify(out) == []
    assert corrections_path(out, "beta").is_file()


def test_usage_errors_and_a_running_shard(tmp_path):
    out = folder(tmp_path / "out")
    junk = tmp_path / "notes.txt"
    junk.write_text("hello\n", encoding="utf-8")
    result = invoke("import", out, junk)
    assert result.exit_code == 2 and "not an mtjob TSV export" in result.output
    assert invoke("import", out).exit_code == 2  # nothing to do
    path = corrections_file(tmp_path / "c.json", [item("beta", 0, 1, "لا", "No", "Nope")])
    from mtjob.outfolder.lock import ShardLock

    with ShardLock(out, 0, 1):  # a run of the folder's shard is writing
        assert invoke("import", out, path).exit_code == 75
    assert invoke("import", out, path).exit_code == 0


def test_a_cat_tool_memory_is_matched_by_the_arabic(tmp_path):
    """TMX 1.1 as OmegaT writes it: ``lang=``, no mtjob ids; unedited entries are skipped."""
    out = folder(tmp_path / "out")
    tmx = tmp_path / "project-omegat.tmx"
    tus = "".join(f'<tu><tuv lang="AR"><seg>{ar}</seg></tuv><tuv lang="EN" changeid="{who}" '
                  f'changedate="20261206T101500Z"><seg>{en}</seg></tuv></tu>'
                  for ar, en, who in [("نعم", "Yes", "mt"), ("لا", "No, no", "rana"),
                                      ("غير موجود", "Absent", "rana")])
    tmx.write_text(f'<?xml version="1.0"?><tmx version="1.1"><header srclang="AR"/><body>{tus}'
                   "</body></tmx>", encoding="utf-8")
    result = invoke("import", out, tmx)
    assert result.exit_code == 1 and "no sentence of the folder has this Arabic" in result.output
    got = sentences(out, "beta")
    assert "post_edit" not in got[0]
    assert (got[1]["post_edit"], got[1]["edited_by"], got[1]["edited_at"]) == (
        "No, no", "rana", "2026-12-06T10:15:00Z")


def test_a_file_with_two_units_for_one_sentence_imports_twice_as_once(tmp_path):
    out = folder(tmp_path / "out")
    path = corrections_file(tmp_path / "c.json", [
        item("beta", 0, 1, "لا", "No", "Nope"), item("beta", 0, 1, "لا", "No", "No, never")])
    assert invoke("import", out, path).exit_code == 0
    assert sentences(out, "beta")[1]["post_edit"] == "No, never"
    before = snapshot(out)
    assert invoke("import", out, path).exit_code == 0
    assert snapshot(out) == before


def test_an_import_redraws_the_review_page_and_a_stale_one_is_named(tmp_path):
    """A page shows the post-edits, so it is made from the JSONL as well as the abstract: an
    import (which changes the JSONL alone) left the old page in place, and verify said ok.
    Now the import redraws it (issue 31.12); an old copy put back is named stale, and the next
    sync redraws it."""
    from mtjob.export.pages import sync_review_pages
    from mtjob.outfolder.verify import check_folder

    out = folder(tmp_path / "out")
    sync_review_pages(out)
    page = out / "report" / "beta.html"
    old = page.read_bytes()
    assert "Yes, indeed" not in old.decode("utf-8")
    export_folder(out, "tsv", excel=True)
    edit_tsv(out / "export" / "tsv" / "beta.tsv", ["Yes, indeed"])
    assert invoke("import", out, out / "export" / "tsv" / "beta.tsv").exit_code == 0
    assert "Yes, indeed" in page.read_text(encoding="utf-8")
    assert not any("review page" in w for w in check_folder(out).warnings)
    page.write_bytes(old)
    assert any("beta.html: review page is stale" in w for w in check_folder(out).warnings)
    sync_review_pages(out)
    assert "Yes, indeed" in page.read_text(encoding="utf-8")
    assert not any("review page" in w for w in check_folder(out).warnings)


def test_english_written_in_the_tsv_en_column_is_not_dropped_in_silence(tmp_path):
    """A reviewer who typed the correction over the machine English in the ``en`` column
    (post_edit left empty) got "0 correction(s) applied ... 0 refused", exit 0: the row was
    skipped unseen and their English lost. Now it is refused by row with the reason (the
    ``en`` column is the machine's); untouched rows with an empty post_edit stay silent."""
    out = folder(tmp_path / "out")
    export_folder(out, "tsv")
    path = out / "export" / "tsv" / "beta.tsv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline=""),
                           delimiter="\t"))
    rows[2][rows[0].index("en")] = "No, never: typed over the machine English"
    buffer = io.StringIO()
    csv.writer(buffer, delimiter="\t", lineterminator="\r\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")
    before = snapshot(out)
    result = invoke("import", out, path, "--by", "ed")
    assert result.exit_code == 1, result.output
    refused = [line for line in result.stderr.splitlines() if line.startswith("Refused")]
    assert len(refused) == 1 and refused[0].startswith(f"Refused: {path}: row 3: ")
    assert "post_edit" in refused[0] and "en column" in refused[0]
    assert snapshot(out) == before  # nothing else happened


def test_a_fifo_or_an_oversized_tsv_cell_is_refused_naming_the_file(tmp_path):
    import os
    import threading

    from mtjob.errors import InputError
    from mtjob.feedback.formats import read_units

    fifo = tmp_path / "edits.tsv"
    os.mkfifo(fifo)
    caught: list[BaseException] = []
    reader = threading.Thread(target=lambda: caught.append(
        pytest.raises(InputError, read_units, fifo).value), daemon=True)
    reader.start()
    reader.join(10)
    assert not reader.is_alive() and "edits.tsv" in str(caught[0])
    big = tmp_path / "big.tsv"
    big.write_text("doc_id\tpara_id\tsent_id\tar\ten\tpost_edit\n"
                   f"a\t0\t0\tx\ty\t{'z' * 200_000}\n", encoding="utf-8")
    with pytest.raises(InputError, match="big.tsv"):
        read_units(big)
