"""Export: a finished output folder for reviewers and tools (HTML, XLIFF, TMX, TSV).

Members: ``html`` (+ ``html_assets``), ``xliff``, ``tmx``, ``tsv``, ``xmltext`` (the XML guard),
``pages`` (``mtjob run --report``'s pages as the run goes), ``html_facts`` (settings, checks
and scores in words), ``html_edit`` (the review page's edit mode).

``export_folder`` is the whole command minus the CLI: it refuses a folder that fails
``verify``, renders each article with a pure function of its records, and writes one file per
article atomically (an unchanged file is left alone, so a rerun touches nothing).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError, OutputError
from ..inputs.sources import display_name
from ..outfolder.atomic import write_if_changed
from ..outfolder.readback import FinishedArticle, read_folder
from ..terms.check import TermMiss
from ..terms.stored import final_misses, omegat_glossary
from .html import render_html, render_index
from .pages import INDEX, page_name
from .tmx import render_tmx, tmx_skipped
from .tsv import render_tsv
from .xliff import render_xliff
from .xmltext import XmlText

log = logging.getLogger(__name__)

FORMATS = ("html", "xliff", "tmx", "tsv")
SUFFIXES = {"html": ".html", "xliff": ".xlf", "tmx": ".tmx", "tsv": ".tsv"}


@dataclass
class ExportReport:
    """What an export wrote: files, sentences written, and what it had to leave out."""

    folder: Path
    files: list[Path] = field(default_factory=list)
    units: int = 0
    dropped_chars: int = 0
    skipped_empty: int = 0

    def summary_line(self) -> str:
        extra = ""
        if self.dropped_chars:
            extra += f"; {self.dropped_chars} character(s) XML cannot hold dropped"
        if self.skipped_empty:
            extra += f"; {self.skipped_empty} sentence(s) with an empty side left out"
        return (f"{len(self.files)} file(s), {self.units} sentence(s) in "
                f"{display_name(self.folder)}{extra}")


def default_target(out: Path, fmt: str) -> Path:
    """``OUT/export/FORMAT``: beside the run, one folder per format, never mixed with the
    JSONL (``verify`` and reruns look at ``OUT``'s top level only)."""
    return out / "export" / fmt


def _selected(article: FinishedArticle, only_flagged: bool) -> int:
    return sum(1 for _, s in article.sentences() if s.flagged or not only_flagged)


def export_folder(out: Path, fmt: str, to: Path | None = None, *, only_flagged: bool = False,
                  excel: bool = False, omegat: bool = False) -> ExportReport:
    """Export every article of ``out`` as ``fmt`` into ``to`` (default ``OUT/export/FMT``).

    ``only_flagged``: XLIFF, TMX and TSV hold flagged sentences only; HTML pages keep every
    sentence and open with the "flagged only" filter on. ``excel``: TSV with a UTF-8 BOM.
    """
    if fmt not in FORMATS:
        raise ConfigError(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    if excel and fmt != "tsv":
        raise ConfigError("--excel applies to --format tsv only")
    if omegat and fmt != "xliff":
        raise ConfigError("--omegat applies to --format xliff only")
    articles = read_folder(out)
    target = to if to is not None else default_target(out, "omegat" if omegat else fmt)
    if target.exists() and not target.is_dir():
        raise ConfigError(f"{display_name(target)}: exists and is not a folder")
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create {display_name(target)}: {exc.strerror or exc}") from None
    report = ExportReport(folder=target)
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


def _render(article: FinishedArticle, fmt: str, only_flagged: bool, excel: bool,
            index: str, omegat: bool = False,
            terms: dict[str, list[TermMiss]] | None = None) -> tuple[str, int]:
    """The file's text and how many characters XML forced out of it; ``terms``: what each
    sentence's final English lacks (issue 32)."""
    if fmt == "html":
        return render_html(article, only_flagged=only_flagged, index=index, terms=terms), 0
    if fmt == "tsv":
        return render_tsv(article, only_flagged=only_flagged, excel=excel, terms=terms), 0
    clean = XmlText()
    if fmt == "xliff":
        text = render_xliff(article, only_flagged=only_flagged, clean=clean, omegat=omegat,
                            terms=terms)
    else:
        text = render_tmx(article, only_flagged=only_flagged, clean=clean)
    return text, clean.dropped
