"""Model backends: transformers and CTranslate2, each as translator and summarizer.

- ``base``: decoding options, hypotheses, how a call runs, the roles
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
    if config.backend == "ctranslate2":
        from .ct2 import CTranslate2Translator

        return CTranslate2Translator(config, source, tokens)
    from .hf import TransformersTranslator

    return TransformersTranslator(config, source, tokens)


def make_summarizer(config: JobConfig, source: ModelSource | None = None,
                    tokens: ModelTokenizer | None = None) -> Summarizer:
    """The configured backend's summarizer."""
    if config.backend == "ctranslate2":
        from .ct2 import CTranslate2Summarizer

        return CTranslate2Summarizer(config, source, tokens)
    from .hf import TransformersSummarizer

    return TransformersSummarizer(config, source, tokens)
