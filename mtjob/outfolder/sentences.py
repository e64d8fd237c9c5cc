"""The sentences of a finished output folder as written, corrections included (``post_edit``),
for ``mtjob memory add`` and ``mtjob eval --post-edits``. Read without ``verify``: a JSONL
that a person's corrections were merged into is what these commands are for."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import ConfigError, InputError


def folder_sentences(out: Path) -> Iterator[tuple[str, int, int, dict[str, Any]]]:
    """(doc_id, paragraph, sentence index, sentence dict) of every ``OUT/*.jsonl`` (written
    atomically, so any that exists is whole). A line that is not a record is an error."""
    if not out.is_dir():
        raise ConfigError(f"{out}: not an output folder")
    for path in sorted(out.glob("*.jsonl")):
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                try:
                    record = json.loads(line, parse_constant=_not_json)
                    sentences = record["sentences"]
                    para = int(record["para_id"])
                    if not all(isinstance(x, dict) for x in sentences):
                        raise TypeError("a sentence is not an object")
                except (ValueError, KeyError, TypeError) as exc:
                    raise InputError(f"{path} line {number}: not a paragraph record "
                                     f"({exc})") from None
                for index, sentence in enumerate(sentences):
                    yield path.stem, para, index, sentence


def _not_json(name: str) -> None:
    """``NaN`` and ``Infinity``: Python's json reads them, no writer of mtjob's writes them
    (a hand-edited file does), and a NaN score would silently rank as no score at all."""
    raise ValueError(f"{name} is not a JSON number")
