"""``mtjob export``: each format read back by an independent reader equals the JSONL."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from translate.storage.tmx import tmxfile
from translate.storage.xliff import xlifffile
from typer.testing import CliRunner

from mtjob.cli import app
from mtjob.export import export_folder
from mtjob.export.html import render_html
from mtjob.export.html_assets import CSP_ARTICLE, SCRIPT_HASH
from mtjob.export.html_text import esc
from mtjob.export.xmltext import XmlText
from mtjob.outfolder.readback import read_folder
from mtjob.testing.output_folder import sentence, write_finished

XLIFF_NS = "{urn:oasis:names:tc:xliff:document:1.2}"
HOSTILE_AR = "نص <script>alert(1)</script> & ]]> \x01\x0b\ufffe\ud800 \u202eعكس\u202c"
HOSTILE_EN = 'say "><img src=x onerror=alert(1)> & ]]> <b>\x07 line\r\nbreak \u202egnp.exe'
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


def plain_folder(out: Path) -> Path:
    """Today's format: no score, no alignment, no checks."""
    write_finished(out, "alpha", [
        [sentence("جملة أولى.", "First sentence."), sentence("ثانية؟", "Second?", ["retried"])],
        [sentence("فقرة ثانية", "", ["empty_translation"])],
        [sentence("كيري وميستورا", "Kerry and de Mistura")]])
    write_finished(out, "beta", [[sentence("قال 2016", "He said", ["numbers_mismatch"])]],
                   abstract=None)
    return out


def rich_folder(out: Path) -> Path:
    """With the trust signals' optional fields (schema 2)."""
    write_finished(out, "gamma", [
        [sentence("وزير الخارجية قال", "the foreign minister said", ["low_confidence"],
                  score=-1.7, alignment=[[0, 1], [1, 2], [2, 3]]),
         sentence("نعم", "yes", score=-0.05, alignment=[])],
        [sentence("غير مترجم", "غير مترجم", ["untranslated", "copied"], score=-0.9)]],
        checks={"unsupported_numbers": ["2017"], "unsupported_names": [],
                "flags": ["unsupported_number"]},
        scores={"scored": 3, "min": -1.7, "median": -0.9, "low_confidence_share": 0.33},
        input_tokens=42, schema=2)
    return out


def hostile_folder(out: Path) -> Path:
    write_finished(out, "hostile", [[sentence(HOSTILE_AR, HOSTILE_EN, ["<bad flag>"])],
                                   [sentence("عادي", "plain", score=-0.2)]],
                  abstract='<script>alert("abs")</script> \u202eevil')
    return out


