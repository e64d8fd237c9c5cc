"""One review vocabulary on every surface (docs/review.md): a sentence is ``machine``,
``edited`` or ``confirmed``; the exports and the review page say which, who and when, from
TMX's own author attributes to XLIFF's target states; a correction propagated from the same
Arabic elsewhere is badged with where it came from (issue 31.10); "Flagged only" and the
index count flagged sentences nobody reviewed (issue 31.12).

The reviewed sentences are made by ``mtjob import`` (a review page's corrections file, a CAT
tool's TMX confirming, an edit propagated from another article); only the post-edit written
before review states (no ``review`` key) is laid on by hand, as an older mtjob wrote it.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from mtjob.export.html import render_html, render_index
from mtjob.export.tmx import render_project_tmx, render_tmx
from mtjob.export.xliff import render_xliff
from mtjob.outfolder.finished import FinishedArticle, FinishedParagraph
from mtjob.outfolder.finished_abstract import FinishedAbstract
from mtjob.outfolder.schema import from_json
from mtjob.outfolder.verify import verify
from mtjob.testing.output_folder import sentence, write_finished
from tests.feedback.test_importing import invoke, sentences
from tests.feedback.test_newest_wins import cat_tmx

XLIFF = "{urn:oasis:names:tc:xliff:document:1.2}"
AT = "2026-12-07T11:05:00Z"
EARLIER = "2026-12-07T10:00:00Z"


def article(doc_id: str, sentences: list[dict]) -> FinishedArticle:
    """One paragraph of these sentences, read as a finished article (no folder, no verify)."""
    record = {"doc_id": doc_id, "para_id": 0, "ar": " ".join(s["ar"] for s in sentences),
              "en": " ".join(s["en"] for s in sentences), "sentences": sentences,
              "flags": []}
    meta: dict[str, Any] = {"doc_id": doc_id, "abstract": None, "method": "none", "paragraphs": 1,
            "source": f"{doc_id}.txt", "source_sha256": "0" * 64, "jsonl_sha256": "0" * 64,
            "models": None, "settings": {}, "flags": {}}
    return FinishedArticle(doc_id=doc_id, paragraphs=(from_json(FinishedParagraph, record),),
                           meta=meta, record=from_json(FinishedAbstract, meta))


def corrections(path: Path, items: list[tuple]) -> Path:
    """A review page's corrections file: (doc, para, sent, ar, mt_en, text, state, who, at)."""
    path.write_text(json.dumps({"format": "mtjob-corrections", "version": 2, "reviewer": None,
                                "corrections": [
        {"doc_id": d, "para_id": p, "sent_id": s, "ar": ar, "mt_en": mt, "post_edit": text,
         "state": state, "edited_by": who, "edited_at": at}
        for d, p, s, ar, mt, text, state, who, at in items]}), encoding="utf-8")
    return path


def imported(out: Path, *files: Path) -> None:
    for path in files:
        result = invoke("import", out, path)
        assert result.exit_code == 0 and "0 refused" in result.output, result.output


@pytest.fixture(scope="module")
def states(tmp_path_factory) -> FinishedArticle:
    """An article with a sentence in each state, made by import: Hala edits one on the page;
    Rana confirms one in a CAT tool, and one Hala had edited; Hala's edit of another
    article's sentence reaches this one's repeat. A post-edit of an older mtjob is laid on."""
    root = tmp_path_factory.mktemp("states")
    out = root / "out"
    write_finished(out, "doc", [[
        sentence("أ", "machine", ["low_confidence"], origin="mt"),
        sentence("ب", "was machine", ["low_confidence"]),
        sentence("ج", "accepted", ["low_confidence"]),
        sentence("د", "was machine"),
        sentence("ه", "was machine", ["low_confidence"]),
        sentence("و", "old import"),
        sentence("ز", "", ["empty_translation"])]])
    write_finished(out, "other", [[sentence("ح", "h")], [sentence("ط", "t")],
                                  [sentence("ي", "y")],
                                  [sentence("ك", "k"), sentence("ه", "machine of other")]])
    imported(out, corrections(root / "hala.json", [
        ("doc", 0, 1, "ب", "was machine", "edited", "edited", "Hala", AT),
        ("doc", 0, 3, "د", "was machine", "edited then confirmed", "edited", "Hala", EARLIER),
        ("other", 3, 1, "ه", "machine of other", "copied", "edited", "Hala", AT)]))
    imported(out, cat_tmx(root / "rana.tmx", [("ج", "accepted", "Rana", "20261207T110500Z"),
                                              ("د", "edited then confirmed", "Rana",
                                               "20261207T110500Z")]))
    assert verify(out) == []
    made = sentences(out, "doc")
    made[5].update(post_edit="before review states", edited_by="Omar", edited_at=AT)
    return article("doc", made)


