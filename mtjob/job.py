"""The whole job for one slice of the articles: ``run_shard(config, inputs, out, rank, world)``.

Cron, one file, a Slurm array task and the Ray engine all call this function; it reads top to
bottom as the data flow, each stage a plain function of the module named for it.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from . import signals
from .backends.shortlist.locate import shortlist_setting
from .config import JobConfig
from .engines import default_models
from .engines.base import Engine, Models, Progress, SummaryOutcome, labelled
from .engines.batching import article_groups
from .engines.summarize import summarize_articles
from .inputs.reader import doc_id_for, read_articles
from .inputs.sources import display_name
from .outfolder.atomic import ensure_real_dir, ensure_writable, write_article
from .outfolder.journal import recover
from .outfolder.lock import ShardLock, check_wait
from .outfolder.manifest import ManifestWriter
from .outfolder.paths import REVIEW_DIR, abstract_path, jsonl_path, meta_dir, sha256_bytes
from .outfolder.writer import article_jsonl, remove_temp_files, write_english
from .records import TranslatedArticle, abstract_record, build_records
from .runs.bookkeeping import Bookkeeping
from .runs.checks import Checked, check_run
from .runs.report import RunReport
from .runs.runlog import recorded
from .runs.sharding import select_inputs
from .terms.session import TermSession
from .text.langid import NOT_ARABIC, article_languages
from .text.segment import TokenCounter, segment_articles
from .translation import translate_segments
from .vocabulary import Role

log = logging.getLogger(__name__)


def run_shard(config: JobConfig, inputs: list[Path], out: Path, rank: int = 0,
              world_size: int = 1, *, force: bool = False, models: Models | None = None,
              wait_lock: float = 0.0, progress: Progress | None = None,
              report: RunReport | None = None, metrics: Path | None = None) -> RunReport:
    """Translate and summarize this shard's articles into ``out``.

    Finished articles (same source hash, settings and model revisions) are skipped without
    loading a model, unless ``force``. Per-article problems are recorded in the report and the
    manifest, never raised; a broken model or a usage error is raised before any work, the
    folder left as it was. A ``report`` passed in is filled as the run goes: its caller still
    holds what a run that raised (a model failing mid-run, a signal) had finished. Every
    ending is recorded (``runs.runlog.recorded``): in ``OUT/_mtjob/runs/`` once the run holds
    its shard's lock and passed its checks, and in the ``metrics`` textfile when one is given.
    """
    report = RunReport() if report is None else report
    with recorded(out, rank, world_size, config, report, metrics, tuple(inputs)):
        started = time.monotonic()
        check_wait(wait_lock)  # before the output folder is created
        models = models or default_models(config)
        stats: dict[Path, os.stat_result] = {}  # one stat per input for the whole run
        paths, skipped = select_inputs(inputs, out, rank, world_size, stats)
        terms, glossary_sha256 = TermSession.start(config, out)  # one read, OUT untouched
        fresh = bool(paths) and not meta_dir(out).is_dir()  # a new folder: every input is work
        checked: Checked | None = None
        try:  # a run stopped by a check leaves the folder as it found it
            if fresh:  # before the folder is made
                checked = check_run(config, models, report, wait_lock)
            ensure_writable(out)
            with ShardLock(out, rank, world_size, wait_lock) as lock:
                revisions = checked.revisions if checked else models.revisions(config)
                settings = config.output_settings(glossary_sha256) | shortlist_setting(
                    config, revisions)
                manifest = ManifestWriter(out, rank, world_size, settings, config.to_json())
                book = Bookkeeping(out, config, report, manifest, revisions, settings)
                remove_temp_files(out, [doc_id_for(p) for p in paths], lock.removed_tmp)
                recover(out)  # an import killed after its commit point: finish it first
                todo = book.plan(paths, skipped, force, stats)  # finished ones are skipped
                if todo and checked is None:  # before the manifest: a finished one stays so
                    checked = check_run(config, models, report, wait_lock)
                if config.report:  # a file, FIFO or symlink there: a usage error, no work done
                    ensure_real_dir(out / REVIEW_DIR)
                report.locked = True  # from here on, the run is recorded however it ends
                book.begin()
                for doc_id in report.unchanged if config.text else []:
                    write_english(out, doc_id)  # from its JSONL, when missing or out of date
                _run_groups(_Run(book, models, terms, checked), todo, progress)
                book.finish()
                if config.report:  # every page as the folder is now, and the index
                    _review_pages(out)
        finally:
            if checked is not None:
                checked.close()  # the memory's snapshot
            models.release()  # a preload no engine took
        report.seconds = time.monotonic() - started
    return report


@dataclass
class _Run:
    """What the groups of one run share: the engine is made at the first with work for it."""

    book: Bookkeeping
    models: Models
    terms: TermSession | None
    checked: Checked | None  #: what the checks found: None when there is no work
    engine: Engine | None = None
    provenance: dict[Role, Any] | None = None  #: the models the engine ran, logged once


def _run_groups(run: _Run, todo: list[Path], progress: Progress | None) -> None:
    """The articles to do, a group at a time, each group's progress labelled with it."""
    if not todo:
        return
    tokenizer = run.models.tokenizer(run.book.config)  # no weights
    try:
        for start, end in article_groups(len(todo), run.book.config.group_articles):
            _run_group(run, tokenizer, todo[start:end],
                       labelled(progress, f"articles {start + 1}-{end} of {len(todo)}"))
    finally:
        if run.engine is not None:
            run.engine.close()
        run.book.manifest.flush()  # what a stopped run finished stays recorded


