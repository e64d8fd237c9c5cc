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


# C0 controls other than tab and newline, DEL and the C1 controls (U+0080-U+009F, what a
# CP1252 or Latin-1 file's 0x80-0x9F bytes become in a bad conversion) but NEL (U+0085, a line
# break, kept as U+2028 is): never meaningful in an article, and NUL breaks many downstream
# tools. Removed from article text as it is read, and from a person's English as it is
# imported; always counted and logged, never silently.
ARTICLE_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_person_text(text: str) -> tuple[str, int]:
    """A person's text (a post-edit, a reviewer's name) cleaned as article text is read:
    CRLF and CR become LF, the controls of :data:`ARTICLE_CONTROLS` are removed and a lone
    surrogate (which JSON can carry, UTF-8 cannot) becomes U+FFFD. Returns the text and how
    many characters were removed or replaced; everything else (bidi marks, U+2028, NBSP...)
    is kept as written."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text, removed = ARTICLE_CONTROLS.subn("", text)
    text, replaced = _LONE_SURROGATE.subn("\ufffd", text)
    return text, removed + replaced


# C0 controls (tab and newline aside), DEL and the C1 controls: a model can generate them
# from its vocabulary; they break terminals, XML exports and some JSONL readers.
_GENERATED_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_generated(text: str) -> tuple[str, int]:
    """Generated text without control characters, and how many were removed."""
    cleaned, removed = _GENERATED_CONTROLS.subn("", text)
    return cleaned, removed
