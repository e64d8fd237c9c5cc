"""The whole job for one slice of the articles: ``run_shard(config, inputs, out, rank, world)``.

Cron, one file, a Slurm array task and the Ray engine all call this function; it reads top to
bottom as the data flow, each stage a plain function of the module named for it.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from . import signals
from .batching import article_groups
from .config import JobConfig
from .engines import default_models
from .engines.base import Engine, Models, Progress
from .lock import ShardLock
from .manifest import ManifestWriter, pending_entry
from .outputs import abstract_path, jsonl_path, sha256_bytes
from .records import Segment, abstract_record, build_records, jsonl_bytes
from .report import RunReport
from .shard import Shard
from .sharding import select_inputs
from .sources import display_name
from .translation import translate_segments
from .writer import ensure_writable, write_article


def run_shard(config: JobConfig, inputs: list[Path], out: Path, rank: int = 0,
              world_size: int = 1, *, force: bool = False, models: Models | None = None,
              wait_lock: float = 0.0, progress: Progress | None = None,
              report: RunReport | None = None) -> RunReport:
    """Translate and summarize this shard's articles into ``out``.

    Finished articles (same source hash, settings and model revisions) are skipped without
    loading a model, unless ``force``. Per-article problems are recorded in the report and the
    manifest, never raised; a broken model or a usage error is raised before any work.
    A ``report`` passed in is filled as the run goes, so its caller still holds what a run
    that raised (a model failing mid-run, a signal) had finished.
    """
    started = time.monotonic()
    models = models or default_models(config)
    stats: dict[Path, os.stat_result] = {}  # one stat per input for the whole run
    paths, skipped = select_inputs(inputs, out, rank, world_size, stats)
    ensure_writable(out)
    report = RunReport() if report is None else report
    engine: Engine | None = None
    with ShardLock(out, rank, world_size, wait_lock) as lock:
        report.locked = True
        manifest = ManifestWriter(out, rank, world_size, config.output_settings(),
                                  config.to_json())
        revisions = models.revisions(config)  # cheap: fingerprints are cached
        shard = Shard(out, config, report, manifest, revisions)
        shard.remove_temp_files(paths, lock.removed_tmp)
        entries = {shard.doc_id(s.path): shard.not_an_article(s.path, s.reason)
                   for s in skipped}
        todo = []
        for path in paths:  # skip finished
            entry = shard.finished_entry(path, force, stats.get(path))
            todo += [path] if entry is None else []
            entries[shard.doc_id(path)] = entry or pending_entry(path)
        manifest.begin(entries, frozenset(shard.indexed))
        if todo:  # a broken model stops the run before any article is read
            getattr(models, "preload", lambda _: None)(config)  # weights load meanwhile
            shard.timed("resolve", lambda: models.check(config))
        tokenizer = models.tokenizer(config) if todo else None  # no weights
        try:
            for start, end in article_groups(len(todo), config.group_articles):
                articles = shard.timed("read", lambda: shard.read(todo[start:end]))
                if not articles:
                    continue
                segments: list[Segment] = []
                errors: dict[int, str] = {}
                with shard.stage("segment"):
                    for doc, article in enumerate(articles):
                        segments += shard.segment(errors, doc, article, tokenizer)
                if progress is not None:
                    progress.add_total(sum(1 for s in segments if s.text)
                                       + (len(articles) if config.summary else 0))
                if engine is None:
                    engine, report.models_loaded = models.engine(config), True
                errors.update(translate_segments(segments, engine, config, progress,
                                                 report.stage_seconds))
                provenance = shard.provenance(engine)
                ready = []
                for doc, article in enumerate(articles):  # build records
                    if doc in errors:
                        shard.fail(article.path, f"{display_name(article.path)}: {errors[doc]}")
                        continue
                    ready.append((article, build_records(
                        article.doc_id, [p.text for p in article.paragraphs],
                        [s for s in segments if s.doc == doc])))
                with shard.stage("summarize"):
                    summaries = shard.summarize(engine, [recs for _, recs in ready], progress)
                for (article, records), summary in zip(ready, summaries):  # write
                    if summary.error is not None:
                        shard.fail(article.path, f"{display_name(article.path)}: "
                                                 f"{summary.error}")
                        continue
                    data = jsonl_bytes(records)
                    meta = abstract_record(
                        article.doc_id, article.path, article.sha256, sha256_bytes(data),
                        records, summary.text, summary.method, provenance,
                        config.output_settings(), summary.input_tokens)
                    # No signal separates the two files from the manifest's entry.
                    with shard.stage("write"), signals.critical():
                        written = shard.guard_write(article.path, lambda: write_article(
                            jsonl_path(out, article.doc_id), abstract_path(out, article.doc_id),
                            data, meta))
                        if written is not None:
                            shard.done(article.path, meta, written, records)
                    if written is not None and config.report:
                        shard.report_pages(article.doc_id)
        finally:
            if engine is not None:
                engine.close()
            manifest.flush()  # what a stopped run finished stays recorded
        manifest.finish()
        shard.index.save()
        if config.report and report.done:
            shard.report_pages()  # the index, once: it reads every article back
    report.seconds = time.monotonic() - started
    return report
