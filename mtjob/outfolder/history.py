"""``mtjob verify OUT --history DOC_ID``: an article's corrections history, sentence by sentence.

Each sentence that has corrections is listed at its place now (``pP-sS``) with its Arabic,
then every correction that lands on it, oldest stored first: ``*`` marks the one that
applies, then when, the review state, who, where it came from and the text. Corrections
whose Arabic is gone from the article (or that were made for another text read from stdin)
follow under ``applies nowhere``. Every field is one escaped line (names and texts come
from people's files).
"""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import ConfigError, InputError
from ..inputs.sources import display_name, one_line
from .atomic import read_plain
from .corrected import ArticleCorrections
from .corrections import Correction, read_corrections
from .jsonl import load_document
from .machine import machine_bytes, parse_jsonl
from .paths import abstract_path, article_ids, jsonl_path


def _row(mark: str, c: Correction) -> str:
    origin = c.edit_from or "?"
    if c.propagated_from:
        origin = f"{origin} from {c.propagated_from}"
    older = "" if c.mt_en is None else "  (made on: " + json.dumps(c.mt_en,
                                                                   ensure_ascii=False) + ")"
    return one_line(f"  {mark} {c.edited_at}  {c.review:<9}  {c.edited_by or '-'}  {origin}  "
                    f"{json.dumps(c.post_edit, ensure_ascii=False)}{older}")


def history_lines(out: Path, doc_id: str) -> list[str]:
    """The lines ``verify --history`` prints for one article (see the module docstring)."""
    if doc_id not in article_ids(out):  # never a path outside OUT (--history ../x)
        raise ConfigError(f"--history: no article {doc_id!r} in {out}")
    data = read_plain(jsonl_path(out, doc_id))
    if data is None:
        raise ConfigError(f"--history: no article {doc_id!r} in {out}")
    try:
        meta = load_document(read_plain(abstract_path(out, doc_id)) or b"{}")
    except ValueError as exc:
        raise InputError(f"{display_name(abstract_path(out, doc_id))}: not valid JSON ({exc}); "
                         f"mtjob verify {out} says more") from None
    try:
        records = parse_jsonl(machine_bytes(data))
    except ValueError as exc:
        raise InputError(f"{display_name(jsonl_path(out, doc_id))}: {exc}; mtjob verify {out} "
                         "says more") from None
    source = meta.get("source_sha256") if isinstance(meta, dict) else None
    article = ArticleCorrections(records,
                                 read_corrections(out, doc_id),
                                 source if isinstance(source, str) else None)
    lines = [one_line(f"{doc_id}: {sum(len(h) for h in article.history.values())} "
                      f"correction(s) on {len(article.history)} sentence(s), "
                      f"{len(article.unapplied)} applying nowhere")]
    for i in sorted(article.history):
        winner = article.winner(i)
        lines.append(one_line(f"{article.unit_id(i)}  {article.index.arabic[i]}"))
        lines += [_row("*" if c is winner else " ", c) for c in article.corrections_of(i)]
    if article.unapplied:
        lines.append("applies nowhere (its Arabic is gone, or another text read from stdin):")
        lines += [_row(" ", c) for c in article.unapplied]
    return lines