def expected_units(out: Path) -> dict[str, list[tuple[str, str, str]]]:
    """doc id -> [(unit id, ar, en)] straight from the JSONL."""
    units: dict[str, list[tuple[str, str, str]]] = {}
    for path in sorted(out.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            units.setdefault(record["doc_id"], []).extend(
                (f"p{record['para_id']}-s{i}", s["ar"], s["en"])
                for i, s in enumerate(record["sentences"]))
    return units


@pytest.fixture(params=["plain", "rich"])
def folder(request, tmp_path):
    out = tmp_path / "out"
    return plain_folder(out) if request.param == "plain" else rich_folder(out)


def test_xliff_read_back_by_translate_toolkit(folder):
    report = export_folder(folder, "xliff")
    for doc_id, units in expected_units(folder).items():
        data = (folder / "export" / "xliff" / f"{doc_id}.xlf").read_bytes()
        store = xlifffile.parsestring(data)
        got = [(u.getid().split("\x04")[-1], u.source, u.target) for u in store.units]
        assert got == units
        assert len({u for u, _, _ in got}) == len(got)
        root = ET.fromstring(data)
        assert root.tag == f"{XLIFF_NS}xliff" and root.get("version") == "1.2"
        file = root.find(f"{XLIFF_NS}file")
        assert (file.get("source-language"), file.get("target-language")) == ("ar", "en")
        for target in root.iter(f"{XLIFF_NS}target"):
            assert target.get("state") == ("needs-review-translation" if target.text
                                           else "needs-translation")
    assert report.dropped_chars == 0


def test_xliff_notes_and_groups(tmp_path):
    out = rich_folder(tmp_path / "out")
    export_folder(out, "xliff")
    root = ET.parse(out / "export" / "xliff" / "gamma.xlf").getroot()
    groups = list(root.iter(f"{XLIFF_NS}group"))
    assert [g.get("id") for g in groups] == ["p0", "p1"]
    unit = groups[0].find(f"{XLIFF_NS}trans-unit")
    notes = [n.text for n in unit.iter(f"{XLIFF_NS}note")]
    assert "mtjob flags: low_confidence" in notes
    assert "mtjob score (mean log-prob): -1.7000" in notes
    assert unit.find(f"{XLIFF_NS}target").get("state-qualifier") == "leveraged-mt"


def test_tmx_read_back_by_translate_toolkit(folder):
    export_folder(folder, "tmx")
    for doc_id, units in expected_units(folder).items():
        data = (folder / "export" / "tmx" / f"{doc_id}.tmx").read_bytes()
        store = tmxfile.parsestring(data)
        # a memory entry needs both sides: sentences with an empty one are left out
        assert [(u.source, u.target) for u in store.units] == [
            (ar, en) for _, ar, en in units if ar.strip() and en.strip()]
        header = ET.fromstring(data).find("header")
        assert {k: header.get(k) for k in ("creationtool", "srclang", "segtype", "datatype",
                                           "adminlang", "o-tmf")} == {
            "creationtool": "mtjob", "srclang": "ar", "segtype": "sentence",
            "datatype": "plaintext", "adminlang": "en", "o-tmf": "mtjob-jsonl"}
        assert header.get("creationtoolversion")
        tuids = [tu.get("tuid") for tu in ET.fromstring(data).iter("tu")]
        assert len(set(tuids)) == len(tuids)


def test_tmx_props(tmp_path):
    out = rich_folder(tmp_path / "out")
    export_folder(out, "tmx")
    tu = ET.parse(out / "export" / "tmx" / "gamma.tmx").getroot().find("body/tu")
    props = {p.get("type"): p.text for p in tu.findall("prop")}
    assert props == {"x-doc-id": "gamma", "x-para-id": "0", "x-sent-id": "0",
                     "x-flags": "low_confidence", "x-score": "-1.7000", "x-source": "mt"}
    assert [t.get("{http://www.w3.org/XML/1998/namespace}lang") for t in tu.findall("tuv")] \
        == ["ar", "en"]


@pytest.mark.parametrize("fmt, suffix", [("xliff", "xlf"), ("tmx", "tmx")])
def test_xml_well_formed_with_hostile_text(tmp_path, fmt, suffix):
    out = hostile_folder(tmp_path / "out")
    report = export_folder(out, fmt)
    data = (out / "export" / fmt / f"hostile.{suffix}").read_bytes()
    ET.fromstring(data)  # well-formed, or this raises
    store = (xlifffile if fmt == "xliff" else tmxfile).parsestring(data)
    first = store.units[0]
    assert first.source == FORBIDDEN.sub("", HOSTILE_AR)
    assert first.target == FORBIDDEN.sub("", HOSTILE_EN)  # CR kept (as &#13;), quotes too
    assert report.dropped_chars == len(FORBIDDEN.findall(HOSTILE_AR + HOSTILE_EN))


def test_xml_text_cleaner_counts():
    clean = XmlText()
    assert clean("a\x00b\tc\ud800\uffffd\U0001F600") == "ab\tcd\U0001F600"
    assert clean.dropped == 3


def read_tsv(path: Path, bom: bool = False) -> list[list[str]]:
    text = path.read_bytes().decode("utf-8")  # not read_text: it would turn CRLF into LF
    assert text.startswith("\ufeff") == bom
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter="\t"))


@pytest.mark.parametrize("make", [plain_folder, rich_folder, hostile_folder])
def test_tsv_read_back_equals_records(tmp_path, make):
    out = make(tmp_path / "out")
    export_folder(out, "tsv")
    for article in read_folder(out):
        rows = read_tsv(out / "export" / "tsv" / f"{article.doc_id}.tsv")
        assert rows[0] == ["doc_id", "para_id", "sent_id", "ar", "en", "score", "flags",
                           "post_edit", "review", "suggestion", "suggestion_match",
                           "suggestion_by"]
        expected = [[article.doc_id, str(p.para_id), str(s.index),
                     re.sub("[\ud800-\udfff]", "\ufffd", s.ar), s.en,
                     "" if s.score is None else repr(s.score), ",".join(s.flags), "",
                     "machine", "", "", ""]
                    for p, s in article.sentences()]
        assert rows[1:] == expected


