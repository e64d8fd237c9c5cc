"""``mtjob import --resummarize``: an article's abstract remade from its corrected English.

The summarizer and its settings are the run's (``_mtjob/config.json``). The new abstract record
keeps everything else and says what it was made from: ``"summary_from": "corrected"`` with
``summary_jsonl_sha256``, the hash of the JSONL (post-edits included) it read, so a reader
can tell whether later corrections came after it. An abstract without ``summary_from`` was made
from the machine English, as every run makes it. The manifest's entry gets the new abstract's
hash; the caller commits both with the JSONL (``mtjob.outfolder.journal``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..config import load_config
from ..errors import ConfigError
from ..outfolder.atomic import json_bytes, read_plain
from ..outfolder.machine import corrected_paragraphs
from ..outfolder.manifest import manifest_bytes
from ..outfolder.paths import abstract_path, meta_dir, sha256_bytes
from ..text.abstract_checks import check_abstract


def resummarize(out: Path, jsonls: dict[str, bytes]) -> dict[Path, bytes]:
    """New abstract files (and the manifests naming them) for the articles of ``jsonls``
    (doc id -> the JSONL as it will be), summarized from their corrected English."""
    config_data = read_plain(meta_dir(out) / "config.json")
    if config_data is None:
        raise ConfigError(f"{meta_dir(out) / 'config.json'}: missing: cannot tell which "
                          "summarizer the run used")
    config = load_config(None, json.loads(config_data))
    if not config.summary:
        raise ConfigError("the run made no abstracts (summary off): nothing to remake")
    from ..engines import default_models

    models = default_models(config)
    models.check(config)
    engine = models.engine(config)
    doc_ids = sorted(jsonls)
    try:
        outcomes = engine.summarize([corrected_paragraphs(jsonls[d]) for d in doc_ids])
    finally:
        engine.close()
    files: dict[Path, bytes] = {}
    hashes: dict[str, str] = {}
    for doc_id, outcome in zip(doc_ids, outcomes, strict=True):
        if outcome.error is not None:
            raise ConfigError(f"{doc_id}: the summarizer failed: {outcome.error}")
        path = abstract_path(out, doc_id)
        meta = json.loads(read_plain(path) or b"{}")
        meta.update(abstract=outcome.text, method=outcome.method,
                    input_tokens=outcome.input_tokens, summary_from="corrected",
                    summary_jsonl_sha256=sha256_bytes(jsonls[doc_id]),
                    checks=check_abstract(outcome.text, corrected_paragraphs(jsonls[doc_id])))
        files[path] = json_bytes(meta)
        hashes[doc_id] = sha256_bytes(files[path])
    files.update(_manifests(out, hashes))
    return files


def _manifests(out: Path, hashes: dict[str, str]) -> dict[Path, bytes]:
    """Every manifest listing one of the articles, with its new abstract hash."""
    files = {}
    for path in sorted(meta_dir(out).glob("manifest-*.json")):
        data = read_plain(path)
        manifest: dict[str, Any] = json.loads(data) if data else {}
        articles = manifest.get("articles") or {}
        hit = [d for d in hashes if isinstance(articles.get(d), dict)]
        if not hit:
            continue
        for doc_id in hit:
            articles[doc_id]["abstract_sha256"] = hashes[doc_id]
        files[path] = manifest_bytes(manifest)  # as ManifestWriter writes it
    return files
