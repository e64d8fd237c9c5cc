"""``--text``: ``OUT/NAME.en.txt``, the article's final English for reading in an editor or
publishing, one paragraph per block (a blank line between paragraphs), in the JSONL's order.

The final English is what people made of the machine's: a paragraph with a post-edit is its
sentences' final English (``post_edit`` where there is one, else ``en``) joined as the run
joins them; any other paragraph is its ``en`` as written. It is derived from ``NAME.jsonl``
alone (read by the one strict reader, ``mtjob.outfolder.jsonl``), so it needs no entry of its
own in the manifest: ``verify`` checks it against the JSONL beside it, a run with ``--text``
writes it (atomically) for every article it writes and for every unchanged one that lacks it
or whose copy differs, and ``mtjob import`` rewrites the ones it finds for the articles it
changed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError
from ..inputs.sources import display_name
from .atomic import read_plain, write_if_changed
from .paths import TEXT as SUFFIX
from .paths import jsonl_path

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)


def text_path(out: Path, doc_id: str) -> Path:
    return out / f"{doc_id}{SUFFIX}"


def english_text(paragraphs: Iterable[str]) -> bytes:
    """The paragraphs' English, a blank line between them, ending in a newline."""
    return ("\n\n".join(paragraphs) + "\n").encode("utf-8")


def text_from_jsonl(data: bytes, where: str = "JSONL") -> bytes:
    """The text file a JSONL gives (read strictly: a line that is not a paragraph record is
    a RecordError naming ``where`` and the line)."""
    from .jsonl import read_paragraphs  # not at import: a run that writes no text needs none

    return english_text(p.final for p in read_paragraphs(data, where))


def write_text(out: Path, doc_id: str) -> bool:
    """Write ``NAME.en.txt`` from ``NAME.jsonl`` (the final English); leaves an identical
    file alone. Returns whether it wrote."""
    path = jsonl_path(out, doc_id)
    jsonl = read_plain(path)
    if jsonl is None:
        return False
    try:
        data = text_from_jsonl(jsonl, display_name(path))
    except InputError as exc:  # the reader's RecordError: edited since it was written
        log.warning("%s not written: %s", display_name(text_path(out, doc_id)), exc)
        return False
    return write_if_changed(text_path(out, doc_id), data)


def check_texts(out: Path, doc_ids: set[str], texts: set[str]) -> list[str]:
    """``verify``'s warnings about the ``NAME.en.txt`` files in ``out``."""
    warnings = []
    for doc_id in sorted(texts):
        path = text_path(out, doc_id)
        if doc_id not in doc_ids:
            warnings.append(f"{display_name(path)}: no {doc_id}.jsonl beside it")
            continue
        jsonl = read_plain(jsonl_path(out, doc_id))
        try:
            expected = None if jsonl is None else text_from_jsonl(jsonl)
        except InputError:  # a RecordError of the reader
            continue  # verify names the JSONL's own problem
        if expected is not None and read_plain(path) != expected:
            warnings.append(f"{display_name(path)}: differs from the English of "
                            f"{doc_id}.jsonl (edited? a run with --text rewrites it)")
    return warnings
