"""The output writer: an article's files as a run makes them. The JSONL's bytes are made
here from the records (the machine's output, whose hash the abstract records, then the
stored corrections re-applied); ``atomic.write_article`` writes them with the abstract last,
then the ``--text`` copy follows; temp files a killed run left are cleared first."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import OutputError
from ..inputs.sources import TMP_MARK
from ..records import ArticleJsonl, jsonl_bytes
from .atomic import remove_stale_tmp
from .corrected import reapply
from .english_text import write_text
from .paths import TEXT

if TYPE_CHECKING:
    from ..inputs.reader import Article
    from ..records import ParagraphRecord

log = logging.getLogger(__name__)


def article_jsonl(out: Path, article: Article, records: list[ParagraphRecord]) -> ArticleJsonl:
    """The JSONL of ``records``, the article's stored corrections re-applied (an unreadable
    corrections store is an ``OutputError``: that article fails alone)."""
    machine = jsonl_bytes(records)
    return ArticleJsonl(machine, *reapply(out, article, records, machine))


def write_english(out: Path, doc_id: str) -> None:
    """``--text``: ``NAME.en.txt`` from the article's JSONL (its final English). Not written
    is a warning: the article itself is done."""
    try:
        write_text(out, doc_id)
    except OutputError as exc:
        log.warning("%s", exc)


def remove_temp_files(out: Path, doc_ids: list[str], removed: int) -> None:
    """Clear the temp files of these articles' files that a killed run left (``removed``:
    those the shard's lock already cleared, logged with them)."""
    if any(TMP_MARK in name for name in os.listdir(out)):  # rare: after a kill
        names = {f"{doc_id}{end}" for doc_id in doc_ids
                 for end in (".jsonl", ".abstract.json", TEXT)}
        removed += remove_stale_tmp(out, names)
    if removed:
        log.info("removed %d temp file(s) left by an interrupted run", removed)
