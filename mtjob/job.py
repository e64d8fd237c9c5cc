"""The whole job for one slice of the articles: ``run_shard(config, inputs, out, rank, world)``.

Cron, one file, a Slurm array task and the Ray engine all call this function; it reads top to
bottom as the data flow, each stage a plain function of the module named for it.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from .batching import article_groups
from .config import JobConfig
from .engines.base import Engine, Models, Progress
from .errors import InputError, MtjobError, OutputError
from .lock import OutputLock
from .outputs import finished, meta_dir, sha256_bytes
from .reader import Article, doc_id_for, read_article, source_sha256
from .records import ArticleOutcome, Segment, abstract_record, build_records, jsonl_bytes
from .report import RunReport
from .segment import segment_article
from .sharding import select_inputs
from .translation import translate_segments
from .writer import ensure_writable, json_bytes, remove_stale_tmp, write_article, write_if_changed

log = logging.getLogger(__name__)


def run_shard(config: JobConfig, inputs: list[Path], out: Path, rank: int = 0,
              world_size: int = 1, *, force: bool = False, models: Models | None = None,
              wait_lock: float = 0.0, progress: Progress | None = None) -> RunReport:
    """Translate and summarize this shard's articles into ``out``.

    Finished articles (same source hash and settings) are skipped without loading a model,
    unless ``force``. Per-article problems are recorded in the report, never raised.
    """
    started = time.monotonic()
    models = models or default_models(config)
    paths = select_inputs(inputs, rank, world_size)
    ensure_writable(out)
    settings, report = config.output_settings(), RunReport()
    fail = _failer(report)
    engine: Engine | None = None
    with OutputLock(meta_dir(out) / f"lock-{rank:05d}-of-{world_size:05d}", wait_lock):
        _remove_temp_files(out, paths)
        todo = [p for p in paths if not _skip_finished(out, p, settings, force, report)]
        if todo:
            models.check(config)  # a missing model stops the run before any article is read
            tokenizer = models.tokenizer(config)
        provenance: dict[str, Any] | None = None
        try:
            for start, end in article_groups(len(todo), config.group_articles):
                articles = [a for a in (_read(p, config, fail) for p in todo[start:end]) if a]
                segments: list[Segment] = []
                errors: dict[int, str] = {}
                for doc, article in enumerate(articles):
                    try:
                        segments += segment_article(doc, article, tokenizer, config)
                    except MtjobError:
                        raise  # a model that cannot be found or loaded concerns every article
                    except Exception as exc:  # a tokenizer failure on odd text fails this one
                        log.debug("segmenting %s failed", article.path, exc_info=True)
                        errors[doc] = f"cannot segment: {type(exc).__name__}: {exc}"
                if not articles:
                    continue
                if engine is None:
                    engine, report.models_loaded = models.engine(config), True
                errors.update(translate_segments(segments, engine, config, progress))
                provenance = provenance or engine.provenance()
                ready = []
                for doc, article in enumerate(articles):
                    if doc in errors:
                        fail(article.path, f"{article.path}: {errors[doc]}")
                        continue
                    ready.append((article, build_records(
                        article.doc_id, [p.text for p in article.paragraphs],
                        [s for s in segments if s.doc == doc])))
                summaries = engine.summarize([[r.en for r in recs] for _, recs in ready]) \
                    if config.summary and ready else [None] * len(ready)
                for (article, records), summary in zip(ready, summaries):
                    if summary is not None and summary.error is not None:
                        fail(article.path, f"{article.path}: {summary.error}")
                        continue
                    data = jsonl_bytes(records)
                    meta = abstract_record(
                        article.doc_id, article.path, article.sha256, sha256_bytes(data),
                        records, summary.text if summary else None,
                        summary.method if summary else "none", provenance, settings,
                        summary.input_tokens if summary else None)
                    try:
                        write_article(out, article.doc_id, data, meta)
                    except OutputError as exc:  # disk full, say: others may still fit
                        fail(article.path, f"{article.path}: {exc}")
                        continue
                    report.add_written(ArticleOutcome(article.doc_id, article.path, "done",
                                                      meta=meta), records)
        finally:
            if engine is not None:
                engine.close()
        _write_manifest(out, rank, world_size, paths, report, config)
    report.seconds = time.monotonic() - started
    return report


def default_models(config: JobConfig) -> Models:
    """Models for the configured engine: resolved in this process either way."""
    if config.engine == "ray":
        from .engines.ray import RayModels, import_ray

        import_ray()  # fail at once, before any file is read, if Ray is missing
        return RayModels()
    from .engines.local import LocalModels

    return LocalModels()


def _failer(report: RunReport) -> Any:
    def fail(path: Path, message: str) -> None:
        log.error("%s", message)
        report.outcomes.append(ArticleOutcome(doc_id_for(path), path, "failed", message))
    return fail


def _read(path: Path, config: JobConfig, fail: Any) -> Article | None:
    try:
        return read_article(path, config.max_file_bytes)
    except InputError as exc:
        fail(path, str(exc))
        return None


def _skip_finished(out: Path, path: Path, settings: dict[str, Any], force: bool,
                   report: RunReport) -> bool:
    """True (and recorded) when the article needs no work: done, or unreadable."""
    try:
        digest = source_sha256(path)
    except OSError as exc:
        _failer(report)(path, f"{path}: cannot read: {exc.strerror}")
        return True
    meta = None if force else finished(out, doc_id_for(path), digest, settings)
    if meta is not None:
        report.outcomes.append(ArticleOutcome(doc_id_for(path), path, "skipped", meta=meta))
    return meta is not None


def _remove_temp_files(out: Path, paths: list[Path]) -> None:
    names = {f"{doc_id_for(p)}{suffix}" for p in paths for suffix in (".jsonl", ".abstract.json")}
    if removed := remove_stale_tmp(out, names):
        log.info("removed %d temp file(s) left by an interrupted run", removed)


def _write_manifest(out: Path, rank: int, world_size: int, paths: list[Path],
                    report: RunReport, config: JobConfig) -> None:
    folder = meta_dir(out)
    folder.mkdir(exist_ok=True)
    by_path = {o.path: o for o in report.outcomes}
    entries: dict[str, Any] = {}
    for path in paths:
        outcome = by_path.get(path)
        entry: dict[str, Any] = {"source": str(path)}
        if outcome is not None and outcome.status == "failed":
            entry.update(status="failed", error=outcome.error)
        else:
            meta = outcome.meta if outcome else None
            entry.update(status="done" if meta else "missing",
                         source_sha256=meta["source_sha256"] if meta else None,
                         jsonl_sha256=meta["jsonl_sha256"] if meta else None,
                         paragraphs=meta["paragraphs"] if meta else None)
        entries[doc_id_for(path)] = entry
    tag = f"{rank:05d}-of-{world_size:05d}"
    manifest = {"shard": [rank, world_size], "articles": entries,
                "settings": config.output_settings()}
    write_if_changed(folder / f"manifest-{tag}.json", json_bytes(manifest))
    write_if_changed(folder / "config.json", config.to_json().encode("utf-8"))
    marker = folder / "completions" / tag
    if all(e["status"] == "done" for e in entries.values()):
        marker.parent.mkdir(exist_ok=True)
        write_if_changed(marker, json_bytes(sorted(entries)))
    elif marker.exists():
        marker.unlink()