def test_tsv_excel_bom_and_only_flagged(tmp_path):
    out = plain_folder(tmp_path / "out")
    result = invoke("export", out, "--format", "tsv", "--excel", "--only-flagged",
                    "--to", tmp_path / "t")
    assert result.exit_code == 0, result.output
    rows = read_tsv(tmp_path / "t" / "alpha.tsv", bom=True)
    assert [r[2] for r in rows[1:]] == ["1", "0"] and rows[1][6] == "retried"


@pytest.mark.parametrize("fmt, suffix", [("xliff", "xlf"), ("tmx", "tmx")])
def test_only_flagged_xml(tmp_path, fmt, suffix):
    out = rich_folder(tmp_path / "out")
    export_folder(out, fmt, only_flagged=True)
    data = (out / "export" / fmt / f"gamma.{suffix}").read_bytes()
    store = (xlifffile if fmt == "xliff" else tmxfile).parsestring(data)
    assert [u.target for u in store.units] == ["the foreign minister said", "غير مترجم"]


def test_cli_strict_refuses_unverified_folder_with_first_problem_and_count(tmp_path):
    """``--strict`` keeps the refusal (without it, the other articles are exported:
    tests/export/test_partial_folders.py)."""
    out = plain_folder(tmp_path / "out")
    (out / "beta.jsonl").write_bytes(b"")  # hash and count no longer as recorded
    result = invoke("export", out, "--format", "html", "--strict")
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and "fails verify, 2 problem(s)" in result.output
    assert "beta.jsonl" in result.output and "Traceback" not in result.output
    assert not (out / "export").exists()


@pytest.mark.parametrize("args, message", [
    (["--format", "pdf"], "--format must be one of html, xliff, tmx, tsv"),
    (["--format", "xliff", "--excel"], "--excel applies to --format tsv only"),
])
def test_cli_usage_errors(tmp_path, args, message):
    out = plain_folder(tmp_path / "out")
    result = invoke("export", out, *args)
    assert result.exit_code == 2 and f"Error: {message}" in result.output


def test_cli_missing_or_empty_folder_is_usage_error(tmp_path):
    assert invoke("export", tmp_path / "nope", "-f", "tsv").exit_code == 2
    (tmp_path / "empty").mkdir()
    result = invoke("export", tmp_path / "empty", "-f", "tsv")
    assert result.exit_code == 2 and "no finished article" in result.output


def test_cli_prints_files_and_rerun_changes_nothing(tmp_path):
    out = plain_folder(tmp_path / "out")
    result = invoke("export", out, "--format", "html")
    assert result.exit_code == 0, result.output
    files = result.stdout.split()
    assert [Path(f).name for f in files] == ["alpha.html", "beta.html", "index.html"]
    stamps = {f: Path(f).stat().st_mtime_ns for f in files}
    assert invoke("export", out, "--format", "html").exit_code == 0
    assert {f: Path(f).stat().st_mtime_ns for f in files} == stamps


# --- HTML: escaping and structure (the browser checks are in test_export_browser.py) ---

@pytest.mark.parametrize("text, expected", [
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ('"><img src=x onerror=alert(1)>', "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"),
    ("R&D 'q'", "R&amp;D &#x27;q&#x27;"),
    ("a\u202eb", 'a<span class="ctl" title="invisible control character U+202E">RLO</span>b'),
    ("x\x00", 'x<span class="ctl" title="invisible control character U+0000">U+0000</span>'),
    ("عربي\nسطر", "عربي\nسطر"),
])
def test_esc(text, expected):
    assert esc(text) == expected


def test_html_page_escapes_everything(tmp_path):
    out = hostile_folder(tmp_path / "out")
    page = render_html(read_folder(out)[0])
    # One script runs; the other is the edit mode's JSON data block, which never runs.
    assert page.count("<script") == 2 and page.count("<script>") == 1
    assert page.count('<script type="application/json" id="mtjob-data">') == 1
    assert "<img" not in page and "\u202e" not in page
    assert "onerror=alert(1)&gt;" in page and "&lt;bad flag&gt;" in page
    assert f'content="{CSP_ARTICLE}"' in page and SCRIPT_HASH in page
    page.encode("utf-8")  # lone surrogates shown as marks, never an unencodable page


