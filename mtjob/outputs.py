"""The output folder: where each file lives, when an article counts as done, and ``verify``."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from .writer import read_plain

META = "_mtjob"


def jsonl_path(out: Path, doc_id: str) -> Path:
    return out / f"{doc_id}.jsonl"


def abstract_path(out: Path, doc_id: str) -> Path:
    return out / f"{doc_id}.abstract.json"


def meta_dir(out: Path) -> Path:
    """Run bookkeeping (locks, manifests, completion markers, resolved config)."""
    return out / META


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def finished(out: Path, doc_id: str, source_sha: str | None,
             settings: dict[str, Any]) -> dict[str, Any] | None:
    """The abstract record if the article is done for this source and these settings.

    Done means: the abstract parses, names the same source hash (any, if ``source_sha`` is
    None) and settings, and the JSONL beside it has exactly the hash the abstract recorded.
    """
    abstract, data = read_plain(abstract_path(out, doc_id)), read_plain(jsonl_path(out, doc_id))
    if abstract is None or data is None:
        return None
    try:
        meta = json.loads(abstract)
    except ValueError:
        return None
    if not isinstance(meta, dict) or meta.get("settings") != settings:
        return None
    if source_sha is not None and meta.get("source_sha256") != source_sha:
        return None
    if meta.get("jsonl_sha256") != sha256_bytes(data):
        return None
    return meta


def verify(out: Path, inputs: list[Path] | None = None, strict: bool = False) -> list[str]:
    """Every problem found in an output folder (empty list: all good); see
    :func:`mtjob.verify.check_folder`, which also returns the warnings."""
    from .verify import check_folder  # verify.py builds on this module

    return check_folder(out, inputs, strict).errors
