"""Any string a person writes survives the human loop (issue 29, "Must show"): as a post-edit
and as a reviewer's name, through the review page's corrections JSON, XLIFF, TMX and TSV into
the store, a rerun (``run --force`` on the tiny models), ``verify`` and back out through the
store and the JSONL, equal to what went in apart from the documented cleaning:

- everywhere (``inputs.controls.clean_person_text``): CRLF/CR become LF, the controls no article
  holds are removed, a lone surrogate becomes U+FFFD; a name loses its outer whitespace;
- XLIFF and TMX can only carry what XML 1.0 can (``export.xmltext.XmlText``: no C0 controls
  but tab/LF/CR, no U+FFFE/U+FFFF, no surrogates); the TSV is UTF-8 (no surrogates).
"""

from __future__ import annotations

import csv
import io
import json
import logging
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import mtjob
from mtjob.cli import app
from mtjob.export import export_folder
from mtjob.export.tsv import _cell
from mtjob.export.xliff import NS
from mtjob.export.xmltext import XmlText, xml_document
from mtjob.feedback.importing import import_files
from mtjob.inputs.controls import clean_person_text
from mtjob.outfolder.corrections import read_corrections
from mtjob.outfolder.readback import read_folder
from mtjob.outfolder.verify import verify

SPECIAL = ["\u2028", "\u2029", "\u0085", "\x00", "\x1b", "\x07", "\x7f", "\x9b", "\u202e",
           "\u2066", "\u200f", "\u061c", "\r", "\n", "\r\n", "\t", "\ud800", "\udfff",
           "\ufeff", "\ufffe", "\uffff", "\u00a0", "\u0640", "'", "=", '"', "<", "&", "]]>",
           "قال", "He said", " "]
TEXT = st.lists(st.one_of(st.characters(exclude_categories=()), st.sampled_from(SPECIAL)),
                min_size=1, max_size=12).map("".join)


def cleaned(text: str, xml: bool = False) -> str:
    return clean_person_text(XmlText()(text) if xml else text)[0]


def name(text: str, xml: bool = False) -> str | None:
    return cleaned(text, xml).strip() or None


@pytest.fixture(scope="module")
def translated(tmp_path_factory, tiny_models):
    base = tmp_path_factory.mktemp("roundtrip")
    inbox = base / "inbox"
    inbox.mkdir()
    shutil.copy(Path(__file__).parents[2] / "examples" / "article.ar.txt", inbox / "article.txt")
    args = ["--mt-model", str(tiny_models["mt"]), "--sum-model", str(tiny_models["sum"]),
            "--beams", "1", "--sum-beams", "1", "--quiet"]
    out = base / "out"
    assert CliRunner().invoke(app, ["run", str(inbox), "--out", str(out), *args]).exit_code == 0
    export_folder(out, "xliff")
    export_folder(out, "tsv", excel=True)
    article = read_folder(out)[0]
    units = [(p.para_id, s.index, s.ar, s.en) for p, s in article.sentences()]
    assert len({ar for _, _, ar, _ in units}) == len(units)  # each Arabic once
    settings = {"mt_model": str(tiny_models["mt"]), "sum_model": str(tiny_models["sum"]),
                "beams": 1, "sum_beams": 1}
    return {"inbox": inbox, "out": out, "settings": settings, "units": units}


def page_file(path: Path, unit: tuple, text: str, who: str) -> Path:
    para, sent, ar, en = unit
    path.write_text(json.dumps({  # ensure_ascii: lone surrogates as JSON escapes
        "format": "mtjob-corrections", "version": 2, "reviewer": who, "corrections": [
            {"doc_id": "article", "para_id": para, "sent_id": sent, "ar": ar, "mt_en": en,
             "post_edit": text, "state": "edited", "edited_by": who,
             "edited_at": "2026-12-07T10:00:00Z"}]}), encoding="utf-8")
    return path


def xliff_file(path: Path, exported: Path, unit: tuple, text: str) -> Path:
    ET.register_namespace("", NS)
    root = ET.parse(exported).getroot()
    uid = f"p{unit[0]}-s{unit[1]}"
    for tu in root.iter(f"{{{NS}}}trans-unit"):
        if tu.get("id") == uid:
            target = tu.find(f"{{{NS}}}target")
            assert target is not None
            target.text = XmlText()(text)
            target.attrib = {k: v for k, v in target.attrib.items() if k != "state-qualifier"}
            target.set("state", "translated")
    path.write_text(xml_document(root), encoding="utf-8")
    return path


