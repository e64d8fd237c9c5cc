"""``mtjob run --report``: the HTML review pages written into ``OUT/report/`` as the run goes
(a page after each article, the index after each group), so a cron user just opens
``OUT/report/index.html``. The same pages as ``mtjob export --format html``."""

from __future__ import annotations

from pathlib import Path

from ..outfolder.atomic import ensure_real_dir, write_if_changed
from ..outfolder.readback import read_finished
from .html import render_html, render_index

REPORT = "report"
INDEX = "index.html"


def write_page(out: Path, doc_id: str) -> Path:
    """The review page of one finished article (read back from its files)."""
    folder = out / REPORT
    ensure_real_dir(folder)  # never written through a symlink
    page = folder / f"{doc_id}.html"
    write_if_changed(page, render_html(read_finished(out, doc_id), index=INDEX).encode("utf-8"))
    return page


def write_index(out: Path) -> Path:
    """The index of every article of ``out`` that has a page."""
    folder = out / REPORT
    ensure_real_dir(folder)  # never written through a symlink
    doc_ids = sorted(p.name[:-len(".html")] for p in folder.glob("*.html") if p.name != INDEX)
    articles = [read_finished(out, d) for d in doc_ids
                if (out / f"{d}.abstract.json").is_file()]
    pages = {a.doc_id: f"{a.doc_id}.html" for a in articles}
    write_if_changed(folder / INDEX, render_index(articles, pages).encode("utf-8"))
    return folder / INDEX
