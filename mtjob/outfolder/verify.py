"""``verify``: is an output folder finished, well-formed and as recorded? Every problem is
named with its file (and line), and checking goes on after each one; ``verify_report`` says
it in a newcomer's words."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..inputs.sources import TMP_MARK
from ..inputs.sources import display_name as shown
from ..vocabulary import Status
from . import journal
from .atomic import read_plain
from .corrected import check_article
from .english_text import check_texts
from .finished_abstract import validate_abstract
from .jsonl import check_lines, load_document
from .machine import machine_bytes
from .manifest import TAG, read_manifest
from .paths import (
    ABSTRACT,
    INDEX,
    META,
    REVIEW_DIR,
    TEXT,
    abstract_path,
    jsonl_path,
    meta_dir,
    sha256_bytes,
)
from .verify_beyond import input_errors, review_page_warnings
from .verify_report import VerifyReport

__all__ = ["VerifyReport", "check_folder", "verify"]

_LOCK = re.compile(rf"lock-({TAG.pattern})")
_RERUN = "rerun the same command"


@dataclass
class _Recorded:
    manifest: Path
    entry: dict[str, Any]


def check_folder(out: Path, inputs: list[Path] | None = None, strict: bool = False
                 ) -> VerifyReport:
    """Check ``out``: every shard that began has its manifest and completion marker, every
    article listed is present and as recorded, every file well-formed; with ``inputs``, each
    input is done at its current source hash. Raises ConfigError for a missing input."""
    report = VerifyReport()
    if not out.is_dir():
        report.errors.append(f"{shown(out)}: not a folder")
        return report
    doc_ids: set[str] = set()
    texts: set[str] = set()  # NAME.en.txt (--text): checked against NAME.jsonl
    for item in sorted(out.iterdir()):
        name = item.name
        if name.endswith(ABSTRACT) and item.is_file():
            doc_ids.add(name[:-len(ABSTRACT)])
        elif name.endswith(".jsonl") and item.is_file():
            doc_ids.add(name[:-len(".jsonl")])
        elif name.endswith(TEXT) and item.is_file():
            texts.add(name[:-len(TEXT)])
        elif name in (META, REVIEW_DIR, "export") and item.is_dir():
            continue
        elif TMP_MARK in name:
            report.warnings.append(f"{shown(item)}: temp file of an interrupted write")
        else:
            report.warnings.append(f"{shown(item)}: not an mtjob output")
    report.warnings += check_texts(out, doc_ids, texts)
    meta = meta_dir(out)
    if not doc_ids and not (meta.exists() or meta.is_symlink()):
        report.errors.append(f"{shown(out)}: no mtjob output here")
    elif meta.is_symlink() or not meta.is_dir():
        report.errors.append(f"{shown(out)}: outputs but no bookkeeping ({META} is missing): "
                             "cannot tell whether the run finished" if not meta.is_symlink()
                             else f"{shown(meta)}: is a symlink, not mtjob's bookkeeping")
        _check_outputs(out, doc_ids, {}, report, listed=False, overlay={})
    else:
        overlay = journal.overlay(out)  # what an interrupted `mtjob import` committed
        recorded = _check_bookkeeping(meta, report, overlay)
        if not recorded and not doc_ids and not report.errors:
            # A run over no article exits 66 and writes nothing; older ones wrote an empty
            # manifest, which is no evidence that anything was translated.
            report.errors.append(f"{shown(out)}: the manifests list no article: nothing "
                                 "was translated here")
        _check_outputs(out, doc_ids, recorded, report, listed=True, overlay=overlay)
        if inputs is not None:
            report.errors += input_errors(inputs, {d: r.entry for d, r in recorded.items()},
                                          out)
    if (out / REVIEW_DIR / INDEX).is_file():  # a --report run made it
        report.warnings += review_page_warnings(out, doc_ids)
    report.finish(strict)
    return report


def _check_bookkeeping(meta: Path, report: VerifyReport,
                       overlay: dict[Path, bytes] | None = None) -> dict[str, _Recorded]:
    """Shards complete, articles done; returns the articles the valid manifests list. The
    shards are named only when there are several (``--shard``): one run is "the run"."""
    manifests = {m.group(1): meta / f"manifest-{m.group(1)}.json" for p in meta.iterdir()
                 if (m := re.fullmatch(rf"manifest-({TAG.pattern})\.json", p.name))}
    began = {m.group(1) for p in meta.iterdir() if (m := _LOCK.fullmatch(p.name))}
    counts = sorted({int(found.group(2)) for name in {*manifests, *began}
                     if (found := TAG.fullmatch(name))})
    if not counts:
        report.errors.append(f"{shown(meta)}: no manifest: no run has written one here")
    if len(counts) > 1:
        report.warnings.append(f"{shown(meta)}: bookkeeping of several shard counts "
                               f"({', '.join(map(str, counts))})")
    recorded: dict[str, _Recorded] = {}
    for world in counts:
        for rank in range(world):
            tag = f"{rank:05d}-of-{world:05d}"
            run = "the run" if world == 1 else f"shard {rank}/{world} (--shard {rank}/{world})"
            if tag not in manifests:
                report.errors.append(
                    f"{shown(meta)}: {run} was stopped before it began any article: {_RERUN}"
                    if tag in began else f"{shown(meta)}: {run} has not run here yet: run it")
                continue
            manifest, problems = read_manifest(manifests[tag],
                                               (overlay or {}).get(manifests[tag]))
            report.errors += problems
            if manifest is None:
                continue
            report.has_manifests = True
            left = False
            for doc_id, entry in sorted(manifest["articles"].items()):
                recorded[doc_id] = _Recorded(manifests[tag], entry)
                report.articles[entry["status"]] = report.articles.get(entry["status"], 0) + 1
                if entry["status"] == Status.DONE:
                    report.done.add(doc_id)
                else:
                    left = True
                    report.article_left(entry["status"], doc_id, entry.get("error", ""))
            if not left and not (meta / "completions" / tag).is_file():
                report.errors.append(f"{shown(meta)}: {run} was stopped after its last "
                                     f"article, before it recorded its end: {_RERUN}")
    return recorded


def _machine_sha(data: bytes) -> str | None:
    try:
        return sha256_bytes(machine_bytes(data))
    except ValueError:  # a broken line: named by check_lines
        return None


def _check_outputs(out: Path, doc_ids: set[str], recorded: dict[str, _Recorded],
                   report: VerifyReport, listed: bool, overlay: dict[Path, bytes] | None = None
                   ) -> None:
    """``overlay``: files an interrupted ``mtjob import`` committed
    (``mtjob.outfolder.journal``)."""
    overlay = overlay or {}
    done = {d for d, r in recorded.items() if r.entry["status"] == Status.DONE}
    for doc_id in sorted(doc_ids | done):
        jsonl, abstract = jsonl_path(out, doc_id), abstract_path(out, doc_id)
        record = _read_abstract(doc_id, abstract, report, overlay)
        data = overlay.get(jsonl) or read_plain(jsonl)
        if data is None:
            report.article_error(doc_id, f"{shown(jsonl)}: missing" + (
                " (the manifest lists it)" if doc_id in done else " (unfinished?)"))
        elif record is not None:
            if _machine_sha(data) != record["jsonl_sha256"]:
                report.article_error(doc_id, f"{shown(jsonl)}: content differs from the hash "
                                     "its abstract recorded (truncated or edited)")
            count, problems = check_lines(data, doc_id)
            for problem in problems:
                report.article_error(doc_id, f"{shown(jsonl)}: {problem}")
            if count is not None:
                for problem in check_article(out, doc_id, data, overlay,
                                             record["source_sha256"]):
                    report.article_error(doc_id, problem)
            if count is not None and count != record["paragraphs"]:
                report.article_error(doc_id, f"{shown(jsonl)}: {count} records, the abstract "
                                     f"says {record['paragraphs']}")
        if doc_id in done:
            _check_recorded(doc_id, abstract, record, recorded[doc_id], report, overlay)
        elif listed and doc_id not in recorded:
            report.warnings.append(f"{shown(jsonl)}: not listed in any manifest")


def _read_abstract(doc_id: str, path: Path, report: VerifyReport,
                   overlay: dict[Path, bytes]) -> dict[str, Any] | None:
    data = overlay.get(path) or read_plain(path)
    if data is None:
        report.article_error(doc_id, f"{shown(path)}: missing")
        return None
    try:
        record = load_document(data)
    except ValueError as exc:
        report.article_error(doc_id, f"{shown(path)}: not valid JSON ({exc})")
        return None
    problems = validate_abstract(record)
    for problem in problems:
        report.article_error(doc_id, f"{shown(path)}: {problem}")
    return None if problems else dict(record)


def _check_recorded(doc_id: str, abstract: Path, record: dict[str, Any] | None,
                    recorded: _Recorded, report: VerifyReport, overlay: dict[Path, bytes]
                    ) -> None:
    """The files as the manifest recorded them when the article was written."""
    entry, name = recorded.entry, recorded.manifest.name
    if record is not None and (record["jsonl_sha256"] != entry["jsonl_sha256"]
                               or record["source_sha256"] != entry["source_sha256"]):
        report.article_error(doc_id, f"{shown(abstract)}: names other hashes than {name}")
    data = overlay.get(abstract) or read_plain(abstract)
    if data is None:
        return
    if entry.get("abstract_sha256") is None:
        report.warnings.append(f"{shown(abstract)}: {name} records no hash of it (written "
                               "by an older mtjob): its text is not checked")
    elif sha256_bytes(data) != entry["abstract_sha256"]:
        report.article_error(doc_id, f"{shown(abstract)}: differs from the hash in {name} "
                             "(edited?)")


def verify(out: Path, inputs: list[Path] | None = None, strict: bool = False) -> list[str]:
    """The errors of :func:`check_folder` (empty: all good)."""
    return check_folder(out, inputs, strict).errors
