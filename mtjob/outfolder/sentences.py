"""The sentences of a finished output folder as written, corrections included (``post_edit``),
for ``mtjob memory add`` and ``mtjob eval --post-edits``. Read without ``verify``: a JSONL
that a person's corrections were merged into is what these commands are for; read strictly
all the same (``outfolder.jsonl``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import ConfigError, InputError
from ..inputs.sources import display_name


def folder_sentences(out: Path) -> Iterator[tuple[str, int, int, dict[str, Any]]]:
    """(doc_id, paragraph, sentence index, sentence dict) of every ``OUT/*.jsonl`` (written
    atomically, so any that exists is whole). A line that is not a paragraph record of its
    article is an InputError naming the file and the line."""
    from .jsonl import paragraph_dicts  # not at import: a run with --memory reads no JSONL

    if not out.is_dir():
        raise ConfigError(f"{out}: not an output folder")
    for path in sorted(out.glob("*.jsonl")):
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"{display_name(path)}: cannot read: {exc.strerror or exc}"
                             ) from None
        for record in paragraph_dicts(data, display_name(path), path.stem):
            for index, sentence in enumerate(record["sentences"]):
                yield path.stem, record["para_id"], index, sentence
