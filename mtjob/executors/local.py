"""The in-process engine: models in this process, batches run one after another.

The Ray engine runs this same code inside each of its actors.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import os
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

from ..batching import Batch, plan_batches, split_batch
from ..errors import MtjobError, OutOfMemoryBudgetError
from ..models import is_out_of_memory
from ..summarize import ABSTRACTIVE, make_abstract, make_summarizer, one_pass_input
from ..translate.base import CANCEL, POOL_THREADS, GenOptions, Hypothesis, make_translator

if TYPE_CHECKING:
    from ..config import JobConfig
    from ..summarize import Summarizer
    from ..translate.base import Translator

log = logging.getLogger(__name__)

Progress = Callable[[int], None]
T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class BatchJob:
    """One batch to translate: texts, their source token counts, decoding options."""

    texts: tuple[str, ...]
    lengths: tuple[int, ...]
    options: GenOptions


#: A batch's outcome: its hypotheses in order, or the error that failed it.
BatchResult = list[Hypothesis] | MtjobError
#: An article's abstract and method, or the error that failed it.
SummaryResult = tuple[str, str] | MtjobError


class Engine(Protocol):
    """Where the models run. The job talks to models only through this."""

    def prepare(self, with_summary: bool) -> None: ...
    def count_tokens(self, texts: list[str]) -> list[int]: ...
    def model_max_tokens(self) -> int: ...
    def translate_batches(self, jobs: list[BatchJob],
                          progress: Progress | None = None) -> list[BatchResult]: ...
    def summarize(self, documents: list[list[str]]) -> list[SummaryResult]: ...
    def info(self, with_summary: bool) -> dict[str, Any]: ...
    def close(self) -> None: ...


class BudgetState:
    """The token budget in force; halved on out-of-memory, and the smaller value sticks."""

    def __init__(self, budget: int, minimum: int) -> None:
        self.budget = budget
        self.minimum = minimum

    def shrink(self, failed_cost: int) -> bool:
        """Halve the budget below the cost of the batch that failed; False at the minimum."""
        if self.budget <= self.minimum:
            return False
        self.budget = max(self.minimum, min(self.budget, failed_cost) // 2)
        log.warning("out of memory: token budget lowered to %d", self.budget)
        return True


def limit_malloc_arenas(arenas: int = 2) -> bool:
    """Cap glibc's malloc arenas. glibc gives each thread that allocates an arena of its own
    (up to 8 per core) and keeps freed memory there; with the worker threads of parallel
    batches the CTranslate2 job's peak RSS wandered from 818 to 2407 MiB. Two arenas held it
    at 638-716 MiB, as fast (README, Performance). A no-op off glibc, or when the user set
    ``MALLOC_ARENA_MAX``. Returns whether the cap was set."""
    if os.environ.get("MALLOC_ARENA_MAX") or not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the running C library's
    except (OSError, AttributeError):
        return False
    return bool(mallopt(-8, arenas))  # -8: M_ARENA_MAX


def _free_memory() -> None:
    gc.collect()
    torch = sys.modules.get("torch")  # never import torch just to free memory (CTranslate2)
    if torch is not None and torch.cuda.is_available():
        torch.cuda.empty_cache()


def translate_with_backoff(translator: Translator, job: BatchJob,
                           state: BudgetState) -> list[Hypothesis]:
    """Translate one batch; on out-of-memory, re-split it under a halved budget and go on.

    Only out-of-memory errors are retried. When even the minimum budget fails, raises
    :class:`OutOfMemoryBudgetError`.
    """
    pending: list[Batch] = [Batch(tuple(range(len(job.texts))), max(job.lengths))]
    results: dict[int, Hypothesis] = {}
    while pending:
        batch = pending.pop(0)
        if batch.cost > state.budget and len(batch.indices) > 1:
            pending[:0] = split_batch(batch, job.lengths, state.budget)
            continue
        try:
            hyps = translator.translate([job.texts[i] for i in batch.indices], job.options)
        except Exception as exc:
            if not is_out_of_memory(exc):
                raise
            _free_memory()
            # A lone segment cannot be made smaller: retrying it would only fail again.
            if len(batch.indices) == 1 or not state.shrink(batch.cost):
                raise OutOfMemoryBudgetError(
                    f"out of memory on a batch of {len(batch.indices)} segment(s) "
                    f"({batch.cost} padded tokens) with the token budget at "
                    f"{state.budget} (minimum token budget {state.minimum})") from None
            pending.insert(0, batch)
            continue
        results.update(zip(batch.indices, hyps))
    return [results[i] for i in range(len(job.texts))]


class LocalEngine:
    """Translator and summarizer in this process, created lazily from the config."""

    def __init__(self, config: JobConfig, translator: Translator | None = None,
                 summarizer: Summarizer | None = None) -> None:
        self.config = config
        self._translator = translator
        self._summarizer = summarizer
        self.budget = BudgetState(config.token_budget, config.min_batch_tokens)
        limit_malloc_arenas()  # before the models start their threads

    @property
    def translator(self) -> Translator:
        if self._translator is None:
            self._translator = make_translator(self.config)
        return self._translator

    @property
    def summarizer(self) -> Summarizer:
        if self._summarizer is None:
            self._summarizer = make_summarizer(self.config)
        return self._summarizer

    def prepare(self, with_summary: bool) -> None:
        """Resolve both models before any work: a missing one stops the run at once."""
        self.translator.check()
        if with_summary:
            self.summarizer.check()

    def count_tokens(self, texts: list[str]) -> list[int]:
        return self.translator.count_tokens(texts)

    def model_max_tokens(self) -> int:
        return self.translator.model_max_tokens

    def translate_one(self, job: BatchJob) -> BatchResult:
        """One batch; an error fails this batch's articles, never the whole run."""
        try:
            return translate_with_backoff(self.translator, job, self.budget)
        except MtjobError as exc:
            return exc
        except Exception as exc:
            log.debug("batch failed", exc_info=True)
            return MtjobError(f"translation failed: {type(exc).__name__}: {exc}")

    def translate_batches(self, jobs: list[BatchJob],
                          progress: Progress | None = None) -> list[BatchResult]:
        workers = self.translator.parallel_batches if len(jobs) > 1 else 1
        done = (lambda job: progress(len(job.texts))) if progress else None
        return run_in_order(self.translate_one, jobs, workers, done)

    def summarize_one(self, paragraphs: list[str]) -> SummaryResult:
        try:
            return make_abstract(paragraphs, self.summarizer, self.config.sum_min_length)
        except MtjobError as exc:
            return exc
        except Exception as exc:  # a model failure on one article must not end the batch
            log.debug("summary failed", exc_info=True)
            return MtjobError(f"summarizer failed: {type(exc).__name__}: {exc}")

    def summarize(self, documents: list[list[str]]) -> list[SummaryResult]:
        """Abstracts in order. A summarizer that runs one call at a time gets the articles it
        summarizes in one pass together, length-sorted, in its own batches (4 full-size
        articles on CTranslate2: 3.4 s instead of 6.5 s one by one); one that runs calls side
        by side (torch on CPU) gets one article per call. The others (short: extractive, long:
        hierarchical), and all of them if the joint call fails, go one article at a time."""
        out: list[SummaryResult | None] = [None] * len(documents)
        inputs: dict[int, tuple[str, int]] = {}
        joint = len(documents) > 1 and self.summarizer.parallel_batches == 1
        for i, doc in enumerate(documents if joint else []):
            try:
                found = one_pass_input(doc, self.summarizer, self.config.sum_min_length)
            except Exception:  # summarize_one reports it for this article alone
                found = None
            if found:
                inputs[i] = found
        if len(inputs) > 1:
            order = sorted(inputs, key=lambda i: (inputs[i][1], i))
            try:
                abstracts = self.summarizer.summarize([inputs[i][0] for i in order])
                for i, abstract in zip(order, abstracts):
                    out[i] = (abstract.strip(), ABSTRACTIVE)
            except Exception:
                log.debug("summaries together failed; one article at a time", exc_info=True)
        rest = [i for i, result in enumerate(out) if result is None]
        workers = self.summarizer.parallel_batches if len(rest) > 1 else 1
        for i, result in zip(rest, run_in_order(self.summarize_one,
                                                [documents[i] for i in rest], workers)):
            out[i] = result
        return cast("list[SummaryResult]", out)  # every article has its result now

    def info(self, with_summary: bool) -> dict[str, Any]:
        models = {"mt": self.translator.info()}
        if with_summary:
            models["summary"] = self.summarizer.info()
        return models

    def close(self) -> None:
        self._translator = self._summarizer = None
        _free_memory()


