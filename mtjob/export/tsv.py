"""TSV: one row per sentence, for spreadsheets, pandas and quick ``cut``/``grep`` work.

Quoting follows RFC 4180 with a tab delimiter (the ``csv`` module, ``QUOTE_MINIMAL``): a field
holding a tab, a quote or a line break is quoted, so a multi-line sentence stays one row for
any CSV-aware reader. Rows end with CRLF, as RFC 4180 says.
"""

from __future__ import annotations

import csv
import io
import math
import re

from ..outfolder.readback import FinishedArticle
from ..terms.check import TermMiss

#: ``en`` is the machine's; ``post_edit`` the person's (``mtjob import`` reads it back, and
#: checks ``ar`` and ``en`` against the sentence before applying it). After it, for reading:
#: ``review`` (``machine``, ``edited``, ``confirmed``) and the memory's close match
#: (``suggestion``, ``suggestion_match`` in percent, ``suggestion_by``).
COLUMNS = ("doc_id", "para_id", "sent_id", "ar", "en", "score", "flags", "post_edit",
           "review", "suggestion", "suggestion_match", "suggestion_by")
#: The glossary terms the final English lacks (``term → rendering``), last, with a glossary.
TERMS_COLUMN = "terms_missing"
#: Excel detects UTF-8 only with a BOM; other readers would take it as part of the first name.
BOM = "\ufeff"
# A lone surrogate (possible in JSON as an escape) cannot be written as UTF-8 at all.
_SURROGATE = re.compile("[\ud800-\udfff]")
#: What makes a spreadsheet read a cell as a formula (CWE-1236; OWASP "CSV Injection").
#: OWASP also lists the full-width = + - @ (some spreadsheets fold them to ASCII) and a NUL.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\x00",
                 "\uff1d", "\uff0b", "\uff0d", "\uff20")


def _cell(text: str, excel: bool) -> str:
    """A text cell; with ``excel``, one a spreadsheet would run as a formula is prefixed with
    ``'`` (OWASP), so ``=HYPERLINK(...)`` or a news bullet ``- قال`` shows as written. Leading
    spaces do not hide a formula start (an import that trims them would run it)."""
    text = _SURROGATE.sub("\ufffd", text)
    return "'" + text if excel and excel_quoted(text) else text


def formula_like(text: str) -> bool:
    """Would a spreadsheet run this cell (after any leading spaces)?"""
    return text.startswith(FORMULA_START) or text.lstrip().startswith(FORMULA_START)


def excel_quoted(text: str) -> bool:
    """Does ``--excel`` put ``'`` before this cell: formula-like, also behind quotes of its
    own (``'=x`` is written ``''=x``), so that ``mtjob import``, which takes one ``'`` off a
    cell whose rest is quoted so, gives every text back exactly."""
    return formula_like(text.lstrip("'"))


def render_tsv(article: FinishedArticle, *, only_flagged: bool = False, excel: bool = False,
               terms: dict[str, list[TermMiss]] | None = None) -> str:
    """The article's sentences as TSV with a header row; flags are comma-separated.
    ``excel``: a BOM, and text cells neutralised against formula injection. ``terms``: a
    last column of what each final English lacks (issue 32)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(COLUMNS + ((TERMS_COLUMN,) if terms is not None else ()))
    for paragraph, sentence in article.sentences():
        if only_flagged and not sentence.flagged:
            continue
        score = "" if sentence.score is None else repr(sentence.score)
        note = sentence.suggestion if sentence.suggestion and sentence.suggestion.en else None
        writer.writerow((_cell(article.doc_id, excel), paragraph.para_id, sentence.index,
                         _cell(sentence.ar, excel), _cell(sentence.en, excel),
                         score if math.isfinite(sentence.score or 0.0) else _cell(score, excel),
                         _cell(",".join(sentence.flags), excel),
                         _cell(sentence.post_edit or "", excel), str(sentence.state),
                         _cell(note.en or "", excel) if note else "",
                         "" if note is None or note.percent is None else note.percent,
                         _cell(note.edited_by or "", excel) if note else "")
                        + (() if terms is None else (_cell("; ".join(map(str, terms.get(
                            paragraph.unit_id(sentence), []))), excel),)))
    return (BOM if excel else "") + buffer.getvalue()
