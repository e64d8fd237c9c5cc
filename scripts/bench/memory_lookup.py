"""The memory's close-match search: the scan it was against the index it is, side by side.

``growth``: for memories of 10k, 25k, 50k and 100k post-edited entries, the seconds a
segment's look-up takes (``MemoryReader.close_matches``: exact key first, then the close
match) with the index and with the scan of every entry that the memory did before (kept
here, verbatim, as ``scan_close_matches``), on the same memory and queries in one process,
and what opening the memory (``quick_check`` included) and building the index cost. Both
must find the same best match for every query; the run stops if they do not.

``article``: the translate stage of one ``run_shard`` over an article of ``--segments``
sentences with a memory of ``--entries``: without ``--memory``, with it (index), and with it
through the scan, on the scripted fake model of the tests (it answers at once: the stage's
seconds are the look-ups', as in issue 29's measurement).

Two corpora: ``wire`` (sentences from a handful of templates: every query has hundreds of
entries within a few points, the hard case for any filter) and ``words`` (8-30 words drawn
from a 20,000-word vocabulary with Arabic's letter frequencies; half the queries are new
sentences, half copies of an entry with a word or two changed).

    python -m scripts.bench.memory --lookup-growth [--corpus wire|words|both] [--queries 300]
    python -m scripts.bench.memory --lookup-article [--segments 2000] [--entries 50000]
"""

from __future__ import annotations

import bisect
import os
import random
import sqlite3
import time
from pathlib import Path
from typing import Any

from .settings import ARTICLE

SIZES = (10_000, 25_000, 50_000, 100_000)


def scan_close_matches(db: sqlite3.Connection, keys: list[str], cutoff: float = 0.85
                       ) -> list[tuple[int, float] | None]:
    """The memory's close-match search before the index (its algorithm as it was): the
    length-bounded post-edited entries compared with every key, best first."""
    from rapidfuzz import fuzz, process

    found: list[tuple[int, float] | None] = [None] * len(keys)
    bounds = [(len(k) * cutoff / (2 - cutoff), len(k) * (2 - cutoff) / cutoff) for k in keys]
    rows = db.execute("SELECT id, key, key_len FROM entries WHERE source = 'post_edit' AND "
                      "key_len BETWEEN ? AND ? ORDER BY key_len, id",
                      (min(b[0] for b in bounds), max(b[1] for b in bounds))).fetchall()
    lengths, choices = [r[2] for r in rows], [r[1] for r in rows]
    for i, (key, (low, high)) in enumerate(zip(keys, bounds, strict=True)):
        a, b = bisect.bisect_left(lengths, low), bisect.bisect_right(lengths, high)
        best = process.extractOne(key, choices[a:b], scorer=fuzz.ratio, processor=None,
                                  score_cutoff=100 * cutoff)
        if best is not None and best[0] != key:
            found[i] = rows[a + best[2]][0], round(best[1] / 100, 4)
    return found


def _vocabulary(rng: random.Random, size: int = 20_000) -> list[str]:
    """The sample article's words, then words of its letters at its letters' frequencies."""
    text = ARTICLE.read_text(encoding="utf-8")
    words = sorted(set(text.split()))
    letters = [c for c in text if "\u0621" <= c <= "\u064a"]
    seen = set(words)
    while len(words) < size:
        word = "".join(rng.choice(letters) for _ in range(rng.choice((2, 3, 3, 4, 4, 5, 5,
                                                                       6, 7))))
        if rng.random() < 0.3:
            word = "ال" + word
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def corpus(kind: str, entries: int, queries: int) -> tuple[list[str], list[str]]:
    """(entries, queries) of the ``wire`` or ``words`` corpus (the module doc says which)."""
    from mtjob.memory.entries import memory_key

    from .memory import unique_sentence

    if kind == "wire":
        rng = random.Random(1)
        stored = [unique_sentence(rng, 1_000_000 + i) for i in range(entries)]
        rng = random.Random(2)
        asked = [unique_sentence(rng, i) for i in range(queries)]
    else:
        rng = random.Random(1)
        vocab = _vocabulary(rng)
        weights = [1 / (i + 10) for i in range(len(vocab))]  # Zipf-like
        stored = [" ".join(rng.choices(vocab, weights, k=rng.randint(8, 30))) + "."
                  for _ in range(entries)]
        asked = []
        for q in range(queries):
            if q % 2:
                words = rng.choice(stored).split()
                for _ in range(rng.randint(1, 2)):
                    words[rng.randrange(len(words))] = rng.choices(vocab, weights)[0]
                asked.append(" ".join(words))
            else:
                asked.append(" ".join(rng.choices(vocab, weights, k=rng.randint(8, 30))) + ".")
    keys = {memory_key(s): s for s in stored}
    asked = [q for q in asked if memory_key(q) not in keys]  # misses of the exact look-up
    return list(keys.values()), asked