def run_in_order(fn: Callable[[T], R], items: list[T], workers: int,
                 done: Callable[[T], None] | None = None) -> list[R]:
    """``fn`` over ``items``, results in order, ``done(item)`` after each.

    With ``workers > 1`` (a backend running several calls at once: CTranslate2 and torch on
    CPU, one thread per call) the calls come from a thread pool; the models release the GIL.
    When this thread is interrupted (SIGTERM, Ctrl-C), no new call starts and running ones
    are told to stop at their next decoding step (:data:`CANCEL`). With one worker
    everything runs in this thread, where a signal interrupts it between decoding steps.
    """
    CANCEL.clear()
    pool = None
    if workers > 1 and len(items) > 1:
        pool = ThreadPoolExecutor(min(workers, len(items)), thread_name_prefix=POOL_THREADS)
        results: Iterator[R] = pool.map(fn, items)
    else:
        results = map(fn, items)
    out: list[R] = []
    try:
        for item, result in zip(items, results):
            out.append(result)
            if done:
                done(item)
    except BaseException:
        CANCEL.set()
        raise
    finally:
        if pool:
            pool.shutdown(wait=False, cancel_futures=True)
    return out


def plan_jobs(texts: list[str], lengths: list[int], limits: list[int], budget: int,
              options: Callable[[int], GenOptions]) -> tuple[list[Batch], list[BatchJob]]:
    """Length-sorted, budgeted batches of segments and the jobs that translate them."""
    batches = plan_batches(lengths, budget)
    jobs = [BatchJob(tuple(texts[i] for i in b.indices), tuple(lengths[i] for i in b.indices),
                     options(max(limits[i] for i in b.indices))) for b in batches]
    return batches, jobs
