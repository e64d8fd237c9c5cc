"""Building a shortlist: the counts, the choice of targets, the corpus reader."""

from __future__ import annotations

import pytest

from mtjob.backends.shortlist.build import PairCounts, corpus_lines, select
from mtjob.errors import ConfigError


def test_frequent_targets_always_and_the_closest_per_source():
    counts = PairCounts()
    counts.add(["▁a", "▁b"], ["▁the", "▁x"])
    counts.add(["▁a"], ["▁the", "▁x"])
    counts.add(["▁b"], ["▁the", "▁y"])
    counts.add(["▁c"], ["▁the", "▁y", "▁z"])
    always, rules = select(counts, frequent=1, per_source=1)
    assert always == ["▁the"]
    # ▁x goes with ▁a every time (Dice 1); ▁b met ▁x once and ▁y once: ties by count, token
    assert rules == {"▁a": ["▁x"], "▁b": ["▁x"], "▁c": ["▁z"]}


def test_alignment_pairs_narrow_the_counts():
    counts = PairCounts()
    counts.add(["▁a", "▁b"], ["▁x", "▁y"], pairs=[("▁a", "▁x"), ("▁b", "▁y")])
    assert dict(counts.pairs["▁a"]) == {"▁x": 1}
    assert counts.source["▁b"] == 1 and counts.target["▁x"] == 1


def test_corpus_lines_and_their_errors(tmp_path):
    path = tmp_path / "c.tsv"
    path.write_bytes("قال\tsaid\r\n\n  \nأمس\tyesterday\n".encode())
    assert list(corpus_lines(path)) == [("قال", "said"), ("أمس", "yesterday")]
    path.write_bytes("قال\tsaid\nno tab\n".encode())
    with pytest.raises(ConfigError, match=r"c.tsv: line 2: expected ARABIC<TAB>ENGLISH"):
        list(corpus_lines(path))
    path.write_bytes(b"ok\tok\n\xff\tx\n")
    with pytest.raises(ConfigError, match=r"line 2: not UTF-8"):
        list(corpus_lines(path))
