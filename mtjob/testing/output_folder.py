"""Hand-made finished output folders (no model): fixtures for export and eval tests.

The files are byte-for-byte what a run writes (``records.dumps_line``, hashes recorded in
the abstract), so ``mtjob verify`` accepts them; fields a run does not write yet (``score``,
``alignment``, ``checks``, ``scores``) can be added to test readers ahead of the writers.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ..outfolder.manifest import ManifestWriter, done_entry
from ..outfolder.paths import abstract_path, article_ids, jsonl_path, sha256_bytes
from ..records import dumps_line
from ..vocabulary import Role

_SURROGATE = re.compile("[\ud800-\udfff]")


def sentence(ar: str, en: str, flags: tuple[str, ...] | list[str] = (), **extra: Any
             ) -> dict[str, Any]:
    """A sentence record; ``extra`` adds optional fields such as ``score`` or ``alignment``."""
    return {"ar": ar, "en": en, "src_tokens": len(ar.split()) + 1,
            "tgt_tokens": len(en.split()) + 1, "flags": list(flags), **extra}


def write_finished(out: Path, doc_id: str, paragraphs: list[list[dict[str, Any]]], *,
                  abstract: str | None = "A short abstract.", **meta: Any) -> Path:
    """Write ``doc_id``'s JSONL and abstract into ``out``; paragraphs are lists of sentences.

    A paragraph's text joins its sentences with a space; its flags are theirs, sorted.
    ``meta`` adds or overrides abstract fields. Returns the JSONL path.
    """
    out.mkdir(parents=True, exist_ok=True)
    lines = []
    for para_id, sentences in enumerate(paragraphs):
        lines.append(dumps_line({
            "doc_id": doc_id, "para_id": para_id,
            "ar": " ".join(s["ar"] for s in sentences),
            "en": " ".join(s["en"] for s in sentences), "sentences": sentences,
            "flags": sorted({f for s in sentences for f in s["flags"]})}))
    # A lone surrogate cannot be UTF-8; as a JSON escape it is legal and reaches readers.
    data = _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", "".join(lines)).encode("utf-8")
    jsonl_path(out, doc_id).write_bytes(data)
    flags: dict[str, int] = {}
    for sentences in paragraphs:
        for s in sentences:
            for flag in s["flags"]:
                flags[flag] = flags.get(flag, 0) + 1
    record = {"doc_id": doc_id, "abstract": abstract,
              "method": "abstractive" if abstract else "none", "paragraphs": len(paragraphs),
              "source": f"{doc_id}.txt", "source_sha256": "0" * 64,
              "jsonl_sha256": sha256_bytes(data),
              "models": {Role.MT: {"id": "tiny/marian-ar-en", "revision": "local-sha256:abc",
                                "backend": "transformers", "device": "cpu"}},
              "settings": {"beams": 1, "max_source_tokens": 256}, "flags": flags,
              "mtjob_version": "0.1.0", **meta}
    abstract_path(out, doc_id).write_text(json.dumps(record, ensure_ascii=False, indent=2),
                                          encoding="utf-8")
    _bookkeeping(out)
    return jsonl_path(out, doc_id)


def _bookkeeping(out: Path) -> None:
    """A one-shard manifest listing every article of ``out`` as done, and its marker."""
    entries = {}
    for doc_id in article_ids(out):
        data = abstract_path(out, doc_id).read_bytes()
        entries[doc_id] = done_entry(f"{doc_id}.txt", json.loads(data), data)
    manifest = ManifestWriter(out, 0, 1, {}, "{}\n")
    manifest.begin(entries)
    manifest.finish()
