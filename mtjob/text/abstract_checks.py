"""Checks of a machine-made abstract against the translation it summarizes: a number or a
name that the abstract states and the translation nowhere holds was made up (or garbled)."""

from __future__ import annotations

import re
from typing import Any

from .quality import numbers_in

UNSUPPORTED_NUMBER = "unsupported_number"
UNSUPPORTED_NAME = "unsupported_name"

# A capitalised word (Kerry, UN, O'Brien, al-Assad's first part): the names an abstract may
# state. Sentence-initial common words ("The") are found lower-cased in the translation.
_NAME = re.compile(r"(?<![\w'’-])[A-Z][\w'’-]*")
_WORD = re.compile(r"[\w'’-]+")


def unsupported_names(abstract: str, english: str) -> list[str]:
    """Capitalised words of the abstract absent (case-insensitively) from ``english``."""
    known = {w.lower() for w in _WORD.findall(english)}
    found: list[str] = []
    for name in _NAME.findall(abstract):
        name = name.rstrip("'’-")
        if name.lower() not in known and name not in found:
            found.append(name)
    return found


def check_abstract(abstract: str | None, paragraphs: list[str]) -> dict[str, Any]:
    """``{"unsupported_numbers": [...], "unsupported_names": [...], "flags": [...]}``."""
    english = "\n".join(paragraphs)
    text = abstract or ""
    numbers = sorted(numbers_in(text) - numbers_in(english), key=lambda n: (len(n), n))
    names = unsupported_names(text, english)
    flags = ([UNSUPPORTED_NUMBER] if numbers else []) + ([UNSUPPORTED_NAME] if names else [])
    return {"unsupported_numbers": numbers, "unsupported_names": names, "flags": flags}
