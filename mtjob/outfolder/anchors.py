"""Where a correction belongs in an article: its anchor, never a machine hash or a file name.

A sentence's anchor is the Arabic sentence, normalised as the model text is
(:func:`anchor_key`: ``clean_for_model``), its occurrence among the identical sentences of
the article (0 for the first), how many there were, and the Arabic of its neighbours (the
sentences before and after it in article order, across paragraphs; none at either end).

:func:`ArticleIndex.resolve` finds an anchor's sentence in an article as it is now: the only
sentence with that Arabic; among several, the one whose neighbours match best, then the one
at the same occurrence, then the one at the same place (``pP-sS``), then the one whose
occurrence is nearest. A repeated sentence corrected two ways keeps both corrections when a
paragraph is added before them, and an article whose Arabic is gone resolves to nothing.
Building the index is linear in the sentences; resolving is constant time unless the
sentence repeats and moved.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..text.clean import clean_for_model


def anchor_key(arabic: str) -> str:
    """The Arabic as the model sees it (invisible controls, tatweel and spacing aside); the
    text itself when that is empty (a sentence of marks only is still itself)."""
    return clean_for_model(arabic) or arabic


@dataclass(frozen=True)
class Anchor:
    """Where a sentence is, said by what it holds (see the module docstring)."""

    occurrence: int
    repeats: int
    prev_ar: str | None
    next_ar: str | None


class ArticleIndex:
    """The sentences of one article's paragraph records, in order, by key and by place.

    ``order[i]`` is ``(paragraph index, sentence index)`` of the i-th sentence."""

    def __init__(self, records: list[dict[str, Any]]) -> None:
        self.order: list[tuple[int, int]] = []
        self.arabic: list[str] = []
        self.keys: list[str] = []
        self.by_key: dict[str, list[int]] = {}
        self.by_place: dict[tuple[int, int], int] = {}
        self.occurrence: list[int] = []
        for p, record in enumerate(records):
            sentences = record.get("sentences") or []
            para_id = record.get("para_id", p)
            for s, sentence in enumerate(sentences):
                ar = sentence.get("ar") if isinstance(sentence.get("ar"), str) else ""
                i = len(self.order)
                self.order.append((p, s))
                self.arabic.append(ar)
                key = anchor_key(ar)
                self.keys.append(key)
                same = self.by_key.setdefault(key, [])
                self.occurrence.append(len(same))
                same.append(i)
                self.by_place[(para_id if isinstance(para_id, int) else p, s)] = i

    def __len__(self) -> int:
        return len(self.order)

    def anchor(self, i: int) -> Anchor:
        return Anchor(occurrence=self.occurrence[i], repeats=len(self.by_key[self.keys[i]]),
                      prev_ar=self.arabic[i - 1] if i > 0 else None,
                      next_ar=self.arabic[i + 1] if i + 1 < len(self.order) else None)

    def at_place(self, para_id: int, sent_id: int) -> int | None:
        return self.by_place.get((para_id, sent_id))

    def _neighbours(self, i: int, prev_ar: str | None, next_ar: str | None) -> int:
        before = self.keys[i - 1] if i > 0 else None
        after = self.keys[i + 1] if i + 1 < len(self.order) else None
        return ((before == (None if prev_ar is None else anchor_key(prev_ar)))
                + (after == (None if next_ar is None else anchor_key(next_ar))))

    def resolve(self, ar: str, anchor: Anchor | None, place: tuple[int, int] | None
                ) -> int | None:
        """The sentence (its position in :attr:`order`) an anchor names now, or None when no
        sentence of the article has this Arabic. ``anchor`` None (a correction stored by an
        older mtjob): the sentence at ``place`` if it holds this Arabic, else the first."""
        key = anchor_key(ar)
        same = self.by_key.get(key)
        if not same:
            return None
        at = self.by_place.get(place) if place is not None else None
        if len(same) == 1:
            return same[0]
        if anchor is None:
            return at if at is not None and self.keys[at] == key else same[0]
        k = anchor.occurrence
        if anchor.repeats == len(same) and k < len(same) and \
                self._neighbours(same[k], anchor.prev_ar, anchor.next_ar) == 2:
            return same[k]
        best = max(range(len(same)), key=lambda n: (
            self._neighbours(same[n], anchor.prev_ar, anchor.next_ar), n == k, same[n] == at,
            -abs(n - k), -n))
        return same[best]

    def nearest(self, ar: str, place: tuple[int, int] | None) -> int | None:
        """A unit that names a place and its Arabic: the sentence at that place when it holds
        this Arabic, else the sentence with this Arabic nearest to it (the article moved
        since the file was made), else None."""
        key = anchor_key(ar)
        same = self.by_key.get(key)
        if not same:
            return None
        at = self.by_place.get(place) if place is not None else None
        if at is not None and self.keys[at] == key:
            return at
        if at is None:
            return same[0]
        return min(same, key=lambda i: (abs(i - at), i))
