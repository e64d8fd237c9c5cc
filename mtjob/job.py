"""The whole job for one slice of the articles: ``run_shard(config, inputs, out, rank, world)``.

Cron, one file, a Slurm array task and the Ray engine all call this function.
"""

from __future__ import annotations

import logging
import math
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__, quality, signals
from .config import JobConfig
from .errors import ConfigError, InputError, MtjobError, OutputError
from .executors.local import Engine, LocalEngine, plan_jobs
from .executors.slurm import shard_of
from .lock import OutputLock
from .outputs import abstract_path, finished, jsonl_path, meta_dir, sha256_bytes
from .reader import Article, discover_inputs, doc_id_for, read_article, source_sha256
from .records import ParagraphRecord, SentenceRecord, join_sentences, jsonl_bytes
from .segment import segment_paragraph
from .textclean import clean_for_model, count_removed
from .translate.base import GenOptions, Hypothesis
from .writer import atomic_write, ensure_writable, json_bytes, remove_stale_tmp, write_if_changed

log = logging.getLogger(__name__)

EngineFactory = Callable[[JobConfig], Engine]
RETRY_OPTIONS = {"no_repeat_ngram_size": 3, "repetition_penalty": 1.3}


@dataclass
class RunReport:
    """What a run did; the CLI turns it into the summary line and the exit code."""

    done: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    paragraphs: int = 0
    segments: int = 0
    src_tokens: int = 0
    tgt_tokens: int = 0
    seconds: float = 0.0
    models_loaded: bool = False
    flags: Counter[str] = field(default_factory=Counter)

    def summary_line(self) -> str:
        rate = self.tgt_tokens / self.seconds if self.seconds else 0.0
        flags = ", ".join(f"{k} {v}" for k, v in sorted(self.flags.items())) or "none"
        return (f"articles: {len(self.done)} done, {len(self.skipped)} unchanged, "
                f"{len(self.failed)} failed; paragraphs {self.paragraphs}, segments "
                f"{self.segments}, tokens {self.src_tokens} in / {self.tgt_tokens} out, "
                f"{rate:.1f} tokens/s, {self.seconds:.1f} s; flags: {flags}")


@dataclass
class _Segment:
    doc: int
    para: int
    ar: str
    text: str
    tokens: int
    limit: int
    hyp: Hypothesis | None = None
    flags: list[str] = field(default_factory=list)


def _sentence_flags(records: list[ParagraphRecord]) -> Counter[str]:
    """How many sentences carry each flag."""
    return Counter(f for r in records for s in r.sentences for f in s.flags)


def select_inputs(inputs: list[Path], rank: int, world_size: int) -> list[Path]:
    """This shard's articles; two inputs that would write the same output are a usage error."""
    paths = discover_inputs(inputs)
    owners: dict[str, Path] = {}
    for path in paths:
        doc_id = doc_id_for(path)
        if doc_id in owners:
            raise ConfigError(f"{owners[doc_id]} and {path} would both write {doc_id}.jsonl")
        owners[doc_id] = path
    return [p for p in paths if shard_of(doc_id_for(p), world_size) == rank]


