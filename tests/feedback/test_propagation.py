"""Propagation (issue 31 item 10): an imported edit reaches the exact repeats of its Arabic
across the folder, pointing at the correction it copies, unless ``--no-propagate``; a repeat
with a correction of its own keeps it."""

from __future__ import annotations

from mtjob.outfolder.corrections import read_corrections
from mtjob.outfolder.readback import read_folder
from mtjob.outfolder.verify import verify
from mtjob.testing.output_folder import sentence, write_finished

from .test_importing import invoke, sentences, snapshot
from .test_newest_wins import page_file

SAID = "قال الوزير"


def three(out):
    write_finished(out, "alpha", [[sentence(SAID, "The minister say"), sentence("نعم", "Yes")]])
    write_finished(out, "beta", [[sentence("لا", "No")], [sentence(SAID, "Minister said")]])
    write_finished(out, "gamma", [[sentence(SAID, "Said the minister")]])
    return out


def test_an_edit_reaches_the_same_arabic_in_the_other_articles(tmp_path):
    out = three(tmp_path / "out")
    result = invoke("import", out, page_file(tmp_path / "c.json", "Hala", [
        ("alpha", 0, 0, SAID, "The minister say", "The minister said",
         "2026-12-07T10:00:00Z")]))
    assert result.exit_code == 0, result.output
    assert "2 repeat(s) propagated" in result.output
    for doc, index in (("beta", 1), ("gamma", 0)):
        got = sentences(out, doc)[index]
        assert (got["post_edit"], got["edited_by"], got["edited_at"], got["review"]) == (
            "The minister said", "Hala", "2026-12-07T10:00:00Z", "edited")
        assert (got["edit_from"], got["propagated_from"]) == ("propagated", "alpha#p0-s0")
    assert sentences(out, "alpha")[0]["edit_from"] == "page"
    assert verify(out) == []
    assert [s.edit_from for _, s in read_folder(out)[1].sentences()] == [None, "propagated"]
    before = snapshot(out)  # importing again adds nothing
    assert invoke("import", out, tmp_path / "c.json").exit_code == 0
    assert snapshot(out) == before


def test_a_repeat_with_its_own_correction_keeps_it_and_propagation_can_be_off(tmp_path):
    out = three(tmp_path / "out")
    assert invoke("import", out, page_file(tmp_path / "own.json", "Omar", [
        ("gamma", 0, 0, SAID, "Said the minister", "The minister declared",
         "2026-12-07T09:00:00Z")]), "--no-propagate").exit_code == 0
    assert "post_edit" not in sentences(out, "alpha")[0]  # off: gamma's edit stayed there
    assert invoke("import", out, page_file(tmp_path / "c.json", "Hala", [
        ("alpha", 0, 0, SAID, "The minister say", "The minister said",
         "2026-12-07T10:00:00Z")])).exit_code == 0
    assert sentences(out, "gamma")[0]["post_edit"] == "The minister declared"  # its own
    assert sentences(out, "beta")[1]["post_edit"] == "The minister said"
    # A newer edit propagates over an older propagated one, never over an own correction.
    assert invoke("import", out, page_file(tmp_path / "n.json", "Rana", [
        ("alpha", 0, 0, SAID, "The minister say", "The minister stated",
         "2026-12-07T11:00:00Z")])).exit_code == 0
    assert sentences(out, "beta")[1]["post_edit"] == "The minister stated"
    assert sentences(out, "gamma")[0]["post_edit"] == "The minister declared"
    assert [c.post_edit for c in read_corrections(out, "beta")] == [
        "The minister said", "The minister stated"]
    assert verify(out) == []


def test_confirmations_do_not_propagate(tmp_path):
    out = three(tmp_path / "out")
    path = tmp_path / "c.json"
    page_file(path, "Hala", [("alpha", 0, 0, SAID, "The minister say", "The minister say",
                              "2026-12-07T10:00:00Z")])
    path.write_text(path.read_text(encoding="utf-8").replace('"edited"', '"confirmed"'),
                    encoding="utf-8")
    assert invoke("import", out, path).exit_code == 0
    got = sentences(out, "alpha")[0]
    assert got["review"] == "confirmed" and "post_edit" not in got
    assert "review" not in sentences(out, "beta")[1]
