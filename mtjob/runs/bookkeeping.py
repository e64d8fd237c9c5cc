"""The bookkeeping of one run over one shard: every article's outcome goes to the report, the
manifest (as the run goes) and the log, in one place; stage timings; the skip check."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ..errors import InputError, MtjobError, OutputError
from ..inputs.reader import Article, doc_id_for, read_article, source_sha256
from ..inputs.sources import Skipped, display_name
from ..outfolder.atomic import TMP_MARK, remove_stale_tmp
from ..outfolder.english_text import SUFFIX, write_text
from ..outfolder.index import ArticleIndex, skip_key
from ..outfolder.manifest import (ManifestWriter, done_entry, failed_entry, not_an_article_entry,
                                  pending_entry)
from ..outfolder.paths import done_record
from ..records import ArticleOutcome, ParagraphRecord
from ..status import DONE, FAILED, NOT_AN_ARTICLE, UNCHANGED
from ..text.langid import ArticleLanguage, check_languages, load_identifier
from ..text.segment import Segment, segment_article
from .report import RunReport

if TYPE_CHECKING:
    from ..config import JobConfig
    from ..engines.base import Engine, Progress, SummaryOutcome
    from ..text.segment import TokenCounter

log = logging.getLogger("mtjob.job")
T = TypeVar("T")


class Bookkeeping:
    """Outcomes, manifest and timings of one ``run_shard`` call."""

    def __init__(self, out: Path, config: JobConfig, report: RunReport,
                 manifest: ManifestWriter, revisions: dict[str, str],
                 settings: dict[str, Any]) -> None:
        self.out, self.config, self.report, self.manifest = out, config, report, manifest
        self.revisions = revisions
        #: The output settings as the run loaded them (its glossary read once).
        self.settings = settings
        #: Articles the index vouched for (their manifest entries were checked when written).
        self.indexed: set[str] = set()
        self.index = ArticleIndex(out, manifest.tag,
                                  skip_key(self.settings, revisions))
        self._provenance: dict[str, Any] | None = None
        self._entries: dict[str, dict[str, Any]] = {}

    @staticmethod
    def doc_id(path: Path) -> str:
        return doc_id_for(path)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        started = time.monotonic()
        try:
            yield
        finally:
            seconds = self.report.stage_seconds
            seconds[name] = seconds.get(name, 0.0) + time.monotonic() - started

    def timed(self, name: str, fn: Callable[[], T]) -> T:
        with self.stage(name):
            return fn()

    def remove_temp_files(self, paths: list[Path], removed: int) -> None:
        if any(TMP_MARK in name for name in os.listdir(self.out)):  # rare: after a kill
            names = {f"{doc_id_for(p)}{end}" for p in paths
                     for end in (".jsonl", ".abstract.json", SUFFIX)}
            removed += remove_stale_tmp(self.out, names)
        if removed:
            log.info("removed %d temp file(s) left by an interrupted run", removed)

    def finished_entry(self, path: Path, force: bool,
                       st: os.stat_result | None = None) -> dict[str, Any] | None:
        """The manifest entry of an article that needs no work (done, or unreadable), recorded
        in the report; None for one to translate. The index answers for an article whose
        files are exactly as it recorded them; else the source is hashed and checked."""
        doc_id = doc_id_for(path)
        known = None if force else self.index.lookup(doc_id, path, st)
        if known is not None:
            self._unchanged(ArticleOutcome(doc_id, path, UNCHANGED))
            self.indexed.add(doc_id)
            self.english_text(path)
            return known
        try:
            before = st or os.stat(path)  # the index may vouch for the file as it was hashed
            digest = source_sha256(path)
        except InputError as exc:
            return self.fail(path, str(exc), update=False)
        except OSError as exc:
            return self.fail(path, f"{display_name(path)}: cannot read: {exc.strerror or exc}",
                             update=False)
        found = None if force else done_record(self.out, doc_id, digest,
                                               self.settings, self.revisions)
        if found is None:
            return None
        meta, data = found
        self._unchanged(ArticleOutcome(doc_id, path, UNCHANGED, meta=meta))
        entry = done_entry(path, meta, data)
        self.index.record(doc_id, path, entry, before)
        self.english_text(path)
        return entry

    def _unchanged(self, outcome: ArticleOutcome) -> None:
        log.debug("%s %s", UNCHANGED, display_name(outcome.path))
        self.report.outcomes.append(outcome)

    def plan(self, paths: list[Path], skipped: list[Skipped], force: bool,
             stats: dict[Path, os.stat_result]) -> list[Path]:
        """The articles still to do; every input's entry (pending, finished, or not an
        article) waits for :meth:`begin` (no file is written yet)."""
        entries = {self.doc_id(s.path): self.not_an_article(s.path, s.reason) for s in skipped}
        todo = []
        for path in paths:
            entry = self.finished_entry(path, force, stats.get(path))
            todo += [path] if entry is None else []
            entries[self.doc_id(path)] = entry or pending_entry(path)
        self._entries = entries
        return todo

    def begin(self) -> None:
        self.manifest.begin(self._entries, frozenset(self.indexed))

    def not_an_article(self, path: Path, reason: str) -> dict[str, Any]:
        """An input entry that is not a regular file (FIFO, folder, symlink loop): never
        opened, named in the log and recorded as ``not_an_article`` with the reason."""
        log.error("%s %s: %s", NOT_AN_ARTICLE, display_name(path), reason)
        self.report.outcomes.append(ArticleOutcome(doc_id_for(path), path, NOT_AN_ARTICLE,
                                                   reason))
        return not_an_article_entry(path, reason)

    def read(self, paths: list[Path]) -> list[Article]:
        articles = []
        for path in paths:
            try:
                articles.append(read_article(path, self.config.max_file_bytes))
            except InputError as exc:
                self.fail(path, str(exc))
        return articles

    def segment(self, errors: dict[int, str], doc: int, article: Article,
                tokenizer: TokenCounter) -> list[Segment]:
        """The article's segments; a tokenizer choking on odd text fails this article alone,
        while a model error concerns every article and is raised."""
        try:
            return segment_article(doc, article, tokenizer, self.config)
        except MtjobError:
            raise
        except Exception as exc:
            log.debug("segmenting %s failed", display_name(article.path), exc_info=True)
            errors[doc] = f"cannot segment: {type(exc).__name__}: {exc}"
            return []

    def languages(self, articles: list[Article], segments: list[Segment]
                  ) -> list[ArticleLanguage]:
        """Each article's language (``lang_check``), its other-language paragraphs flagged;
        one warning per article that is mostly not Arabic."""
        identifier = load_identifier() if self.config.lang_check == "on" else None
        if identifier is None:
            return [ArticleLanguage(None, 1.0) for _ in articles]
        found = check_languages(articles, segments, identifier)
        for article, language in zip(articles, found):
            if language.flags:
                log.warning("%s: mostly not Arabic (detected %s; %.0f%% of its letters "
                            "Arabic): flagged not_arabic, other-language paragraphs copied%s",
                            display_name(article.path), language.detected,
                            100 * language.arabic_share,
                            ", no English abstract" if self.config.summary else "")
        return found

    def provenance(self, engine: Engine) -> dict[str, Any]:
        if self._provenance is None:
            self._provenance = engine.provenance()
            for role, info in self._provenance.items():
                log.info("%s model: %s", role, ", ".join(f"{k} {v}" for k, v in info.items()))
        return self._provenance

    def summarize(self, engine: Engine, documents: list[list[str] | None],
                  progress: Progress | None) -> list[SummaryOutcome]:
        """Each document's abstract (its English paragraphs); none with summary off, nor for
        None (an article mostly not Arabic: method ``not_arabic``)."""
        from ..engines.base import SummaryOutcome
        from ..engines.summarize import DISABLED, NOT_ARABIC

        if not self.config.summary:
            return [SummaryOutcome(None, DISABLED) for _ in documents]
        english = [d for d in documents if d is not None]
        if progress is not None:
            progress.begin("summarizing", len(english), "articles")
        outcomes = iter(engine.summarize(english, progress) if english else [])
        return [SummaryOutcome(None, NOT_ARABIC) if d is None else next(outcomes)
                for d in documents]

    def english_text(self, path: Path, records: list[ParagraphRecord] | None = None) -> None:
        """``--text``: ``NAME.en.txt`` from the records, or from the JSONL of an unchanged
        article. Not written is a warning: the article itself is done."""
        if not self.config.text:
            return
        try:
            en = None if records is None else [r.en for r in records]
            write_text(self.out, doc_id_for(path), en)
        except OutputError as exc:
            log.warning("%s", exc)

    def guard_write(self, path: Path, write: Callable[[], T]) -> T | None:
        try:
            return write()
        except OutputError as exc:  # disk full, say: this article fails, others may fit
            self.fail(path, f"{display_name(path)}: {exc}")
            return None

    def fail(self, path: Path, message: str, update: bool = True) -> dict[str, Any]:
        """Record a failed article (``update``: in the manifest too; not before it began)."""
        log.error("%s %s", FAILED, message)
        self.report.outcomes.append(ArticleOutcome(doc_id_for(path), path, FAILED, message))
        entry = failed_entry(path, message)
        if update:
            self.manifest.update(doc_id_for(path), entry)
        return entry

    def done(self, article: Article, meta: dict[str, Any], abstract: bytes,
             records: list[ParagraphRecord]) -> None:
        path = article.path
        outcome = ArticleOutcome(doc_id_for(path), path, DONE, meta=meta)
        self.report.add_written(outcome, records)
        entry = done_entry(path, meta, abstract)
        self.manifest.update(outcome.doc_id, entry)
        if article.stat is not None:  # the stat of the bytes translated, not of the file now
            self.index.record(outcome.doc_id, path, entry, article.stat)
        self.english_text(path, records)
        flags = dict(meta["flags"])
        log.info("%s %s: %d paragraph(s), flags: %s", DONE, display_name(path), len(records),
                 ", ".join(f"{k} {v}" for k, v in flags.items()) or "none",
                 extra={"article": outcome.doc_id, "counts": flags})

    def finish(self) -> None:
        """The run's end: the manifest's completion marker, the index, the report's index."""
        self.manifest.finish()
        self.index.save()
        if self.config.report:  # every page as the folder is now, and the index
            self.report_pages()

    def report_pages(self, doc_id: str | None = None) -> None:
        """``--report``: the article's review page, or (no ``doc_id``) every page brought in
        line with the folder, and the index. A page that cannot be written is a warning:
        the article itself is done."""
        from ..export.pages import sync_report, write_page

        try:
            write_page(self.out, doc_id) if doc_id else sync_report(self.out)
        except (OSError, MtjobError) as exc:
            log.warning("review page not written: %s", exc)
