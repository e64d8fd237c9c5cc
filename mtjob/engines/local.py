"""The in-process engine: models in this process, batches on a thread pool when the backend
runs several calls at once (CPU). The Ray engine runs this same code inside its actors."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar

from ..backends import make_summarizer, make_translator
from ..backends.base import Call, Hypothesis
from ..backends.runtime import free_memory, limit_malloc_arenas, trim_heap
from ..errors import ModelError, MtjobError
from ..text.clean import clean_generated
from ..vocabulary import Role
from .base import BatchOutcome, Progress, SummaryOutcome
from .batching import BatchJob, BudgetState, even_calls, translate_with_backoff
from .summarize import ABSTRACTIVE, make_abstract, one_pass_input

if TYPE_CHECKING:
    from ..backends.base import Summarizer, Translator
    from ..config import JobConfig

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")


class LocalEngine:
    """Translator and summarizer in this process."""

    def __init__(self, config: JobConfig, translator: Translator | None = None,
                 summarizer: Summarizer | None = None, *,
                 load_summarizer: Callable[[], Summarizer] | None = None) -> None:
        self.config = config
        self._translator = translator
        self._summarizer = summarizer
        #: Makes the summarizer at its first use (translating alone never resolves it).
        self._load_summarizer = load_summarizer or (lambda: make_summarizer(config))
        self.budget = BudgetState(config.token_budget, config.min_batch_tokens)
        #: Set when the run stops (SIGTERM, Ctrl-C) with batches still running in the pool.
        self.cancel = threading.Event()
        limit_malloc_arenas()  # before the models start their threads

    @property
    def translator(self) -> Translator:
        if self._translator is None:
            self._translator = make_translator(self.config)
        return self._translator

    @property
    def summarizer(self) -> Summarizer:
        if self._summarizer is None:
            self._summarizer = self._load_summarizer()
        return self._summarizer

    def translate_one(self, job: BatchJob, pooled: bool = False) -> BatchOutcome:
        """One batch; an error fails this batch's articles, never the whole run."""
        try:
            hyps = translate_with_backoff(self.translator, job, self.budget,
                                          Call(self.cancel, pooled))
            return BatchOutcome(tuple(_clean(hyps)))
        except ModelError:
            raise  # every batch would fail the same way: stop the run
        except MtjobError as exc:
            return BatchOutcome(error=str(exc))
        except Exception as exc:
            log.debug("batch failed", exc_info=True)
            return BatchOutcome(error=f"translation failed: {type(exc).__name__}: {exc}")

    def planned_workers(self, calls: int) -> int:
        return 1 if calls <= 1 else min(calls, self.translator.planned_batches(calls))

    def translate_batches(self, jobs: list[BatchJob],
                          progress: Progress | None = None) -> list[BatchOutcome]:
        """Outcomes in the order of ``jobs``. Side by side, the longest decodes start first,
        so that no worker waits idle at the end while another finishes a long batch."""
        self.translator.expect_calls(len(jobs))
        workers = self.translator.parallel_batches if len(jobs) > 1 else 1
        done = (lambda job: progress(len(job.texts))) if progress else None
        order = list(range(len(jobs)))
        if workers > 1:
            order.sort(key=lambda i: (-jobs[i].options.max_new_tokens, -len(jobs[i].texts), i))
        results = run_in_order(lambda job: self.translate_one(job, workers > 1),
                               [jobs[i] for i in order], workers, self.cancel, done)
        out: list[BatchOutcome] = [BatchOutcome()] * len(jobs)
        for i, result in zip(order, results, strict=True):
            out[i] = result
        return out

    def summarize_one(self, paragraphs: list[str], pooled: bool = False) -> SummaryOutcome:
        try:
            chunks = None if pooled else self._chunks_side_by_side
            text, method, read = make_abstract(paragraphs, self.summarizer,
                                               self.config.sum_min_length,
                                               Call(self.cancel, pooled), chunks)
            return SummaryOutcome(_clean_text(text, "an abstract"), method, input_tokens=read)
        except ModelError:
            raise
        except MtjobError as exc:
            return SummaryOutcome(error=str(exc))
        except Exception as exc:  # a model failure on one article must not end the batch
            log.debug("summary failed", exc_info=True)
            return SummaryOutcome(error=f"summarizer failed: {type(exc).__name__}: {exc}")

    def _chunks_side_by_side(self, chunks: list[str]) -> list[str]:
        """One level of an article's chunk summaries, a call each, side by side."""
        workers = self.summarizer.parallel_batches if len(chunks) > 1 else 1
        if workers == 1:
            return self.summarizer.summarize(chunks, Call(self.cancel))
        return run_in_order(lambda text: self.summarizer.summarize([text], Call(self.cancel,
                                                                                 True))[0],
                            chunks, workers, self.cancel)

    def summarize(self, documents: list[list[str]],
                  progress: Progress | None = None) -> list[SummaryOutcome]:
        """Abstracts in order. A summarizer that runs one call at a time gets the articles it
        summarizes in one pass together, length-sorted (it cuts them into calls: CTranslate2
        by ``call_tokens``, transformers four articles a call); one that runs calls side by
        side gets as many a call as its longest fits ``call_tokens`` (at least one),
        length-sorted, in as many calls as keep every worker busy to the end
        (:func:`even_calls`), or, for one article alone, one chunk per call. The others
        (short: extractive, long: hierarchical), and all of them if a joint call fails, go
        one article at a time."""
        trim_heap()  # what the translation batches freed, before the summarizer's weights
        self.summarizer.expect_calls(self._summary_calls(documents))
        out: list[SummaryOutcome | None] = [None] * len(documents)
        workers = self.summarizer.parallel_batches if len(documents) > 1 else 1
        inputs: dict[int, tuple[str, int]] = {}
        for i, doc in enumerate(documents if len(documents) > 1 else []):
            try:
                found = one_pass_input(doc, self.summarizer, self.config.sum_min_length)
            except Exception:  # summarize_one reports it for this article alone
                found = None
            if found:
                inputs[i] = found
        longest = max((n for _, n in inputs.values()), default=1)
        per_call = max(1, self.summarizer.call_tokens // longest) if workers > 1 \
            else len(documents)
        if len(inputs) > 1 and per_call > 1:
            order = sorted(inputs, key=lambda i: (inputs[i][1], i))
            calls = even_calls(order, per_call, workers)
            try:
                joint = run_in_order(
                    lambda part: self.summarizer.summarize([inputs[i][0] for i in part],
                                                           Call(self.cancel, workers > 1)),
                    calls, workers, self.cancel,
                    None if progress is None else lambda part: progress(len(part)))
                for i, abstract in zip(order, (a for part in joint for a in part), strict=True):
                    out[i] = SummaryOutcome(_clean_text(abstract.strip(), "an abstract"),
                                            ABSTRACTIVE, input_tokens=inputs[i][1])
            except Exception:
                log.debug("summaries together failed; one article at a time", exc_info=True)
        rest = [i for i, result in enumerate(out) if result is None]
        workers = self.summarizer.parallel_batches if len(rest) > 1 else 1
        singles = run_in_order(lambda doc: self.summarize_one(doc, workers > 1),
                               [documents[i] for i in rest], workers, self.cancel,
                               None if progress is None else lambda _: progress(1))
        for i, single in zip(rest, singles, strict=True):
            out[i] = single
        return [r for r in out if r is not None]

    def _summary_calls(self, documents: list[list[str]]) -> int:
        """Calls the summaries can run side by side, known from token counts alone: one per
        article, or one article's chunks (at least two when it exceeds the window)."""
        if len(documents) != 1:
            return len(documents)
        try:
            fits = one_pass_input(documents[0], self.summarizer, self.config.sum_min_length)
        except Exception:  # summarize_one reports it
            return 1
        text = "\n".join(p for p in documents[0] if p.strip())
        return 1 if fits or not text or self.summarizer.count_tokens([text])[0] <= \
            self.config.sum_min_length else 2

    def provenance(self) -> dict[Role, Any]:
        models = {Role.MT: self.translator.info()}
        if self.config.summary:
            models[Role.SUMMARY] = self.summarizer.info()
        return models

    def close(self) -> None:
        self._translator = self._summarizer = None
        free_memory()


def _clean(hyps: list[Hypothesis]) -> list[Hypothesis]:
    return [replace(h, text=_clean_text(h.text, "a translation")) for h in hyps]


def _clean_text(text: str, what: str) -> str:
    cleaned, removed = clean_generated(text)
    if removed:  # routine for some models, and the text is clean: no line per article
        log.debug("removed %d control character(s) the model generated in %s", removed, what)
    return cleaned


def run_in_order(fn: Callable[[T], R], items: list[T], workers: int, cancel: threading.Event,
                 done: Callable[[T], None] | None = None) -> list[R]:
    """``fn`` over ``items``, results in order, ``done(item)`` after each.

    With ``workers > 1`` (a backend running several calls at once, one thread each) the calls
    come from a thread pool; the models release the GIL. When this thread is interrupted
    (SIGTERM, Ctrl-C), no new call starts and running ones are told to stop at their next
    decoding step (``cancel``). With one worker everything runs in this thread, where a
    signal interrupts it between decoding steps.
    """
    cancel.clear()
    pool = None
    if workers > 1 and len(items) > 1:
        pool = ThreadPoolExecutor(min(workers, len(items)), thread_name_prefix="mtjob-pool")
        results: Iterator[R] = pool.map(fn, items)
    else:
        results = map(fn, items)
    out: list[R] = []
    try:
        for item, result in zip(items, results, strict=True):
            out.append(result)
            if done:
                done(item)
    except Exception:
        # A failed call: the others stop at their next step and are waited for, so that a
        # fallback (one article at a time) never runs beside them on the same model.
        cancel.set()
        if pool:
            pool.shutdown(wait=True, cancel_futures=True)
        raise
    except BaseException:  # a signal: no new call starts; this thread returns at once
        cancel.set()
        raise
    finally:
        if pool:
            pool.shutdown(wait=False, cancel_futures=True)
    return out
