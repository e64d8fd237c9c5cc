"""What every model backend shares: decoding options, results, how a call runs, the roles
(``Translator``, ``Summarizer``) and the defaults of what an engine may tell a model."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class GenOptions:
    """Decoding settings for one batch. ``max_new_tokens`` is the batch's output limit."""

    beams: int
    max_new_tokens: int
    no_repeat_ngram_size: int = 0
    repetition_penalty: float = 1.0
    #: Also return word alignments (cross-attention of ``alignment_layer``, heads averaged).
    alignments: bool = False
    alignment_layer: int = -2
    #: Hypotheses kept per text (n-best, at most ``beams``): the best, with the others as its
    #: ``alternatives``.
    hypotheses: int = 1


@dataclass(frozen=True)
class Hypothesis:
    """One translated segment and the number of target tokens generated (special ones
    excluded); ``score``: mean log-prob per output token, end of sequence included, no length
    penalty; ``alignment``: (source word, output word) pairs over the input text's and
    ``text``'s whitespace-separated words, when asked for."""

    text: str
    tokens: int
    score: float | None = None
    alignment: tuple[tuple[int, int], ...] | None = None
    #: The rest of the n-best (``GenOptions.hypotheses`` > 1), best first.
    alternatives: tuple[Hypothesis, ...] = ()


@dataclass(frozen=True)
class Call:
    """How one model call runs: beside others (``pooled``: it gets its share of the threads)
    or alone (all of them), and the event that stops it between decoding steps."""

    cancel: threading.Event = field(default_factory=threading.Event)
    pooled: bool = False


class ModelBase:
    """What an engine may tell a model before its weights load, with the defaults of a model
    that needs no telling (the test fakes); ``LazyModel`` overrides them."""

    #: Several calls may run at once, from the engine's threads (on CPU); the Ray actors,
    #: which serve one call at a time, turn it off.
    parallel: bool = True

    @property
    def call_tokens(self) -> int:
        """Input tokens a summarizer call of several articles holds at most when calls run
        side by side (0: one article a call)."""
        return 0

    def expect_calls(self, calls: int) -> None:
        """How many calls the work ahead holds (it may size the model's CPU layout)."""

    def load_in_background(self) -> None:
        """Start loading the weights now, so that the load overlaps other work."""

    def settle(self) -> None:
        """Wait for a load :meth:`load_in_background` started (its error is dropped)."""


class Translator(Protocol):
    """A source->target model. Cheap to create: weights load on the first ``translate``.
    ``ModelBase`` gives the hints' defaults."""

    parallel: bool

    def expect_calls(self, calls: int) -> None: ...

    def load_in_background(self) -> None: ...

    def settle(self) -> None: ...

    @property
    def parallel_batches(self) -> int:
        """How many ``translate`` calls may run at once, from different threads."""

    def planned_batches(self, calls: int) -> int:
        """How many ``translate`` calls will run at once for a first piece of work of
        ``calls`` calls, without loading the weights (once loaded: ``parallel_batches``)."""

    def count_tokens(self, texts: list[str]) -> list[int]:
        """Source tokens per text, the end-of-sequence token included."""

    def translate(self, texts: list[str], options: GenOptions, call: Call | None = None,
                  prefixes: list[str] | None = None) -> list[Hypothesis]:
        """Translate one batch; raises the backend's out-of-memory error unchanged.
        ``prefixes``: English each output must begin with ("" for none), the model decoding
        the rest; the score is then the model's for the whole output, prefix included."""

    def info(self) -> dict[str, Any]:
        """Provenance: model id, resolved revision, backend, device, precision."""


class Summarizer(Protocol):
    """An English summarizer. Cheap to create: weights load on the first ``summarize``.
    ``ModelBase`` gives the hints' defaults."""

    parallel: bool

    def expect_calls(self, calls: int) -> None: ...

    def window(self) -> int:
        """Input tokens the model takes at most (special tokens included)."""

    @property
    def parallel_batches(self) -> int:
        """How many ``summarize`` calls may run at once, from different threads."""

    @property
    def call_tokens(self) -> int:
        """Input tokens one ``summarize`` call of several articles holds at most when calls
        run side by side (an article alone may hold more; 0: one article a call)."""

    def count_tokens(self, texts: list[str]) -> list[int]:
        """Input tokens per text, special tokens included."""

    def summarize(self, texts: list[str], call: Call | None = None) -> list[str]:
        """One summary per text; every text fits the window."""

    def info(self) -> dict[str, Any]:
        """Provenance: model id, resolved revision, backend, device, precision."""
