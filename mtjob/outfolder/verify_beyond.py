"""``verify``'s checks beyond the folder's own files: its review pages (``--report``) and,
with ``--inputs``, the inputs it was made from."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import InputError
from ..inputs.reader import discover, doc_id_for, source_sha256
from ..inputs.sources import display_name as shown
from ..inputs.sources import no_article_message
from ..vocabulary import Status
from .atomic import read_plain
from .paths import (
    REVIEW_DIR,
    abstract_path,
    doc_of_page,
    jsonl_path,
    own_text_files,
    page_key,
    page_name,
    page_stamp,
)


def review_page_warnings(out: Path, doc_ids: set[str]) -> list[str]:
    """``OUT/report/`` as a ``--report`` run leaves it: a page per finished article, made
    from its abstract as it is now, and no page of an article that is gone (warnings: the
    articles themselves are fine; ``mtjob run --report`` brings the pages in line)."""
    folder, warnings = out / REVIEW_DIR, []
    fix = "; run again with --report to update the review pages"
    for doc_id in sorted(doc_ids):
        abstract = read_plain(abstract_path(out, doc_id))
        jsonl = read_plain(jsonl_path(out, doc_id))
        if abstract is None or jsonl is None:
            continue  # named already
        page = folder / page_name(doc_id)
        if not page.exists():
            warnings.append(f"{shown(page)}: review page missing{fix}")
        elif page_stamp(page) != page_key(abstract, jsonl):
            warnings.append(f"{shown(page)}: review page is stale{fix}")
    for page in sorted(folder.glob("*.html")):
        owner = doc_of_page(page.name)
        if owner is not None and owner not in doc_ids:
            warnings.append(f"{shown(page)}: review page of no article here{fix}")
    return warnings


def input_errors(inputs: list[Path], recorded: dict[str, dict[str, Any]],
                 out: Path | None = None) -> list[str]:
    """``verify --inputs``: every input is an article, listed as done at its current hash
    (``recorded``: each article's manifest entry); ``out``'s ``--text`` files are not inputs."""
    errors: list[str] = []
    files, skipped = discover(inputs)
    own = set(own_text_files(files, out)) if out is not None else set()
    files = [p for p in files if p not in own]
    if not files and not skipped:
        errors.append(f"--inputs: {no_article_message(inputs)}")
    for skip in skipped:
        errors.append(f"{shown(skip.path)}: {Status.NOT_AN_ARTICLE}: {skip.reason}")
    for path in files:
        entry = recorded.get(doc_id_for(path))
        if entry is None:
            errors.append(f"{shown(path)}: not in any manifest (not run yet?)")
            continue
        if entry["status"] != Status.DONE:
            continue  # named with its manifest already
        try:
            digest = source_sha256(path)
        except InputError as exc:
            errors.append(str(exc))
            continue
        if digest != entry["source_sha256"]:
            errors.append(f"{shown(path)}: changed since it was translated; run again")
    return errors
