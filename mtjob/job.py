"""The whole job for one slice of the articles: ``run_shard(config, inputs, out, rank, world)``.

Cron, one file, a Slurm array task and the Ray engine all call this function; it reads top to
bottom as the data flow, each stage a plain function of the module named for it.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from . import signals
from .backends.shortlist.locate import shortlist_setting
from .config import JobConfig
from .engines import default_models
from .engines.base import Engine, Models, Progress, SummaryOutcome
from .engines.batching import article_groups
from .inputs.reader import Article
from .inputs.sources import display_name
from .memory.lookup import check_memory
from .outfolder.atomic import ensure_real_dir, ensure_writable, write_article
from .outfolder.corrections import reapply
from .outfolder.journal import recover
from .outfolder.lock import ShardLock, check_wait
from .outfolder.manifest import ManifestWriter
from .outfolder.paths import REPORT_DIR, abstract_path, jsonl_path, sha256_bytes
from .records import ParagraphRecord, abstract_record, build_records
from .runs.bookkeeping import Bookkeeping
from .runs.report import RunReport
from .runs.sharding import select_inputs
from .text.glossary import Entry, load_once
from .text.langid import ArticleLanguage
from .text.segment import Segment, TokenCounter
from .translation import translate_segments


def run_shard(config: JobConfig, inputs: list[Path], out: Path, rank: int = 0,
              world_size: int = 1, *, force: bool = False, models: Models | None = None,
              wait_lock: float = 0.0, progress: Progress | None = None,
              report: RunReport | None = None) -> RunReport:
    """Translate and summarize this shard's articles into ``out``.

    Finished articles (same source hash, settings, model revisions) are skipped without loading
    a model, unless ``force``. Per-article problems go to the report and the manifest, never
    raised; a broken model or a usage error is raised before any work. A ``report`` passed in
    is filled as the run goes: its caller holds what a run that raised had finished.
    """
    started = time.monotonic()
    check_wait(wait_lock)  # before the output folder is created
    models = models or default_models(config)
    stats: dict[Path, os.stat_result] = {}  # one stat per input for the whole run
    paths, skipped = select_inputs(inputs, out, rank, world_size, stats)
    ensure_writable(out)
    if config.report:  # a file, FIFO or symlink there: a usage error now, not a warning later
        ensure_real_dir(out / REPORT_DIR)
    report = RunReport() if report is None else report
    engine: Engine | None = None
    with ShardLock(out, rank, world_size, wait_lock) as lock:
        report.locked = True
        glossary, glossary_sha256 = load_once(config.glossary)  # one read for the whole run
        revisions = models.revisions(config)  # cheap: fingerprints are cached
        settings = config.output_settings(glossary_sha256) | shortlist_setting(config, revisions)
        manifest = ManifestWriter(out, rank, world_size, settings, config.to_json())
        book = Bookkeeping(out, config, report, manifest, revisions, settings)
        book.remove_temp_files(paths, lock.removed_tmp)
        recover(out)  # an import killed after its commit point: finish it first
        todo = book.plan(paths, skipped, force, stats)  # finished ones are skipped
        try:
            if todo:  # a broken model stops the run before any article is read
                check_memory(config.memory)
                getattr(models, "preload", lambda _: None)(config)  # weights load meanwhile
                book.timed("resolve", lambda: models.check(config))
            tokenizer = models.tokenizer(config) if todo else None  # no weights
            for start, end in article_groups(len(todo), config.group_articles):
                engine = _run_group(book, todo[start:end], tokenizer, models, engine,
                                    progress, glossary)
        finally:
            if engine is not None:
                engine.close()
            getattr(models, "release", lambda: None)()  # a preload no engine took
            manifest.flush()  # what a stopped run finished stays recorded
        book.finish()
    report.seconds = time.monotonic() - started
    return report


def _run_group(book: Bookkeeping, paths: list[Path], tokenizer: TokenCounter | None,
               models: Models, engine: Engine | None, progress: Progress | None,
               glossary: tuple[Entry, ...]) -> Engine | None:
    """One group of articles: read, segment, check languages, translate, build, summarize,
    write. Returns the engine, loaded at the first group that has work for it."""
    config, report = book.config, book.report
    articles = book.timed("read", lambda: book.read(paths))
    if not articles:
        return engine
    segments: list[Segment] = []
    errors: dict[int, str] = {}
    with book.stage("segment"):
        for doc, article in enumerate(articles):
            segments += book.segment(errors, doc, article, tokenizer)
    languages = book.timed("language", lambda: book.languages(articles, segments))
    if progress is not None:
        progress.add_total(sum(1 for s in segments if s.text)
                           + (len(articles) if config.summary else 0))
    if engine is None:
        engine, report.models_loaded = models.engine(config), True
    errors.update(translate_segments(segments, engine, config, progress, report.stage_seconds,
                                     glossary))
    provenance = book.provenance(engine)
    ready = []  # (article, language, records, machine JSONL, JSONL written, corrected)
    for doc, article in enumerate(articles):  # build records, re-apply the corrections
        if doc in errors:
            book.fail(article.path, f"{display_name(article.path)}: {errors[doc]}")
            continue
        records = build_records(doc_id=article.doc_id, paragraphs=[
            p.text for p in article.paragraphs], segments=[s for s in segments if s.doc == doc])
        fixed = book.guard_write(article.path, lambda: reapply(book.out, article.doc_id, records))
        if fixed is not None:  # None: its corrections store is unreadable (it alone fails)
            ready.append((article, languages[doc], records, *fixed))
    with book.stage("summarize"):  # the English written: a person's post-edits in place
        summaries = book.summarize(engine, [post[0] if post else [r.en for r in records]
                                            for *_, records, _, _, post in ready], progress)
    for item, summary in zip(ready, summaries):
        _write(book, *item, summary, provenance)
    return engine


def _write(book: Bookkeeping, article: Article, language: ArticleLanguage,
           records: list[ParagraphRecord], machine: bytes, data: bytes,
           corrected: tuple[list[str], str] | None, summary: SummaryOutcome,
           provenance: dict[str, Any]) -> None:
    """An article's two files, then its manifest entry (and its review page)."""
    if summary.error is not None:
        book.fail(article.path, f"{display_name(article.path)}: {summary.error}")
        return
    meta = abstract_record(
        doc_id=article.doc_id, source=article.path, source_sha256=article.sha256,
        jsonl_sha256=sha256_bytes(machine), records=records, text=summary.text,
        method=summary.method, models=provenance, settings=book.settings,
        input_tokens=summary.input_tokens, language=language.detected,
        article_flags=language.flags, corrected=corrected if summary.text is not None else None)
    with book.stage("write"), signals.critical():  # no signal between the files and entry
        written = book.guard_write(article.path, lambda: write_article(jsonl_path(
            book.out, article.doc_id), abstract_path(book.out, article.doc_id), data, meta))
        if written is not None:
            book.done(article, meta, written, records)
    if written is not None and book.config.report:
        book.report_pages(article.doc_id)