class _Runner:
    """One run over one shard: holds the engine, the report and the output folder."""

    def __init__(self, config: JobConfig, out: Path, engine_factory: EngineFactory,
                 progress: Callable[[int], Any] | None) -> None:
        self.config = config
        self.out = out
        self.engine_factory = engine_factory
        self.engine: Engine | None = None
        self.progress = progress
        self.report = RunReport()
        self.settings = config.output_settings()
        self.provenance: dict[str, Any] | None = None
        #: Abstract records of the articles known done (skipped or written), by doc id.
        self.finished: dict[str, dict[str, Any]] = {}

    def get_engine(self) -> Engine:
        if self.engine is None:
            self.engine = self.engine_factory(self.config)
            self.report.models_loaded = True
            self.engine.prepare(self.config.summary)
        return self.engine

    def fail(self, name: str, message: str) -> None:
        log.error("%s", message)
        self.report.failed.append((name, message))

    # -- segments ---------------------------------------------------------------------------
    def segments_of(self, doc: int, article: Article) -> list[_Segment]:
        engine = self.get_engine()
        cap = engine.model_max_tokens()
        limit = min(self.config.max_source_tokens, cap)
        out: list[_Segment] = []
        for para, paragraph in enumerate(article.paragraphs):
            removed = count_removed(paragraph.text)
            if removed:
                log.info("%s line %d: removed %d invisible character(s) for the model",
                         article.path, paragraph.line, removed)
            for sentence in segment_paragraph(paragraph.text, engine.count_tokens, limit):
                text = clean_for_model(sentence)
                tokens = engine.count_tokens([text])[0] if text else 0
                out_limit = min(cap, math.ceil(self.config.max_length_factor * tokens)
                                + self.config.max_length_offset)
                out.append(_Segment(doc, para, sentence, text, tokens, out_limit))
        return out

    def translate(self, segments: list[_Segment], retry: bool = False) -> dict[int, str]:
        """Translate segments in place; returns {doc index: error} for failed batches."""
        work = [s for s in segments if s.text]
        extra = RETRY_OPTIONS if retry else {}
        batches, jobs = plan_jobs([s.text for s in work], [s.tokens for s in work],
                                  [s.limit for s in work], self.config.token_budget,
                                  lambda limit: GenOptions(self.config.beams, limit, **extra))
        results = self.get_engine().translate_batches(jobs, None if retry else self.progress)
        errors: dict[int, str] = {}
        for batch, result in zip(batches, results):
            members = [work[i] for i in batch.indices]
            if isinstance(result, MtjobError):
                for seg in members:
                    errors.setdefault(seg.doc, str(result))
                continue
            for seg, hyp in zip(members, result):
                flags = quality.detect(seg.text, seg.tokens, hyp.text, hyp.tokens, seg.limit)
                if not retry:
                    seg.hyp, seg.flags = hyp, flags
                elif quality.badness(flags) < quality.badness(seg.flags):
                    seg.hyp, seg.flags = hyp, flags + [quality.RETRIED]
                else:
                    seg.flags = seg.flags + [quality.RETRIED]
        return errors

    # -- articles ---------------------------------------------------------------------------
    def records_of(self, article: Article, segments: list[_Segment]) -> list[ParagraphRecord]:
        by_para: dict[int, list[_Segment]] = {}
        for seg in segments:
            by_para.setdefault(seg.para, []).append(seg)
        records = []
        for para, paragraph in enumerate(article.paragraphs):
            segs = by_para[para]
            sentences = []
            for seg in segs:
                flags = seg.flags if seg.text else [quality.EMPTY]
                hyp = seg.hyp or Hypothesis("", 0)
                sentences.append(SentenceRecord(seg.ar, hyp.text, seg.tokens, hyp.tokens,
                                                tuple(flags)))
            english = join_sentences(paragraph.text, [s.ar for s in segs],
                                     [s.en for s in sentences])
            flags = tuple(sorted({f for s in sentences for f in s.flags}))
            records.append(ParagraphRecord(article.doc_id, para, paragraph.text, english,
                                           tuple(sentences), flags))
        return records

    def write_article(self, article: Article, records: list[ParagraphRecord],
                      abstract: tuple[str, str] | None) -> None:
        """JSONL first, abstract last: the abstract (with the JSONL's hash) marks it done."""
        data = jsonl_bytes(records)
        text, method = abstract if abstract is not None else (None, "none")
        meta = {
            "doc_id": article.doc_id, "abstract": text, "method": method,
            "paragraphs": len(records), "source": article.path.name,
            "source_sha256": article.sha256, "jsonl_sha256": sha256_bytes(data),
            "models": self.provenance, "settings": self.settings,
            "flags": dict(sorted(_sentence_flags(records).items())),
            "mtjob_version": __version__,
        }
        with signals.critical():  # SIGTERM never separates the two files
            atomic_write(jsonl_path(self.out, article.doc_id), data)
            atomic_write(abstract_path(self.out, article.doc_id), json_bytes(meta))
        self.finished[article.doc_id] = meta

    def run_group(self, paths: list[Path]) -> None:
        articles: list[Article] = []
        for path in paths:
            try:
                articles.append(read_article(path, self.config.max_file_bytes))
            except InputError as exc:
                self.fail(str(path), str(exc))
        segments: list[_Segment] = []
        errors: dict[int, str] = {}
        for doc, article in enumerate(articles):
            try:
                segments.extend(self.segments_of(doc, article))
            except MtjobError:
                raise  # a model that cannot be found or loaded concerns every article
            except Exception as exc:  # a tokenizer failure on odd text fails this article
                log.debug("segmenting %s failed", article.path, exc_info=True)
                errors[doc] = f"cannot segment: {type(exc).__name__}: {exc}"
        errors.update(self.translate(segments))
        if self.config.retry_degenerate:
            suspect = [s for s in segments if s.flags and s.doc not in errors]
            if suspect:
                log.info("retrying %d suspicious segment(s) with anti-repetition settings",
                         len(suspect))
                for doc, message in self.translate(suspect, retry=True).items():
                    errors.setdefault(doc, message)
        if self.provenance is None:
            self.provenance = self.get_engine().info(self.config.summary)
        ready: list[tuple[Article, list[ParagraphRecord]]] = []
        for doc, article in enumerate(articles):
            if doc in errors:
                self.fail(str(article.path), f"{article.path}: {errors[doc]}")
                continue
            ready.append((article, self.records_of(article, [s for s in segments
                                                             if s.doc == doc])))
        summaries: list[Any] = [None] * len(ready)
        if self.config.summary and ready:
            summaries = self.get_engine().summarize([[r.en for r in recs] for _, recs in ready])
        for (article, records), summary in zip(ready, summaries):
            if isinstance(summary, MtjobError):
                self.fail(str(article.path), f"{article.path}: {summary}")
                continue
            try:
                self.write_article(article, records, summary)
            except OutputError as exc:  # disk full, say: this article fails, others may fit
                self.fail(str(article.path), f"{article.path}: {exc}")
                continue
            sentences = [s for r in records for s in r.sentences]
            self.report.done.append(article.doc_id)
            self.report.paragraphs += len(records)
            self.report.segments += len(sentences)
            self.report.src_tokens += sum(s.src_tokens for s in sentences)
            self.report.tgt_tokens += sum(s.tgt_tokens for s in sentences)
            self.report.flags.update(_sentence_flags(records))


