"""One review state per sentence (issue 31): ``edited`` or ``confirmed`` from the page, XLIFF
(``final``/``signed-off`` with the text unchanged) and a CAT tool (the machine English left as
it is by a named translator); a reviewed sentence no longer needs review; the history can be
read back with ``verify --history``; folders of mtjob before review states still verify."""

from __future__ import annotations

import json

from mtjob.export import export_folder
from mtjob.outfolder.corrections import corrections_path
from mtjob.outfolder.readback import read_folder
from mtjob.outfolder.verify import verify
from mtjob.testing.output_folder import sentence, write_finished

from .test_importing import edit_xliff, folder, invoke, sentences, snapshot
from .test_newest_wins import cat_tmx, page_file


def sign_off(path, ids: dict[str, str | None]) -> None:
    """As a reviewer's CAT tool saves a file: each unit's state set to final, its text
    changed where given."""
    import re

    data = path.read_text(encoding="utf-8")
    for uid, text in ids.items():
        unit = re.search(rf'<trans-unit id="{uid}".*?</trans-unit>', data, re.DOTALL)
        assert unit is not None
        block = re.sub(r'state="[^"]*"( state-qualifier="[^"]*")?', 'state="final"',
                       unit.group())
        if text is not None:
            block = re.sub(r"(<target[^>]*>)[^<]*(</target>)", rf"\g<1>{text}\g<2>", block)
        data = data.replace(unit.group(), block)
    path.write_text(data, encoding="utf-8")


def test_xliff_final_with_the_text_unchanged_confirms(tmp_path):
    out = folder(tmp_path / "out")
    export_folder(out, "xliff")
    xlf = out / "export" / "xliff" / "beta.xlf"
    edit_xliff(xlf, {"p0-s1": "No way"})  # state translated
    sign_off(xlf, {"p0-s0": None})
    result = invoke("import", out, xlf, "--by", "rana")
    assert result.exit_code == 0, result.output
    yes, no = sentences(out, "beta")
    assert yes["review"] == "confirmed" and "post_edit" not in yes and yes["edited_by"] == "rana"
    assert (no["review"], no["post_edit"]) == ("edited", "No way")  # changed: an edit
    before = snapshot(out)
    assert invoke("import", out, xlf, "--by", "rana").exit_code == 0
    assert snapshot(out) == before  # read again: nothing new
    # Edited and signed off in one go: an edit; read again, no confirmation of its own.
    other = folder(tmp_path / "other")
    export_folder(other, "xliff")
    both = other / "export" / "xliff" / "beta.xlf"
    sign_off(both, {"p0-s1": "Not at all"})
    assert invoke("import", other, both, "--by", "rana").exit_code == 0
    assert sentences(other, "beta")[1]["review"] == "edited"
    again = snapshot(other)
    assert invoke("import", other, both, "--by", "rana").exit_code == 0
    assert snapshot(other) == again
    # The edit re-exported (state translated) and signed off by another reviewer: confirmed.
    export_folder(out, "xliff")
    sign_off(xlf, {"p0-s1": None})
    assert invoke("import", out, xlf, "--by", "lina").exit_code == 0
    no = sentences(out, "beta")[1]
    assert (no["review"], no["post_edit"], no["edited_by"]) == ("confirmed", "No way", "lina")
    assert verify(out) == []


def test_an_untouched_xliff_is_no_review(tmp_path):
    out = folder(tmp_path / "out")
    export_folder(out, "xliff")
    before = snapshot(out)
    assert invoke("import", out, out / "export" / "xliff" / "alpha.xlf", "--by", "x").exit_code == 0
    assert snapshot(out) == before


def test_page_confirmations_and_a_named_translator_leaving_the_machine_english(tmp_path):
    out = folder(tmp_path / "out")
    path = page_file(tmp_path / "c.json", "Hala", [
        ("alpha", 0, 0, "جملة أولى.", "First sentence.", "First sentence.",
         "2026-12-07T10:00:00Z")])
    path.write_text(path.read_text(encoding="utf-8").replace('"edited"', '"confirmed"'),
                    encoding="utf-8")
    assert invoke("import", out, path).exit_code == 0
    assert invoke("import", out, cat_tmx(tmp_path / "t.tmx", [
        ("قال الوزير", "The minister say", "omar", "20261207T110000Z")])).exit_code == 0
    got = sentences(out, "alpha")
    assert [s.get("review") for s in got] == ["confirmed", None, "confirmed"]
    assert got[2]["edited_by"] == "omar" and "post_edit" not in got[2]


def test_a_reviewed_sentence_no_longer_needs_review(tmp_path):
    """Issue 31 item 12 (state half): corrected sentences kept ``low_confidence``, so nothing
    could tell what is left to review. Flags stay (the machine's facts); ``to_review``
    counts unreviewed flagged sentences only."""
    out = tmp_path / "out"
    write_finished(out, "a", [[sentence("نعم", "Yes", ["low_confidence"]),
                               sentence("لا", "No", ["low_confidence"])]])
    article = read_folder(out)[0]
    assert article.to_review_count() == 2 and article.reviewed_count() == 0
    assert invoke("import", out, page_file(tmp_path / "c.json", "Hala", [
        ("a", 0, 1, "لا", "No", "No way", "2026-12-07T10:00:00Z")])).exit_code == 0
    article = read_folder(out)[0]
    assert article.flagged_count() == 2 and article.to_review_count() == 1
    assert [s.to_review for _, s in article.sentences()] == [True, False]
    assert [s.review for _, s in article.sentences()] == [None, "edited"]