def tmx_file(path: Path, unit: tuple, text: str, who: str) -> Path:
    root = ET.Element("tmx", {"version": "1.4"})
    ET.SubElement(root, "header", {"srclang": "ar", "creationtool": "a CAT tool"})
    tu = ET.SubElement(ET.SubElement(root, "body"), "tu")
    ET.SubElement(ET.SubElement(tu, "tuv", {"xml:lang": "ar"}), "seg").text = unit[2]
    en = ET.SubElement(tu, "tuv", {"xml:lang": "en", "changeid": XmlText()(who),
                                   "changedate": "20261207T110000Z"})
    ET.SubElement(en, "seg").text = XmlText()(text)
    path.write_text(xml_document(root), encoding="utf-8")
    return path


def tsv_file(path: Path, exported: Path, unit: tuple, text: str) -> Path:
    rows = list(csv.reader(io.StringIO(exported.read_text(encoding="utf-8-sig"), newline=""),
                           delimiter="\t"))
    column = rows[0].index("post_edit")
    for row in rows[1:]:
        if (row[1], row[2]) == (str(unit[0]), str(unit[1])):
            row[column] = _cell(text, excel=True)  # what --excel writes; import undoes it
    buffer = io.StringIO()
    csv.writer(buffer, delimiter="\t", lineterminator="\r\n").writerows(rows)
    path.write_text("\ufeff" + buffer.getvalue(), encoding="utf-8")
    return path


def roundtrip(translated: dict, base: Path, texts: list[str], names: list[str]
              ) -> tuple[Path, Callable[[], None]]:
    """The four files imported into a copy of the folder; returns it and its check."""
    logging.getLogger().handlers[:] = []  # a CliRunner's handler writes to a closed stream
    units = translated["units"][:4]
    want = [cleaned(texts[0]), cleaned(texts[1], xml=True), cleaned(texts[2], xml=True),
            cleaned(texts[3])]
    for text, (_, _, ar, en) in zip(want, units, strict=True):
        assume(text.strip() and text not in (ar, en))
    by = names[1]
    want_by = [name(names[0]) or name(by), name(by), name(names[2], xml=True) or name(by),
               name(by)]  # a file that names nobody: --by
    out = base / "out"
    shutil.copytree(translated["out"], out)
    export = translated["out"] / "export"
    files = [page_file(base / "c.json", units[0], texts[0], names[0]),
             xliff_file(base / "a.xlf", export / "xliff" / "article.xlf", units[1], texts[1]),
             tmx_file(base / "t.tmx", units[2], texts[2], names[2]),
             tsv_file(base / "s.tsv", export / "tsv" / "article.tsv", units[3], texts[3])]
    for path in files:
        report = import_files(out, [path], by=by)
        assert not report.refused and len(report.applied) == 1, report

    def check() -> None:
        assert verify(out) == []
        stored = read_corrections(out, "article")
        assert [(c.post_edit, c.edited_by) for c in stored] == list(zip(want, want_by, strict=True))
        got = {(p.para_id, s.index): s for p, s in read_folder(out)[0].sentences()}
        for (para, sent, _, _), text, editor in zip(units, want, want_by, strict=True):
            s = got[(para, sent)]
            assert (s.post_edit, s.edited_by, s.review) == (text, editor, "edited")

    return out, check


FOUR = st.lists(TEXT, min_size=4, max_size=4)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(texts=FOUR, names=FOUR)
def test_any_string_round_trips_through_every_import(translated, tmp_path_factory, texts,
                                                     names):
    _, check = roundtrip(translated, tmp_path_factory.mktemp("example"), texts, names)
    check()


@settings(max_examples=3, deadline=None, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(texts=FOUR, names=FOUR)
def test_any_string_round_trips_through_a_rerun(translated, tmp_path_factory, texts, names):
    """The same, then ``run --force`` (few examples: each is a run on the tiny models)."""
    out, check = roundtrip(translated, tmp_path_factory.mktemp("example"), texts, names)
    check()
    mtjob.run(translated["inbox"], out, force=True, **translated["settings"])
    check()
