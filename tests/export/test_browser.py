"""The HTML review page in headless Chromium: layout, hover, filter, and nothing runs or loads.

Needs Debian's /usr/bin/chromium (``scripts/ci/chromium.sh``) and playwright (the ``browser``
extra, which scripts/test.sh installs). Skipped only where Chromium is missing; with Chromium
present, a missing playwright fails the tests instead of hiding them. Run with
``pytest -m browser tests/export/test_browser.py``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtjob.cli import app
from mtjob.export import export_folder
from mtjob.testing.output_folder import sentence, write_finished

CHROMIUM = "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK),
                       reason=f"{CHROMIUM} missing: run scripts/ci/chromium.sh"),
]
try:
    from playwright import sync_api
except ImportError:  # Chromium is there (or the module is skipped): say what to install
    sync_api = None  # type: ignore[assignment]  # the optional browser extra is missing

HOSTILE = [
    '<script>alert("ar")</script>',
    '"><img src=x onerror=alert(1)>',
    "<svg onload=alert(2)><a href=javascript:alert(3)>x</a>",
    "\u202eexe.txt\u202c ok",
    '<link rel=stylesheet href="https://example.com/x.css"><iframe src="http://example.com">',
]


@pytest.fixture(scope="module")
def browser():
    if sync_api is None:
        pytest.fail(f"{CHROMIUM} is installed but playwright is not: "
                    "pip install -c constraints.txt -e '.[browser]' (scripts/test.sh does)")
    with sync_api.sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield instance
        instance.close()


class Watched:
    """A page whose dialogs, console messages, errors and requests are all recorded."""

    def __init__(self, browser, width: int = 1280, height: int = 900) -> None:
        self.page = browser.new_page(viewport={"width": width, "height": height})
        self.dialogs: list[str] = []
        self.console: list[str] = []
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("console", lambda m: self.console.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))

    def open(self, path: Path):
        self.page.goto(path.as_uri())
        self.page.wait_for_load_state("load")
        return self.page


@pytest.fixture(scope="module")
def sample_page(tmp_path_factory, tiny_models):
    """The sample article through the real job on tiny models, exported as HTML."""
    root = tmp_path_factory.mktemp("browser")
    inbox = root / "inbox"
    inbox.mkdir()
    (inbox / "article.txt").write_bytes(
        (Path(__file__).parents[2] / "examples" / "article.ar.txt").read_bytes())
    out = root / "out"
    runner = CliRunner()
    args = ["run", str(inbox), "--out", str(out), "--mt-model", str(tiny_models["mt"]),
            "--sum-model", str(tiny_models["sum"]), "--beams", "1", "--sum-beams", "1",
            "--sum-min-length", "5", "--sum-max-length", "30", "--quiet"]
    result = runner.invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    export_folder(out, "html")
    return out, out / "export" / "html" / "article.html"


def highlighted(page) -> list[str]:
    """Ids of the pairs whose sentence cells have a background (the highlight)."""
    return page.eval_on_selector_all(".s", """cells => cells
        .filter(c => getComputedStyle(c).backgroundColor !== 'rgba(0, 0, 0, 0)')
        .map(c => c.closest('.pair').id + ':' + (c.classList.contains('ar') ? 'ar' : 'en'))""")


def test_sample_page_pairs_direction_and_hover(browser, sample_page):
    out, path = sample_page
    records = [json.loads(line) for line in (out / "article.jsonl").read_text().splitlines()]
    count = sum(len(r["sentences"]) for r in records)
    watched = Watched(browser)
    page = watched.open(path)
    assert page.locator(".pair").count() == count
    assert page.locator(".s.ar").count() == page.locator(".s.en").count() == count
    directions = page.eval_on_selector_all(".s.ar", "cs => cs.map(c => getComputedStyle(c)"
                                           ".direction)")
    assert set(directions) == {"rtl"}
    assert page.eval_on_selector(".s.en", "c => getComputedStyle(c).direction") == "ltr"
    assert highlighted(page) == []
    page.hover("#p1-s0 .s.ar")
    assert highlighted(page) == ["p1-s0:ar", "p1-s0:en"]
    page.hover("#p3-s0 .s.en")
    assert highlighted(page) == ["p3-s0:ar", "p3-s0:en"]
    page.mouse.move(1, 1)
    page.focus("#p2-s0 .s.en")  # keyboard users: focus highlights the pair too
    assert highlighted(page) == ["p2-s0:ar", "p2-s0:en"]
    assert watched.requests == [path.as_uri()]
    assert watched.errors == [] and watched.dialogs == []


def test_flagged_only_filter_hides_the_others(browser, tmp_path):
    out = tmp_path / "out"
    write_finished(out, "doc", [[sentence("أ", "a"), sentence("ب", "b", ["repetition"])],
                               [sentence("ج", "c")],
                               [sentence("د", "d", ["low_confidence"], score=-2.0)]])
    export_folder(out, "html")
    page = Watched(browser).open(out / "export" / "html" / "doc.html")
    visible = lambda: [p.get_attribute("id") for p in page.locator(".pair").all()  # noqa: E731
                       if p.is_visible()]
    assert visible() == ["p0-s0", "p0-s1", "p1-s0", "p2-s0"]
    page.check("#flagged-only")
    assert visible() == ["p0-s1", "p2-s0"]
    assert not page.locator("#p1").is_visible()  # a paragraph with nothing flagged goes too
    page.uncheck("#flagged-only")
    assert len(visible()) == 4


def test_alignment_hover_highlights_aligned_words(browser, tmp_path):
    out = tmp_path / "out"
    write_finished(out, "doc", [[sentence("وزير الخارجية قال", "the foreign minister said",
                                         score=-0.3, alignment=[[0, 2], [1, 1], [2, 3]])]])
    export_folder(out, "html")
    watched = Watched(browser)
    page = watched.open(out / "export" / "html" / "doc.html")
    page.hover(".s.ar .w[data-i='0']")
    marked = page.eval_on_selector_all(".w.aw", "ws => ws.map(w => w.textContent)")
    assert sorted(marked) == sorted(["وزير", "minister"])
    assert watched.errors == []  # the hashed script ran under the CSP


def test_hostile_article_runs_nothing_and_loads_nothing(browser, tmp_path):
    out = tmp_path / "out"
    write_finished(out, "hostile", [[sentence(text, text, ["<b>flag</b>"])] for text in HOSTILE],
                   abstract=HOSTILE[0] + HOSTILE[1])
    export_folder(out, "html")
    watched = Watched(browser)
    page = watched.open(out / "export" / "html" / "hostile.html")
    page.hover("#p0-s0 .s.en")
    page.wait_for_timeout(300)
    assert watched.dialogs == [] and watched.console == [] and watched.errors == []
    assert watched.requests == [(out / "export" / "html" / "hostile.html").as_uri()]
    assert page.locator("img, svg, iframe, link[rel=stylesheet], a[href^=javascript]").count() == 0
    assert page.locator("script:not([type])").count() == 1  # + the edit mode's JSON data
    assert page.locator("script[type='application/json']").count() == 1
    texts = page.eval_on_selector_all(".s.en", "cs => cs.map(c => c.textContent)")
    assert texts[0] == HOSTILE[0] and texts[1] == HOSTILE[1]
    assert texts[3] == "RLOexe.txtPDF ok"  # the override is shown, not obeyed
    assert HOSTILE[0] in page.locator(".abstract p").text_content()
    watched_index = Watched(browser)
    watched_index.open(out / "export" / "html" / "index.html")
    assert watched_index.dialogs == [] and len(watched_index.requests) == 1


def test_phone_width_is_one_column(browser, tmp_path):
    out = tmp_path / "out"
    write_finished(out, "doc", [[sentence("جملة عربية", "An English sentence")]])
    export_folder(out, "html")
    page = Watched(browser, width=390, height=800).open(out / "export" / "html" / "doc.html")
    ar = page.locator(".s.ar").bounding_box()
    en = page.locator(".s.en").bounding_box()
    assert en["y"] >= ar["y"] + ar["height"] - 1  # stacked, not side by side
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_flagged_only_shows_what_nobody_reviewed(browser, tmp_path):
    """Issue 31.12: a reviewed sentence keeps its flags (the machine's facts) but "Flagged
    only" shows only flagged sentences nobody reviewed (two confirmed by ``mtjob import``)."""
    from tests.export.test_review_states import corrections, imported
    from tests.feedback.test_importing import sentences

    out = tmp_path / "out"
    write_finished(out, "doc", [[sentence("أ", "a", ["repetition"]),
                                 sentence("ب", "b", ["low_confidence"])],
                                [sentence("ج", "c", ["low_confidence"])],
                                [sentence("د", "d", ["low_confidence"])]])
    imported(out, corrections(tmp_path / "c.json", [
        ("doc", 0, 1, "ب", "b", "b", "confirmed", "Rana", "2026-12-07T11:05:00Z"),
        ("doc", 1, 0, "ج", "c", "c", "confirmed", None, "2026-12-07T11:06:00Z")]))
    assert [s.get("review") for s in sentences(out, "doc")] == [
        None, "confirmed", "confirmed", None]
    export_folder(out, "html")
    page = Watched(browser).open(out / "export" / "html" / "doc.html")

    def visible() -> list[str]:
        return [p.get_attribute("id") for p in page.locator(".pair").all() if p.is_visible()]

    assert "Flagged only (2 to review)" in page.inner_text(".toolbar")
    page.check("#flagged-only")
    assert visible() == ["p0-s0", "p2-s0"]
    assert not page.locator("#p1").is_visible()  # its one flagged sentence was reviewed
    assert "confirmed by Rana" in page.inner_text("#p0-s1")
