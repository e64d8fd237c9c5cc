"""Glossaries: Arabic terms and the English renderings expected for them. A sentence whose
source holds a term and whose output has none of its renderings is flagged, never changed.

File format (UTF-8, one entry a line; blank lines and lines starting with ``#`` ignored)::

    مجلس الأمن<TAB>Security Council|UNSC
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError
from .clean import clean_for_model


@dataclass(frozen=True)
class Entry:
    term: str
    renderings: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...]


def _read(path: str | Path) -> bytes:
    from ..inputs.pathcheck import read_setting_file

    return read_setting_file(path, "glossary file")  # never blocks on a FIFO


def load_once(path: str | Path | None) -> tuple[tuple[Entry, ...], str | None]:
    """The entries and content hash of one read of the file (``(), None`` for ``None``): a
    run flags and records the glossary as it loaded it, even if the file is edited while
    it runs."""
    if path is None:
        return (), None
    data = _read(path)
    return parse(data, path), hashlib.sha256(data).hexdigest()


def load_glossary(path: str | Path | None) -> tuple[Entry, ...]:
    """The entries of a glossary file (none for ``None``); a bad line is a ConfigError
    naming the file and line."""
    return load_once(path)[0]


def parse(data: bytes, path: str | Path) -> tuple[Entry, ...]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: the glossary is not UTF-8 ({exc.reason} at byte "
                          f"{exc.start})") from None
    entries = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 2:
            raise ConfigError(f"{path}:{number}: expected 'Arabic term<TAB>rendering|...' "
                              f"(one tab), got {len(parts) - 1} tab(s)")
        term = clean_for_model(parts[0])
        renderings = tuple(r.strip() for r in parts[1].split("|") if r.strip())
        if not term or not renderings:
            raise ConfigError(f"{path}:{number}: empty " +
                              ("term" if not term else "rendering list"))
        patterns = tuple(re.compile(rf"(?<!\w){re.escape(r)}(?!\w)", re.IGNORECASE)
                         for r in renderings)
        entries.append(Entry(term, renderings, patterns))
    return tuple(entries)


def misses(entries: tuple[Entry, ...], source: str, output: str) -> list[str]:
    """Terms found in ``source`` (the model text) whose renderings are all absent from
    ``output`` (case-insensitive, whole words), in glossary order."""
    return [e.term for e in entries
            if e.term in source and not any(p.search(output) for p in e.patterns)]
