"""Distinct wire-copy articles for benchmarks that need many different texts: sentences drawn
from the templates of :mod:`scripts.bench.memory` (names, verbs, topics, cities, numbers),
a seed per article, so a build set and a held-out set share a desk's language but not their
sentences."""

from __future__ import annotations

import random
from pathlib import Path

from .memory import BOILERPLATE, unique_sentence


def wire_article(seed: int, sentences: int = 8) -> str:
    """One article: paragraphs of one to three sentences, now and then a boilerplate line."""
    rng = random.Random(seed)
    lines = [unique_sentence(rng, 1000 * seed + i) for i in range(sentences)]
    if rng.random() < 0.5:
        lines.append(rng.choice(BOILERPLATE))
    paragraphs, at = [], 0
    while at < len(lines):
        take = rng.randint(1, 3)
        paragraphs.append(" ".join(lines[at:at + take]))
        at += take
    return "\n\n".join(paragraphs) + "\n"


def write_wire(folder: Path, seeds: range) -> Path:
    """``wire-<seed>.txt`` for every seed, into a fresh ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for seed in seeds:
        (folder / f"wire-{seed:05d}.txt").write_text(wire_article(seed), encoding="utf-8")
    return folder
