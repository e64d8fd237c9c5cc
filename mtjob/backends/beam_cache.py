"""A transformers cache for encoder-decoder beam search that does not copy the cross-attention
keys and values at every step.

Beam search expands each source to ``beams`` identical rows before the encoder output reaches
the decoder, so the cross-attention keys and values of one source's beams are equal, and the
step's ``beam_idx`` only picks rows inside the source's own block of ``beams`` rows. Reordering
the cross-attention cache is then a copy that changes no value; skipping it is exact, and it
was most of the time of a beam-4 step on CPU (docs/performance.md, "Where the time goes").
Self-attention entries differ per beam and are reordered as before.
"""

from __future__ import annotations

from functools import cache
from typing import Any


@cache
def _cache_class() -> type:
    """The cache class, made on first use: transformers is imported only by those who decode."""
    from transformers.cache_utils import EncoderDecoderCache

    class SharedCrossAttentionCache(EncoderDecoderCache):
        """``EncoderDecoderCache`` whose beam reorder leaves the cross-attention part alone."""

        def reorder_cache(self, beam_idx: Any) -> None:
            self.self_attention_cache.reorder_cache(beam_idx)

    return SharedCrossAttentionCache


def beam_search_cache(model: Any, beams: int) -> dict[str, Any]:
    """``generate`` keyword arguments for one call on an encoder-decoder ``model``: a fresh
    cache (it fills up during decoding) when beam search will reorder it, else nothing."""
    if beams <= 1 or not model.config.is_encoder_decoder:
        return {}
    from transformers.cache_utils import DynamicCache

    config = model.config.get_text_config(decoder=True)
    return {"cache": _cache_class()(DynamicCache(config=config), DynamicCache(config=config))}
