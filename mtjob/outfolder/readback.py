"""A finished output folder read back into typed articles (``outfolder.finished``), strictly
(``outfolder.jsonl``), for export, ``import``, ``eval`` and the review pages.

:func:`read_folder` refuses a folder that fails ``verify`` (a partial or edited run must not
be published or corrected as if whole); :func:`read_finished_part` gives the articles that are
finished and intact and names the others, for ``mtjob export`` without ``--strict``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError, MtjobError
from ..inputs.sources import display_name
from .atomic import read_plain
from .finished import FinishedArticle, FinishedParagraph, FinishedSentence
from .finished_abstract import FinishedAbstract, validate_abstract
from .jsonl import RecordError, load_document, read_paragraphs
from .paths import abstract_path, article_ids, jsonl_path, page_key
from .schema import from_json
from .verify import check_folder
from .verify_report import VerifyReport

__all__ = ["FinishedArticle", "FinishedParagraph", "FinishedSentence", "PartialFolder",
           "UnfinishedOutputError", "read_finished", "read_finished_part", "read_folder"]


class UnfinishedOutputError(MtjobError):
    """The folder fails ``mtjob verify``: exporting it would publish a partial or edited run."""

    exit_code = 1


def _read(path: Path) -> bytes:
    data = read_plain(path)
    if data is None:
        raise RecordError(f"{display_name(path)}: missing or not a regular file")
    return data


def read_finished(out: Path, doc_id: str) -> FinishedArticle:
    """One finished article: its abstract record and every line of its JSONL, each a valid
    record of this article (else a RecordError naming the file and the line)."""
    path = abstract_path(out, doc_id)
    abstract, jsonl = _read(path), _read(jsonl_path(out, doc_id))
    try:
        meta = load_document(abstract)
    except ValueError as exc:
        raise RecordError(f"{display_name(path)}: not valid JSON ({exc})") from None
    problems = validate_abstract(meta)
    if problems:
        raise RecordError(f"{display_name(path)}: {problems[0]}")
    paragraphs = read_paragraphs(jsonl, display_name(jsonl_path(out, doc_id)), doc_id)
    if len(paragraphs) != meta["paragraphs"]:
        raise RecordError(f"{display_name(jsonl_path(out, doc_id))}: {len(paragraphs)} "
                          f"records, the abstract says {meta['paragraphs']}")
    return FinishedArticle(doc_id=doc_id, paragraphs=paragraphs, meta=meta,
                           record=from_json(FinishedAbstract, meta),
                           page_key=page_key(abstract, jsonl))


def _articles(out: Path) -> list[str]:
    """The articles of ``out``; ConfigError (exit 2) when it is not a folder or has none."""
    name = display_name(out)
    if not out.is_dir():
        raise ConfigError(f"{name}: not a folder (give the --out folder of a finished run)")
    doc_ids = article_ids(out)
    if not doc_ids:
        raise ConfigError(f"{name}: no finished article (no *.abstract.json)")
    return doc_ids


def _refusal(out: Path, problems: list[str]) -> UnfinishedOutputError:
    name = display_name(out)
    more = f" (and {len(problems) - 1} more; run `mtjob verify {name}`)" \
        if len(problems) > 1 else ""
    return UnfinishedOutputError(f"{name} fails verify, {len(problems)} problem(s): "
                                 f"{problems[0]}{more}")


def read_folder(out: Path) -> list[FinishedArticle]:
    """Every article of a finished output folder, sorted by doc id.

    Raises ConfigError (exit 2) when ``out`` is not a folder or holds no article, and
    UnfinishedOutputError (exit 1) when it fails ``verify``: the first problem and the count.
    """
    doc_ids = _articles(out)
    report = check_folder(out)
    if not report.ok:
        raise _refusal(out, report.errors)
    return [read_finished(out, doc_id) for doc_id in doc_ids]


@dataclass
class PartialFolder:
    """The finished articles of a folder, and the others with the reason each was left out
    (by status word: ``pending``, ``failed``, ``not_an_article``, or ``broken``: its files
    fail ``verify``)."""

    articles: list[FinishedArticle]
    left_out: dict[str, dict[str, str]] = field(default_factory=dict)
    report: VerifyReport | None = None


def read_finished_part(out: Path) -> PartialFolder:
    """The articles of ``out`` that are done and whose files pass ``verify``; the others are
    named in ``left_out``. Raises as :func:`read_folder` when no article is finished, or when
    the folder cannot tell which are (no manifest)."""
    doc_ids = _articles(out)
    report = check_folder(out)
    if report.ok:
        return PartialFolder([read_finished(out, d) for d in doc_ids], report=report)
    if not report.has_manifests:
        raise _refusal(out, report.errors)
    left = {status: dict(found) for status, found in report.left.items()}
    named = {d for found in left.values() for d in found}
    broken = {d: found[0] for d, found in report.by_article.items() if d not in named}
    if broken:
        left["broken"] = broken
    good = [d for d in doc_ids if d in report.done and d not in report.by_article]
    if not good:
        raise _refusal(out, report.errors)
    return PartialFolder([read_finished(out, d) for d in good], left, report)
