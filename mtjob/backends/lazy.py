"""The base of every backend model: resolved and tokenized cheaply, weights loaded lazily."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from ..choices import Device
from ..errors import ModelError, MtjobError
from .base import ModelBase
from .store.hub import ModelSource, resolve_model
from .tokenizers.tokenizer import ModelTokenizer, hf_json

if TYPE_CHECKING:
    from ..config import JobConfig


class LoadLater(Exception):
    """Raised by ``_load`` in the background thread when the load must wait for the run's
    checks (a CTranslate2 model not yet converted): the first call loads it instead."""


class LazyModel(ModelBase):
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
        self._loader: threading.Thread | None = None
        self._load_error: BaseException | None = None

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
        if self._model is None and self._loader is None:
            self.expected_calls = calls

    def _load(self) -> tuple[Any, dict[str, Any]]:
        """Load the weights: the model and its runtime facts (backend, device, precision).
        In the :meth:`load_in_background` thread (``in_background()``) it may raise
        :class:`LoadLater`."""
        raise NotImplementedError

    def load_in_background(self) -> None:
        """Start loading the weights in a background thread, so that the load overlaps what
        the run does before its first call (checks, reading, segmenting); the first call
        waits for it, and gets its error if it failed. The CPU layout is then the default
        one (``expected_calls`` is not known yet)."""
        if self._model is None and self._loader is None:
            self._loader = threading.Thread(target=self._load_in_background, daemon=True,
                                            name="mtjob-load")
            self._loader.start()

    def settle(self) -> None:
        """Wait for a background load (its error is dropped: nothing will use the model). A
        process must not exit while that thread is inside CTranslate2: it aborts."""
        if self._loader is not None:
            self._loader.join()
            self._loader, self._load_error = None, None

    def in_background(self) -> bool:
        return threading.current_thread() is self._loader

    def _load_in_background(self) -> None:
        try:
            self._model, self._runtime = self._load_checked()
        except LoadLater:
            pass
        except BaseException as exc:  # raised again by the first call, in its thread
            self._load_error = exc

    def _load_checked(self) -> tuple[Any, dict[str, Any]]:
        try:
            return self._load()
        except (MtjobError, LoadLater):
            raise
        except Exception as exc:  # a model that cannot load concerns every article
            raise ModelError(f"model {self.source.ref!r} cannot be loaded from "
                             f"{self.source.path}: {type(exc).__name__}: "
                             f"{str(exc).splitlines()[0] if str(exc) else ''}") from exc

    def _ensure_model(self) -> Any:
        if self._loader is not None:
            self._loader.join()
            self._loader, error, self._load_error = None, self._load_error, None
            if error is not None:
                raise error
        if self._model is None:
            self._model, self._runtime = self._load_checked()
        return self._model

    def device(self) -> str:
        """The device the weights will load on (``cpu`` or ``cuda``), without loading them."""
        raise NotImplementedError

    def planned_batches(self, calls: int) -> int:
        """How many calls will run at once for a first piece of work of ``calls`` calls,
        without loading the weights: the loaded layout, else the one the load will choose
        (``runtime.cpu_layout``; a load already under way took the default one)."""
        if self._model is not None:
            return int(self._runtime.get("parallel_batches", 1))
        if not self.parallel or self.device() != Device.CPU:
            return 1
        from .runtime import cpu_layout

        return cpu_layout(self.config.threads, None if self._loader else calls)[0]

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