def test_xliff_target_states(states):
    root = ET.fromstring(render_xliff(states))
    targets = [u.find(f"{XLIFF}target") for u in root.iter(f"{XLIFF}trans-unit")]
    assert [(t.get("state"), t.get("state-qualifier")) for t in targets] == [
        ("needs-review-translation", "leveraged-mt"), ("translated", None), ("final", None),
        ("final", None), ("needs-review-translation", "exact-match"), ("translated", None),
        ("needs-translation", None)]
    assert [t.text for t in targets][:5] == ["machine", "edited", "accepted",
                                             "edited then confirmed", "copied"]


def test_tmx_author_and_dates_in_tmx_s_own_attributes(states):
    root = ET.fromstring(render_tmx(states))
    english = [tu.findall("tuv")[1] for tu in root.iter("tu")]
    assert [dict(e.attrib) for e in english][:3] == [
        {"{http://www.w3.org/XML/1998/namespace}lang": "en"},
        {"{http://www.w3.org/XML/1998/namespace}lang": "en", "creationid": "Hala",
         "creationdate": "20261207T110500Z", "changeid": "Hala",
         "changedate": "20261207T110500Z"},
        {"{http://www.w3.org/XML/1998/namespace}lang": "en", "creationid": "Rana",
         "creationdate": "20261207T110500Z", "changeid": "Rana",
         "changedate": "20261207T110500Z"}]
    sources = [{p.get("type"): p.text for p in tu.findall("prop")}["x-source"]
               for tu in root.iter("tu")]
    assert sources == ["mt", "post_edit", "mt", "post_edit", "post_edit", "post_edit"]
    assert not [p for p in root.iter("prop") if "edited" in (p.get("type") or "")]


def test_project_tmx_a_person_beats_the_machine_and_the_newer_the_older(tmp_path):
    """Issue 31.7 (export half): for the same Arabic, one entry; a correction in a later
    article beats the machine English of an earlier one (propagated there, too); of two
    corrections the newer. The older correction stays its own article's: an OmegaT
    alternative translation tied to the article's file and neighbours (found by
    tests/test_translators_day.py: it was left out, and OmegaT showed the other article's
    correction there)."""
    out = tmp_path / "out"
    write_finished(out, "a", [[sentence("مكرر", "machine a"), sentence("اثنان", "machine")]])
    write_finished(out, "b", [[sentence("مكرر", "machine b"), sentence("اثنان", "machine"),
                               sentence("وحيد", "only")]])
    imported(out, corrections(tmp_path / "c.json", [
        ("a", 0, 1, "اثنان", "machine", "older fix", "edited", None, "2026-01-01T00:00:00Z"),
        ("b", 0, 0, "مكرر", "machine b", "person b", "edited", "Hala", AT),
        ("b", 0, 1, "اثنان", "machine", "newer fix", "edited", None,
         "2026-06-01T00:00:00Z")]))
    assert sentences(out, "a")[0]["edit_from"] == "propagated"
    a, b = (article(doc, sentences(out, doc)) for doc in ("a", "b"))
    text, units, repeats = render_project_tmx([a, b])
    tus = [({p.get("type"): p.text for p in tu.findall("prop")},
            tu.findall("tuv")[0].find("seg").text, tu.findall("tuv")[1].find("seg").text)
           for tu in ET.fromstring(text).iter("tu")]
    assert {ar: en for props, ar, en in tus if "file" not in props} == {
        "مكرر": "person b", "اثنان": "newer fix", "وحيد": "only"}
    assert [(props, ar, en) for props, ar, en in tus if "file" in props] == [
        ({"file": "a.xlf", "prev": "مكرر"}, "اثنان", "older fix")]
    assert (units, repeats) == (4, 1)


def test_page_badges_each_state(states):
    page = render_html(states)
    pairs = page.split('<div class="pair')[1:]
    assert "post-edited by Hala" in pairs[1] and 'data-review="edited"' in pairs[1]
    assert "confirmed by Rana" in pairs[2] and 'data-review="confirmed"' in pairs[2]
    assert "confirmed by Rana" in pairs[3] and "edited then confirmed" in pairs[3]
    assert "post-edited by Omar" in pairs[5]  # a post-edit imported before review states
    assert "data-review" not in pairs[0] + pairs[4] + pairs[6]


def test_page_badges_a_propagated_correction_with_where_it_came_from(states):
    """Issue 31.10 (page half): the badge links to the corrected sentence's page; the
    sentence still counts as to review (nobody looked at this one)."""
    pair = render_html(states).split('<div class="pair')[5]
    assert 'propagated from <a href="other.html#p3-s1">other p3-s1</a>' in pair
    assert "data-review" not in pair and pair.startswith(' flagged"')


def test_flagged_only_counts_and_index_progress(states):
    doc = states
    page = render_html(doc)
    assert "Flagged only (3 to review)" in page  # of 5 flagged, 2 reviewed
    assert "7 sentences · 5 flagged · 4 reviewed" in page
    index = render_index([doc], {"doc": "doc.html"})
    assert '<td class="num reviewed">4/7</td><td class="num todo">3</td>' in index
    assert "4 of 7 sentences reviewed" in index
