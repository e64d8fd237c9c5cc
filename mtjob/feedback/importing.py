"""``mtjob import``: what people did with the exports, into the output folder's corrections.

Each unit of each file (``mtjob.feedback.formats``) finds its sentence by what the file holds:
the article by its doc id (the page, the TSV, mtjob's TMX) or by its content (an XLIFF's
machine output hash and ``original``; never the file's name), the sentence by its place and
its Arabic (the Arabic elsewhere in the article when the article moved; refused only when the
Arabic is gone); a CAT tool's memory (no ids) by the Arabic anywhere in the folder, where
its context (OmegaT's alternative translations) allows. ``mtjob.feedback.deciding`` says
what the unit means; every correction goes into the article's history
(``mtjob.outfolder.corrections``), the newest applies, and edits reach the repeats of their
Arabic (``mtjob.feedback.propagation``). A unit that fits nowhere is refused, named by file,
unit and reason. All files change at once (``mtjob.outfolder.journal``), under the locks of
every shard.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError
from ..inputs.controls import clean_person_text
from ..inputs.sources import display_name
from ..outfolder import journal
from ..outfolder.anchors import anchor_key
from ..outfolder.atomic import read_plain
from ..outfolder.corrections import Correction, corrections_path, now_utc, store_bytes
from ..outfolder.lock import ShardLock
from ..outfolder.manifest import TAG, read_manifest
from ..outfolder.paths import jsonl_path, meta_dir, sha256_bytes
from ..outfolder.readback import FinishedArticle, read_folder
from ..terms.check import TermMiss
from ..terms.stored import post_edit_misses
from ..vocabulary import EditFrom
from .deciding import APPLIED, NAMELESS, OLDER, decide
from .folder import Folder
from .formats import read_units
from .propagation import propagate
from .units import Unit

log = logging.getLogger(__name__)


@dataclass
class ImportReport:
    applied: list[Correction] = field(default_factory=list)
    propagated: list[Correction] = field(default_factory=list)
    unchanged: int = 0
    older: int = 0  # kept in the history, a newer correction applies (or an older text)
    older_output: int = 0  # applied, made on older machine English than the folder holds
    nameless: int = 0  # a CAT memory's entries with no author nor time and a new English
    refused: list[tuple[str, str, str]] = field(default_factory=list)  # file, unit, reason
    articles: list[str] = field(default_factory=list)
    resummarized: list[str] = field(default_factory=list)
    #: Post-edits whose English lacks a glossary term (doc id, unit, the terms).
    term_misses: list[tuple[str, str, list[TermMiss]]] = field(default_factory=list)

    def summary_line(self) -> str:
        again = f"; {len(self.resummarized)} abstract(s) remade" if self.resummarized else ""
        spread = f", {len(self.propagated)} repeat(s) propagated" if self.propagated else ""
        older = (f", {self.older} older than the sentence's newest correction (kept the "
                 "newer)") if self.older else ""
        made = f" ({self.older_output} made on older machine output)" \
            if self.older_output else ""
        terms = f"; {len(self.term_misses)} lack a glossary term" if self.term_misses else ""
        nameless = (f", {self.nameless} memory entr(ies) naming no author or time (no "
                    "edit: a CAT tool's copy of English it was given)") if self.nameless else ""
        return (f"{len(self.applied)} correction(s) applied{made} to {len(self.articles)} "
                f"article(s){spread}, {self.unchanged} unit(s) already so{older}{nameless}, "
                f"{len(self.refused)} refused{again}{terms}")


def import_files(out: Path, files: list[Path], by: str | None = None,
                 wait_lock: float = 0.0, resummarize: bool = False,
                 propagate_edits: bool = True) -> ImportReport:
    """Apply the corrections of ``files`` to ``out`` (see the module docstring).
    ``resummarize``: remake the abstract of every article whose corrected English it was not
    made from (``mtjob.feedback.resummarize``), in the same commit."""
    units = [u for path in files for u in read_units(path)]
    if by is not None:
        by, removed = clean_person_text(by)
        by = by.strip() or None
        if removed:
            log.warning("--by: removed %d control character(s)", removed)
    report = ImportReport()
    with ExitStack() as stack:
        for rank, world in _shards(out):
            stack.enter_context(ShardLock(out, rank, world, wait_lock))
        journal.recover(out)
        folder = Folder(out, read_folder(out))  # refuses a folder failing verify
        now = now_utc()
        applied: list[tuple[str, int, Correction]] = []
        covered: set[tuple[str, int]] = set()  # OmegaT: an alternative beats the default
        for unit in sorted(units, key=lambda u: u.context is None):
            if unit.cleaned:
                log.warning("%s: %s: removed %d control character(s) from the English or "
                            "the editor's name", display_name(unit.file),
                            display_name(unit.unit), unit.cleaned)
            source = f"{Path(unit.file).name}#{unit.unit}"
            if unit.en_only:
                if _typed_over_en(unit, folder):
                    report.refused.append((unit.file, unit.unit, TYPED_OVER_EN))
                continue
            for doc_id, i in _targets(unit, folder, covered, report):
                verdict = decide(unit, folder, doc_id, i, by, now, source)
                if verdict.refused is not None:
                    report.refused.append((unit.file, unit.unit, verdict.refused))
                elif verdict.outcome == APPLIED and verdict.correction is not None:
                    applied.append((doc_id, i, verdict.correction))
                elif verdict.outcome == OLDER:
                    report.older += 1
                elif verdict.outcome == NAMELESS:
                    report.nameless += 1
                else:
                    report.unchanged += 1
        winners = [(d, i, c) for d, i, c in applied if folder.state(d).winner(i) is c]
        report.applied = [c for _, _, c in winners]
        report.older_output = sum(
            (c.mt_en is not None and c.mt_en != folder.machine_en(d, i))
            or (c.mt_sha256 is not None and c.mt_sha256 != folder.articles[d].machine_sha256)
            for d, i, c in winners)
        report.older += len(applied) - len(report.applied)  # overtaken within this import
        if propagate_edits:
            report.propagated = propagate(folder, applied)
        report.term_misses = _term_misses(folder, [*report.applied, *report.propagated])
        files_out = _files(folder, report)
        if resummarize:
            files_out.update(_resummarized(out, folder.articles, files_out, report))
        journal.commit(out, files_out)
        from ..export.refresh import refresh_after_import

        refresh_after_import(out, report.articles + report.resummarized)
    return report


def _term_misses(folder: Folder, corrections: list[Correction]
                 ) -> list[tuple[str, str, list[TermMiss]]]:
    """The applied corrections whose English lacks a glossary term of their Arabic (each
    named in the log; the page and the exports flag them)."""
    by_doc: dict[str, list[Correction]] = {}
    for c in corrections:
        by_doc.setdefault(c.doc_id, []).append(c)
    return [miss for doc_id, found in sorted(by_doc.items())
            for miss in post_edit_misses(folder.out, folder.articles[doc_id], found)]


def _files(folder: Folder, report: ImportReport) -> dict[Path, bytes]:
    """The new JSONL and store of every article this import added a correction to."""
    files: dict[Path, bytes] = {}
    for doc_id, new in sorted(folder.new.items()):
        store = corrections_path(folder.out, doc_id)
        files[jsonl_path(folder.out, doc_id)] = folder.state(doc_id).jsonl()
        files[store] = store_bytes(read_plain(store), new)
        report.articles.append(doc_id)
    return files


def _shards(out: Path) -> list[tuple[int, int]]:
    """The shards whose manifests are in ``out`` (an import takes all their locks)."""
    meta = meta_dir(out)
    if not meta.is_dir():
        raise ConfigError(f"{display_name(out)}: not an mtjob output folder (no {meta.name}/)")
    found = []
    for path in sorted(meta.glob("manifest-*.json")):
        match = TAG.fullmatch(path.name[len("manifest-"):-len(".json")])
        if match and read_manifest(path)[0] is not None:
            found.append((int(match.group(1)), int(match.group(2))))
    return found


def _targets(unit: Unit, folder: Folder, covered: set[tuple[str, int]],
             report: ImportReport) -> list[tuple[str, int]]:
    """The sentences a unit is for; none (refused, with the reason) if it fits none."""
    def refuse(reason: str) -> list[tuple[str, int]]:
        report.refused.append((unit.file, unit.unit, reason))
        return []

    if unit.problem is not None:
        return refuse(unit.problem)
    if unit.doc_id is not None:
        article = folder.named(unit.doc_id)
        if article is None:
            return refuse(f"no article {unit.doc_id!r} in the folder")
        return _locate(unit, folder, article, refuse)
    if unit.fmt == EditFrom.XLIFF:
        article = folder.by_content(unit.fingerprint, unit.original)
        if article is None:
            return refuse(f"no article of the folder is this file's (original "
                          f"{unit.original!r}, machine output sha256 {unit.fingerprint!r})")
        return _locate(unit, folder, article, refuse)
    hits = folder.by_key.get(anchor_key(unit.ar), [])
    if not hits:
        return refuse("no sentence of the folder has this Arabic")
    if unit.context is not None:  # an OmegaT alternative: only where its context holds
        hits = [h for h in hits if folder.in_context(*h, unit.context)]
        if not hits:
            return refuse(f"no sentence with this Arabic sits where its OmegaT context says "
                          f"(file {unit.context.file!r}, neighbours)")
        covered.update(hits)
        return hits
    return [h for h in hits if h not in covered]


Refuse = Callable[[str], list[tuple[str, int]]]

TYPED_OVER_EN = ("post_edit is empty and the en column is not the machine English of the "
                 "sentence: the en column is the machine's, to check against; write the new "
                 "English in post_edit (or the file is older than the article's last run)")


def _typed_over_en(unit: Unit, folder: Folder) -> bool:
    """A TSV row with an empty post_edit whose ``en`` is no machine or final English of its
    sentence: a person's English typed over the machine's (a row not found stays silent)."""
    article = folder.named(unit.doc_id or "")
    if article is None:
        return False
    i = folder.state(article.doc_id).index.nearest(unit.ar, unit.place)
    if i is None:
        return False
    en = unit.mt_en or ""
    return en not in folder.machine_texts(article.doc_id, i) and \
        en != folder.state(article.doc_id).final(i)


def _locate(unit: Unit, folder: Folder, article: FinishedArticle, refuse: Refuse
            ) -> list[tuple[str, int]]:
    """The sentence of ``article`` a unit names by its place and Arabic (the Arabic
    elsewhere in the article when it moved)."""
    state = folder.state(article.doc_id)
    i = state.index.nearest(unit.ar, unit.place)
    if i is not None:
        return [(article.doc_id, i)]
    if unit.place is not None and state.index.at_place(*unit.place) is not None:
        return refuse("the Arabic differs from the sentence's (the source changed since "
                      "export)")
    where = f" (p{unit.para_id}-s{unit.sent_id} or elsewhere)" if unit.place else ""
    return refuse(f"the article has no sentence with this Arabic now{where}")


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