def test_verify_shows_a_sentences_history(tmp_path):
    out = folder(tmp_path / "out")
    for who, text, at in [("Hala", "Nope", "2026-12-07T11:05:00Z"),
                          ("omar", "No, not at all", "2026-12-07T09:30:00Z")]:
        assert invoke("import", out, page_file(tmp_path / f"{who}.json", who, [
            ("beta", 0, 1, "لا", "No", text, at)])).exit_code == 0
    result = invoke("verify", out, "--history", "beta")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "beta: 2 correction(s) on 1 sentence(s), 0 applying nowhere"
    assert lines[1] == "p0-s1  لا"
    assert lines[2].startswith("  * 2026-12-07T11:05:00Z  edited     Hala  page  \"Nope\"")
    assert lines[3].startswith("    2026-12-07T09:30:00Z  edited     omar  page")
    assert invoke("verify", out, "--history", "nope").exit_code == 2


def test_a_folder_of_mtjob_before_review_states_verifies_and_takes_new_corrections(tmp_path):
    """Existing stores (one correction a line, the fields of mtjob before review states)
    and the JSONL written from them still verify; a new import writes version 2 lines
    after the old ones and the new keys."""
    out = folder(tmp_path / "out")
    old = {"doc_id": "beta", "para_id": 0, "sent_id": 1, "ar": "لا", "mt_en": "No",
           "post_edit": "Nope", "edited_by": None, "edited_at": "2026-12-06T10:00:00Z",
           "source": "beta.tsv#row 3"}
    store = corrections_path(out, "beta")
    store.parent.mkdir(parents=True)
    store.write_text(json.dumps(old, ensure_ascii=False) + "\n", encoding="utf-8")
    jsonl = out / "beta.jsonl"
    jsonl.write_text(jsonl.read_text(encoding="utf-8").replace(
        '"flags": []}], "flags"', '"flags": [], "post_edit": "Nope", "edited_by": null, '
        '"edited_at": "2026-12-06T10:00:00Z"}], "flags"'), encoding="utf-8")
    assert verify(out) == []
    assert sentences(out, "beta")[1]["post_edit"] == "Nope"
    assert invoke("import", out, page_file(tmp_path / "c.json", "Hala", [
        ("beta", 0, 0, "نعم", "Yes", "Yes!", "2026-12-07T10:00:00Z")])).exit_code == 0
    got = sentences(out, "beta")
    assert (got[1]["post_edit"], got[1]["review"], got[1]["edit_from"]) == (
        "Nope", "edited", "tsv")
    lines = store.read_text(encoding="utf-8").splitlines()
    assert "version" not in json.loads(lines[0]) and json.loads(lines[1])["version"] == 2
    assert verify(out) == []


def test_a_translator_leaving_a_correction_as_it_is_confirms_it(tmp_path):
    """OmegaT translated-as-is: a named translator who, later, leaves a person's correction
    as it is confirms it (the post-edit stays); the same correction carried back with its own
    author and time (a TMX export read again) is nothing."""
    out = folder(tmp_path / "out")
    assert invoke("import", out, cat_tmx(tmp_path / "r.tmx", [
        ("لا", "No, no", "rana", "20261207T101500Z")])).exit_code == 0
    before = snapshot(out)
    assert invoke("import", out, cat_tmx(tmp_path / "again.tmx", [
        ("لا", "No, no", "rana", "20261207T101500Z")])).exit_code == 0
    assert snapshot(out) == before
    assert invoke("import", out, cat_tmx(tmp_path / "older.tmx", [
        ("لا", "No, no", "omar", "20261207T090000Z")])).exit_code == 0
    assert snapshot(out) == before  # left as it is before rana wrote it: nothing
    assert invoke("import", out, cat_tmx(tmp_path / "o.tmx", [
        ("لا", "No, no", "omar", "20261207T120000Z")])).exit_code == 0
    got = sentences(out, "beta")[1]
    assert (got["review"], got["post_edit"], got["edited_by"]) == ("confirmed", "No, no", "omar")


def test_history_names_a_damaged_file_and_reads_nothing_outside_the_folder(tmp_path):
    out = folder(tmp_path / "out")
    (tmp_path / "x.jsonl").write_text("{}\n", encoding="utf-8")
    (tmp_path / "x.abstract.json").write_text("{}", encoding="utf-8")
    assert invoke("verify", out, "--history", "../x").exit_code == 2
    (out / "beta.abstract.json").write_text('{"source_sha256": ', encoding="utf-8")
    result = invoke("verify", out, "--history", "beta")
    assert result.exit_code != 0 and "beta.abstract.json" in result.output
