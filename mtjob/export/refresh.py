"""What an import leaves current, with no model: the files derived from a folder's JSONL that
a person's corrections change. ``mtjob import`` calls :func:`refresh_after_import` once its
commit is done, under the folder's locks.

- ``NAME.en.txt`` (``--text``) of each changed article, where the folder has one: the final
  English, so ``verify`` finds it current;
- the review pages (``OUT/report/``, where a ``--report`` run made its index): each page whose
  files changed is rendered again from the folder alone, and the index with its review
  progress (``mtjob.export.pages.sync_review_pages``; unchanged pages are left alone).

Nothing here can undo the import: a file that cannot be written is a warning naming it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from ..errors import MtjobError
from ..outfolder.english_text import text_path, write_text
from ..outfolder.paths import INDEX, REVIEW_DIR

log = logging.getLogger(__name__)


def refresh_after_import(out: Path, doc_ids: Iterable[str]) -> list[Path]:
    """Bring the text files and review pages of ``doc_ids`` (the articles an import changed)
    in line with the folder; returns the files written or checked. Never raises for a file
    it cannot write."""
    touched: list[Path] = []
    changed = sorted(set(doc_ids))
    if not changed:
        return touched
    for doc_id in changed:
        path = text_path(out, doc_id)
        if not path.is_file():
            continue  # never asked for (--text): not made here either
        try:
            write_text(out, doc_id)
            touched.append(path)
        except (OSError, MtjobError) as exc:
            log.warning("%s not brought up to date: %s", path, exc)
    if (out / REVIEW_DIR / INDEX).is_file():
        from .pages import sync_review_pages

        try:
            touched.append(sync_review_pages(out))
        except (OSError, ValueError, MtjobError) as exc:
            log.warning("review pages not brought up to date: %s", exc)
    return touched
