"""Issue 31.12: the review pages are refreshed by ``mtjob import`` itself, from the folder
alone (before, they went stale after every import, and refreshing them needed ``run
--report`` with the exact model flags: the defaults exit 2 with a model error). The index
shows each article's review progress."""

from __future__ import annotations

import builtins

from mtjob.export.refresh import refresh_after_import
from mtjob.outfolder.verify import check_folder, verify
from mtjob.testing.output_folder import sentence, write_finished
from tests.feedback.test_importing import invoke
from tests.outfolder.test_english_text import correct


def test_import_refreshes_the_review_pages_with_no_model(tmp_path, sample_inbox, tiny_args,
                                                        monkeypatch):
    out = tmp_path / "out"
    assert invoke("run", sample_inbox, "--out", out, *tiny_args, "--report").exit_code == 0
    page = out / "report" / "article.html"
    assert "post-edited" not in page.read_text(encoding="utf-8")
    real_import = builtins.__import__

    def no_models(name, *args, **kwargs):  # the import must not reach for a model
        if name.startswith(("torch", "transformers", "ctranslate2")):
            raise AssertionError(f"import loaded {name}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_models)
    correct(out, "article", 2, 0, "A reviewer's sentence.", tmp_path)
    monkeypatch.setattr(builtins, "__import__", real_import)
    html = page.read_text(encoding="utf-8")
    assert "A reviewer&#x27;s sentence." in html and "post-edited by Hala" in html
    assert check_folder(out).warnings == [] and verify(out, strict=True) == []
    index = (out / "report" / "index.html").read_text(encoding="utf-8")
    sentences = html.count('<div class="pair')
    assert f'<td class="num reviewed">1/{sentences}</td>' in index


def test_no_report_folder_no_pages(tmp_path):
    out = tmp_path / "out"
    write_finished(out, "doc", [[sentence("أ", "A.")]])
    assert refresh_after_import(out, ["doc"]) == []
    correct(out, "doc", 0, 0, "Aye.", tmp_path)
    assert not (out / "report").exists() and not (out / "doc.en.txt").exists()
