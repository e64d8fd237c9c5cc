"""Corrections: the English a person wrote for a sentence, kept so that it is never lost.

Store: ``OUT/_mtjob/corrections/DOC_ID.jsonl``, one correction a line, in the order they were
imported; lines are only ever added (the file is rewritten atomically as its old bytes plus the
new lines). Each line: ``doc_id``, ``para_id``, ``sent_id``, ``ar`` (the Arabic it was made
for), ``mt_en`` (the machine English it replaced), ``post_edit``, ``edited_by`` (or null),
``edited_at`` (ISO-8601 UTC), ``source`` (file and unit it came from).

Every JSONL is its machine output plus the corrections that apply to it: a corrected sentence
gains ``post_edit``, ``edited_by`` and ``edited_at``; ``en`` stays the machine's. A correction
applies to the sentence at its position whose Arabic is the same, else to the first sentence
of the article with that Arabic (a rerun with other settings may move it); a later one for the
same sentence wins. The abstract's ``jsonl_sha256`` is the hash of the machine output, i.e. of
the JSONL with those three keys taken out (:func:`machine_bytes`).
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..errors import OutputError
from .atomic import read_plain
from .machine import corrected_paragraphs, dump_jsonl, machine_bytes, parse_jsonl
from .paths import meta_dir, sha256_bytes

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Correction:
    doc_id: str
    para_id: int
    sent_id: int
    ar: str
    mt_en: str
    post_edit: str
    edited_by: str | None
    edited_at: str
    source: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def unit(self) -> str:
        return f"p{self.para_id}-s{self.sent_id}"


def now_utc() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def corrections_dir(out: Path) -> Path:
    return meta_dir(out) / "corrections"


def corrections_path(out: Path, doc_id: str) -> Path:
    return corrections_dir(out) / f"{doc_id}.jsonl"


def parse_corrections(data: bytes, where: str) -> list[Correction]:
    """The corrections of one store file; a line that is not one is an OutputError naming it
    (the store is mtjob's own bookkeeping: a broken line means it was edited)."""
    found = []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise OutputError(f"{where}: not UTF-8 (byte {exc.start}): edited?") from None
    for number, line in enumerate(text.splitlines(), start=1):
        try:
            obj = json.loads(line)
            found.append(Correction(**{k: obj[k] for k in Correction.__dataclass_fields__}))
        except (ValueError, KeyError, TypeError) as exc:
            raise OutputError(f"{where}: line {number} is not a correction ({exc})") from None
    return found


def read_corrections(out: Path, doc_id: str, overlay: dict[Path, bytes] | None = None
                     ) -> list[Correction]:
    """The stored corrections of one article, oldest first (none: ``[]``)."""
    path = corrections_path(out, doc_id)
    data = (overlay or {}).get(path) or read_plain(path)
    return parse_corrections(data, str(path)) if data else []


def store_bytes(old: bytes | None, new: list[Correction]) -> bytes:
    return (old or b"") + "".join(json.dumps(c.to_dict(), ensure_ascii=False) + "\n"
                                  for c in new).encode("utf-8")


def _target(records: list[dict[str, Any]], c: Correction) -> dict[str, Any] | None:
    if 0 <= c.para_id < len(records):
        sentences = records[c.para_id].get("sentences") or []
        if 0 <= c.sent_id < len(sentences) and sentences[c.sent_id].get("ar") == c.ar:
            found: dict[str, Any] = sentences[c.sent_id]
            return found
    for record in records:
        for sentence in record.get("sentences") or []:
            if sentence.get("ar") == c.ar:
                found = sentence
                return found
    return None


def apply_corrections(records: list[dict[str, Any]], corrections: list[Correction]
                      ) -> list[Correction]:
    """Apply ``corrections`` (oldest first) to paragraph records in place; returns those that
    apply to no sentence (its Arabic is gone). Records must hold no correction yet."""
    unapplied = []
    for c in corrections:
        sentence = _target(records, c)
        if sentence is None:
            unapplied.append(c)
            continue
        sentence.update(post_edit=c.post_edit, edited_by=c.edited_by, edited_at=c.edited_at)
    return unapplied


def with_corrections(machine: bytes, corrections: list[Correction]
                     ) -> tuple[bytes, list[Correction]]:
    """The JSONL of ``machine`` output plus ``corrections``, and those that do not apply."""
    if not corrections:
        return machine, []
    records = parse_jsonl(machine)
    unapplied = apply_corrections(records, corrections)
    return dump_jsonl(records), unapplied


def check_article(out: Path, doc_id: str, data: bytes, overlay: dict[Path, bytes]
                  ) -> list[str]:
    """``verify``'s check: the JSONL equals its machine output plus its corrections."""
    try:
        corrections = read_corrections(out, doc_id, overlay)
        expected, _ = with_corrections(machine_bytes(data), corrections)
    except (OutputError, ValueError) as exc:
        return [str(exc)]
    if expected != data:
        return [f"{doc_id}.jsonl: its post-edits differ from its corrections in "
                f"{corrections_path(out, doc_id)} (edited by hand?)"]
    return []


def reapply(out: Path, doc_id: str, machine: bytes
            ) -> tuple[bytes, tuple[list[str], str] | None]:
    """What a run writes for its ``machine`` output (the JSONL the output writer made): the
    JSONL with every stored correction whose Arabic sentence is still there (the others are
    named in the log, and stay stored) and, when one applied, what the run summarizes
    instead of the machine's English: the English paragraphs with the post-edits in place,
    and the hash of the JSONL they come from."""
    corrections = read_corrections(out, doc_id)
    data, unapplied = with_corrections(machine, corrections)
    if corrections:
        log.info("%s: %d correction(s) re-applied", doc_id,
                 len(corrections) - len(unapplied))
    for c in unapplied:
        log.warning("%s %s: correction no longer applies (its Arabic sentence is gone); kept "
                    "in %s", doc_id, c.unit, corrections_path(out, doc_id))
    applied = len(corrections) > len(unapplied)
    return data, (corrected_paragraphs(data), sha256_bytes(data)) if applied else None
