"""Cleaning Arabic text for the model. The raw paragraph is kept for the record."""

from __future__ import annotations

import re
import unicodedata

# Bidi embeddings/overrides/isolates and marks (the "Trojan Source" characters), the Arabic
# letter mark, zero-width characters and stray BOMs: invisible, and they split model tokens.
INVISIBLE = re.compile(
    "[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\u061c\ufeff\u00ad]")
TATWEEL = "\u0640"
# Line and paragraph separators become plain spaces for the model.
_SPACES = re.compile(r"[\s\u2028\u2029\u0085]+")


def clean_for_model(text: str) -> str:
    """Text as the translation model should see it.

    Removes invisible controls and tatweel, folds presentation forms (NFKC) and collapses
    whitespace. Never removes a visible letter, digit or punctuation mark.
    """
    text = INVISIBLE.sub("", text)
    # After NFKC: some presentation forms (U+FE71, U+FE77, ...) fold to tatweel + a mark.
    text = unicodedata.normalize("NFKC", text)
    text = text.replace(TATWEEL, "")
    return _SPACES.sub(" ", text).strip()


def count_removed(text: str) -> int:
    """How many invisible characters and tatweels cleaning removes (for logging)."""
    return len(INVISIBLE.findall(text)) + text.count(TATWEEL)


# C0 controls (tab and newline aside), DEL and the C1 controls: a model can generate them
# from its vocabulary; they break terminals, XML exports and some JSONL readers.
_GENERATED_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_generated(text: str) -> tuple[str, int]:
    """Generated text without control characters, and how many were removed."""
    cleaned, removed = _GENERATED_CONTROLS.subn("", text)
    return cleaned, removed
