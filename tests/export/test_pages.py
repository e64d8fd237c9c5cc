"""The review pages (``--report``) always match the folder: added, regenerated, missing pages
repaired; articles named like the index keep their own page."""

from __future__ import annotations

import pytest

from tests.helpers import run_fake


def _pages(out):
    return sorted(p.name for p in (out / "report").glob("*.html"))

def test_report_pages_match_the_folder_after_every_report_run(tmp_path, inbox):
    from mtjob.outfolder.verify import check_folder

    out = tmp_path / "out"
    run_fake([inbox], out)  # without --report
    run_fake([inbox], out, report=True)  # added to an existing folder
    assert _pages(out) == ["a.html", "index.html"]
    assert check_folder(out).warnings == []
    (inbox / "a.txt").write_text("قال الوزير إن المحادثات ستستمر.\n", encoding="utf-8")
    run_fake([inbox], out)  # regenerated without --report: the page is stale now
    assert any("stale" in w for w in check_folder(out).warnings)
    run_fake([inbox], out, report=True)  # nothing to translate, the page is brought in line
    assert check_folder(out).warnings == []
    (out / "report" / "a.html").unlink()  # as a kill between the article and its page
    assert any("missing" in w for w in check_folder(out).warnings)
    run_fake([inbox], out, report=True)
    assert check_folder(out).warnings == [] and _pages(out) == ["a.html", "index.html"]

def test_articles_named_like_the_index_keep_their_pages(tmp_path):
    from mtjob.export import export_folder
    from mtjob.outfolder.verify import check_folder

    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    names = ["index", "_index", "__index", "INDEX", "a"]
    for name in names:
        (inbox / f"{name}.txt").write_text(f"قال {name} في العاصمة.\n", encoding="utf-8")
    run_fake([inbox], out, report=True)
    expected = ["_INDEX.html", "___index.html", "__index.html", "_index.html", "a.html",
                "index.html"]
    assert _pages(out) == expected
    index = (out / "report" / "index.html").read_text(encoding="utf-8")
    assert "5 articles" in index
    for name in names:
        page = (out / "report" / f"{'_' if name != 'a' else ''}{name}.html").read_text()
        assert f"<h1>{name}</h1>" in page
    assert check_folder(out).warnings == []
    exported = export_folder(out, "html")
    assert sorted(p.name for p in exported.folder.iterdir()) == expected

@pytest.mark.xfail(strict=True, reason="a page is judged by its stamp (its abstract and JSONL) "
                   "alone: a page edited after it was written (a script injected, a sentence "
                   "changed) passes verify and is never rendered again by --report. Needs a "
                   "hash of the page's own bytes in the stamp (a format change: the HTML "
                   "goldens and the one-read-per-article cost of an unchanged folder)")
def test_a_hand_edited_review_page_is_noticed_and_repaired(tmp_path, inbox):
    from mtjob.outfolder.verify import check_folder

    out = tmp_path / "o"
    run_fake([inbox], out, report=True)
    page = out / "report" / "a.html"
    made = page.read_bytes()
    page.write_bytes(made.replace(b"<body>", b'<body onload="alert(1)">', 1))
    assert page.read_bytes() != made
    found = check_folder(out)
    assert any("a.html" in line for line in found.warnings + found.errors), found
    run_fake([inbox], out, report=True)
    assert page.read_bytes() == made
