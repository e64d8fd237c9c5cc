"""Model backends: transformers and CTranslate2, each as translator and summarizer.

- ``base``: decoding options, hypotheses, how a call runs, the roles
- ``registry``: each backend's part of a run, looked up by its ``Backend`` name
- ``hf``, ``ct2``: the transformers and CTranslate2 backends; ``conversion``: CTranslate2's cache
- ``lazy``: the base of every backend model (weights loaded lazily)
- ``runtime``: device, precision, CPU thread layout, out-of-memory detection
- ``trust``: scores and alignments; ``beam_cache``: beam search without the cross-attention copy
- ``staging``, ``inventory``: the cores of ``mtjob models stage`` and ``list|check``
- ``tokenizers/``: tokenizers without weights; ``store/``: finding, fetching, checking models
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..config import JobConfig
    from .base import Summarizer, Translator
    from .store.hub import ModelSource
    from .tokenizers.tokenizer import ModelTokenizer


def make_translator(config: JobConfig, source: ModelSource | None = None,
                    tokens: ModelTokenizer | None = None) -> Translator:
    """The configured backend's translator (its heavy imports are deferred to it)."""
    from .registry import backend_for

    return backend_for(config.backend).translator(config, source, tokens)


def make_summarizer(config: JobConfig, source: ModelSource | None = None,
                    tokens: ModelTokenizer | None = None) -> Summarizer:
    """The configured backend's summarizer."""
    from .registry import backend_for

    return backend_for(config.backend).summarizer(config, source, tokens)
