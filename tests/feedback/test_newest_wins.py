"""The newest edit wins and the history keeps the rest (issue 29 item 1, issue 31 items 4, 5
and 7): an old export imported again, a CAT tool's older edit imported last, a carried-over
text, the machine English of another article: none of them reverts a newer correction or
credits the wrong person, and alternating imports change nothing."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from mtjob.export import export_folder
from mtjob.outfolder.corrections import read_corrections
from mtjob.outfolder.verify import verify
from mtjob.testing.output_folder import sentence, write_finished

from .test_importing import edit_tsv, edit_xliff, folder, invoke, sentences, snapshot


def page_file(path: Path, reviewer: str, items: list[tuple]) -> Path:
    """A review page's corrections file (version 2): (doc, para, sent, ar, mt_en, text,
    at) items, edited by ``reviewer``."""
    path.write_text(json.dumps({"format": "mtjob-corrections", "version": 2,
                                "reviewer": reviewer, "corrections": [
        {"doc_id": d, "para_id": p, "sent_id": s, "ar": ar, "mt_en": en, "post_edit": text,
         "state": "edited", "edited_by": reviewer, "edited_at": at}
        for d, p, s, ar, en, text, at in items]}), encoding="utf-8")
    return path


def cat_tmx(path: Path, entries: list[tuple[str, str, str | None, str | None]]) -> Path:
    """A CAT tool's memory (OmegaT's TMX 1.1: no mtjob ids): (ar, en, who, TMX date)."""
    def tuv(who: str | None, when: str | None) -> str:
        return "".join(f' {k}="{v}"' for k, v in (("changeid", who), ("changedate", when)) if v)
    tus = "".join(f'<tu><tuv lang="AR"><seg>{ar}</seg></tuv><tuv lang="EN"{tuv(who, when)}>'
                  f"<seg>{en}</seg></tuv></tu>" for ar, en, who, when in entries)
    path.write_text(f'<?xml version="1.0"?><tmx version="1.1"><header srclang="AR"/><body>{tus}'
                    "</body></tmx>", encoding="utf-8")
    return path


def applied(out: Path, doc_id: str, index: int) -> tuple:
    s = sentences(out, doc_id)[index]
    return s.get("post_edit"), s.get("edited_by"), s.get("edited_at")


NO = ("beta", 0, 1, "لا", "No")


def test_an_older_tsv_export_imported_again_keeps_the_newer_correction(tmp_path):
    """Issue 29 item 1: export, a newer correction made elsewhere, then the old export
    imported again: it replaced the newer correction with its old text, edited_by null and
    a fresh time, exit 0."""
    out = folder(tmp_path / "out")
    assert invoke("import", out, page_file(tmp_path / "h.json", "Hala", [
        (*NO, "No way", "2026-12-07T10:00:00Z")])).exit_code == 0
    export_folder(out, "tsv")
    old = shutil.copy(out / "export" / "tsv" / "beta.tsv", tmp_path / "old.tsv")
    assert invoke("import", out, page_file(tmp_path / "r.json", "Rana", [
        (*NO, "Never", "2026-12-07T11:00:00Z")])).exit_code == 0
    before = snapshot(out)
    result = invoke("import", out, old)
    assert result.exit_code == 0, result.output
    assert applied(out, "beta", 1) == ("Never", "Rana", "2026-12-07T11:00:00Z")
    assert snapshot(out) == before  # the old export is no edit at all
    assert [c.post_edit for c in read_corrections(out, "beta")] == ["No way", "Never"]
    assert verify(out) == []


def test_an_older_xliff_export_imported_again_keeps_the_newer_correction(tmp_path):
    out = folder(tmp_path / "out")
    assert invoke("import", out, page_file(tmp_path / "h.json", "Hala", [
        (*NO, "No way", "2026-12-07T10:00:00Z")])).exit_code == 0
    export_folder(out, "xliff")
    (tmp_path / "saved").mkdir()
    old = shutil.copy(out / "export" / "xliff" / "beta.xlf", tmp_path / "saved")
    assert invoke("import", out, page_file(tmp_path / "r.json", "Rana", [
        (*NO, "Never", "2026-12-07T11:00:00Z")])).exit_code == 0
    before = snapshot(out)
    result = invoke("import", out, old, "--by", "someone")
    assert result.exit_code == 0, result.output
    assert applied(out, "beta", 1) == ("Never", "Rana", "2026-12-07T11:00:00Z")
    assert snapshot(out) == before


def test_a_cat_tools_older_edit_imported_last_does_not_win(tmp_path):
    """Issue 31 item 4: an OmegaT edit made at 09:30 imported after a page edit made at
    11:05 replaced it. Newest by its own time wins, whatever the order of the imports; both
    stay in the history."""
    results = []
    for order in ("page first", "tmx first"):
        out = folder(tmp_path / order)
        page = page_file(tmp_path / "page.json", "Hala", [(*NO, "Nope", "2026-12-07T11:05:00Z")])
        tmx = cat_tmx(tmp_path / "omegat.tmx", [("لا", "No, not at all", "omar",
                                                  "20261207T093000Z")])
        for path in ([page, tmx] if order == "page first" else [tmx, page]):
            result = invoke("import", out, path)
            assert result.exit_code == 0, result.output
        assert applied(out, "beta", 1) == ("Nope", "Hala", "2026-12-07T11:05:00Z")
        assert Counter(c.edited_by for c in read_corrections(out, "beta")) == \
            Counter(["Hala", "omar"])
        assert verify(out) == []
        results.append((out / "beta.jsonl").read_bytes())
    assert results[0] == results[1]
    last = invoke("import", folder(tmp_path / "third"), page, tmx)  # one import, both files
    assert "1 older than the sentence's newest correction" in last.output


def test_carried_over_text_keeps_its_author_and_alternating_imports_change_nothing(tmp_path):
    """Issue 31 item 5: an XLIFF credited --by and the import time to units whose text was
    someone else's earlier correction, carried over by the tool; alternating XLIFF and TMX
    imports flipped sentences back and forth."""
    out = folder(tmp_path / "out")
    export_folder(out, "xliff")
    xlf = out / "export" / "xliff" / "beta.xlf"
    # The translator's file: a new edit of p0-s0, and p0-s1 carrying Rana's text.
    edit_xliff(xlf, {"p0-s0": "Yes indeed", "p0-s1": "No, no"})
    tmx = cat_tmx(tmp_path / "rana.tmx", [("لا", "No, no", "rana", "20261207T101500Z")])
    assert invoke("import", out, tmx).exit_code == 0
    hala = page_file(tmp_path / "h.json", "Hala", [(*NO, "Never", "2026-12-07T11:00:00Z")])
    assert invoke("import", out, hala).exit_code == 0
    result = invoke("import", out, xlf, "--by", "bob")
    assert result.exit_code == 0, result.output
    assert applied(out, "beta", 0)[:2] == ("Yes indeed", "bob")
    assert applied(out, "beta", 1) == ("Never", "Hala", "2026-12-07T11:00:00Z")
    settled = snapshot(out)
    for path in (tmx, xlf, tmx, hala, xlf):
        assert invoke("import", out, path, "--by", "bob").exit_code == 0
        assert snapshot(out) == settled
    assert verify(out) == []


def test_the_machine_english_of_another_article_is_no_edit(tmp_path):
    """Issue 31 items 5 and 7: an untouched OmegaT project's TMX holds, for an Arabic two
    articles share, one article's machine English (which one depends on file names); it was
    imported as an anonymous post-edit of the other article, or replaced its correction."""
    out = tmp_path / "out"
    write_finished(out, "alpha", [[sentence("نعم", "Yes"), sentence("لا", "No")]])
    write_finished(out, "beta", [[sentence("نعم", "Yes."), sentence("لا", "Nay")]])
    untouched = cat_tmx(tmp_path / "project-omegat.tmx", [("نعم", "Yes", None, None),
                                                          ("لا", "No", None, None)])
    before = snapshot(out)
    result = invoke("import", out, untouched)
    assert result.exit_code == 0, result.output
    assert snapshot(out) == before  # nothing created
    assert invoke("import", out, page_file(tmp_path / "h.json", "Hala", [
        ("beta", 0, 1, "لا", "Nay", "No, never", "2026-12-07T11:00:00Z")]),
        "--no-propagate").exit_code == 0
    before = snapshot(out)
    assert invoke("import", out, untouched).exit_code == 0
    assert snapshot(out) == before  # nothing replaced
    # A translator who confirms alpha's machine English in the tool confirms alpha only.
    confirmed = cat_tmx(tmp_path / "c.tmx", [("لا", "No", "omar", "20261207T120000Z")])
    assert invoke("import", out, confirmed).exit_code == 0
    assert sentences(out, "alpha")[1]["review"] == "confirmed"
    assert "post_edit" not in sentences(out, "alpha")[1]
    assert applied(out, "beta", 1) == ("No, never", "Hala", "2026-12-07T11:00:00Z")


def test_the_memorys_own_tmx_brings_no_machine_english_as_a_post_edit(tmp_path):
    """Issue 29 item 8: the TMX of ``mtjob memory export`` marks machine entries
    ``x-source=mt``; importing it turned them into post-edits (then filed as post-edits by
    ``memory add``)."""
    from mtjob.memory.tmx import write_memory_tmx

    other = tmp_path / "other"
    write_finished(other, "gamma", [[sentence("نعم", "Yes"), sentence("لا", "No")]])
    memory = tmp_path / "mem.sqlite"
    assert invoke("memory", "add", memory, other, "--include-mt").exit_code == 0
    tmx = tmp_path / "memory.tmx"
    assert write_memory_tmx(memory, tmx) == 2  # as ``mtjob memory export`` writes it
    out = tmp_path / "out"
    write_finished(out, "beta", [[sentence("نعم", "Yes."), sentence("لا", "Nay")]])
    before = snapshot(out)
    result = invoke("import", out, tmx)
    assert result.exit_code == 0, result.output
    assert snapshot(out) == before


def test_a_tsv_confirms_and_an_untouched_row_is_no_edit(tmp_path):
    """The TSV has no state: a post_edit equal to the machine English shown confirms it;
    importing the same file again confirms nothing new."""
    out = folder(tmp_path / "out")
    export_folder(out, "tsv")
    path = out / "export" / "tsv" / "beta.tsv"
    edit_tsv(path, ["Yes", "No, never"])
    assert invoke("import", out, path, "--by", "ed").exit_code == 0
    got = sentences(out, "beta")
    assert got[0]["review"] == "confirmed" and "post_edit" not in got[0]
    assert got[1]["review"] == "edited" and got[1]["post_edit"] == "No, never"
    before = snapshot(out)
    assert invoke("import", out, path, "--by", "ed").exit_code == 0
    assert snapshot(out) == before


SAID = "قال الوزير إن الاجتماع انتهى"
HALA = "The minister said the meeting ended."
RANA = "The minister announced the end of the meeting."


def omegat_alternative(path: Path, doc_id: str, prev: str, after: str) -> Path:
    """OmegaT's memory holding one alternative translation of SAID, tied to ``doc_id``'s
    file and neighbours, by rana at 09:30."""
    path.write_text(
        '<?xml version="1.0"?><tmx version="1.1"><header srclang="AR"/><body><tu>'
        f'<prop type="file">{doc_id}.xlf</prop><prop type="prev">{prev}</prop>'
        f'<prop type="next">{after}</prop><tuv lang="AR"><seg>{SAID}</seg></tuv>'
        f'<tuv lang="EN" changeid="rana" changedate="20261207T093000Z"><seg>{RANA}</seg>'
        "</tuv></tu></body></tmx>", encoding="utf-8")
    return path


@pytest.mark.parametrize("carried_by", ["tmx", "xliff"])
@pytest.mark.parametrize("alternative_first", [False, True], ids=["page-first", "alt-first"])
def test_a_correction_carried_back_to_a_repeat_credits_nobody(tmp_path, carried_by,
                                                              alternative_first):
    """Found by the translator's day (tests/test_translators_day.py): Hala corrects SAID in
    alpha on the page (propagated to beta's SAID), translator A ties an alternative
    translation to beta's SAID in OmegaT. Translator B's OmegaT project, exported between
    the two, shows Hala's English at beta's SAID too (the project memory has one entry per
    Arabic): its memory (Hala's changeid/changedate, as tm/auto carried them) or its target
    XLIFF (``--by omar``) imported last made a new correction of beta's sentence credited to
    Hala (or omar) that replaced A's newer-by-rule alternative. That English is Hala's
    correction of alpha, carried back: no edit of beta."""
    out = tmp_path / "out"
    write_finished(out, "alpha", [[sentence("خبر", "News"), sentence(SAID, "Said (a)")]])
    write_finished(out, "beta", [[sentence("أعلنت", "Announced"), sentence(SAID, "Said (b)")],
                                 [sentence("نهاية", "End")]])
    hala = page_file(tmp_path / "h.json", "Hala", [
        ("alpha", 0, 1, SAID, "Said (a)", HALA, "2026-12-07T11:05:00Z")])
    rana = omegat_alternative(tmp_path / "a.tmx", "beta", "أعلنت", "نهاية")
    for path in ([rana, hala] if alternative_first else [hala, rana]):
        result = invoke("import", out, path)
        assert result.exit_code == 0, result.output
    assert applied(out, "beta", 1) == (RANA, "rana", "2026-12-07T09:30:00Z")
    before = snapshot(out)
    if carried_by == "tmx":
        carried = cat_tmx(tmp_path / "b.tmx", [(SAID, HALA, "Hala", "20261207T110500Z")])
        result = invoke("import", out, carried)
    else:
        export_folder(out, "xliff")  # B's file, OmegaT having filled beta's SAID from tm/auto
        carried = out / "export" / "xliff" / "beta.xlf"
        edit_xliff(carried, {"p0-s1": HALA})
        result = invoke("import", out, carried, "--by", "omar")
    assert result.exit_code == 0, result.output
    assert applied(out, "beta", 1) == (RANA, "rana", "2026-12-07T09:30:00Z")
    assert snapshot(out) == before


def rerun(out: Path, doc_id: str, paragraphs: list) -> None:
    """The article written again by another model, as a run writes it: the new machine
    output, the stored corrections laid over it."""
    from mtjob.outfolder.corrected import with_corrections

    path = write_finished(out, doc_id, paragraphs)
    path.write_bytes(with_corrections(path.read_bytes(), read_corrections(out, doc_id))[0])


def test_a_cat_memory_of_an_earlier_model_is_no_edit(tmp_path):
    """Found by the translator's day (tests/test_translators_day.py): after a run with another
    model, the morning's OmegaT project TMX (imported then to no effect) was imported again:
    each entry OmegaT had filled from ``tm/auto`` with the first model's English, naming no
    author and no time, came back as an anonymous post-edit at the import's time, and one
    replaced Omar's newer edit. A CAT tool stamps a person's work with who and when; an entry
    with neither, whose English the folder does not know, is counted and left."""
    out = tmp_path / "out"
    write_finished(out, "beta", [[sentence("نعم", "Yes (model 1)"),
                                  sentence("لا", "No (model 1)")]])
    morning = cat_tmx(tmp_path / "project-omegat.tmx", [("نعم", "Yes (model 1)", None, None),
                                                        ("لا", "No (model 1)", None, None)])
    before = snapshot(out)
    assert invoke("import", out, morning).exit_code == 0 and snapshot(out) == before
    assert invoke("import", out, page_file(tmp_path / "o.json", "Omar", [
        ("beta", 0, 1, "لا", "No (model 1)", "No, never", "2026-12-07T11:00:00Z")])
                  ).exit_code == 0
    rerun(out, "beta", [[sentence("نعم", "Yes (model 2)"), sentence("لا", "No (model 2)")]])
    assert verify(out) == []
    before = snapshot(out)
    result = invoke("import", out, morning)
    assert result.exit_code == 0, result.output
    assert snapshot(out) == before
    assert applied(out, "beta", 1) == ("No, never", "Omar", "2026-12-07T11:00:00Z")
    assert "1 memory entr(ies) naming no author or time" in result.output
