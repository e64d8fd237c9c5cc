"""TSV: one row per sentence, for spreadsheets, pandas and quick ``cut``/``grep`` work.

Quoting follows RFC 4180 with a tab delimiter (the ``csv`` module, ``QUOTE_MINIMAL``): a field
holding a tab, a quote or a line break is quoted, so a multi-line sentence stays one row for
any CSV-aware reader. Rows end with CRLF, as RFC 4180 says.
"""

from __future__ import annotations

import csv
import io
import re

from ..outfolder.readback import FinishedArticle

COLUMNS = ("doc_id", "para_id", "sent_id", "ar", "en", "score", "flags")
#: Excel detects UTF-8 only with a BOM; other readers would take it as part of the first name.
BOM = "\ufeff"
# A lone surrogate (possible in JSON as an escape) cannot be written as UTF-8 at all.
_SURROGATE = re.compile("[\ud800-\udfff]")


def render_tsv(article: FinishedArticle, *, only_flagged: bool = False, excel: bool = False) -> str:
    """The article's sentences as TSV with a header row; flags are comma-separated."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for paragraph, sentence in article.sentences():
        if only_flagged and not sentence.flagged:
            continue
        score = "" if sentence.score is None else repr(sentence.score)
        writer.writerow((article.doc_id, paragraph.para_id, sentence.index,
                         _SURROGATE.sub("\ufffd", sentence.ar),
                         _SURROGATE.sub("\ufffd", sentence.en), score, ",".join(sentence.flags)))
    return (BOM if excel else "") + buffer.getvalue()
