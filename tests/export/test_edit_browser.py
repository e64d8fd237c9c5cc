"""The review page's edit mode in headless Chromium (issue 22): edit two English sentences,
the edits survive a reload (localStorage), download them as one corrections file, ``mtjob
import`` it, and the JSONL holds the two post-edits. Nothing but the page itself is requested.

Needs /usr/bin/chromium and playwright (``scripts/ci/chromium.sh``); skipped otherwise.
"""

from __future__ import annotations

import json

from mtjob.export import export_folder
from mtjob.outfolder.verify import verify
from mtjob.testing.output_folder import sentence, write_finished
from tests.export.test_browser import Watched, browser, pytestmark  # noqa: F401
from tests.feedback.test_importing import invoke


def test_edit_download_import(browser, tmp_path):  # noqa: F811
    out = tmp_path / "out"
    write_finished(out, "doc", [[sentence("جملة أولى", "First one"),
                                sentence("ثانية", "Second", ["retried"])],
                               [sentence("قال الوزير <b>", "The minister say <b>")]])
    export_folder(out, "html")
    path = out / "export" / "html" / "doc.html"
    watched = Watched(browser)
    page = watched.open(path)
    page.check("#edit-mode")
    page.fill("#reviewer", "Hala")
    page.locator("#p0-s1 .s.en").fill("The second one")
    page.locator("#p1-s0 .s.en").fill("The minister said <b>")
    assert page.inner_text("#edit-count") == "2"
    page.reload()  # the edits live in the browser until downloaded
    assert page.inner_text("#edit-count") == "2"
    assert page.inner_text("#p1-s0 .s.en") == "The minister said <b>"
    with page.expect_download() as download:
        page.click("#edit-download")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "doc.corrections.json"
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert data["reviewer"] == "Hala" and len(data["corrections"]) == 2
    assert data["corrections"][1]["mt_en"] == "The minister say <b>"
    result = invoke("import", out, saved)
    assert result.exit_code == 0, result.output
    lines = (out / "doc.jsonl").read_text(encoding="utf-8").splitlines()
    got = [s for line in lines for s in json.loads(line)["sentences"]]
    assert [s.get("post_edit") for s in got] == [None, "The second one",
                                                 "The minister said <b>"]
    assert got[1]["edited_by"] == "Hala" and got[1]["en"] == "Second"
    assert verify(out) == []
    assert all(u == path.as_uri() or u.startswith("blob:") for u in watched.requests)
    assert watched.errors == [] and watched.dialogs == []
    # The page exported again shows the post-edits, and a new edit starts from them.
    export_folder(out, "html")
    page = watched.open(path)
    assert page.inner_text("#p0-s1 .s.en") == "The second one"
    assert "post-edited by Hala" in page.inner_text("#p0-s1")
