"""English abstracts: one pass when the text fits the summarizer's window, otherwise chunks
summarized and then the summaries summarized (hierarchically). The input is never cut."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Protocol

from .segment import fit_to_limit, pack
from .translate.lazy import LazyModel

if TYPE_CHECKING:
    from .config import JobConfig

log = logging.getLogger(__name__)

ABSTRACTIVE = "abstractive"
HIERARCHICAL = "hierarchical"
EXTRACTIVE = "extractive"  # text shorter than a summary: it is its own abstract
DISABLED = "none"
MAX_LEVELS = 6


class Summarizer(Protocol):
    """An English summarizer. Cheap to create: weights load on the first ``summarize``."""

    def window(self) -> int:
        """Input tokens the model takes at most (special tokens included)."""

    @property
    def parallel_batches(self) -> int:
        """How many ``summarize`` calls may run at once, from different threads."""

    def check(self) -> None:
        """Resolve the model (hub cache or folder); raises ModelUnavailableError."""

    def count_tokens(self, texts: list[str]) -> list[int]:
        """Input tokens per text, special tokens included."""

    def summarize(self, texts: list[str]) -> list[str]:
        """One summary per text; every text fits the window."""

    def info(self) -> dict[str, Any]:
        """Provenance: model id, resolved revision, backend, device, precision."""


def _chunks(units: list[str], summarizer: Summarizer) -> list[str]:
    """Pack paragraphs (split further if one alone is too long) into window-sized chunks."""
    limit = summarizer.window()
    pieces: list[str] = []
    for unit in units:
        pieces.extend(p + "\n" for p in fit_to_limit(unit, summarizer.count_tokens, limit))
    budget = max(1, limit - 2)  # special tokens are counted once per chunk, not per piece
    counts = [n - 2 for n in summarizer.count_tokens(pieces)]
    return [c.strip() for c in pack(pieces, counts, budget)]


def one_pass_input(paragraphs: list[str], summarizer: Summarizer,
                   min_tokens: int) -> tuple[str, int] | None:
    """The text and token count of an article the summarizer takes in one pass (it fits the
    window and is longer than an abstract); ``None`` for the others."""
    text = "\n".join(p for p in paragraphs if p.strip())
    if not text:
        return None
    total = summarizer.count_tokens([text])[0]
    return (text, total) if min_tokens < total <= summarizer.window() else None


def make_abstract(paragraphs: list[str], summarizer: Summarizer,
                  min_tokens: int) -> tuple[str, str]:
    """The abstract of an English text given as paragraphs, and the method used."""
    text = "\n".join(p for p in paragraphs if p.strip())
    if not text:
        return "", EXTRACTIVE
    total = summarizer.count_tokens([text])[0]
    if total <= min_tokens:
        return text, EXTRACTIVE
    if total <= summarizer.window():
        return summarizer.summarize([text])[0].strip(), ABSTRACTIVE
    units = [p for p in paragraphs if p.strip()]
    for level in range(1, MAX_LEVELS + 1):
        chunks = _chunks(units, summarizer)
        log.debug("summary level %d: %d chunks", level, len(chunks))
        units = [s.strip() for s in summarizer.summarize(chunks)]
        joined = "\n".join(units)
        if summarizer.count_tokens([joined])[0] <= summarizer.window():
            return summarizer.summarize([joined])[0].strip(), HIERARCHICAL
    raise RuntimeError("the summaries did not shrink below the summarizer's window")


class TransformersSummarizer(LazyModel):
    """BART-style summarizer through transformers ``generate``. Loads lazily."""

    batch_size = 4

    def __init__(self, config: JobConfig) -> None:
        super().__init__(config, config.sum_model, config.sum_revision)

    def window(self) -> int:
        return self.tokenizer_limit(1024)

    def _load(self) -> tuple[Any, dict[str, Any]]:
        from .translate.hf import load_model

        return load_model(self.source, self.config, parallel=self.parallel)

    def summarize(self, texts: list[str]) -> list[str]:
        import torch

        from .translate.hf import cancel_criteria, use_threads

        model = self._ensure_model()
        use_threads(self._runtime)
        c = self.config
        out: list[str] = []
        for start in range(0, len(texts), self.batch_size):
            batch = self.tokenizer(texts[start:start + self.batch_size], return_tensors="pt",
                                   padding=True, truncation=False)
            batch = {k: v.to(self._runtime["device"]) for k, v in batch.items()}
            with torch.inference_mode():
                ids = model.generate(**batch, num_beams=c.sum_beams, do_sample=False,
                                     min_length=c.sum_min_length, max_length=c.sum_max_length,
                                     stopping_criteria=cancel_criteria())
            out.extend(self.tokenizer.batch_decode(ids, skip_special_tokens=True))
        return out


def make_summarizer(config: JobConfig) -> Summarizer:
    """The summarizer of the configured backend."""
    if config.backend == "ctranslate2":
        from .translate.ct2 import CTranslate2Summarizer

        return CTranslate2Summarizer(config)
    return TransformersSummarizer(config)
