"""``verify``: is an output folder finished, well-formed and as recorded? Every problem is
named with its file (and line), and checking goes on after each one."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..inputs.sources import display_name as shown
from ..vocabulary import Status
from . import journal
from .atomic import TMP_MARK, read_plain
from .corrections import check_article
from .english_text import SUFFIX as TEXT
from .english_text import check_texts
from .machine import machine_bytes
from .manifest import TAG, read_manifest
from .paths import INDEX, META, REVIEW_DIR, abstract_path, jsonl_path, meta_dir, sha256_bytes
from .schema import validate_abstract, validate_paragraph
from .verify_beyond import input_errors, review_page_warnings

_MAX_PER_FILE = 20  # a file broken on every line would bury the other findings
_ABSTRACT = ".abstract.json"
_LOCK = re.compile(rf"lock-({TAG.pattern})")


@dataclass
class VerifyReport:
    """What :func:`check_folder` found: errors fail ``verify``; warnings (stray files) do
    not, unless ``strict``."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: Articles the manifests list, by status word (docs/output.md, "Status words").
    articles: dict[str, int] = field(default_factory=dict, compare=False)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Recorded:
    manifest: Path
    entry: dict[str, Any]


def check_folder(out: Path, inputs: list[Path] | None = None, strict: bool = False) -> VerifyReport:
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
        if name.endswith(_ABSTRACT) and item.is_file():
            doc_ids.add(name[:-len(_ABSTRACT)])
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
            report.errors += input_errors(inputs, {d: r.entry for d, r in recorded.items()})
    if (out / REVIEW_DIR / INDEX).is_file():  # a --report run made it
        report.warnings += review_page_warnings(out, doc_ids)
    if strict:
        report.errors += report.warnings
        report.warnings = []
    return report


def _check_bookkeeping(meta: Path, report: VerifyReport, overlay: dict[Path, bytes] | None = None
                       ) -> dict[str, _Recorded]:
    """Shards complete, articles done; returns the articles the valid manifests list."""
    manifests = {m.group(1): meta / f"manifest-{m.group(1)}.json" for p in meta.iterdir()
                 if (m := re.fullmatch(rf"manifest-({TAG.pattern})\.json", p.name))}
    began = {m.group(1) for p in meta.iterdir() if (m := _LOCK.fullmatch(p.name))}
    counts = sorted({int(TAG.fullmatch(t).group(2)) for t in {*manifests, *began}})
    if not counts:
        report.errors.append(f"{shown(meta)}: no manifest: no run has written one here")
    if len(counts) > 1:
        report.warnings.append(f"{shown(meta)}: bookkeeping of several shard counts "
                               f"({', '.join(map(str, counts))})")
    recorded: dict[str, _Recorded] = {}
    for world in counts:
        for rank in range(world):
            tag = f"{rank:05d}-of-{world:05d}"
            if tag not in manifests:
                why = ("began but wrote no manifest (interrupted?)" if tag in began
                       else "has no manifest (never ran?)")
                report.errors.append(f"{shown(meta)}: shard {rank}/{world} {why}")
                continue
            manifest, problems = read_manifest(manifests[tag],
                                               (overlay or {}).get(manifests[tag]))
            report.errors += problems
            if manifest is None:
                continue
            for doc_id, entry in sorted(manifest["articles"].items()):
                recorded[doc_id] = _Recorded(manifests[tag], entry)
                report.articles[entry["status"]] = report.articles.get(entry["status"], 0) + 1
                if entry["status"] != Status.DONE:
                    report.errors.append(
                        f"{shown(manifests[tag])}: {shown(doc_id)} is {entry['status']}: "
                        f"{shown(entry.get('error', 'not written (run interrupted?)'))}")
            if not (meta / "completions" / tag).is_file():
                report.errors.append(f"{shown(meta)}: shard {rank}/{world} has no "
                                     "completion marker")
    return recorded