def _write_manifest(out: Path, rank: int, world_size: int, entries: dict[str, Any],
                    config: JobConfig) -> None:
    folder = meta_dir(out)
    folder.mkdir(exist_ok=True)
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


def article_groups(count: int, size: int) -> list[tuple[int, int]]:
    """(start, end) of each group of articles translated together, ``size`` at a time: their
    batches mix articles and run fuller. In a long run (over two groups) the first article
    goes alone, so the first output and the first sign of life in a cron log come after one
    article's work; in a short run that costs more than it gives (measured 20% of the
    throughput for 6 articles)."""
    first = 1 if count > 2 * size and size > 1 else size
    bounds = [0, *range(first, count, size), count]
    return [(a, b) for a, b in zip(bounds, bounds[1:]) if b > a]


def run_shard(config: JobConfig, inputs: list[Path], out: Path, rank: int = 0,
              world_size: int = 1, *, force: bool = False,
              engine_factory: EngineFactory = LocalEngine, wait_lock: float = 0.0,
              progress: Callable[[int], Any] | None = None) -> RunReport:
    """Translate and summarize this shard's articles into ``out``.

    Finished articles (same source hash and settings) are skipped without loading a model,
    unless ``force``. Per-article problems are recorded in the report, never raised.
    """
    started = time.monotonic()
    paths = select_inputs(inputs, rank, world_size)
    ensure_writable(out)
    runner = _Runner(config, out, engine_factory, progress)
    with OutputLock(meta_dir(out) / f"lock-{rank:05d}-of-{world_size:05d}", wait_lock):
        names = {n for p in paths for n in (jsonl_path(out, doc_id_for(p)).name,
                                            abstract_path(out, doc_id_for(p)).name)}
        if removed := remove_stale_tmp(out, names):
            log.info("removed %d temp file(s) left by an interrupted run", removed)
        todo: list[Path] = []
        for path in paths:
            try:
                digest = source_sha256(path)
            except OSError as exc:
                runner.fail(str(path), f"{path}: cannot read: {exc.strerror}")
                continue
            meta = None if force else finished(out, doc_id_for(path), digest, runner.settings)
            if meta is not None:
                runner.report.skipped.append(doc_id_for(path))
                runner.finished[doc_id_for(path)] = meta
            else:
                todo.append(path)
        try:
            for start, end in article_groups(len(todo), config.group_articles):
                runner.run_group(todo[start:end])
        finally:
            if runner.engine is not None:
                runner.engine.close()
        failed = {name: message for name, message in runner.report.failed}
        entries = {}
        for path in paths:
            doc_id = doc_id_for(path)
            entry: dict[str, Any] = {"source": str(path)}
            if str(path) in failed:
                entry.update(status="failed", error=failed[str(path)])
            else:
                meta = runner.finished.get(doc_id)  # known: no second read of the outputs
                entry.update(status="done" if meta else "missing",
                             source_sha256=meta["source_sha256"] if meta else None,
                             jsonl_sha256=meta["jsonl_sha256"] if meta else None,
                             paragraphs=meta["paragraphs"] if meta else None)
            entries[doc_id] = entry
        _write_manifest(out, rank, world_size, entries, config)
    runner.report.seconds = time.monotonic() - started
    return runner.report
