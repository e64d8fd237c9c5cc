"""The translation memory as TMX 1.4b for CAT tools (the exporter's writer, one ``<tu>`` per
entry, its provenance as ``x-`` props)."""

from __future__ import annotations

from pathlib import Path

from ..export.tmx import TranslationUnit, tmx_document
from ..export.xmltext import XmlText
from ..outfolder.atomic import atomic_write
from .store import entries


def memory_tmx(path: str | Path) -> tuple[str, int]:
    """The memory's entries as one TMX document, and how many it holds."""
    units = []
    for e in entries(path):
        props = [("x-memory-id", str(e.id)), ("x-source", e.source)]
        props += [(kind, value) for kind, value in (
            ("x-edited-by", e.edited_by), ("x-edited-at", e.edited_at),
            ("x-doc-id", e.doc_id), ("x-unit", e.unit)) if value]
        units.append(TranslationUnit(f"memory:{e.id}", e.ar, e.en, tuple(props)))
    return tmx_document([("x-memory", Path(path).name)], units, XmlText()), len(units)


def write_memory_tmx(path: str | Path, to: Path) -> int:
    """Write the memory's TMX to ``to`` atomically; returns the entries written."""
    text, count = memory_tmx(path)
    atomic_write(to, text.encode("utf-8"))
    return count
