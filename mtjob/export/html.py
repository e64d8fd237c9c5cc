"""HTML review pages: one self-contained page per article, plus an index of the articles.

FinishedArticle text is hostile input: every string goes through ``esc``, which HTML-escapes it and
shows invisible controls (bidi overrides, C0/C1 controls, lone surrogates) as visible marks,
so a reviewer sees them and they cannot reorder the text around them. The pages load
nothing: a Content-Security-Policy allows only the inline style and the one hashed script.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Any
from urllib.parse import quote

from ..outfolder.readback import FinishedArticle, FinishedParagraph, FinishedSentence
from ..terms.check import TermMiss
from ..text.langid import NOT_ARABIC
from ..text.quality import GLOSSARY_MISS
from ..versions import __version__
from .html_assets import (
    CONF_HIGH,
    CONF_LOW,
    CSP_ARTICLE,
    CSP_INDEX,
    CSS,
    FLAG_INFO,
    SCRIPT,
    flag_info,
)
from .html_edit import CONFIRM_BUTTON, EDIT_CONTROLS, data_island
from .html_facts import LABELS, facts_list
from .html_review import review_attr, review_badges, suggestion_row
from .html_text import esc

_SPACES = re.compile(r"(\s+)")


def _words(text: str) -> str:
    """Whitespace-separated words as ``<span class="w" data-i=N>``: alignment indices count
    these words from 0, on each side."""
    out: list[str] = []
    index = 0
    for part in _SPACES.split(text):
        if not part or part.isspace():
            out.append(esc(part))
        else:
            out.append(f'<span class="w" data-i="{index}">{esc(part)}</span>')
            index += 1
    return "".join(out)


def _badge(flag: str, count: int | None = None) -> str:
    label, severity, meaning = flag_info(flag)
    suffix = f" {count}" if count is not None else ""
    return (f'<span class="flag sev-{severity}" title="{esc(flag)}: {esc(meaning)}">'
            f'{esc(label)}{suffix}</span>')


#: The hash of the abstract file a page was made from.
PAGE_STAMP = '<meta name="mtjob-files-sha256" content="{}">\n'


def _head(title: str, csp: str) -> str:
    return ("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f'<meta http-equiv="Content-Security-Policy" content="{csp}">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            '<meta name="referrer" content="no-referrer">\n'
            f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n")


def _term_badges(sentence: FinishedSentence, misses: list[TermMiss] | None) -> str:
    """Issue 32: a badge per term the final English lacks, naming the term and what was
    expected (``None``: no glossary check of the final text; the machine's flag shows)."""
    if misses is None:
        return "".join(_badge(f) for f in sentence.flags)
    badges = "".join(_badge(f) for f in sentence.flags if f != GLOSSARY_MISS)
    return badges + "".join(
        f'<span class="flag sev-mid" title="the English lacks a rendering of this glossary '
        f'term">{esc(str(m))}</span>' for m in misses)


def _sentence(paragraph: FinishedParagraph, sentence: FinishedSentence,
              misses: list[TermMiss] | None = None) -> str:
    uid = paragraph.unit_id(sentence)
    aligned = bool(sentence.alignment)
    attrs = f' data-align="{" ".join(f"{a}-{b}" for a, b in sentence.alignment)}"' \
        if sentence.alignment else ""
    attrs += review_attr(sentence)
    classes = "pair flagged" if sentence.flagged else "pair"
    gut = f'<span class="sid">{uid}</span>'
    if sentence.score is not None:
        prob = math.exp(min(sentence.score, 0.0))
        gut += (f'<meter min="0" max="1" low="{CONF_LOW}" high="{CONF_HIGH}" optimum="1" '
                f'value="{prob:.3f}" title="confidence {prob:.0%} (mean log-prob '
                f'{sentence.score:.3f})">{prob:.0%}</meter>')
    gut += CONFIRM_BUTTON
    text = _words if aligned and sentence.post_edit is None else esc
    badges = _term_badges(sentence, misses) + review_badges(sentence)
    return (f'<div class="{classes}" id="{uid}"{attrs}><div class="gut">{gut}</div>'
            f'<div class="s ar" dir="rtl" lang="ar" tabindex="0">{text(sentence.ar)}</div>'
            f'<div class="s en" dir="ltr" lang="en" tabindex="0">{text(sentence.final)}</div>'
            + (f'<div class="badges">{badges}</div>' if badges else "")
            + suggestion_row(sentence) + "</div>\n")


def _footer(article: FinishedArticle) -> str:
    meta = article.meta
    rows = []
    models = article.record.models or {}
    for role, model in models.items():
        if isinstance(model, dict):
            rest = ", ".join(f"{k} {v}" for k, v in model.items() if k not in ("id", "revision"))
            rows.append(f"<tr><th>{esc(str(role))}</th><td>{esc(str(model.get('id', '?')))}"
                        f"</td><td>{esc(str(model.get('revision', '?')))}</td>"
                        f"<td>{esc(rest)}</td></tr>")
    facts = {k: meta.get(k) for k in ("source", "source_sha256", "jsonl_sha256", "method",
                                        "mtjob_version") if meta.get(k) is not None}
    return ('<footer class="wrap"><h2>Provenance</h2>'
            + ('<table><tr><th>model</th><th>id</th><th>revision</th><th>runtime</th></tr>'
               + "".join(rows) + "</table>" if rows else "")
            + facts_list(facts) + "<h2>Settings</h2>" + facts_list(meta.get("settings"))
            + f"<p>Exported by mtjob {esc(__version__)}. Machine translation: review before "
            "use.</p></footer>\n")


def render_html(article: FinishedArticle, *, only_flagged: bool = False,
                index: str | None = None,
                terms: dict[str, list[TermMiss]] | None = None) -> str:
    """The article's review page; ``only_flagged`` starts with the "flagged only" filter on.
    ``terms``: the glossary terms each sentence's final English lacks (issue 32)."""
    counts = article.flag_counts()
    pairs = article.sentences()
    flagged, to_review = article.flagged_count(), article.to_review_count()
    back = f' · <a href="{esc(quote(index))}">all articles</a>' if index else ""
    head = _head(f"{article.doc_id} - mtjob review", CSP_ARTICLE)
    if article.page_key:  # which abstract this page shows: verify tells a stale page
        head = head.replace("<head>\n", "<head>\n" + PAGE_STAMP.format(article.page_key))
    parts = [head, "<body>\n",
             '<header class="top"><div class="wrap"><div class="brand">mtjob review · '
             f'Arabic → English</div><h1>{esc(article.doc_id)}</h1><p class="sub">'
             f"{esc(article.source_name)} · {len(article.paragraphs)} paragraphs · "
             f"{len(pairs)} sentences · {flagged} flagged · {article.reviewed_count()} "
             f"reviewed{back}</p></div></header>\n",
             '<div class="wrap">']
    method = article.meta.get("method")
    made = "made from the corrected English" \
        if article.meta.get("summary_from") == "corrected" else "machine-made"
    title = f"Abstract ({made}, {esc(str(method))})" if article.abstract else "Abstract"
    abstract = esc(article.abstract) if article.abstract else \
        "<em>None written: the article is mostly not Arabic (flag not_arabic).</em>" \
        if method == NOT_ARABIC else f"<em>None written (method: {esc(str(method))}).</em>"
    parts.append(f'<section class="card abstract"><h2>{title}</h2><p lang="en">{abstract}</p>'
                 + _section("Checks", article.meta.get("checks"))
                 + _section("Scores", article.meta.get("scores")) + "</section>\n")
    checked = " checked" if only_flagged else ""
    present = "".join(_badge(f, n) for f, n in sorted(counts.items()))
    legend = "".join(f"<li>{_badge(f)} {esc(flag_info(f)[2])}</li>"
                     for f in sorted(set(counts) | set(FLAG_INFO)))
    parts.append(f'<div class="toolbar"><label><input type="checkbox" id="flagged-only"{checked}>'
                 f" Flagged only ({to_review} to review)</label>"
                 f"<span>{present or 'no flags'}</span>"
                 f'<details class="legend"><summary>Legend</summary><ul>{legend}</ul>'
                 f"</details>{EDIT_CONTROLS}</div>\n<main>\n")
    parts.append('<div class="colhead"><span>id</span><span class="ar">Arabic (source)</span>'
                 "<span>English (machine translation; post-edits marked)</span></div>\n")
    for paragraph in article.paragraphs:
        para_flags = "".join(_badge(f) for f in paragraph.flags)
        parts.append(f'<section class="para" id="p{paragraph.para_id}">'
                     f'<div class="para-head">paragraph {paragraph.para_id} {para_flags}</div>\n')
        parts.extend(_sentence(paragraph, s, None if terms is None else
                               terms.get(paragraph.unit_id(s), [])) for s in paragraph.sentences)
        parts.append("</section>\n")
    parts.append('<p class="none-flagged">No flagged sentence left to review in this '
                 "article.</p>"
                 "</main></div>\n")
    parts.append(_footer(article))
    parts.append(data_island(article))
    parts.append(f"<script>{SCRIPT}</script>\n</body>\n</html>\n")
    return "".join(parts)


def _section(title: str, data: Any) -> str:
    body = facts_list(data, LABELS)
    return f'<h2 class="sub">{title}</h2>{body}' if body else ""


def render_index(articles: list[FinishedArticle], pages: dict[str, str]) -> str:
    """The list of articles with their counts, flags, review progress and abstract; ``pages``
    maps doc id to the page's file name (relative links, so the folder can be moved or
    zipped). Reviewed: sentences a person edited or confirmed; to review: flagged sentences
    nobody reviewed."""
    total: Counter[str] = Counter()
    rows = []
    reviewed = sentences = 0
    for article in articles:
        counts = article.flag_counts()
        total.update(counts)
        done, size = article.reviewed_count(), len(article.sentences())
        reviewed, sentences = reviewed + done, sentences + size
        badges = "".join(_badge(f, n) for f, n in sorted(counts.items())) or "-"
        link = f'<a href="{esc(quote(pages[article.doc_id]))}">{esc(article.doc_id)}</a>'
        rows.append(f"<tr><td>{link}</td><td class=\"num\">{len(article.paragraphs)}</td>"
                    f"<td class=\"num\">{size}</td>"
                    f"<td class=\"num\">{article.flagged_count()}</td>"
                    f'<td class="num reviewed">{done}/{size}</td>'
                    f'<td class="num todo">{article.to_review_count()}</td><td>{badges}</td>'
                    f'<td class="abs" lang="en">{esc(article.abstract or "")}</td></tr>\n')
    summary = ", ".join(f"{flag_info(f)[0]} {n}" for f, n in sorted(total.items())) or "none"
    count = f"{len(articles)} article" + ("" if len(articles) == 1 else "s")
    return (_head("mtjob review - articles", CSP_INDEX) + "<body>\n"
            '<header class="top"><div class="wrap"><div class="brand">mtjob review · Arabic → '
            f'English</div><h1>{count}</h1><p class="sub">{reviewed} of {sentences} sentences '
            f"reviewed · flags: {esc(summary)}</p></div></header>\n"
            '<main class="wrap"><div class="card">'
            '<table class="index"><tr><th>article</th><th>paragraphs</th><th>sentences</th>'
            "<th>flagged</th><th>reviewed</th><th>flagged to review</th><th>flags</th>"
            "<th class=\"abs\">abstract</th></tr>\n"
            + "".join(rows) + "</table></div></main>\n"
            f"<footer class=\"wrap\">Exported by mtjob {esc(__version__)}.</footer>\n"
            "</body>\n</html>\n")
