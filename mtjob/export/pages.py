"""``mtjob run --report``: the HTML review pages written into ``OUT/report/`` as the run goes
(a page after each article), then brought in line with the whole folder at the end of every
``--report`` run: a page for every finished article (added to an existing folder, after a
kill, after runs without ``--report``), none for an article that is gone, and the index. So a
cron user just opens ``OUT/report/index.html``. The same pages as ``mtjob export --format
html``. Each page records the hash of the abstract it shows, so ``verify`` can tell a stale
page from a current one.

Page names never collide with the index: ``NAME.html``, except that a name like ``index``
(any case, any number of leading ``_``) gets one more ``_``: ``index`` -> ``_index.html``."""

from __future__ import annotations

import logging
from pathlib import Path

from ..errors import MtjobError
from ..inputs.sources import display_name
from ..outfolder.atomic import ensure_real_dir, write_if_changed
from ..outfolder.paths import (
    INDEX,
    REVIEW_DIR,
    abstract_path,
    article_ids,
    doc_of_page,
    page_name,
    page_stamp,
)
from ..outfolder.readback import FinishedArticle, read_finished
from ..terms.stored import final_misses
from .html import render_html, render_index

log = logging.getLogger(__name__)


def _current(out: Path, doc_id: str, reuse: bool = True) -> tuple[FinishedArticle, bytes | None]:
    """The article, and its page unless (``reuse``) the page there was made from these very
    files (its stamp): an unchanged archive costs a read per article, not a render."""
    article = read_finished(out, doc_id)
    if reuse and page_stamp(out / REVIEW_DIR / page_name(doc_id)) == article.page_key:
        return article, None
    terms = final_misses(out, article)  # issue 32: the final English's terms
    return article, render_html(article, index=INDEX, terms=terms).encode("utf-8")


def write_review_page(out: Path, doc_id: str) -> Path:
    """The review page of one finished article (read back from its files)."""
    folder = ensure_real_dir(out / REVIEW_DIR)  # never written through a symlink
    page = folder / page_name(doc_id)
    write_if_changed(page, _current(out, doc_id, reuse=False)[1] or b"")
    return page


def sync_review_pages(out: Path) -> Path:
    """Every finished article's page as its files are now (unchanged pages are not
    rewritten), no page of an article that is gone, and the index of them all. An
    article that cannot be read back is named in a warning and left out."""
    folder = ensure_real_dir(out / REVIEW_DIR)
    articles = []
    for doc_id in article_ids(out):
        try:
            article, page = _current(out, doc_id)
        except (OSError, ValueError, MtjobError) as exc:
            log.warning("review page of %s not written: %s", display_name(doc_id), exc)
            continue
        if page is not None:
            write_if_changed(folder / page_name(doc_id), page)
        articles.append(article)
    for old in folder.glob("*.html"):
        owner = doc_of_page(old.name)
        if owner is not None and not abstract_path(out, owner).exists():
            old.unlink(missing_ok=True)  # its article is gone
    pages = {a.doc_id: page_name(a.doc_id) for a in articles}
    write_if_changed(folder / INDEX, render_index(articles, pages).encode("utf-8"))
    return folder / INDEX


def review_pages(out: Path, doc_id: str | None = None) -> None:
    """The review pages stage of a ``--report`` run: the article's page or (no ``doc_id``)
    every page brought in line with the folder, and the index. A page that cannot be
    written is a warning: the article itself is done."""
    try:
        write_review_page(out, doc_id) if doc_id else sync_review_pages(out)
    except (OSError, MtjobError) as exc:
        log.warning("review page not written: %s", exc)
