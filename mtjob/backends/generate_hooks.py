"""What the transformers backend hands to ``generate`` beside the inputs: the stopping
criterion that ends a cancelled call at its next step, and the logits processor that forces
an English prefix (a term's rendering) row by row."""

from __future__ import annotations

import threading
from typing import Any


def cancel_criteria(cancel: threading.Event) -> Any:
    """A ``StoppingCriteriaList`` that ends ``generate`` at its next step once ``cancel`` is
    set, so a stopped run does not wait for batches in worker threads."""
    import torch
    from transformers import StoppingCriteria, StoppingCriteriaList

    class Cancelled(StoppingCriteria):
        def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> Any:
            return torch.full((input_ids.shape[0],), cancel.is_set(), dtype=torch.bool,
                              device=input_ids.device)

    return StoppingCriteriaList([Cancelled()])


def forced_prefix(prefixes: list[list[int]], beams: int) -> Any:
    """A ``LogitsProcessorList`` that lets row ``i``'s beams take only ``prefixes[i]``'s
    token at each of its first steps (its other tokens at -inf), then anything: the
    transformers form of CTranslate2's ``target_prefix``. A forced token another processor
    banned (the retry's n-gram blocking) is forced all the same, as CTranslate2 does; the
    kept output is scored again by a teacher-forced pass."""
    import torch
    from transformers import LogitsProcessor, LogitsProcessorList

    class ForcedPrefix(LogitsProcessor):
        def __call__(self, input_ids: Any, scores: Any) -> Any:
            step = input_ids.shape[1] - 1  # the decoder start token came first
            for row in range(scores.shape[0]):
                prefix = prefixes[row // beams]
                if step < len(prefix):
                    kept = scores[row, prefix[step]].clone()
                    scores[row] = -torch.inf
                    scores[row, prefix[step]] = kept if torch.isfinite(kept) else 0.0
            return scores

    return LogitsProcessorList([ForcedPrefix()])