def _machine_sha(data: bytes) -> str | None:
    try:
        return sha256_bytes(machine_bytes(data))
    except ValueError:  # a broken line: named by _check_jsonl
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
        record = _read_abstract(abstract, report, overlay)
        data = overlay.get(jsonl) or read_plain(jsonl)
        if data is None:
            report.errors.append(f"{shown(jsonl)}: missing" + (
                " (the manifest lists it)" if doc_id in done else " (unfinished?)"))
        elif record is not None:
            if _machine_sha(data) != record["jsonl_sha256"]:
                report.errors.append(f"{shown(jsonl)}: content differs from the hash its "
                                     "abstract recorded (truncated or edited)")
            count = _check_jsonl(jsonl, data, doc_id, report)
            if count is not None:
                report.errors += check_article(out, doc_id, data, overlay)
            if count is not None and count != record["paragraphs"]:
                report.errors.append(f"{shown(jsonl)}: {count} records, the abstract says "
                                     f"{record['paragraphs']}")
        if doc_id in done:
            _check_recorded(abstract, record, recorded[doc_id], report, overlay)
        elif listed and doc_id not in recorded:
            report.warnings.append(f"{shown(jsonl)}: not listed in any manifest")


def _read_abstract(path: Path, report: VerifyReport, overlay: dict[Path, bytes]
                   ) -> dict[str, Any] | None:
    data = overlay.get(path) or read_plain(path)
    if data is None:
        report.errors.append(f"{shown(path)}: missing")
        return None
    try:
        record = json.loads(data)
    except ValueError as exc:
        report.errors.append(f"{shown(path)}: not valid JSON ({exc})")
        return None
    problems = validate_abstract(record)
    report.errors += [f"{shown(path)}: {p}" for p in problems]
    return None if problems else record


def _check_jsonl(path: Path, data: bytes, doc_id: str, report: VerifyReport) -> int | None:
    """Lines well-formed and in order; the record count, or None when some line is not."""
    problems: list[str] = []
    lines = data.splitlines(keepends=True)
    for number, raw in enumerate(lines, start=1):
        if not raw.endswith(b"\n"):
            problems.append(f"line {number} is cut (no newline at end of file)")
        try:
            record = json.loads(raw)
        except ValueError as exc:
            problems.append(f"line {number} is not valid JSON ({exc})")
            continue
        found = validate_paragraph(record)
        problems += [f"line {number}: {p}" for p in found]
        if found:
            continue
        if record["para_id"] != number - 1:
            problems.append(f"line {number} has para_id {record['para_id']}, "
                            f"expected {number - 1}")
        if record["doc_id"] != doc_id:
            problems.append(f"line {number} has doc_id {shown(record['doc_id'])}")
    if len(problems) > _MAX_PER_FILE:
        problems[_MAX_PER_FILE:] = [f"and {len(problems) - _MAX_PER_FILE} more problems"]
    report.errors += [f"{shown(path)}: {p}" for p in problems]
    return None if problems else len(lines)


def _check_recorded(abstract: Path, record: dict[str, Any] | None, recorded: _Recorded,
                    report: VerifyReport, overlay: dict[Path, bytes]) -> None:
    """The files as the manifest recorded them when the article was written."""
    entry, name = recorded.entry, recorded.manifest.name
    if record is not None and (record["jsonl_sha256"] != entry["jsonl_sha256"]
                               or record["source_sha256"] != entry["source_sha256"]):
        report.errors.append(f"{shown(abstract)}: names other hashes than {name}")
    data = overlay.get(abstract) or read_plain(abstract)
    if data is None:
        return
    if entry.get("abstract_sha256") is None:
        report.warnings.append(f"{shown(abstract)}: {name} records no hash of it (written "
                               "by an older mtjob): its text is not checked")
    elif sha256_bytes(data) != entry["abstract_sha256"]:
        report.errors.append(f"{shown(abstract)}: differs from the hash in {name} (edited?)")


def verify(out: Path, inputs: list[Path] | None = None, strict: bool = False) -> list[str]:
    """The errors of :func:`check_folder` (empty: all good)."""
    return check_folder(out, inputs, strict).errors
