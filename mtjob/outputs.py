"""The output folder: where each file lives, when an article counts as done, and ``verify``."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

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
    try:
        meta = json.loads(abstract_path(out, doc_id).read_bytes())
        data = jsonl_path(out, doc_id).read_bytes()
    except (OSError, ValueError):
        return None
    if not isinstance(meta, dict) or meta.get("settings") != settings:
        return None
    if source_sha is not None and meta.get("source_sha256") != source_sha:
        return None
    if meta.get("jsonl_sha256") != sha256_bytes(data):
        return None
    return meta


def _check_jsonl(path: Path, doc_id: str) -> tuple[int, list[str]]:
    problems: list[str] = []
    count = 0
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.endswith(b"\n"):
                problems.append(f"{path}: line {number} is cut (no newline at end of file)")
            try:
                record = json.loads(raw)
            except ValueError as exc:
                problems.append(f"{path}: line {number} is not valid JSON ({exc})")
                break
            if record.get("para_id") != count:
                problems.append(f"{path}: line {number} has para_id {record.get('para_id')}, "
                                f"expected {count}")
                break
            if record.get("doc_id") != doc_id:
                problems.append(f"{path}: line {number} has doc_id {record.get('doc_id')!r}")
                break
            missing = {"ar", "en", "sentences", "flags"} - set(record)
            if missing:
                problems.append(f"{path}: line {number} lacks {', '.join(sorted(missing))}")
                break
            count += 1
    return count, problems


def verify(out: Path) -> list[str]:
    """Every problem found in a finished output folder (empty list: all good)."""
    problems: list[str] = []
    if not out.is_dir():
        return [f"{out}: not a folder"]
    abstracts = {p.name[:-len(".abstract.json")]: p for p in out.glob("*.abstract.json")}
    for path in sorted(out.glob("*.jsonl")):
        if path.stem not in abstracts:
            problems.append(f"{path}: no {path.stem}.abstract.json beside it (unfinished?)")
    for doc_id, path in sorted(abstracts.items()):
        try:
            meta = json.loads(path.read_bytes())
        except (OSError, ValueError) as exc:
            problems.append(f"{path}: not valid JSON ({exc})")
            continue
        jsonl = jsonl_path(out, doc_id)
        if not jsonl.exists():
            problems.append(f"{jsonl}: missing (its abstract exists)")
            continue
        if sha256_bytes(jsonl.read_bytes()) != meta.get("jsonl_sha256"):
            problems.append(f"{jsonl}: content differs from the hash its abstract recorded "
                            "(truncated or edited)")
        count, found = _check_jsonl(jsonl, doc_id)
        problems.extend(found)
        if not found and count != meta.get("paragraphs"):
            problems.append(f"{jsonl}: {count} records, the abstract says "
                            f"{meta.get('paragraphs')}")
    for manifest in sorted(meta_dir(out).glob("manifest-*.json")):
        try:
            entries = json.loads(manifest.read_bytes())["articles"]
        except (OSError, ValueError, KeyError) as exc:
            problems.append(f"{manifest}: unreadable ({exc})")
            continue
        for doc_id, entry in entries.items():
            if entry.get("status") != "done":
                problems.append(f"{manifest}: {doc_id} is {entry.get('status')}: "
                                f"{entry.get('error', 'not written')}")
            elif doc_id not in abstracts:
                problems.append(f"{abstract_path(out, doc_id)}: missing (the manifest lists it)")
            else:
                data = jsonl_path(out, doc_id)
                if data.exists() and sha256_bytes(data.read_bytes()) != entry["jsonl_sha256"]:
                    problems.append(f"{data}: differs from the hash in {manifest.name}")
    return problems
