"""The base of every backend model: resolved and tokenized cheaply, weights loaded lazily."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import ModelError, MtjobError
from .store.hub import ModelSource, resolve_model
from .tokenizers.tokenizer import ModelTokenizer, hf_json

if TYPE_CHECKING:
    from ..config import JobConfig


class LazyModel:
    """A model given by hub id or folder (or already resolved): weights load on first use."""

    #: On CPU the engine submits several calls at once (a translator's batches, a
    #: summarizer's articles), one thread each; the Ray actors turn it off (one call each).
    parallel = True
    #: How many calls the first piece of work holds, when the engine knows it before the
    #: weights load (``None``: unknown); it sizes the CPU layout (``runtime.cpu_layout``).
    expected_calls: int | None = None

    def __init__(self, config: JobConfig, ref: str, revision: str | None,
                 source: ModelSource | None = None, tokens: ModelTokenizer | None = None) -> None:
        self.config, self._ref, self._revision = config, ref, revision
        self._source = source
        self._tokens = tokens
        self._model: Any = None
        self._runtime: dict[str, Any] = {}

    @property
    def source(self) -> ModelSource:
        if self._source is None:
            c = self.config
            self._source = resolve_model(self._ref, self._revision, c.cache_dir, c.allow_pickle)
        return self._source

    @property
    def tokens(self) -> ModelTokenizer:
        if self._tokens is None:
            self._tokens = ModelTokenizer(self.source)
        return self._tokens

    @property
    def tokenizer(self) -> Any:
        """The Hugging Face tokenizer object."""
        return self.tokens.hf

    def count_tokens(self, texts: list[str]) -> list[int]:
        return self.tokens.count_tokens(texts)

    @property
    def model_max_tokens(self) -> int:
        return self.tokens.model_max_tokens

    def hf_json(self, name: str) -> dict[str, Any]:
        return hf_json(self.source.path, name)

    def expect_calls(self, calls: int) -> None:
        """Tell the model, before it loads, how many calls the work ahead holds (a no-op
        once loaded: CTranslate2 fixes its threads at load)."""
        if self._model is None:
            self.expected_calls = calls

    def _load(self) -> tuple[Any, dict[str, Any]]:
        """Load the weights: the model and its runtime facts (backend, device, precision)."""
        raise NotImplementedError

    def _ensure_model(self) -> Any:
        if self._model is None:
            try:
                self._model, self._runtime = self._load()
            except MtjobError:
                raise
            except Exception as exc:  # a model that cannot load concerns every article
                raise ModelError(f"model {self.source.ref!r} cannot be loaded from "
                                 f"{self.source.path}: {type(exc).__name__}: "
                                 f"{str(exc).splitlines()[0] if str(exc) else ''}") from exc
        return self._model

    @property
    def parallel_batches(self) -> int:
        """How many calls the loaded model runs at once (loads it): more than 1 on CPU, where
        the engine then submits them from a thread pool, one thread each."""
        self._ensure_model()
        return int(self._runtime.get("parallel_batches", 1))

    def info(self) -> dict[str, Any]:
        """Provenance: id, resolved revision and runtime facts (loads the weights)."""
        self._ensure_model()
        return {**self.source.provenance(), **self._runtime}
