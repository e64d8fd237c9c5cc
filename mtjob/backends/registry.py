"""Each inference library's part of a run in one place: ``@register_backend(Backend.X)`` on a
``ModelBackend`` subclass fills the registry (as CTranslate2's converters fill theirs with
``@register_loader``), and every caller asks :func:`backend_for` instead of comparing names.

The backends' own modules (``hf``, ``ct2``) are imported at the first look-up, never at
import time; their heavy libraries (torch, CTranslate2) load later still, with the weights.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import TYPE_CHECKING, ClassVar, TypeVar

from ..choices import Backend

if TYPE_CHECKING:
    from ..config import JobConfig
    from .base import Summarizer, Translator
    from .store.hub import ModelSource
    from .tokenizers.tokenizer import ModelTokenizer

#: Where each registered backend lives (imported at the first look-up).
MODULES = {Backend.TRANSFORMERS: ".hf", Backend.CTRANSLATE2: ".ct2"}
_REGISTRY: dict[Backend, type[ModelBackend]] = {}
B = TypeVar("B", bound="type[ModelBackend]")


class ModelBackend:
    """What a run asks of an inference library; the defaults suit a library that loads its
    weights when first called and needs no cache of its own."""

    name: ClassVar[Backend]
    #: Its translator can start loading in the background while the run checks its models
    #: and reads its articles (``Models.preload``).
    preloads: ClassVar[bool] = False
    #: Its models are converted into the mtjob cache (``MTJOB_CACHE``), which offline nodes
    #: need beside the staged models.
    converts: ClassVar[bool] = False

    def translator(self, config: JobConfig, source: ModelSource | None = None,
                   tokens: ModelTokenizer | None = None) -> Translator:
        raise NotImplementedError

    def summarizer(self, config: JobConfig, source: ModelSource | None = None,
                   tokens: ModelTokenizer | None = None) -> Summarizer:
        raise NotImplementedError

    def runtime(self, config: JobConfig) -> tuple[str, str]:
        """(device, precision) a run of ``config`` would use; an error when the configured
        device (or the library) cannot be had."""
        raise NotImplementedError


def register_backend(name: Backend) -> Callable[[B], B]:
    """Class decorator: ``name``'s backend is this class."""

    def register(cls: B) -> B:
        cls.name = name
        _REGISTRY[name] = cls
        return cls

    return register


def backend_for(name: Backend | str) -> ModelBackend:
    """The backend registered for ``name`` (``auto`` is resolved by the config first)."""
    backend = Backend(name)
    if backend not in _REGISTRY and backend in MODULES:
        import_module(MODULES[backend], __package__)  # its @register_backend runs
    if backend not in _REGISTRY:
        raise ValueError(f"no backend registered for {backend}")
    return _REGISTRY[backend]()
