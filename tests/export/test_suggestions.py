"""Issue 31.9: the translation memory's matches where translators look. A close match (until
now only in the JSONL's ``suggestion``) is an XLIFF ``<alt-trans origin="memory"
match-quality="NN">`` with its author, a note in TMX, columns in TSV and a badge + text +
percentage on the review page; an exact match is ``leveraged-tm`` (not ``leveraged-mt``) and
badged with its author on the page."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import pytest
from translate.storage.xliff import xlifffile

from mtjob.export import export_folder
from tests.memory.test_memory import (  # noqa: F401
    DATELINE,
    FIXED,
    fake,
    invoke,
    machine_memory,
    write,
)

XLIFF = "{urn:oasis:names:tc:xliff:document:1.2}"
CLOSE = DATELINE.replace("غدا", "اليوم")  # one word differs: a close match of DATELINE


@pytest.fixture
def matched(tmp_path, fake):  # noqa: F811
    """A run with a memory: p0-s0 an exact match (DATELINE), p1-s0 a close one."""
    mem = machine_memory(tmp_path)
    out = tmp_path / "out"
    inbox = write(tmp_path / "in", "news", f"{DATELINE}\n\n{CLOSE}\n")
    result = invoke("run", inbox, "--out", out, "--memory", mem, "--quiet")
    assert result.exit_code == 0, result.output
    return out


def test_xliff_alt_trans_and_leveraged_tm(matched):
    export_folder(matched, "xliff")
    data = (matched / "export" / "xliff" / "news.xlf").read_bytes()
    units = {u.get("id"): u for u in ET.fromstring(data).iter(f"{XLIFF}trans-unit")}
    exact = units["p0-s0"].find(f"{XLIFF}target")
    assert exact.get("state") == "needs-review-translation"
    assert exact.get("state-qualifier") == "leveraged-tm"
    assert "mtjob memory: exact match written by rania" in [
        n.text for n in units["p0-s0"].iter(f"{XLIFF}note")]
    close = units["p1-s0"]
    assert close.find(f"{XLIFF}target").get("state-qualifier") == "leveraged-mt"
    (alt,) = close.findall(f"{XLIFF}alt-trans")
    assert alt.get("origin") == "memory" and 85 <= int(alt.attrib["match-quality"]) < 100
    assert alt.find(f"{XLIFF}target").text == FIXED
    assert alt.find(f"{XLIFF}source").text == DATELINE
    assert alt.find(f"{XLIFF}note").get("from") == "rania"
    # An independent reader sees the unit's own target, and the match as an alternative.
    store = xlifffile.parsestring(data)
    unit = next(u for u in store.units if u.getid().endswith("p1-s0"))
    assert unit.target != FIXED and [a.target for a in unit.getalttrans()] == [FIXED]


def test_tmx_note_and_author_of_the_memory_match(matched):
    export_folder(matched, "tmx")
    tus = ET.parse(matched / "export" / "tmx" / "news.tmx").getroot().findall("body/tu")
    exact_en = tus[0].findall("tuv")[1]
    assert exact_en.get("creationid") == "rania"
    assert exact_en.get("creationdate") == "20261201T100000Z"
    assert {p.get("type"): p.text for p in tus[0].findall("prop")}["x-source"] == "post_edit"
    (note,) = tus[1].findall("note")
    assert note.text.startswith("mtjob suggestion (translation memory, ")
    assert note.text.endswith(f"%, by rania): {FIXED}")
    assert not any(p.get("type", "").startswith("x-edited") for tu in tus
                   for p in tu.findall("prop"))


def test_tsv_columns(matched):
    export_folder(matched, "tsv")
    text = (matched / "export" / "tsv" / "news.tsv").read_bytes().decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter="\t"))
    assert rows[0]["suggestion"] == "" and rows[0]["review"] == "machine"
    assert rows[1]["suggestion"] == FIXED and rows[1]["suggestion_by"] == "rania"
    assert 85 <= int(rows[1]["suggestion_match"]) < 100


def test_review_page_badges_and_suggestion(matched):
    export_folder(matched, "html")
    page = (matched / "export" / "html" / "news.html").read_text(encoding="utf-8")
    first, second = page.split('id="p0-s0"')[1].split('id="p1-s0"')
    assert ">memory by rania</span>" in first and "a person&#x27;s post-edit" in first
    assert '<div class="suggest">' in second and f'<span class="text" lang="en">{FIXED}' in second
    assert "% by rania</span>" in second and ">suggestion " in second
