"""Scores and alignments out of a decoding call, for both backends.

The score of a hypothesis is its mean log-probability per output token, end of sequence
included, no length penalty: the sum transformers' beam search and CTranslate2 both keep,
divided back by their length normalisation.
"""

from __future__ import annotations

import math
from typing import Any

from ..text.alignment import align_words, piece_words


def output_length(row: list[int], eos: int) -> int:
    """Generated tokens up to and including the first end of sequence (all if none)."""
    return row.index(eos) + 1 if eos in row else len(row)


def penalised(options: Any) -> bool:
    """True when the decoding options bend the model's distribution (the retry's repetition
    penalty and n-gram blocking): the scores the search keeps are then not the model's, and
    the kept output is scored again, by a teacher-forced pass."""
    return bool(options.repetition_penalty != 1.0 or options.no_repeat_ngram_size > 0)


#: Rows of a teacher-forced pass run together: its logits (rows x length x vocabulary) are
#: the pass's memory, and a big GPU batch must not hold them all at once.
FORCED_ROWS = 16


def hf_teacher_forced(model: Any, tokenizer: Any, batch: dict[str, Any], sequences: Any,
                      texts: list[str], outputs: list[str], layer: int | None,
                      scores: bool) -> tuple[list[float] | None, list[Any] | None]:
    """Teacher-forced passes over the kept outputs, ``FORCED_ROWS`` at a time: their mean
    log-probs (if ``scores``) and word alignments from the cross-attention of ``layer``,
    heads averaged (if ``layer`` is not None; needs the eager attention)."""
    means: list[float] = []
    pairs: list[Any] = []
    for start in range(0, len(texts), FORCED_ROWS):
        rows = slice(start, start + FORCED_ROWS)
        part = {k: v[rows] for k, v in batch.items()}
        found_means, found_pairs = _forced(model, tokenizer, part, sequences[rows],
                                           texts[rows], outputs[rows], layer, scores)
        means += found_means or []
        pairs += found_pairs or []
    return (means if scores else None), (pairs if layer is not None else None)


def _forced(model: Any, tokenizer: Any, batch: dict[str, Any], sequences: Any,
            texts: list[str], outputs: list[str], layer: int | None,
            scores: bool) -> tuple[list[float] | None, list[Any] | None]:
    import torch

    eos = tokenizer.eos_token_id
    special = set(tokenizer.all_special_ids)
    with torch.inference_mode():
        result = model(**batch, decoder_input_ids=sequences[:, :-1],
                       output_attentions=layer is not None)
    rows = [row[1:] for row in sequences.tolist()]
    lengths = [output_length(row, eos) for row in rows]
    means = None
    if scores:
        logits = result.logits.float()
        chosen = logits.gather(-1, sequences[:, 1:, None])[..., 0]
        logp = chosen - logits.logsumexp(-1)  # log-softmax of the kept tokens only
        means = [float(logp[i, :n].mean()) for i, n in enumerate(lengths)]
    if layer is None:
        return means, None
    layers = result.cross_attentions
    if not layers:  # sdpa returns none: the model was loaded without config.alignments
        raise RuntimeError("alignments need the model loaded with alignments = true")
    attention = layers[clamp_layer(layer, len(layers))].mean(dim=1).float().cpu()
    pairs = []
    for i, (text, english) in enumerate(zip(texts, outputs, strict=True)):
        src_ids = [t for t, m in zip(batch["input_ids"][i].tolist(),
                                     batch["attention_mask"][i].tolist(), strict=True) if m]
        tgt_ids = rows[i][:lengths[i] - (1 if eos in rows[i] else 0)]
        pairs.append(word_pairs(attention[i, :len(tgt_ids), :len(src_ids)].tolist(),
                                tokenizer.convert_ids_to_tokens(src_ids), text,
                                tokenizer.convert_ids_to_tokens(tgt_ids), english,
                                [t in special for t in src_ids], [t in special for t in tgt_ids]))
    return means, pairs


def clamp_layer(layer: int, count: int) -> int:
    """``layer`` (negative: from the last) as a valid index into ``count`` decoder layers."""
    return max(-count, min(count - 1, layer))


def ct2_score(score: float, n: int, length_penalty: float) -> float:
    """CTranslate2's ``return_scores`` value is the sum of log-probs over
    ``n ** length_penalty``, ``n`` the output tokens with the end of sequence (checked
    against a teacher-forced pass in the tests), greedy or not: back to the mean."""
    return score * math.pow(n, length_penalty) / n


def word_pairs(attention: list[list[float]], src_pieces: list[str], text: str,
               tgt_pieces: list[str], english: str, src_special: list[bool],
               tgt_special: list[bool]) -> tuple[tuple[int, int], ...]:
    """Token attention to word pairs over ``text`` and ``english``."""
    src = piece_words(text, [None if s else p
                             for p, s in zip(src_pieces, src_special, strict=True)])
    tgt = piece_words(english, [None if s else p
                                for p, s in zip(tgt_pieces, tgt_special, strict=True)])
    return align_words(attention, src, tgt)
