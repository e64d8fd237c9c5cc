"""Text on the review pages: HTML-escaped, with every invisible control (C0, C1, bidi
embeddings, overrides and isolates, lone surrogates) shown as a visible mark, never obeyed."""

from __future__ import annotations

import html
import re

_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
                        "\ufffe\uffff\ud800-\udfff]")
_BIDI_NAMES = {"\u202a": "LRE", "\u202b": "RLE", "\u202c": "PDF", "\u202d": "LRO",
               "\u202e": "RLO", "\u2066": "LRI", "\u2067": "RLI", "\u2068": "FSI",
               "\u2069": "PDI"}


def esc(text: str) -> str:
    """Text for HTML content or a quoted attribute; invisible controls become visible marks."""
    out: list[str] = []
    pos = 0
    for match in _INVISIBLE.finditer(text):
        char = match.group()
        code = f"U+{ord(char):04X}"
        out.append(html.escape(text[pos:match.start()]))
        out.append(f'<span class="ctl" title="invisible control character {code}">'
                   f'{_BIDI_NAMES.get(char, code)}</span>')
        pos = match.end()
    out.append(html.escape(text[pos:]))
    return "".join(out)
