"""``NAME.abstract.json`` as its file holds it (:class:`FinishedAbstract`): each key declared
once, with its shape and meaning, as ``outfolder.finished`` declares the JSONL's."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..vocabulary import Forced, Role
from .schema import NUMBER, SHA256, MapOf, OneOf, key, shape_of, validate

#: A recurring name unified across the article (``--consistency``).
NAME = {"name": str, "rendering": str, "sentences": int, "replaced": [str],
        "how": [OneOf(tuple(Forced))]}


@dataclass(frozen=True)
class FinishedAbstract:
    """``NAME.abstract.json``: the abstract, what it was made from and with what; written
    last, it marks the article as done."""

    doc_id: str = key(str, "The article.")
    abstract: str | None = key((str, None), "The English abstract; null with "
                               "`--no-summary`.")
    method: str = key(str, "`abstractive` (one pass), `hierarchical` (chunks summarized, then "
                      "the summaries; the input is never cut), `extractive` (the text is "
                      "shorter than a summary: its own abstract), `not_arabic` (the article "
                      "is mostly not Arabic: no abstract) or `none` (`--no-summary`).")
    paragraphs: int = key(int, "Lines of `NAME.jsonl`.")
    source: str = key(str, "The input's file name.")
    source_sha256: str = key(SHA256, "The input's bytes as translated.")
    jsonl_sha256: str = key(SHA256, "The machine output: `NAME.jsonl` without the "
                            "corrections' keys, byte for byte what the run wrote.")
    models: dict[str, Any] | None = key(
        (dict, None), "Per role (`" + "`, `".join(Role) + "`): id, revision (a local "
        "folder's: a hash of its files), backend, device, precision.")
    settings: dict[str, Any] = key(dict, "The output settings it was made with (a change "
                                   "redoes the article).")
    flags: dict[str, int] = key(MapOf(int), "How many sentences carry each flag.")
    scores: dict[str, Any] | None = key(
        {"scored": int, "min": NUMBER, "median": NUMBER, "low_confidence_share": NUMBER},
        "The sentences' score distribution: `scored`, `min`, `median`, and the share "
        "flagged `low_confidence`.", optional=True)
    checks: dict[str, Any] | None = key(
        {"unsupported_numbers": [str], "unsupported_names": [str], "flags": [str]},
        "Numbers and capitalised names of the abstract found nowhere in the translation.",
        optional=True)
    input_tokens: int | None = key((int, None), "Summarizer tokens read (every level of a "
                                   "hierarchy counted).", optional=True)
    language: str | None = key((str, None), "The article's language as checked (null when "
                               "not checked).", optional=True)
    article_flags: tuple[str, ...] = key([str], "Flags of the whole article "
                                         "(`not_arabic`).", optional=True, default=())
    schema: int | None = key(int, "The record shapes' version (2).", optional=True)
    mtjob_version: str = key(str, "The mtjob that wrote it.", default="")
    summary_from: str | None = key(OneOf(("corrected",)), "`corrected`: summarized from the "
                                   "post-edited English (absent: from the machine's).",
                                   optional=True)
    summary_jsonl_sha256: str | None = key(SHA256, "With `summary_from`: the JSONL, "
                                           "post-edits included, it was made from.",
                                           optional=True)
    names: tuple[dict[str, Any], ...] = key(
        [NAME], "With `--consistency`: the recurring names unified, `{name, rendering, "
        "sentences, replaced, how}` each.", optional=True, default=())


ABSTRACT = shape_of(FinishedAbstract)


def validate_abstract(obj: Any) -> list[str]:
    """Problems of a ``NAME.abstract.json`` record."""
    return validate(obj, ABSTRACT)
