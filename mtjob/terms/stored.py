"""The glossary a run used, kept in its output folder: the page, the exports, import and eval
check a sentence's final English (a person's post-edit too) against the same terms.

``OUT/_mtjob/glossaries/<sha256>.glossary``: the file's bytes as the run loaded them, named
by the hash the abstracts record (``settings.glossary_sha256``); written once, never changed.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import MtjobError
from ..outfolder.paths import meta_dir
from .glossary import parse
from .index import TermIndex

log = logging.getLogger(__name__)


def glossaries_dir(out: Path) -> Path:
    return meta_dir(out) / "glossaries"


def stored_path(out: Path, sha256: str) -> Path:
    return glossaries_dir(out) / f"{sha256}.glossary"


def store_glossary(out: Path, data: bytes, sha256: str) -> None:
    """Keep the run's glossary beside its outputs (once per content)."""
    from ..outfolder.atomic import atomic_write, ensure_real_dir

    path = stored_path(out, sha256)
    if path.is_file():
        return
    ensure_real_dir(meta_dir(out))
    ensure_real_dir(glossaries_dir(out))
    atomic_write(path, data)


@lru_cache(maxsize=8)
def _index(path: Path, mtime_ns: int, protect: bool) -> TermIndex:
    from .session import build_index

    return build_index(parse(path.read_bytes(), path), protect)


def stored_index(out: Path, settings: Any) -> TermIndex | None:
    """The index of the glossary an article was made with (its abstract's ``settings``),
    protecting do-not-translate spans when its run did; None when it had no glossary or
    the copy is gone (a folder from before this was kept: logged)."""
    if not isinstance(settings, dict):
        return None
    sha = settings.get("glossary_sha256")
    terms = settings.get("terms")
    if not isinstance(sha, str):
        return TermIndex((), protect=True) if terms not in (None, "off") else None
    path = stored_path(out, sha)
    try:
        return _index(path, path.stat().st_mtime_ns, terms not in (None, "off"))
    except (OSError, MtjobError) as exc:
        log.warning("the glossary of %s is not kept in it (%s): terms are not checked", out,
                    exc)
        return None
