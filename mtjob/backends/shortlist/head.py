"""The transformers side of a shortlist: the output projection computed for the batch's
candidate rows only, as CTranslate2's vocabulary map does, the logits put back at their
vocabulary ids (every other id at minus infinity, so ``generate`` runs unchanged and the
softmax is over the candidates alone, as in CTranslate2)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import torch

if TYPE_CHECKING:
    from ..tokenizers.tokenizer import ModelTokenizer
    from .vmap import Shortlist


class _PerThread(threading.local):
    """This thread's candidates: (ids, their weight rows, their bias), or None for all."""

    current: tuple[torch.Tensor, torch.Tensor | None, torch.Tensor | None] | None = None


class ShortlistHead(torch.nn.Module):
    """Wraps a model's ``lm_head``. Outside :meth:`only` it is the full projection (the
    teacher-forced scoring pass uses it so); inside, per thread, the candidates' rows."""

    def __init__(self, inner: torch.nn.Module, vocab_size: int) -> None:
        super().__init__()
        self.inner = inner
        self.vocab_size = vocab_size
        self._calls = _PerThread()  # CPU workers decode side by side on one model

    @contextmanager
    def only(self, ids: list[int]) -> Iterator[None]:
        """Restrict this thread's calls to the rows ``ids`` (sorted, unique)."""
        device = next(self.inner.parameters(), torch.empty(0)).device \
            if isinstance(self.inner, torch.nn.Linear) else torch.device("cpu")
        index = torch.tensor(sorted(set(ids)), dtype=torch.long, device=device)
        weight = bias = None
        if isinstance(self.inner, torch.nn.Linear):  # a quantized one has no rows to pick
            weight = self.inner.weight.index_select(0, index)
            bias = None if self.inner.bias is None else self.inner.bias.index_select(0, index)
        self._calls.current = (index, weight, bias)
        try:
            yield
        finally:
            self._calls.current = None

    def forward(self, hidden: torch.Tensor) -> Any:
        current = self._calls.current
        if current is None:
            return self.inner(hidden)
        index, weight, bias = current
        index = index.to(hidden.device)
        if weight is not None:
            picked = torch.nn.functional.linear(hidden, weight, bias)
        else:
            picked = self.inner(hidden).index_select(-1, index)
        out = picked.new_full((*picked.shape[:-1], self.vocab_size), float("-inf"))
        return out.index_copy_(-1, index, picked)


def install(model: Any) -> ShortlistHead:
    """Put a :class:`ShortlistHead` in place of the model's output projection (once)."""
    head = model.get_output_embeddings()
    if isinstance(head, ShortlistHead):
        return head
    size = head.out_features if isinstance(head, torch.nn.Linear) else model.config.vocab_size
    wrapped = ShortlistHead(head, int(size))
    model.set_output_embeddings(wrapped)
    return wrapped


def candidate_rows(model: Any, shortlist: Shortlist, tokens: ModelTokenizer,
                   texts: list[str]) -> Any:
    """The context in which ``model`` (its head installed) computes only the batch's rows:
    CTranslate2's vocabulary map, the candidates of the batch's source tokens, unknown and
    end of sequence."""
    ids = set(tokens.core.convert_tokens_to_ids(sorted(
        shortlist.candidates(tokens.source_tokens(texts)))))
    ids.update(tokens.hf.convert_tokens_to_ids([tokens.hf.unk_token, tokens.hf.eos_token]))
    return model.get_output_embeddings().only(sorted(ids))