def test_html_optional_fields_rendered_when_present(tmp_path):
    rich = render_html(read_folder(rich_folder(tmp_path / "r"))[0])
    assert rich.count("<meter") == 3 and 'data-align="0-1 1-2 2-3"' in rich
    assert '<span class="w" data-i="0">وزير</span>' in rich
    assert "<dt>Numbers not in the translation</dt><dd>2017</dd>" in rich
    assert "<dt>Share flagged low confidence</dt><dd>33%</dd>" in rich
    plain = render_html(read_folder(plain_folder(tmp_path / "p"))[0])
    assert "<meter" not in plain and "data-align" not in plain and 'class="w"' not in plain
    assert plain.count('class="pair') == 4 and plain.count('class="pair flagged"') == 2
    assert plain.count('dir="rtl" lang="ar" tabindex="0"') == 4


def test_html_index_lists_articles_with_flags_and_abstract(tmp_path):
    out = plain_folder(tmp_path / "out")
    export_folder(out, "html", only_flagged=True)
    index = (out / "export" / "html" / "index.html").read_text(encoding="utf-8")
    assert '<a href="alpha.html">alpha</a>' in index and '<a href="beta.html">' in index
    assert "A short abstract." in index and "retried 1" in index and "numbers 1" in index
    page = (out / "export" / "html" / "alpha.html").read_text(encoding="utf-8")
    assert 'id="flagged-only" checked' in page  # --only-flagged: the filter starts on


def test_end_to_end_tiny_run_exports_every_format(tmp_path, sample_inbox, tiny_args):
    out = tmp_path / "out"
    assert invoke("run", sample_inbox, "--out", out, *tiny_args).exit_code == 0
    for fmt in ("html", "xliff", "tmx", "tsv"):
        result = invoke("export", out, "--format", fmt, "--quiet")
        assert result.exit_code == 0, result.output
    units = expected_units(out)["article"]
    assert len(units) >= 17
    store = xlifffile.parsestring((out / "export" / "xliff" / "article.xlf").read_bytes())
    assert [(u.getid().split("\x04")[-1], u.source, u.target) for u in store.units] == units
    rows = read_tsv(out / "export" / "tsv" / "article.tsv")
    assert [(f"p{r[1]}-s{r[2]}", r[3], r[4]) for r in rows[1:]] == units
    page = (out / "export" / "html" / "article.html").read_text(encoding="utf-8")
    assert page.count('class="s ar"') == len(units)
    assert invoke("verify", out).exit_code == 0  # the export folder does not disturb verify


def test_run_report_writes_the_review_pages_as_it_goes(tmp_path, sample_inbox, tiny_args):
    from typer.testing import CliRunner

    from mtjob.cli import app
    from mtjob.outfolder.verify import check_folder

    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(sample_inbox), "--out", str(out), *tiny_args,
                                      "--report"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    page = (out / "report" / "article.html").read_text(encoding="utf-8")
    records = [json.loads(line) for line in (out / "article.jsonl").read_text().splitlines()]
    assert "article.html" in (out / "report" / "index.html").read_text(encoding="utf-8")
    exported = export_folder(out, "html")
    assert (exported.folder / "article.html").read_text(encoding="utf-8") == page
    assert len(records) == 17 and check_folder(out).warnings == []


def test_recorded_facts_show_invisible_controls_as_marks():
    """The page's footer and checks (html_facts) used a plain html.escape of their own: a
    source name or an unsupported name holding U+202E reversed the text after it."""
    from mtjob.export.html_facts import facts_list

    shown = facts_list({"source": "evil\u202egnp.txt"})
    assert "\u202e" not in shown and "RLO" in shown


def test_the_review_page_shows_settings_and_checks_in_words(tmp_path):
    from mtjob.export.html import render_html
    from mtjob.outfolder.readback import read_folder
    from mtjob.testing.output_folder import sentence, write_finished

    write_finished(tmp_path, "a", [[sentence("قال 2016", "He said 2016")]],
                  settings={"alignments": False, "summary": True, "mt_revision": None},
                  checks={"unsupported_numbers": ["2017", "12"], "unsupported_names": [],
                          "flags": ["unsupported_number"]})
    page = render_html(read_folder(tmp_path)[0])
    assert ">fail<" not in page and ">pass<" not in page and ">None<" not in page
    assert "<dt>alignments</dt><dd>off</dd>" in page and "<dt>summary</dt><dd>on</dd>" in page
    assert "<dt>mt_revision</dt><dd>not pinned (latest)</dd>" in page
    assert "<dt>Numbers not in the translation</dt><dd>2017, 12</dd>" in page
    assert "<dt>Names not in the translation</dt><dd>none</dd>" in page
    assert "[&quot;" not in page and "unsupported_numbers" not in page
