"""``mtjob import``: the English people wrote, from the exports, into the output folder.

Each unit of each file (``mtjob.feedback.formats``) is matched to its sentence by its ids and
checked against what it was exported with: the Arabic, and the machine English (or the hash of
the article's machine output). A unit that fails a check is refused, named by file, unit and
reason; the rest are stored (``mtjob.outfolder.corrections``) and applied to the JSONL, every
file of the import replaced at once (``mtjob.outfolder.journal``) under the locks of the
shards that own them.
A CAT tool's own memory (no ids) is matched by the Arabic within the folder.
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError
from ..outfolder import journal
from ..outfolder.atomic import read_plain
from ..outfolder.corrections import (
    Correction,
    corrections_path,
    now_utc,
    parse_corrections,
    store_bytes,
    with_corrections,
)
from ..outfolder.lock import ShardLock
from ..outfolder.machine import machine_bytes
from ..outfolder.manifest import TAG, read_manifest
from ..outfolder.paths import jsonl_path, meta_dir, sha256_bytes
from ..outfolder.readback import FinishedArticle, FinishedSentence, read_folder
from ..terms.check import TermMiss
from ..terms.stored import post_edit_misses
from .formats import Unit, read_units


@dataclass
class ImportReport:
    applied: list[Correction] = field(default_factory=list)
    unchanged: int = 0
    refused: list[tuple[str, str, str]] = field(default_factory=list)  # file, unit, reason
    articles: list[str] = field(default_factory=list)
    resummarized: list[str] = field(default_factory=list)
    #: Issue 32: post-edits whose English lacks a glossary term (doc id, unit, the terms).
    term_misses: list[tuple[str, str, list[TermMiss]]] = field(default_factory=list)

    def summary_line(self) -> str:
        again = f"; {len(self.resummarized)} abstract(s) remade" if self.resummarized else ""
        terms = f"; {len(self.term_misses)} lack a glossary term" if self.term_misses else ""
        return (f"{len(self.applied)} correction(s) applied to {len(self.articles)} "
                f"article(s), {self.unchanged} unit(s) already so, {len(self.refused)} "
                f"refused{again}{terms}")


def import_files(out: Path, files: list[Path], by: str | None = None,
                 wait_lock: float = 0.0, resummarize: bool = False) -> ImportReport:
    """Apply the corrections of ``files`` to ``out`` (see the module docstring).
    ``resummarize``: remake the abstract of every article whose corrected English it was not
    made from (``mtjob.feedback.resummarize``), in the same commit."""
    units = [u for path in files for u in read_units(path)]
    report = ImportReport()
    with ExitStack() as stack:
        for rank, world in _shards(out):
            stack.enter_context(ShardLock(out, rank, world, wait_lock))
        journal.recover(out)
        articles = {a.doc_id: a for a in read_folder(out)}  # refuses a folder failing verify
        by_arabic = _arabic_index(articles) if any(u.doc_id is None for u in units) else {}
        new: dict[str, list[Correction]] = {}
        for unit in units:
            for found in _match(unit, articles, by_arabic, report):
                article, para, sent = found
                _decide(unit, article, para, sent, by, new, report)
        files_out: dict[Path, bytes] = {}
        for doc_id, corrections in sorted(new.items()):
            store = corrections_path(out, doc_id)
            old = read_plain(store)
            stored = parse_corrections(old or b"", str(store)) + corrections
            machine = machine_bytes(read_plain(jsonl_path(out, doc_id)) or b"")
            files_out[jsonl_path(out, doc_id)] = with_corrections(machine, stored)[0]
            files_out[store] = store_bytes(old, corrections)
            report.applied += corrections
            report.articles.append(doc_id)
            report.term_misses += post_edit_misses(out, articles[doc_id], corrections)
        if resummarize:
            files_out.update(_resummarized(out, articles, files_out, report))
        journal.commit(out, files_out)
        from ..export.refresh import refresh_after_import

        refresh_after_import(out, report.articles + report.resummarized)
    return report


def _shards(out: Path) -> list[tuple[int, int]]:
    """The shards whose manifests are in ``out`` (an import takes all their locks)."""
    meta = meta_dir(out)
    if not meta.is_dir():
        raise ConfigError(f"{out}: not an mtjob output folder (no {meta.name}/)")
    found = []
    for path in sorted(meta.glob("manifest-*.json")):
        match = TAG.fullmatch(path.name[len("manifest-"):-len(".json")])
        if match and read_manifest(path)[0] is not None:
            found.append((int(match.group(1)), int(match.group(2))))
    return found


def _match(unit: Unit, articles: dict[str, FinishedArticle],
           by_arabic: dict[str, list[tuple[FinishedArticle, int, int]]], report: ImportReport
           ) -> list[tuple[FinishedArticle, int, int]]:
    """The sentences a unit is for; none (refused, with the reason) if it fits no sentence."""
    def refuse(reason: str) -> list[tuple[FinishedArticle, int, int]]:
        report.refused.append((unit.file, unit.unit, reason))
        return []

    if unit.doc_id is None:  # a CAT tool's memory: by the Arabic, anywhere in the folder
        return by_arabic.get(unit.ar.strip()) or \
            refuse("no sentence of the folder has this Arabic")
    article = articles.get(unit.doc_id) or _by_source(unit, articles)
    if article is None:
        return refuse(f"no article {unit.doc_id!r} in the folder")
    if unit.para_id is None or unit.sent_id is None:
        return refuse("not an mtjob unit id (pP-sN)")
    if unit.fingerprint is not None and unit.fingerprint != article.machine_sha256:
        return refuse("the article was re-translated since this file was exported")
    sentence = _sentence(article, unit.para_id, unit.sent_id)
    if sentence is None:
        return refuse(f"the article has no sentence p{unit.para_id}-s{unit.sent_id} now")
    if sentence.ar != unit.ar:
        return refuse("the Arabic differs from the sentence's (the source changed since "
                      "export)")
    if unit.mt_en is not None and unit.mt_en != sentence.en:
        return refuse("the machine English differs from the sentence's (re-translated "
                      "since export)")
    if unit.mt_en is None and unit.fingerprint is None and unit.text != sentence.final:
        return refuse("the file does not say which machine English it was exported with")
    return [(article, unit.para_id, unit.sent_id)]


def _arabic_index(articles: dict[str, FinishedArticle]
                  ) -> dict[str, list[tuple[FinishedArticle, int, int]]]:
    """Every sentence of the folder by its Arabic (for units that name no sentence)."""
    index: dict[str, list[tuple[FinishedArticle, int, int]]] = {}
    for article in articles.values():
        for p, s in article.sentences():
            index.setdefault(s.ar.strip(), []).append((article, p.para_id, s.index))
    return index


def _by_source(unit: Unit, articles: dict[str, FinishedArticle]) -> FinishedArticle | None:
    hits = [a for a in articles.values() if a.source_name == unit.doc_id]
    return hits[0] if len(hits) == 1 else None


def _sentence(article: FinishedArticle, para: int, sent: int) -> FinishedSentence | None:
    for paragraph, sentence in article.sentences():
        if paragraph.para_id == para and sentence.index == sent:
            return sentence
    return None


def _decide(unit: Unit, article: FinishedArticle, para: int, sent: int, by: str | None,
            new: dict[str, list[Correction]], report: ImportReport) -> None:
    """A unit that matched: a new correction, or nothing (unedited, or already so)."""
    sentence = _sentence(article, para, sent)
    assert sentence is not None  # _match found it
    # A target still holding the Arabic (the OmegaT export, untranslated) is no English.
    edited = unit.text != sentence.ar and (unit.done or unit.text != sentence.en)
    if not edited:
        report.unchanged += 1
        return
    # The last unit of an import for a sentence wins, so that importing again is a no-op.
    pending = new.get(article.doc_id, [])
    pending[:] = [c for c in pending if (c.para_id, c.sent_id) != (para, sent)]
    if unit.text == sentence.post_edit:
        report.unchanged += 1
        return
    if not unit.text.strip():
        report.refused.append((unit.file, unit.unit, "the new English is empty"))
        return
    new.setdefault(article.doc_id, []).append(Correction(
        doc_id=article.doc_id, para_id=para, sent_id=sent, ar=sentence.ar, mt_en=sentence.en,
        post_edit=unit.text, edited_by=unit.edited_by or by, edited_at=unit.edited_at or now_utc(),
        source=f"{Path(unit.file).name}#{unit.unit}"))


def _resummarized(out: Path, articles: dict[str, FinishedArticle], files_out: dict[Path, bytes],
                  report: ImportReport) -> dict[Path, bytes]:
    """Abstracts (and manifests) remade for the articles with post-edits whose abstract was
    not made from exactly this English (none for an article mostly not Arabic)."""
    from ..text.langid import NOT_ARABIC
    from .resummarize import resummarize

    todo = {}
    for doc_id, article in articles.items():
        if NOT_ARABIC in (article.meta.get("article_flags") or ()):
            continue
        path = jsonl_path(out, doc_id)
        data = files_out.get(path) or read_plain(path) or b""
        if b'"post_edit":' in data and \
                article.meta.get("summary_jsonl_sha256") != sha256_bytes(data):
            todo[doc_id] = data
    report.resummarized = sorted(todo)
    return resummarize(out, todo) if todo else {}
