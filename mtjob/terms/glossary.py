"""Glossaries: Arabic terms and the English renderings a translation must use for them.

Files (UTF-8; the format follows the content: TBX when it is XML, else TSV):

- TSV, one rendering list a line, blank lines and lines starting with ``#`` ignored;
  an optional third column is a comment (OmegaT's glossary format, ``source TAB target
  TAB comment``; lines with the same term add renderings)::

      مجلس الأمن<TAB>Security Council|UNSC
      كيري<TAB>Kerry<TAB>US Secretary of State

- TBX (TBX-Basic, TBX v2 core ``martif`` or TBX v3 ``tbx``): :mod:`mtjob.terms.tbx`.

A rendering ``=`` (or the term itself) marks a do-not-translate span: it must come through
byte-identical.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from ..errors import ConfigError
from ..text.clean import INVISIBLE, TATWEEL, clean_for_model
from .tbx import Row, parse_tbx

#: The rendering that says "keep the source as it is".
KEEP = "="


class GlossaryTerm(NamedTuple):
    """One Arabic term (cleaned as the model sees it) and its English renderings, in the
    glossary's order; ``keep``: a do-not-translate span (its rendering is the source). A
    tuple: a 100k-term glossary loads in well under a second."""

    term: str
    renderings: tuple[str, ...]
    keep: bool = False
    note: str = ""

    def to_dict(self) -> dict[str, object]:
        return {"term": self.term, "expected": list(self.renderings)}


@dataclass(frozen=True)
class TermMatch:
    """A term found in a text: words ``start``..``end`` (exclusive) of ``text.split()``;
    ``source``: those words as written, for a do-not-translate span."""

    term: GlossaryTerm
    start: int
    end: int
    source: str

    @property
    def renderings(self) -> tuple[str, ...]:
        """What the English must hold: the glossary's renderings, or the span itself."""
        return (self.source,) if self.term.keep else self.term.renderings


def _read(path: str | Path) -> bytes:
    from ..inputs.pathcheck import read_setting_file

    return read_setting_file(path, "glossary file")  # never blocks on a FIFO


def load_data(path: str | Path | None) -> tuple[tuple[GlossaryTerm, ...], str | None, bytes]:
    """The terms, content hash and bytes of one read of the file: a run enforces, flags,
    records and keeps the glossary as it loaded it, even if the file is edited while it
    runs."""
    if path is None:
        return (), None, b""
    data = _read(path)
    return parse(data, path), hashlib.sha256(data).hexdigest(), data


def load_glossary(path: str | Path | None) -> tuple[GlossaryTerm, ...]:
    """The terms of a glossary file (none for ``None``); a bad line is a ConfigError naming
    the file and line."""
    return load_data(path)[0]


def parse(data: bytes, path: str | Path) -> tuple[GlossaryTerm, ...]:
    """A glossary's terms, TBX or TSV by content (a TSV term may begin with "<")."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: the glossary is not UTF-8 ({exc.reason} at byte "
                          f"{exc.start})") from None
    first = next((line for line in text.split("\n") if line.strip()), "")
    if first.lstrip().startswith("<") and "\t" not in first:  # a TSV line always has a tab
        return merge(parse_tbx(data, path), path)
    return merge(_tsv_rows(text, path), path)


def _tsv_rows(text: str, path: str | Path) -> Iterator[Row]:
    """``(line, term, renderings, note)`` of each TSV line that holds an entry."""
    def strip(field: str) -> str:  # U+2028, NEL and the like inside a field are spaces
        return " ".join(field.split())

    # Lines end at \n, \r\n or \r only, as OmegaT reads them: a U+2028 or NEL inside a
    # term is no line end (str.splitlines would cut the entry in two).
    for number, line in enumerate(re.split(r"\r\n|\n|\r", text), 1):
        parts = line.split("\t")
        if parts[0].lstrip().startswith("#") or (len(parts) == 1 and not line.strip()):
            continue
        if len(parts) not in (2, 3):
            raise ConfigError(f"{path}:{number}: expected 'Arabic term<TAB>rendering|...' "
                              f"(and an optional <TAB>comment), got {len(parts) - 1} tab(s)")
        renderings = list(map(strip, parts[1].split("|")))
        if "" in renderings:
            renderings = [r for r in renderings if r]
        yield number, parts[0], renderings, strip(parts[2]) if len(parts) == 3 else ""


def merge(rows: Iterable[Row], path: str | Path) -> tuple[GlossaryTerm, ...]:
    """``(line, term, renderings, note)`` rows as terms: one per term, its renderings in
    the order first seen (OmegaT writes a line per rendering)."""
    found: dict[str, tuple[list[str], list[str]]] = {}
    for number, raw, renderings, note in rows:
        term = _clean(raw)
        if not term or not renderings:
            raise ConfigError(f"{path}:{number}: empty " +
                              ("term" if not term else "rendering list"))
        known = found.get(term)
        if known is None:
            found[term] = (renderings, [note] if note else [])
            continue
        known[0].extend(r for r in renderings if r not in known[0])
        if note and note not in known[1]:
            known[1].append(note)
    return tuple(GlossaryTerm(term, (term,), True, "; ".join(notes))
                 if KEEP in kept or term in kept else
                 GlossaryTerm(term, tuple(kept), False, "; ".join(notes))
                 for term, (kept, notes) in found.items())


def _clean(raw: str) -> str:
    """``clean_for_model``, without its regular expressions for the usual clean term."""
    if raw.isprintable() and TATWEEL not in raw and unicodedata.is_normalized("NFKC", raw) \
            and not INVISIBLE.search(raw):
        return raw.strip() if "  " not in raw else " ".join(raw.split())
    return clean_for_model(raw)


def render_tsv(terms: tuple[GlossaryTerm, ...]) -> str:
    """The terms as OmegaT's glossary TSV: ``term TAB rendering TAB comment``, a line per
    rendering (``=`` for a do-not-translate span); tabs and line breaks inside a field become
    spaces, as one line per entry needs."""
    def field(text: str) -> str:
        return " ".join(text.split()) if any(c in text for c in "\t\r\n\v\f\x1c\x1d\x1e"
                                             "\x85\u2028\u2029") else text

    lines = []
    for term in terms:
        for rendering in (KEEP,) if term.keep else term.renderings:
            note = f"\t{field(term.note)}" if term.note else ""
            lines.append(f"{field(term.term)}\t{field(rendering)}{note}\n")
    return "".join(lines)
