"""The control characters no text of mtjob's holds, removed wherever text comes in: article
files as they are read, ``mtjob translate``'s lines, memory entries, and a person's English as
``mtjob import`` reads it. One definition for all of them."""

from __future__ import annotations

import re

# C0 controls other than tab, newline and CR, DEL and the C1 controls (U+0080-U+009F, what a
# CP1252 or Latin-1 file's 0x80-0x9F bytes become in a bad conversion) but NEL (U+0085, a line
# break, kept as U+2028 is): never meaningful in an article or a person's English, they break
# terminals (ESC, BEL), XML and many downstream tools (NUL). Removed and counted (logged),
# never kept silently.
CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def remove_controls(text: str) -> tuple[str, int]:
    """``text`` without :data:`CONTROLS`, and how many were removed."""
    return CONTROLS.subn("", text)


def clean_person_text(text: str) -> tuple[str, int]:
    """A person's text (a post-edit, a reviewer's name) cleaned as article text is read:
    CRLF and CR become LF, the controls of :data:`CONTROLS` are removed and a lone surrogate
    (which JSON can carry, UTF-8 cannot) becomes U+FFFD. Returns the text and how many
    characters were removed or replaced; everything else (bidi marks, U+2028, NBSP,
    tatweel...) is kept as written."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text, removed = remove_controls(text)
    text, replaced = _LONE_SURROGATE.subn("\ufffd", text)
    return text, removed + replaced
