"""Token-budget batches of length-sorted segments, the groups of articles that share them,
and the out-of-memory back-off that re-plans a batch under a smaller budget."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING

from ..backends.base import Call, GenOptions, Hypothesis
from ..backends.runtime import free_memory, is_out_of_memory
from ..errors import MtjobError, OutOfMemoryBudgetError

if TYPE_CHECKING:
    from ..backends.base import Translator

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Batch:
    """Indices into the segment list, and the padded token cost of the batch."""

    indices: tuple[int, ...]
    max_tokens: int

    @property
    def cost(self) -> int:
        return self.max_tokens * len(self.indices)


#: A batch decodes until its longest output ends: shorter members wait, and a looping short
#: segment can run on to the batch's limit. So a segment never shares a batch with one more
#: than ``SPREAD x + SLACK`` its length.
SPREAD = 1.25
SLACK = 8


def plan_batches(lengths: Sequence[int], budget: int) -> list[Batch]:
    """Sort segments by token length and pack them so ``longest x count <= budget`` and
    ``longest <= SPREAD x shortest + SLACK``.

    Sorting puts segments of similar length together, so little compute is spent on padding
    and on sequences that finished early. A segment longer than the budget gets a batch alone
    (it is never cut). Ties keep source order, so the plan is deterministic.
    """
    order = sorted(range(len(lengths)), key=lambda i: (lengths[i], i))
    batches: list[Batch] = []
    current: list[int] = []
    for index in order:
        longest = lengths[index]  # ascending order: the newcomer is the longest so far
        if current and (longest * (len(current) + 1) > budget
                        or longest > SPREAD * lengths[current[0]] + SLACK):
            batches.append(Batch(tuple(current), lengths[current[-1]]))
            current = []
        current.append(index)
    if current:
        batches.append(Batch(tuple(current), lengths[current[-1]]))
    return batches


def split_batch(batch: Batch, lengths: Sequence[int], budget: int) -> list[Batch]:
    """Re-plan one batch under a smaller budget (out-of-memory back-off)."""
    sub = plan_batches([lengths[i] for i in batch.indices], budget)
    return [Batch(tuple(batch.indices[j] for j in b.indices), b.max_tokens) for b in sub]


@dataclass(frozen=True)
class BatchJob:
    """One batch to translate: texts, their source token counts, decoding options, and the
    English each output must begin with (``prefixes``, "" for none; a forced term)."""

    texts: tuple[str, ...]
    lengths: tuple[int, ...]
    options: GenOptions
    prefixes: tuple[str, ...] | None = None


#: Work of at most ``SMALL_WORK`` segments (one or two articles) is too little to fill the
#: CPU workers with budget-sized batches: a few uneven batches leave a worker idle while the
#: last long one decodes. It goes in calls of at most ``SMALL_CALL`` length-sorted segments
#: instead, each with its own output limit (docs/performance.md, "Against the floors") --
#: when several workers will run them. One worker (one thread, a GPU, a Ray actor alone)
#: runs fewer, fuller calls faster: it keeps the budget-sized batches.
SMALL_WORK = 32
SMALL_CALL = 4


def plan_jobs(texts: list[str], lengths: list[int], limits: list[int], budget: int,
              options: Callable[[int], GenOptions],
              prefixes: list[str] | None = None,
              workers: Callable[[int], int] | None = None) -> tuple[list[Batch], list[BatchJob]]:
    """Length-sorted, budgeted batches of segments and the jobs that translate them (small
    work: in calls of at most ``SMALL_CALL`` when ``workers(calls)``, the number of calls
    that will run side by side, is over one; unknown: assumed so); ``prefixes``: the English
    each output must begin with."""
    batches = plan_batches(lengths, budget)
    if len(texts) <= SMALL_WORK:
        small = [Batch(b.indices[at:at + SMALL_CALL], lengths[b.indices[at:at + SMALL_CALL][-1]])
                 for b in batches for at in range(0, len(b.indices), SMALL_CALL)]
        if workers is None or workers(len(small)) > 1:
            batches = small
    jobs = [BatchJob(tuple(texts[i] for i in b.indices), tuple(lengths[i] for i in b.indices),
                     options(max(limits[i] for i in b.indices)),
                     None if prefixes is None else tuple(prefixes[i] for i in b.indices))
            for b in batches]
    return batches, jobs


def even_calls(items: list[int], cap: int, workers: int) -> list[list[int]]:
    """``items`` (length-sorted) in consecutive calls of at most ``cap``, as many calls as a
    multiple of ``workers`` and as even as they can be, so that the workers finish together:
    six abstracts on two workers go 3 + 3, not 2 + 2 + 2 with one worker idle for the last
    call (docs/performance.md, "Against the floors")."""
    if not items:
        return []
    count = min(len(items), workers * -(-len(items) // (workers * max(cap, 1))))
    size, extra = divmod(len(items), count)
    bounds = [0]
    for k in range(count):
        bounds.append(bounds[-1] + size + (k < extra))
    return [items[a:b] for a, b in pairwise(bounds)]


def article_groups(count: int, size: int) -> list[tuple[int, int]]:
    """(start, end) of each group of articles translated together, ``size`` at a time: their
    batches mix articles and run fuller. In a long run (over two groups) the first article
    goes alone, so the first output and the first sign of life in a cron log come early; in
    a short run that costs more throughput than it gives (docs/performance.md,
    "Earlier measurements")."""
    first = 1 if count > 2 * size and size > 1 else size
    bounds = [0, *range(first, count, size), count]
    return [(a, b) for a, b in pairwise(bounds) if b > a]


class BudgetState:
    """The token budget in force; halved on out-of-memory, and the smaller value sticks."""

    def __init__(self, budget: int, minimum: int) -> None:
        self.budget = budget
        self.minimum = minimum
        self._lock = threading.Lock()  # the workers of one engine share it

    def shrink(self, failed_cost: int) -> bool:
        """Halve the budget below the cost of the batch that failed; False at the minimum.
        A batch planned under a larger budget that another worker has halved already is only
        re-split under the current one (two workers out of memory at once halve it once)."""
        with self._lock:
            if failed_cost > self.budget:
                return True
            if self.budget <= self.minimum:
                return False
            self.budget = max(self.minimum, min(self.budget, failed_cost) // 2)
        log.warning("out of memory: token budget lowered to %d", self.budget)
        return True


def translate_with_backoff(translator: Translator, job: BatchJob, state: BudgetState,
                           call: Call) -> list[Hypothesis]:
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
            if job.prefixes is None:
                hyps = translator.translate([job.texts[i] for i in batch.indices],
                                            job.options, call)
            else:
                hyps = translator.translate([job.texts[i] for i in batch.indices],
                                            job.options, call,
                                            [job.prefixes[i] for i in batch.indices])
        except Exception as exc:
            if not is_out_of_memory(exc):
                raise
            free_memory()
            # A lone segment cannot be made smaller: retrying it would only fail again.
            if len(batch.indices) == 1 or not state.shrink(batch.cost):
                raise OutOfMemoryBudgetError(
                    f"out of memory on a batch of {len(batch.indices)} segment(s) "
                    f"({batch.cost} padded tokens) with the token budget at "
                    f"{state.budget} (minimum token budget {state.minimum})") from None
            pending.insert(0, batch)
            continue
        if len(hyps) != len(batch.indices):  # never a segment silently left untranslated
            raise MtjobError(f"the model returned {len(hyps)} translation(s) for "
                             f"{len(batch.indices)} segment(s)")
        results.update(zip(batch.indices, hyps, strict=True))
    return [results[i] for i in range(len(job.texts))]
