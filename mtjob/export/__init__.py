"""Export: a finished output folder for reviewers and tools (HTML, XLIFF, TMX, TSV, text).

Members: ``html`` (+ ``html_assets``), ``xliff``, ``tmx``, ``tsv``, ``xmltext`` (the XML guard),
``pages`` (``mtjob run --report``'s pages as the run goes), ``refresh`` (the pages and text
files an import leaves current), ``html_facts`` (settings, checks and scores in words),
``html_edit`` (the review page's edit mode), ``html_review`` (review states, memory matches
and suggestions on the page). ``text`` is the final English (post-edits in place), as
``--text`` writes it.

``export_folder`` is the whole command minus the CLI: it exports the articles that are
finished and intact and names the others (``strict``: refuses a folder that fails ``verify``),
renders each article with a pure function of its records, and writes one file per article
atomically (an unchanged file is left alone, so a rerun touches nothing).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError, OutputError
from ..inputs.sources import display_name
from ..outfolder.atomic import write_if_changed
from ..outfolder.english_text import english_text
from ..outfolder.paths import INDEX, page_name
from ..outfolder.readback import FinishedArticle, read_finished_part, read_folder
from ..terms.check import TermMiss
from ..terms.stored import final_misses, omegat_glossary
from ..vocabulary import Status
from .html import render_html, render_index
from .tmx import render_project_tmx, render_tmx, tmx_skipped
from .tsv import render_tsv
from .xliff import render_xliff
from .xmltext import XmlText

log = logging.getLogger(__name__)

FORMATS = ("html", "xliff", "tmx", "tsv", "text")
SUFFIXES = {"html": ".html", "xliff": ".xlf", "tmx": ".tmx", "tsv": ".tsv", "text": ".en.txt"}
#: ``--format tmx --project``: the one memory of the whole folder, for OmegaT's ``tm/auto``.
PROJECT_TMX = "project.tmx"


_LEFT_OUT = {Status.PENDING: "article(s) not written yet (the run was stopped before it "
                             "finished)",
             Status.FAILED: "failed article(s)",
             Status.NOT_AN_ARTICLE: "input(s) that are not articles",
             "broken": "article(s) whose files fail verify"}


@dataclass
class ExportReport:
    """What an export wrote: files, sentences written, and what it had to leave out."""

    folder: Path
    files: list[Path] = field(default_factory=list)
    units: int = 0
    dropped_chars: int = 0
    skipped_empty: int = 0
    repeats: int = 0  #: ``--project``: sentences whose Arabic another sentence's English took
    #: Articles not exported, by status word (``pending``, ``failed``, ``not_an_article``,
    #: ``broken``), each with the reason (empty with ``strict``, which refuses instead).
    left_out: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        """Every article of the folder was exported."""
        return not self.left_out

    def left_out_lines(self, first: int = 5) -> list[str]:
        """One line per kind of article left out: the count and the first few, each with its
        reason where it has one."""
        lines = []
        for status, found in self.left_out.items():
            names = [f"{display_name(d)} ({why})" if why else display_name(d)
                     for d, why in list(found.items())[:first]]
            more = f" and {len(found) - first} more" if len(found) > first else ""
            lines.append(f"left out {len(found)} {_LEFT_OUT.get(status, status)}: "
                         f"{', '.join(names)}{more}")
        return lines

    def summary_line(self) -> str:
        extra = ""
        left = sum(map(len, self.left_out.values()))
        if left:
            extra += f"; {left} article(s) left out, not finished"
        if self.dropped_chars:
            extra += f"; {self.dropped_chars} character(s) XML cannot hold dropped"
        if self.skipped_empty:
            extra += f"; {self.skipped_empty} sentence(s) with an empty side left out"
        if self.repeats:
            extra += (f"; {self.repeats} repeated Arabic sentence(s) given one English "
                      "(a person's before the machine's)")
        return (f"{len(self.files)} file(s), {self.units} sentence(s) in "
                f"{display_name(self.folder)}{extra}")


def default_target(out: Path, fmt: str) -> Path:
    """``OUT/export/FORMAT``: beside the run, one folder per format, never mixed with the
    JSONL (``verify`` and reruns look at ``OUT``'s top level only)."""
    return out / "export" / fmt


def _selected(article: FinishedArticle, only_flagged: bool) -> int:
    return sum(1 for _, s in article.sentences() if s.flagged or not only_flagged)


def export_folder(out: Path, fmt: str, to: Path | None = None, *, only_flagged: bool = False,
                  excel: bool = False, omegat: bool = False, project: bool = False,
                  strict: bool = False) -> ExportReport:
    """Export every finished article of ``out`` as ``fmt`` into ``to`` (default
    ``OUT/export/FMT``); the others (failed, not written yet, files that fail ``verify``) are
    left out and named in the report's ``left_out``.

    ``strict``: refuse (UnfinishedOutputError) a folder that fails ``verify`` at all.
    ``only_flagged``: XLIFF, TMX and TSV hold flagged sentences only; HTML pages keep every
    sentence and open with the "flagged only" filter on. ``excel``: TSV with a UTF-8 BOM.
    ``project``: TMX as one memory of the whole folder (``PROJECT_TMX``, default folder
    ``OUT/export/tmx-project``), a person's English beating the machine's for the same Arabic.
    """
    if fmt not in FORMATS:
        raise ConfigError(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    if excel and fmt != "tsv":
        raise ConfigError("--excel applies to --format tsv only")
    if omegat and fmt != "xliff":
        raise ConfigError("--omegat applies to --format xliff only")
    if project and fmt != "tmx":
        raise ConfigError("--project applies to --format tmx only")
    if only_flagged and fmt == "text":
        raise ConfigError("--only-flagged does not apply to --format text (the whole text)")
    if strict:
        articles, left_out = read_folder(out), {}
    else:
        part = read_finished_part(out)
        articles, left_out = part.articles, part.left_out
    kind = "omegat" if omegat else "tmx-project" if project else fmt
    target = _target_folder(to if to is not None else default_target(out, kind))
    report = ExportReport(folder=target, left_out=left_out)
    if project:
        clean = XmlText()
        text, report.units, report.repeats = render_project_tmx(
            articles, only_flagged=only_flagged, clean=clean)
        report.dropped_chars = clean.dropped
        report.skipped_empty = sum(tmx_skipped(a, only_flagged=only_flagged) for a in articles)
        write_if_changed(target / PROJECT_TMX, text.encode("utf-8"))
        report.files.append(target / PROJECT_TMX)
        return report
    # No page is named like the index (an article "index" is _index.html), as in --report.
    names = {a.doc_id: page_name(a.doc_id) if fmt == "html" else a.doc_id + SUFFIXES[fmt]
             for a in articles}
    index = INDEX
    for article in articles:
        path = target / names[article.doc_id]
        terms = final_misses(out, article)  # issue 32: the final English's terms
        text, dropped = _render(article, fmt, only_flagged, excel, index, omegat, terms)
        if dropped:
            log.warning("%s: dropped %d character(s) that XML 1.0 cannot hold (control "
                        "characters, U+FFFE/U+FFFF, lone surrogates)", display_name(path),
                        dropped)
        report.dropped_chars += dropped
        report.units += _selected(article, only_flagged and fmt != "html")
        if fmt == "tmx":
            skipped = tmx_skipped(article, only_flagged=only_flagged)
            report.units -= skipped
            report.skipped_empty += skipped
        write_if_changed(path, text.encode("utf-8"))
        report.files.append(path)
    if fmt == "html":
        write_if_changed(target / index, render_index(articles, names).encode("utf-8"))
        report.files.append(target / index)
    if omegat:  # issue 32: the run's glossary where OmegaT shows it (PROJECT/glossary/)
        glossary = omegat_glossary(out, articles, target)
        if glossary is not None:
            report.files.append(glossary)
    return report


def _target_folder(target: Path) -> Path:
    if target.exists() and not target.is_dir():
        raise ConfigError(f"{display_name(target)}: exists and is not a folder")
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create {display_name(target)}: {exc.strerror or exc}") from None
    return target


def final_text(article: FinishedArticle) -> str:
    """The article's final English as ``--text`` writes it (``NAME.en.txt``)."""
    return english_text(p.final for p in article.paragraphs).decode("utf-8")


def _render(article: FinishedArticle, fmt: str, only_flagged: bool, excel: bool,
            index: str, omegat: bool = False,
            terms: dict[str, list[TermMiss]] | None = None) -> tuple[str, int]:
    """The file's text and how many characters XML forced out of it; ``terms``: what each
    sentence's final English lacks (issue 32)."""
    if fmt == "html":
        return render_html(article, only_flagged=only_flagged, index=index, terms=terms), 0
    if fmt == "text":
        return final_text(article), 0
    if fmt == "tsv":
        return render_tsv(article, only_flagged=only_flagged, excel=excel, terms=terms), 0
    clean = XmlText()
    if fmt == "xliff":
        text = render_xliff(article, only_flagged=only_flagged, clean=clean, omegat=omegat,
                            terms=terms)
    else:
        text = render_tmx(article, only_flagged=only_flagged, clean=clean)
    return text, clean.dropped