def make_memory(path: Path, sentences: list[str]) -> None:
    """A memory of these sentences as post-edits, written as ``memory add`` writes one."""
    from mtjob.memory.entries import memory_key
    from mtjob.memory.writer import writing

    with writing(path) as db:
        db.executemany(
            "INSERT OR IGNORE INTO entries (key, key_len, ar, en, source, edited_by, "
            "edited_at, added_at) VALUES (?, ?, ?, 'English', 'post_edit', 'bench', "
            "'2026-12-01T00:00:00Z', '2026-12-01T00:00:00Z')",
            ((memory_key(s), len(memory_key(s)), s) for s in sentences))


def growth(work: Path, kind: str, queries: int, sizes: tuple[int, ...] = SIZES
           ) -> list[dict[str, Any]]:
    """One row per memory size (the module doc says what is timed)."""
    from mtjob.memory.entries import memory_key
    from mtjob.memory.reader import MemoryReader

    rows = []
    for size in sizes:
        stored, asked = corpus(kind, size, queries)
        mem = work / f"{kind}-{size}.sqlite"
        make_memory(mem, stored)
        keys = [memory_key(q) for q in asked]
        started = time.perf_counter()
        reader = MemoryReader(mem)
        opened = time.perf_counter() - started
        started = time.perf_counter()
        reader.close_matches([])  # nothing: the index is not built yet
        reader._close_match_index()
        built = time.perf_counter() - started
        started = time.perf_counter()
        index = reader.close_matches(keys)
        index_s = time.perf_counter() - started
        started = time.perf_counter()
        scan = scan_close_matches(reader.db, keys)
        scan_s = time.perf_counter() - started
        reader.close()
        same = [None if f is None else (f[0].id, f[1]) for f in index] == scan
        if not same:
            raise SystemExit(f"{kind} {size}: the index and the scan disagree")
        rows.append({"corpus": kind, "entries": size, "queries": len(keys),
                     "with_match": sum(f is not None for f in scan),
                     "open_s": round(opened, 3), "index_build_s": round(built, 3),
                     "scan_ms_per_segment": round(1000 * scan_s / len(keys), 3),
                     "index_ms_per_segment": round(1000 * index_s / len(keys), 3),
                     "speedup": round(scan_s / max(index_s, 1e-9), 1), "same_best": same,
                     "load_average": os.getloadavg()})
        mem.unlink()
    return rows


def article_run(work: Path, segments: int, entries: int) -> dict[str, Any]:
    """The translate stage of one article of ``segments`` sentences: without the memory,
    with it (index), with it through the scan (the module doc says how)."""
    from mtjob.choices import LangCheck
    from mtjob.config import JobConfig
    from mtjob.job import run_shard
    from mtjob.memory.reader import MemoryReader
    from mtjob.testing.fakes import FakeModels, FakeTranslator

    stored, _ = corpus("words", entries, 0)
    mem = work / "article-memory.sqlite"
    make_memory(mem, stored)
    rng = random.Random(9)
    sentences = []
    for i in range(segments):  # a third close to an entry, the rest new
        words = (rng.choice(stored) if i % 3 == 0 else rng.choice(stored)[::-1]).split()
        words[rng.randrange(len(words))] = "وقال"
        sentences.append(" ".join(words).rstrip(".") + ".")
    inbox = work / "article-in"
    inbox.mkdir()
    (inbox / "long.txt").write_text("\n\n".join(" ".join(sentences[i:i + 5]) for i in
                                                range(0, segments, 5)) + "\n",
                                    encoding="utf-8")
    real = MemoryReader.close_matches

    def scanned(self: MemoryReader, keys: list[str], cutoff: float = 0.85) -> Any:
        found = []
        for hit in scan_close_matches(self.db, keys, cutoff):
            entry = None if hit is None else self.exact(self.db.execute(
                "SELECT key FROM entries WHERE id = ?", (hit[0],)).fetchone()[0])
            found.append(None if hit is None or entry is None else (entry, hit[1]))
        return found

    result: dict[str, Any] = {"segments": segments, "entries": entries}
    for name, memory, search in (("without", None, real), ("index", str(mem), real),
                                 ("scan", str(mem), scanned), ("index again", str(mem), real)):
        MemoryReader.close_matches = search  # type: ignore[method-assign]
        try:
            config = JobConfig(summary=False, beams=1, lang_check=LangCheck.OFF, memory=memory)
            report = run_shard(config, [inbox], work / f"out-{name.replace(' ', '-')}",
                               force=True, models=FakeModels(FakeTranslator()))
        finally:
            MemoryReader.close_matches = real  # type: ignore[method-assign]
        result[name] = {"translate_s": round(report.stage_seconds.get("translate", 0.0), 2),
                        "wall_s": round(report.seconds, 2), "segments": report.segments}
    result["load_average"] = os.getloadavg()
    return result
