"""Screenshot of the HTML review page for docs/review.md: docs/review-sample.png.

Runs the job on examples/article.ar.txt with the tiny offline models (their English is
nonsense of the right length: the point is the page, not the translation), imports the
correction of the README's tour (the second paragraph's sentence, through the TSV, by
"reviewer"), exports HTML and photographs the article's page in headless Chromium at desktop
width, the corrected pair highlighted.

    python scripts/screenshot_review.py [--out docs/review-sample.png] [--keep DIR]

Needs /usr/bin/chromium and playwright (scripts/ci/chromium.sh).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"


#: The README tour's correction, of sentence 0 of paragraph 1.
CORRECTION = "Russia and the US discussed a political settlement in Syria."


def correct_tsv(tsv: Path) -> None:
    """Write :data:`CORRECTION` into the ``post_edit`` cell of paragraph 1, sentence 0."""
    import csv
    import io

    rows = list(csv.reader(io.StringIO(tsv.read_text(encoding="utf-8"), newline=""),
                           delimiter="\t"))
    column = rows[0].index("post_edit")
    for row in rows[1:]:
        if row[1:3] == ["1", "0"]:
            row[column] = CORRECTION
    text = io.StringIO(newline="")
    csv.writer(text, delimiter="\t", lineterminator="\r\n").writerows(rows)
    tsv.write_text(text.getvalue(), encoding="utf-8", newline="")


def build_run(work: Path) -> Path:
    """Tiny models, the sample article, ``mtjob run``, the TSV export with one correction
    imported, then ``mtjob export --format html``."""
    from typer.testing import CliRunner

    from mtjob.cli import app
    from mtjob.testing.tiny_models import build_tiny_models
    from mtjob.vocabulary import Role

    models = build_tiny_models(work / "models")
    inbox = work / "inbox"
    inbox.mkdir()
    shutil.copy(REPO / "examples" / "article.ar.txt", inbox / "article.ar.txt")
    out = work / "out"
    tsv = out / "export" / "tsv" / "article.ar.tsv"
    runner = CliRunner()
    for args in (["run", str(inbox), "--out", str(out), "--mt-model", str(models[Role.MT]),
                  "--sum-model", str(models[Role.SUMMARY]), "--beams", "1", "--sum-beams", "1",
                  "--quiet"],
                 ["export", str(out), "--format", "tsv", "--quiet"],
                 ["import", str(out), str(tsv), "--by", "reviewer", "--quiet"],
                 ["export", str(out), "--format", "html", "--quiet"]):
        if args[0] == "import":
            correct_tsv(tsv)
        result = runner.invoke(app, args, catch_exceptions=False)
        if result.exit_code:
            sys.exit(f"mtjob {args[0]} failed: {result.output}")
    return out / "export" / "html" / "article.ar.html"


def screenshot(page_path: Path, png: Path, width: int = 1280, height: int = 900) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(page_path.as_uri())
        # Show the hover highlight on one pair, as a reviewer would see it.
        page.hover("#p1-s0 .s.en")
        png.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(png), type="png")
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "review-sample.png")
    parser.add_argument("--keep", type=Path, help="keep the run and export in this folder")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    work = args.keep or Path(tempfile.mkdtemp(prefix="mtjob-review-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        page = build_run(work)
        screenshot(page, args.out)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"{args.out} ({args.out.stat().st_size // 1024} KiB) from {page.name}")


if __name__ == "__main__":
    main()
