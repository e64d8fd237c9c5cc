"""The close-match index (issue 29, item 22): the same best match as a scan of every entry
(rapidfuzz ``extractOne`` over the keys in (length, id) order, as the memory's scan read
them), on random texts full of near matches and ties, and on wire copy built from templates
(thousands of entries within a few points of each other)."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mtjob.memory.fuzzy import CloseMatchIndex
from mtjob.text.clean import clean_for_model

rapidfuzz = pytest.importorskip("rapidfuzz")


def scan(keys: list[str], key: str, cutoff: float) -> tuple[int, float] | None:
    """What the memory did before the index: the first best of a full comparison."""
    from rapidfuzz import fuzz, process

    best = process.extractOne(key, keys, scorer=fuzz.ratio, processor=None,
                              score_cutoff=100 * cutoff)
    return None if best is None else (best[2], best[1])


texts = st.text(alphabet=st.sampled_from("ابت ثج\u0644a\U0001f600"), min_size=1, max_size=40)


@settings(max_examples=300, deadline=None)
@given(st.lists(texts, max_size=60), st.lists(texts, min_size=1, max_size=8),
       st.sampled_from([0.5, 0.7, 0.85, 0.95]))
def test_the_index_finds_what_a_scan_finds(keys, queries, cutoff):
    keys = sorted(keys, key=len)  # (length, id): the id is the position among equals
    index = CloseMatchIndex(keys, few=0)  # the counts, however few the entries
    for query in queries:
        assert index.best(query, cutoff) == scan(keys, query, cutoff), query


def wire(rng: random.Random, i: int) -> str:
    from scripts.bench.memory import unique_sentence

    return clean_for_model(unique_sentence(rng, i))


def test_wire_copy_from_templates_gives_the_scans_match():
    """Near matches by the thousand (the same template, another number or city), many
    tied: the index must still return the scan's, the shortest and oldest among ties."""
    rng = random.Random(3)
    keys = sorted({wire(rng, 10_000 + i) for i in range(3000)}, key=len)
    index = CloseMatchIndex(keys, few=0)
    rng = random.Random(4)
    queries = [wire(rng, i) for i in range(150)] + ["x", keys[0], keys[-1] + "."]
    found = [index.best(q, 0.85) for q in queries]
    assert found == [scan(keys, q, 0.85) for q in queries]
    assert sum(f is not None for f in found) > 100  # most have a close match


def test_a_key_with_many_of_one_character_is_counted_exactly():
    keys = ["ا" * 300, "ا" * 299 + "ب", "ب" * 70000]  # counts above one and two bytes
    index = CloseMatchIndex(sorted(keys, key=len), few=0)
    assert index.best("ا" * 300, 0.85) == (0, 100.0)
    assert index.best("ب" * 69000, 0.85) == scan(sorted(keys, key=len), "ب" * 69000, 0.85)
