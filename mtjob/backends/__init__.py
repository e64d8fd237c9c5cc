"""Model backends: transformers (``hf``) and CTranslate2 (``ct2``), each in both roles
(translator and summarizer), plus model resolution (``hub``) and device choice (``runtime``)."""

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
