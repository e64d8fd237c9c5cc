"""What a file says is checked before anything is written (issue 29 items 3, 4, 5, 14, 16;
issue 31 item 3): every field's type and range, refused by file, unit and reason in lines that
no name can forge; the English cleaned as article text is, and said so; any line separator
kept; the article named by what the file holds, whatever the file is called."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtjob.cli import app
from mtjob.export import export_folder
from mtjob.outfolder.corrections import corrections_path, read_corrections
from mtjob.outfolder.verify import verify

from .test_importing import edit_xliff, folder, invoke, sentences, snapshot


def page(path: Path, items: list[dict], reviewer: object = "Hala") -> Path:
    path.write_text(json.dumps({"format": "mtjob-corrections", "version": 2,
                                "reviewer": reviewer, "corrections": items}), encoding="utf-8")
    return path


def good(**change: object) -> dict:
    item = {"doc_id": "beta", "para_id": 0, "sent_id": 1, "ar": "لا", "mt_en": "No",
            "post_edit": "No way", "state": "edited", "edited_at": "2026-12-07T10:00:00Z"}
    item.update(change)
    return item


@pytest.mark.parametrize(("change", "reason"), [
    ({"edited_at": 5}, "edited_at: expected an ISO-8601 time, got an integer"),
    ({"edited_at": {"when": "now"}}, "edited_at: expected an ISO-8601 time, got an object"),
    ({"edited_at": "yesterday"}, "edited_at: 'yesterday' is not an ISO-8601 time"),
    ({"edited_at": "2026-12-07T10:00:00"}, "is not an ISO-8601 time with a zone"),
    ({"edited_at": "2999-01-01T00:00:00Z"}, "edited_at: 2999-01-01T00:00:00Z is in the future"),
    # An impossible date in the store's own form was kept as it is (and, compared as text,
    # beat every real edit of that year); a year at the end of the range with a zone crashed
    # the whole import ("unexpected OverflowError"); digits of other scripts passed \d.
    ({"edited_at": "2025-99-99T99:99:99Z"}, "is not an ISO-8601 time with a zone"),
    ({"edited_at": "2025-02-30T10:00:00Z"}, "is not an ISO-8601 time with a zone"),
    ({"edited_at": "9999-12-31T23:59:59-05:00"}, "is not an ISO-8601 time with a zone"),
    ({"edited_at": "0001-01-01T00:00:00+01:00"}, "is not an ISO-8601 time with a zone"),
    ({"edited_at": "2025-12-07T11:05:0\uff19Z"}, "is not an ISO-8601 time with a zone"),
    ({"edited_at": "\u0662\u0660\u0662\u0665-12-07T11:05:00Z"}, "is not an ISO-8601 time"),
    ({"edited_by": ["x"]}, "edited_by: expected a string or null, got an array"),
    ({"edited_by": True}, "edited_by: expected a string or null, got a boolean"),
    ({"post_edit": None}, "post_edit: expected a string, got null"),
    ({"post_edit": ["He", "said"]}, "post_edit: expected a string, got an array"),
    ({"para_id": 1e999}, "para_id: expected an integer, got a number"),
    ({"para_id": True}, "para_id: expected an integer, got a boolean"),
    ({"para_id": 1.0}, "para_id: expected an integer, got a number"),
    ({"sent_id": -1}, "sent_id: -1 is out of range"),
    ({"sent_id": 10**30}, "is out of range"),
    ({"doc_id": 7}, "doc_id: expected a string, got an integer"),
    ({"ar": None}, "ar: expected a string, got null"),
    ({"state": "approved"}, "state: expected edited or confirmed"),
])
def test_every_field_is_checked_before_anything_is_written(tmp_path, change, reason):
    """Issue 29 items 4 and 5: any JSON type was taken for edited_at/edited_by (the JSONL then
    broke mtjob's own schema for good), a null post_edit became the English "None", a list
    "['He', 'said']", para_id 1e999 "unexpected OverflowError". Each is refused by file, unit
    and reason; the other units apply; the folder verifies."""
    out = folder(tmp_path / "out")
    path = page(tmp_path / "c.json", [good(sent_id=0, ar="نعم", mt_en="Yes", post_edit="Yes!"),
                                     good(**change)])
    result = CliRunner().invoke(app, ["import", str(out), str(path)])
    assert result.exit_code == 1, result.output
    refused = [line for line in result.stderr.splitlines() if line.startswith("Refused")]
    assert len(refused) == 1 and refused[0].startswith(f"Refused: {path}: corrections[1]: ")
    assert reason in refused[0]
    got = sentences(out, "beta")
    assert got[0]["post_edit"] == "Yes!" and "post_edit" not in got[1]
    assert verify(out) == []


def test_a_reviewer_that_is_not_a_name_is_a_usage_error(tmp_path):
    out = folder(tmp_path / "out")
    before = snapshot(out)
    result = invoke("import", out, page(tmp_path / "c.json", [good()], reviewer={"a": 1}))
    assert result.exit_code == 2 and "reviewer: expected a string or null" in result.output
    assert snapshot(out) == before


def test_line_separators_in_a_post_edit_keep_the_store_readable(tmp_path):
    """Issue 29 item 3: U+2028, U+2029 and U+0085 were written raw into the store and read
    back with splitlines(): verify failed for good, every rerun failed the article. The store
    is split on \\n only and written as the JSONL is (those three escaped)."""
    out = folder(tmp_path / "out")
    text = "He said\u2028she said\u2029they said\u0085we said"
    name = "Ha\u2028la"
    result = invoke("import", out, page(tmp_path / "c.json", [good(post_edit=text)],
                                        reviewer=name))
    assert result.exit_code == 0, result.output
    assert verify(out) == []
    data = corrections_path(out, "beta").read_bytes()
    assert data.count(b"\n") == 1 and "\u2028".encode() not in data
    [stored] = read_corrections(out, "beta")
    assert (stored.post_edit, stored.edited_by) == (text, name)
    assert sentences(out, "beta")[1]["post_edit"] == text


def test_a_store_with_raw_line_separators_from_an_older_mtjob_is_still_read(tmp_path):
    out = folder(tmp_path / "out")
    store = corrections_path(out, "beta")
    store.parent.mkdir(parents=True)
    old = {"doc_id": "beta", "para_id": 0, "sent_id": 1, "ar": "لا", "mt_en": "No",
           "post_edit": "a\u2028b", "edited_by": None, "edited_at": "2026-12-06T10:00:00Z",
           "source": "c.json#corrections[0]"}
    store.write_bytes((json.dumps(old, ensure_ascii=False) + "\n").encode())
    [stored] = read_corrections(out, "beta")
    assert stored.post_edit == "a\u2028b" and stored.version == 1


def test_control_characters_in_a_post_edit_are_cleaned_and_said(tmp_path):
    """Issue 29 item 16: ESC, BEL, NUL of a post-edit reached the memory, ``en`` of later
    runs, NAME.en.txt and translate's stdout. They are removed as the run removes them from
    article text (tab, newline, bidi marks and separators kept), and the import says so."""
    out = folder(tmp_path / "out")
    text = "No\x1b[31m way\x07\x00 at\tall\r\nnow\u202e"
    result = CliRunner().invoke(app, ["import", str(out), str(page(
        tmp_path / "c.json", [good(post_edit=text, edited_by="Ha\x1bla")]))])
    assert result.exit_code == 0, result.output
    got = sentences(out, "beta")[1]
    assert got["post_edit"] == "No[31m way at\tall\nnow\u202e"
    assert got["edited_by"] == "Hala"
    assert "corrections[0]: removed 4 control character(s)" in result.stderr


def test_refusals_name_units_on_one_escaped_line_each(tmp_path):
    """Issue 29 item 14: trans-unit ids were printed raw: ``&#10;`` forged stderr lines and
    U+202E reordered them. They are escaped as the run escapes names."""
    out = folder(tmp_path / "out")
    export_folder(out, "xliff")
    xlf = out / "export" / "xliff" / "beta.xlf"
    data = xlf.read_text(encoding="utf-8")
    data = data.replace('id="p0-s0"', 'id="x&#10;Refused: forged: line&#8238;evil"')
    data = data.replace(">نعم<", ">غير موجود<")  # an Arabic the article does not have
    xlf.write_text(data, encoding="utf-8")
    result = CliRunner().invoke(app, ["import", str(out), str(xlf)])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    refused = [line for line in lines if line.startswith("Refused")]
    assert len(refused) == 1 and "\\n" in refused[0] and "\\u202e" in refused[0]
    assert "\u202e" not in result.stderr
    assert not any(line.startswith("Refused: forged") for line in lines)


def test_a_renamed_xliff_is_found_by_what_it_holds(tmp_path):
    """Issue 31 item 3: saved as ``edited.xlf``, every unit was refused "no article
    'edited'": the article was taken from the file's name."""
    out = folder(tmp_path / "out")
    export_folder(out, "xliff")
    renamed = shutil.copy(out / "export" / "xliff" / "beta.xlf", tmp_path / "edited.xlf")
    edit_xliff(Path(renamed), {"p0-s1": "No way"})
    result = invoke("import", out, renamed, "--by", "rana")
    assert result.exit_code == 0, result.output
    assert sentences(out, "beta")[1]["post_edit"] == "No way"
    # Named after another article: its content still says whose it is.
    misleading = shutil.copy(renamed, tmp_path / "alpha.xlf")
    assert invoke("import", out, misleading, "--by", "rana").exit_code == 0
    assert all("post_edit" not in s for s in sentences(out, "alpha"))


def test_an_xliff_whose_article_is_gone_is_refused_by_its_content(tmp_path):
    out = folder(tmp_path / "out")
    export_folder(out, "xliff")
    xlf = out / "export" / "xliff" / "beta.xlf"
    xlf.write_text(xlf.read_text(encoding="utf-8").replace(
        'original="beta.txt"', 'original="gone.txt"').replace(
        "sha256: ", "sha256: 0"), encoding="utf-8")
    result = CliRunner().invoke(app, ["import", str(out), str(xlf)])
    assert result.exit_code == 1
    assert "no article of the folder is this file's (original 'gone.txt'" in result.stderr


def test_doc_ids_never_reach_outside_the_folder(tmp_path):
    """What held must keep holding: a doc id only picks among the folder's articles."""
    out = folder(tmp_path / "out")
    before = snapshot(out)
    ids = ["../beta", "../../etc/beta", "/tmp/beta", "beta/../alpha", "beta.jsonl"]
    result = CliRunner().invoke(app, ["import", str(out), str(page(tmp_path / "c.json", [
        good(doc_id=d, sent_id=0, ar="نعم", mt_en="Yes") for d in ids]))])
    assert result.exit_code == 1
    assert result.stderr.count("no article") == len(ids)
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.json", "out"]
