"""The translation memory as TMX 1.4b for CAT tools (the exporter's writer, one ``<tu>`` per
entry, its provenance as ``x-`` props), written only where it replaces nothing but an earlier
export of a memory (:func:`check_target`)."""

from __future__ import annotations

import os
import re
from contextlib import closing
from pathlib import Path

from ..errors import ConfigError
from ..export.tmx import TranslationUnit, tmx_document
from ..export.xmltext import XmlText
from ..inputs.sources import display_name
from ..outfolder.atomic import atomic_write, read_plain
from .database import label
from .reader import MemoryReader

#: What the start of a memory's TMX export holds (its header, and the memory's prop).
_OURS = re.compile(rb'^<\?xml[^>]*>\s*<tmx version="1\.4">\s*<header creationtool="mtjob"'
                   rb'.*?<prop type="x-memory">', re.DOTALL)


def memory_tmx(memory: MemoryReader) -> tuple[str, int]:
    """The memory's entries as one TMX document, and how many it holds."""
    units = []
    for e in memory.entries():
        props = [("x-memory-id", str(e.id)), ("x-source", str(e.source))]
        props += [(kind, value) for kind, value in (
            ("x-edited-by", e.edited_by), ("x-edited-at", e.edited_at),
            ("x-doc-id", e.doc_id), ("x-unit", e.unit)) if value]
        units.append(TranslationUnit(f"memory:{e.id}", e.ar, e.en, tuple(props)))
    return tmx_document([("x-memory", memory.path.name)], units, XmlText()), len(units)


def check_target(memory: Path, to: Path, force: bool) -> None:
    """Refuse a target that is the memory itself (whatever the path says: a link, another
    spelling), is not a regular file, or holds anything but an earlier memory export
    (unless ``force``)."""
    where = f"memory export --to {display_name(to)}"
    if os.path.lexists(to) and os.path.exists(memory) and (
            os.path.realpath(to) == os.path.realpath(memory)
            or (os.path.exists(to) and os.path.samefile(to, memory))):
        raise ConfigError(f"{where}: that is the {label(memory)} itself; give --to FILE.tmx")
    if not os.path.lexists(to) or force:
        return
    head = read_plain(to, 4096)
    if head is None:
        raise ConfigError(f"{where}: exists and is not a regular file; nothing written")
    if head and not _OURS.match(head):
        raise ConfigError(f"{where}: exists and is not a TMX export of a memory; nothing "
                          "written (--force replaces it)")


def write_memory_tmx(path: str | Path, to: Path, force: bool = False) -> int:
    """Write the memory's TMX to ``to`` atomically; returns the entries written."""
    check_target(Path(path), to, force)
    with closing(MemoryReader(path)) as memory:
        text, count = memory_tmx(memory)
    atomic_write(to, text.encode("utf-8"))
    return count
