"""Issue 31.11: the published text is the final English. ``--text`` (``NAME.en.txt``) and
``export --format text`` hold the post-edits in place of the machine's sentences; ``verify``
checks ``NAME.en.txt`` against the JSONL's final English; an import rewrites the text files
it finds for the articles it changed."""

from __future__ import annotations

import json
from typing import Any

from mtjob.export import export_folder
from mtjob.outfolder.english_text import check_texts, text_path
from mtjob.outfolder.finished import paragraph_final
from mtjob.outfolder.verify import verify
from mtjob.testing.output_folder import sentence, write_finished
from tests.feedback.test_importing import invoke


def correct(out, doc_id: str, para: int, sent: int, text: str, tmp_path) -> None:
    """One correction through today's ``mtjob import`` (the review page's file)."""
    lines = (out / f"{doc_id}.jsonl").read_text(encoding="utf-8").splitlines()
    s = json.loads(lines[para])["sentences"][sent]
    fix = tmp_path / f"fix-{para}-{sent}.json"
    fix.write_text(json.dumps({"format": "mtjob-corrections", "corrections": [
        {"doc_id": doc_id, "para_id": para, "sent_id": sent, "ar": s["ar"], "mt_en": s["en"],
         "post_edit": text, "edited_by": "Hala"}]}), encoding="utf-8")
    result = invoke("import", out, fix)
    assert result.exit_code == 0, result.output


def test_final_paragraph_joins_the_post_edits_as_the_run_joins():
    record: dict[str, Any] = {"ar": "أ.\nب. ج.", "en": "A.\nB. C.", "sentences": [
        {"ar": "أ.", "en": "A."}, {"ar": "ب.", "en": "B.", "post_edit": "Bee."},
        {"ar": "ج.", "en": "C."}]}
    def final_paragraph(record: dict[str, Any]) -> str:
        sentences = record["sentences"]
        return paragraph_final(record["ar"], record["en"], [s["ar"] for s in sentences],
                               [s.get("post_edit", s["en"]) for s in sentences],
                               any("post_edit" in s for s in sentences))

    assert final_paragraph(record) == "A.\nBee. C."
    record["sentences"][1].pop("post_edit")
    assert final_paragraph(record) == "A.\nB. C."  # untouched: the paragraph as written


def test_text_file_run_import_and_rerun_hold_the_final_english(tmp_path, sample_inbox,
                                                               tiny_args):
    out = tmp_path / "out"
    assert invoke("run", sample_inbox, "--out", out, *tiny_args, "--text").exit_code == 0
    text = text_path(out, "article")
    machine = text.read_text(encoding="utf-8")
    correct(out, "article", 1, 0, "A person's English for paragraph one.", tmp_path)
    after = text.read_text(encoding="utf-8")  # the import brought it up to date
    assert "A person's English for paragraph one." in after and after != machine
    assert after.split("\n\n")[0] == machine.split("\n\n")[0]
    assert verify(out) == [] and check_texts(out, {"article"}, {"article"}) == []
    text.unlink()  # a rerun of a finished article writes the missing file: the final one
    assert invoke("run", sample_inbox, "--out", out, *tiny_args, "--text").exit_code == 0
    assert text.read_text(encoding="utf-8") == after
    assert invoke("run", sample_inbox, "--out", out, *tiny_args, "--text",
                  "--force").exit_code == 0
    assert text.read_text(encoding="utf-8") == after  # re-translated, corrections re-applied
    result = invoke("export", out, "--format", "text", "--quiet")
    assert result.exit_code == 0, result.output
    assert (out / "export" / "text" / "article.en.txt").read_bytes() == text.read_bytes()


def test_verify_names_a_text_file_holding_the_machine_english(tmp_path):
    out = tmp_path / "out"
    write_finished(out, "doc", [[sentence("أ", "A."), sentence("ب", "B.")]])
    text_path(out, "doc").write_text("A. B.\n", encoding="utf-8")
    assert check_texts(out, {"doc"}, {"doc"}) == []
    correct(out, "doc", 0, 1, "Bee.", tmp_path)
    assert text_path(out, "doc").read_text(encoding="utf-8") == "A. Bee.\n"  # rewritten
    text_path(out, "doc").write_text("A. B.\n", encoding="utf-8")  # an old copy put back
    (warning,) = check_texts(out, {"doc"}, {"doc"})
    assert "differs from the English of doc.jsonl" in warning


def test_export_text(tmp_path):
    out = tmp_path / "out"
    write_finished(out, "doc", [[sentence("أ", "A."), sentence("ب", "B.")], [sentence("ج", "C.")]])
    correct(out, "doc", 1, 0, "See.", tmp_path)
    report = export_folder(out, "text")
    assert [p.name for p in report.files] == ["doc.en.txt"]
    assert report.files[0].read_text(encoding="utf-8") == "A. B.\n\nSee.\n"
    assert invoke("export", out, "--format", "text", "--only-flagged").exit_code == 2
