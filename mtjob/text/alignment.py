"""Word alignments from cross-attention, and how much of a source they cover.

Both backends hand over the same thing: for each output token, the attention over the source
tokens (one decoder layer, heads averaged). Each output token is aligned to the source token it
attends to most; tokens map to the whitespace-separated words of their text, which is what
the records and the HTML export count.
"""

from __future__ import annotations

from collections.abc import Sequence

from .clean import clean_for_model

Pairs = tuple[tuple[int, int], ...]


def piece_words(text: str, pieces: Sequence[str | None]) -> list[int | None]:
    """The word of ``text`` each token piece falls in (``None``: a special token).

    Pieces are found in the text left to right ("▁" marks a word start in sentencepiece), so
    spaces the decoder removes (" ," -> ",") or a piece the text does not show verbatim never
    shift the words that follow.
    """
    word_at: list[int] = []
    index, prev_space = -1, True
    for char in text:
        if not char.isspace() and prev_space:
            index += 1
        word_at.append(max(index, 0))
        prev_space = char.isspace()
    out: list[int | None] = []
    cursor = 0
    for piece in pieces:
        if piece is None or not word_at:
            out.append(None)
            continue
        core = piece.replace("\u2581", " ").strip()
        found = text.find(core, cursor) if core else -1
        if found >= 0 and not text[cursor:found].strip():  # only spaces skipped
            out.append(word_at[found])
            cursor = found + len(core)
        else:
            while cursor < len(text) and text[cursor].isspace():
                cursor += 1
            out.append(word_at[min(cursor, len(text) - 1)])
    return out


def align_words(attention: Sequence[Sequence[float]], src_words: Sequence[int | None],
                tgt_words: Sequence[int | None]) -> Pairs:
    """``(source word, target word)`` pairs: each target token's most-attended source token.

    ``attention[t][s]``: target token ``t`` over source token ``s``. A target token whose
    most-attended source token is special (``</s>``, where models park attention on output
    that has no source) aligns to nothing.
    """
    pairs = set()
    for row, tgt in zip(attention, tgt_words, strict=True):
        if tgt is None or not len(row):
            continue
        best = max(range(min(len(row), len(src_words))), key=lambda s: (row[s], -s))
        word = src_words[best]
        if word is not None:
            pairs.add((word, tgt))
    return tuple(sorted(pairs))


def source_word_map(raw: str, cleaned: str) -> list[int]:
    """For each word of ``cleaned`` (``clean_for_model(raw)``), the word of ``raw`` it came
    from: cleaning drops words made only of invisible characters and may split one (NFKC)."""
    out: list[int] = []
    for index, word in enumerate(raw.split()):
        out.extend([index] * len(clean_for_model(word).split()))
    if len(out) != len(cleaned.split()):  # cleaning joined across words: keep positions
        return list(range(len(cleaned.split())))
    return out


def to_source_words(pairs: Pairs, raw: str, cleaned: str) -> Pairs:
    """Pairs over the model text's words, re-indexed to the words of the raw sentence."""
    mapping = source_word_map(raw, cleaned)
    limit = len(raw.split()) - 1
    return tuple(sorted({(min(mapping[a] if a < len(mapping) else a, limit), b)
                         for a, b in pairs}))


def uncovered_share(pairs: Pairs, words: int) -> float:
    """Share of ``words`` source words that no pair aligns."""
    if words <= 0:
        return 0.0
    return 1.0 - len({a for a, _ in pairs if a < words}) / words
