"""The bookkeeping of one run over one shard: every article's outcome goes to the report, the
manifest (as the run goes), the index and the log, in one place; stage timings; the skip
check. The stages themselves are plain functions of the modules named for them."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ..errors import InputError, OutputError
from ..inputs.reader import Article, doc_id_for, source_sha256
from ..inputs.sources import Skipped, display_name
from ..outfolder.index import ArticleIndex, skip_key
from ..outfolder.manifest import (
    ManifestWriter,
    done_entry,
    failed_entry,
    not_an_article_entry,
    pending_entry,
)
from ..outfolder.paths import done_record
from ..records import ArticleOutcome, ParagraphRecord
from ..vocabulary import Role, Status
from .report import RunReport

if TYPE_CHECKING:
    from ..config import JobConfig

log = logging.getLogger("mtjob.job")
T = TypeVar("T")


class Bookkeeping:
    """Outcomes, manifest, index and timings of one ``run_shard`` call."""

    def __init__(self, out: Path, config: JobConfig, report: RunReport,
                 manifest: ManifestWriter, revisions: dict[Role, str],
                 settings: dict[str, Any]) -> None:
        self.out, self.config, self.report, self.manifest = out, config, report, manifest
        self.revisions = revisions
        #: The output settings as the run loaded them (its glossary read once).
        self.settings = settings
        #: Articles the index vouched for (their manifest entries were checked when written).
        self.indexed: set[str] = set()
        self.index = ArticleIndex(out, manifest.tag, skip_key(self.settings, revisions))
        self._entries: dict[str, dict[str, Any]] = {}  #: every input's, until :meth:`begin`

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

    def finished_entry(self, path: Path, force: bool,
                       st: os.stat_result | None = None) -> dict[str, Any] | None:
        """The manifest entry of an article that needs no work (done, or unreadable), recorded
        in the report; None for one to translate. The index answers for an article whose
        files are exactly as it recorded them; else the source is hashed and checked."""
        doc_id = doc_id_for(path)
        known = None if force else self.index.lookup(doc_id, path, st)
        if known is not None:
            self._unchanged(ArticleOutcome(doc_id, path, Status.UNCHANGED))
            self.indexed.add(doc_id)
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
        self._unchanged(ArticleOutcome(doc_id, path, Status.UNCHANGED, meta=meta))
        entry = done_entry(path, meta, data)
        self.index.record(doc_id, path, entry, before)
        return entry

    def _unchanged(self, outcome: ArticleOutcome) -> None:
        log.debug("%s %s", Status.UNCHANGED, display_name(outcome.path))
        self.report.outcomes.append(outcome)

    def plan(self, paths: list[Path], skipped: list[Skipped], force: bool,
             stats: dict[Path, os.stat_result]) -> list[Path]:
        """The articles still to do; every input's entry (pending, finished, or not an
        article) waits for :meth:`begin` (no file is written yet)."""
        entries = {doc_id_for(s.path): self.not_an_article(s.path, s.reason) for s in skipped}
        todo = []
        for path in paths:
            entry = self.finished_entry(path, force, stats.get(path))
            todo += [path] if entry is None else []
            entries[doc_id_for(path)] = entry or pending_entry(path)
        self._entries = entries
        return todo

    def begin(self) -> None:
        """The manifest begins: the run passed its checks."""
        self.manifest.begin(self._entries, frozenset(self.indexed))

    def not_an_article(self, path: Path, reason: str) -> dict[str, Any]:
        """An input entry that is not a regular file (FIFO, folder, symlink loop): never
        opened, named in the log and recorded as ``not_an_article`` with the reason."""
        log.error("%s %s: %s", Status.NOT_AN_ARTICLE, display_name(path), reason)
        self.report.outcomes.append(ArticleOutcome(doc_id_for(path), path,
                                                   Status.NOT_AN_ARTICLE, reason))
        return not_an_article_entry(path, reason)

    def guard_write(self, path: Path, write: Callable[[], T]) -> T | None:
        """``write()``, or None when the output folder refused it (disk full, say): this
        article fails, others may fit."""
        try:
            return write()
        except OutputError as exc:
            self.fail(path, f"{display_name(path)}: {exc}")
            return None

    def fail(self, path: Path, message: str, update: bool = True) -> dict[str, Any]:
        """Record a failed article (``update``: in the manifest too; not before it began)."""
        log.error("%s %s", Status.FAILED, message)
        self.report.outcomes.append(ArticleOutcome(doc_id_for(path), path, Status.FAILED,
                                                   message))
        entry = failed_entry(path, message)
        if update:
            self.manifest.update(doc_id_for(path), entry)
        return entry

    def failed(self, errors: dict[Path, str]) -> None:
        """Record the articles a stage failed, each with its message."""
        for path, message in errors.items():
            self.fail(path, message)

    def done(self, article: Article, meta: dict[str, Any], abstract: bytes,
             records: list[ParagraphRecord]) -> None:
        path = article.path
        outcome = ArticleOutcome(doc_id_for(path), path, Status.DONE, meta=meta)
        self.report.add_written(outcome, records)
        entry = done_entry(path, meta, abstract)
        self.manifest.update(outcome.doc_id, entry)
        if article.stat is not None:  # the stat of the bytes translated, not of the file now
            self.index.record(outcome.doc_id, path, entry, article.stat)
        flags = dict(meta["flags"])
        log.info("%s %s: %d paragraph(s), flags: %s", Status.DONE, display_name(path),
                 len(records), ", ".join(f"{k} {v}" for k, v in flags.items()) or "none",
                 extra={"article": outcome.doc_id, "counts": flags})

    def finish(self) -> None:
        """The run's end: the manifest's completion marker, and the index."""
        self.manifest.finish()
        self.index.save()