def _run_group(run: _Run, tokenizer: TokenCounter, paths: list[Path],
               progress: Progress | None) -> None:
    """One group of articles: read, segment, check languages, translate, build, summarize,
    write."""
    book, config, out = run.book, run.book.config, run.book.out
    with book.stage("read"):
        articles, unread = read_articles(paths, config.max_file_bytes)
    book.failed(unread)
    if not articles:
        return
    with book.stage("segment"):
        segments, errors = segment_articles(articles, tokenizer, config)
    languages = book.timed("language", lambda: article_languages(
        articles, segments, config.lang_check, config.summary))
    if run.engine is None:
        run.engine, book.report.models_loaded = run.models.engine(config), True
    errors.update(translate_segments(segments, run.engine, config, progress,
                                     book.report.stage_seconds, run.terms,
                                     run.checked.memory if run.checked else None))
    if run.provenance is None:
        run.provenance = run.engine.provenance()
        for role, info in run.provenance.items():
            log.info("%s model: %s", role, ", ".join(f"{k} {v}" for k, v in info.items()))
    translated = []
    for doc, article in enumerate(articles):  # build records, re-apply the corrections
        if doc in errors:
            book.fail(article.path, f"{display_name(article.path)}: {errors[doc]}")
            continue
        records = build_records(doc_id=article.doc_id, paragraphs=[
            p.text for p in article.paragraphs], segments=[s for s in segments if s.doc == doc])
        jsonl = book.guard_write(article.path, partial(article_jsonl, out, article, records))
        if jsonl is not None:  # None: its corrections store is unreadable (it alone fails)
            translated.append(TranslatedArticle(article, languages[doc], records, jsonl))
    with book.stage("summarize"):  # the English written: a person's post-edits in place
        summaries = summarize_articles(run.engine, [
            None if NOT_ARABIC in t.language.flags else t.english for t in translated],
            config.summary, progress)
    for item, summary in zip(translated, summaries, strict=True):
        _write(run, item, summary)


def _write(run: _Run, item: TranslatedArticle, summary: SummaryOutcome) -> None:
    """An article's two files, then its manifest entry (and its review page)."""
    book, article, records = run.book, item.article, item.records
    if summary.error is not None:
        book.fail(article.path, f"{display_name(article.path)}: {summary.error}")
        return
    meta = abstract_record(
        doc_id=article.doc_id, source=article.path, source_sha256=article.sha256,
        jsonl_sha256=sha256_bytes(item.jsonl.machine), records=records, text=summary.text,
        method=summary.method, models=run.provenance, settings=book.settings,
        input_tokens=summary.input_tokens, language=item.language.detected,
        article_flags=item.language.flags,
        corrected=item.jsonl.corrected if summary.text is not None else None)
    with book.stage("write"), signals.critical():  # no signal between the files and entry
        written = book.guard_write(article.path, lambda: write_article(jsonl_path(
            book.out, article.doc_id), abstract_path(book.out, article.doc_id), item.jsonl.data,
            meta))
        if written is not None:
            book.done(article, meta, written, records)
            if book.config.text:
                write_english(book.out, article.doc_id)  # the final English, from the JSONL written
    if written is not None and book.config.report:
        _review_pages(book.out, article.doc_id)


def _review_pages(out: Path, doc_id: str | None = None) -> None:
    from .export.pages import review_pages  # the HTML renderer loads only when asked for

    review_pages(out, doc_id)
