"""``--text``: ``OUT/NAME.en.txt``, the article's final English for reading in an editor or
publishing, one paragraph per block (a blank line between paragraphs), in the JSONL's order.

The final English is what people made of the machine's: a paragraph with a post-edit is its
sentences' final English (``post_edit`` where there is one, else ``en``) joined as the run
joins them; any other paragraph is its ``en`` as written. It is derived from ``NAME.jsonl``
alone, so it needs no entry of its own in the manifest: ``verify`` checks it against the
JSONL beside it, a run with ``--text`` writes it (atomically) for every article it writes and
for every unchanged one that lacks it or whose copy differs, and ``mtjob import`` rewrites
the ones it finds for the articles it changed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..inputs.sources import display_name
from ..records import join_sentences
from .atomic import read_plain, write_if_changed
from .machine import final_text
from .paths import TEXT as SUFFIX
from .paths import jsonl_path


def text_path(out: Path, doc_id: str) -> Path:
    return out / f"{doc_id}{SUFFIX}"


def english_text(paragraphs: Iterable[str]) -> bytes:
    """The paragraphs' English, a blank line between them, ending in a newline."""
    return ("\n\n".join(paragraphs) + "\n").encode("utf-8")


def paragraph_final(ar: str, en: str, sentences_ar: list[str], finals: list[str],
                    edited: bool) -> str:
    """A paragraph's final English: its ``en`` as written, or (``edited``: a sentence has a
    post-edit) its sentences' final English joined as the run joins them."""
    return join_sentences(ar, sentences_ar, finals) if edited else en


def final_paragraph(record: dict[str, Any]) -> str:
    """A paragraph record's final English."""
    sentences = record.get("sentences") or []
    return paragraph_final(str(record["ar"]), str(record["en"]), [s["ar"] for s in sentences],
                           [final_text(s) for s in sentences],
                           any(isinstance(s.get("post_edit"), str) for s in sentences))


def text_from_jsonl(data: bytes) -> bytes | None:
    """The text file a JSONL gives; None when a line is not a paragraph record. Lines are
    split on ``\n`` only: a U+2028 inside a sentence is text, as the JSONL's readers take it."""
    try:
        return english_text(final_paragraph(json.loads(line))
                            for line in data.decode("utf-8").split("\n") if line)
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def write_text(out: Path, doc_id: str, paragraphs: Iterable[str] | None = None) -> bool:
    """Write ``NAME.en.txt`` from ``paragraphs`` or, without them, from ``NAME.jsonl``;
    leaves an identical file alone. Returns whether it wrote."""
    if paragraphs is not None:
        data: bytes | None = english_text(paragraphs)
    else:
        jsonl = read_plain(jsonl_path(out, doc_id))
        data = None if jsonl is None else text_from_jsonl(jsonl)
    return data is not None and write_if_changed(text_path(out, doc_id), data)


def check_texts(out: Path, doc_ids: set[str], texts: set[str]) -> list[str]:
    """``verify``'s warnings about the ``NAME.en.txt`` files in ``out``."""
    warnings = []
    for doc_id in sorted(texts):
        path = text_path(out, doc_id)
        if doc_id not in doc_ids:
            warnings.append(f"{display_name(path)}: no {doc_id}.jsonl beside it")
            continue
        jsonl = read_plain(jsonl_path(out, doc_id))
        if jsonl is not None and read_plain(path) != text_from_jsonl(jsonl):
            warnings.append(f"{display_name(path)}: differs from the English of "
                            f"{doc_id}.jsonl (edited? a run with --text rewrites it)")
    return warnings
