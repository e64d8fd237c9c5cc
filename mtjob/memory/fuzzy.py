"""Close matches without comparing a sentence with every entry: a character-count index.

A close match is an entry whose rapidfuzz ``ratio`` to the key is at least the cutoff (0.85):
``2·LCS/(a+b)``, LCS the longest common subsequence of the two texts, ``a`` and ``b`` their
lengths. The index keeps, per entry, how often each character occurs (the 63 most frequent
characters of the memory one count each, all others one shared count; and 8 coarse sums of
those). Two texts cannot have more characters in common than ``Σ min(count in key, count in
entry)``, so an entry whose bound is below ``cutoff·(a+b)/2`` cannot be a close match: it is
ruled out by a few byte comparisons, never by rapidfuzz. The bound is exact (never rules out
a true match), so the result is the scan's: the best ratio, ties to the first entry in
(length, id) order, which is the order a scan of the ``key_len`` index reads them.

What is left is compared with rapidfuzz best bound first; each match found raises the bar
(only entries whose bound reaches the best ratio so far can still beat it), so a near-exact
match ends the search after a handful of comparisons.

Character trigrams were measured first: a 0.85 ratio allows 15% of edits, each of which can
break three trigrams, so an entry need share only ~22% of a sentence's trigrams, which most
Arabic sentences of similar length do; the character-count bound rules out all but ~1%.
"""

from __future__ import annotations

import bisect
from typing import Any

#: Characters with a count of their own; the rest share one.
FINE = 64
#: Coarse sums of the fine counts, checked first (8 bytes an entry).
COARSE = 8
#: How many entries, likeliest first, are compared before the rest are bounded finely.
FIRST = 32
#: At most this many entries of a fitting length are compared without the counts.
FEW = 64
#: The entries searched first: those whose length allows this ratio.
INNER = 0.95
_SLACK = 0.01  # points of ratio: see _verify
_EPS = 1e-6  # float slack: a bound is never rounded into ruling out a true match


class CloseMatchIndex:
    """Keys (sorted by length, then id, by the caller) and their character counts."""

    def __init__(self, keys: list[str], few: int = FEW) -> None:
        import numpy as np

        self._np = np
        self.keys = keys
        self._few = few
        self._lengths = [len(k) for k in keys]
        self._length = np.array(self._lengths, dtype=np.int64)
        codes = np.frombuffer("".join(keys).encode("utf-32-le"), dtype=np.uint32)
        counts = np.bincount(codes) if len(codes) else np.zeros(1, dtype=np.int64)
        top = np.argsort(-counts, kind="stable")[:FINE - 1]  # code points, by frequency
        top = top[counts[top] > 0]
        # The fine count of each code point (the rest share the last). Coarse sum g holds
        # the characters of frequency rank g, g+8, g+16..., so each sum holds a similar share.
        rank = np.arange(len(top))
        self._table = np.full(len(counts), FINE - 1, dtype=np.intp)
        self._table[top] = (rank % COARSE) * (FINE // COARSE) + rank // COARSE
        self._fine, self._coarse = self._counts(codes)

    def _buckets(self, codes: Any) -> Any:
        """The fine count each character code goes to."""
        np = self._np
        inside = codes < len(self._table)
        return np.where(inside, self._table[np.where(inside, codes, 0)], FINE - 1)

    def _counts(self, codes: Any) -> tuple[Any, Any]:
        """(fine, coarse) counts of every key, a block of keys at a time (bounded memory)."""
        np = self._np
        n, block = len(self.keys), 1 << 15
        starts = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(self._length, out=starts[1:])
        fine = np.empty((n, FINE), dtype=np.uint32)
        for first in range(0, n, block):
            last = min(first + block, n)
            owner = np.repeat(np.arange(last - first, dtype=np.int64),
                              self._length[first:last])
            flat = np.bincount(owner * FINE + self._buckets(codes[starts[first]:starts[last]]),
                               minlength=(last - first) * FINE)
            fine[first:last] = flat.reshape(last - first, FINE)
        coarse = fine.reshape(n, COARSE, FINE // COARSE).sum(axis=2, dtype=np.uint32)
        # One row per character count: a look-up reads each row's slice contiguously.
        return (np.ascontiguousarray(self._narrow(fine).T),
                np.ascontiguousarray(self._narrow(coarse).T))

    def _narrow(self, counts: Any) -> Any:
        """The counts in the smallest unsigned type that holds them (bytes read per look-up)."""
        np = self._np
        top = int(counts.max(initial=0))
        return counts.astype(np.uint8 if top <= 255 else np.uint16 if top <= 65535
                             else np.uint32)

    def _bound(self, counts: Any, query: Any, entries: Any) -> Any:
        """``Σ min(count in key, count in entry)`` for the ``entries`` (columns: a slice or
        positions) of ``counts``; only the characters the key holds can add to it."""
        np = self._np
        rows = np.flatnonzero(query)
        limit = np.iinfo(counts.dtype).max  # an entry's counts are no larger
        wanted = np.minimum(query[rows], limit).astype(counts.dtype)[:, None]
        picked = counts[:, entries] if isinstance(entries, slice) else \
            np.take(counts, entries, axis=1)
        return np.minimum(picked[rows], wanted).sum(axis=0, dtype=np.int64)

    def best(self, key: str, cutoff: float) -> tuple[int, float] | None:
        """(position in ``keys``, rapidfuzz ratio 0-100) of the best entry at or above
        ``cutoff`` (0-1), ties to the lowest position; None when there is none. Entries of
        about the key's length are searched first: a near-exact match found there narrows
        the lengths that can still beat it to those already searched."""
        np = self._np
        a = len(key)
        if not a:
            return None
        low, high = self._window(a, cutoff)
        if high - low <= self._few:  # a handful of entries: comparing them all is cheaper
            from rapidfuzz import fuzz, process

            first = process.extractOne(key, self.keys[low:high], scorer=fuzz.ratio,
                                       processor=None, score_cutoff=100 * cutoff)
            return None if first is None else (low + first[2], first[1])
        codes = np.frombuffer(key.encode("utf-32-le"), dtype=np.uint32)
        fine = np.bincount(self._buckets(codes), minlength=FINE)
        query = (fine, fine.reshape(COARSE, FINE // COARSE).sum(axis=1))
        inner = self._window(a, max(cutoff, INNER))
        found = self._search(key, query, inner, cutoff, None)
        bar = cutoff if found is None else max(cutoff, found[1] / 100)
        low, high = self._window(a, bar)
        for part in ((low, min(high, inner[0])), (max(low, inner[1]), high)):
            found = self._search(key, query, part, bar, found)
        return found

    def _window(self, length: int, cutoff: float) -> tuple[int, int]:
        """The positions of the entries whose length allows a ratio of ``cutoff``
        (``2m/(a+b) >= c`` needs ``c/(2-c) <= b/a <= (2-c)/c``)."""
        return (bisect.bisect_left(self._lengths, length * cutoff / (2 - cutoff) - _EPS),
                bisect.bisect_right(self._lengths, length * (2 - cutoff) / cutoff + _EPS))

    def _search(self, key: str, query: tuple[Any, Any], span: tuple[int, int],
                cutoff: float, best: tuple[int, float] | None) -> tuple[int, float] | None:
        """``best`` improved by the entries at positions ``span`` (a ratio of at least
        ``cutoff``, and at least ``best``'s)."""
        np = self._np
        i0, i1 = span
        if i0 >= i1:
            return best
        a = len(key)
        length = self._length[i0:i1]
        coarse = self._bound(self._coarse, query[1], slice(i0, i1))
        near = np.flatnonzero(coarse >= np.ceil(cutoff * (a + length) / 2 - _EPS)) + i0
        if len(near) > 4 * FIRST and best is None:
            # The likeliest first (by the coarse bound): a good match found among them
            # raises the bar before the fine counts of every entry are read.
            ratio = coarse[near - i0] / (a + self._length[near])
            first = np.sort(near[np.argpartition(-ratio, FIRST)[:FIRST]])
            best = self._verify(key, query, first, cutoff, best)
            if best is not None:
                bar = max(cutoff, best[1] / 100)
                near = near[coarse[near - i0] >= np.ceil(
                    bar * (a + self._length[near]) / 2 - _EPS)]
        return self._verify(key, query, near, cutoff, best)

    def _verify(self, key: str, query: tuple[Any, Any], near: Any, cutoff: float,
                best: tuple[int, float] | None) -> tuple[int, float] | None:
        """``best`` improved by the entries at positions ``near``: fine bound, then rapidfuzz
        in the order of that bound, each match found raising the bar."""
        from rapidfuzz import fuzz, process

        np = self._np
        a = len(key)
        bar = cutoff if best is None else max(cutoff, best[1] / 100)
        length = self._length[near]
        bound = self._bound(self._fine, query[0], near)
        keep = bound >= np.ceil(bar * (a + length) / 2 - _EPS)
        near, bound, length = near[keep], bound[keep], length[keep]
        order = np.argsort(-bound / (a + length), kind="stable")
        near, bound, length = near[order], bound[order], length[order]
        size = 16
        while len(near):
            if best is not None:  # only what could still reach the best ratio so far
                keep = bound >= np.ceil(best[1] / 100 * (a + length) / 2 - _EPS)
                near, bound, length = near[keep], bound[keep], length[keep]
            chunk, near, bound, length = near[:size], near[size:], bound[size:], length[size:]
            size = min(2 * size, 4096)
            floor = 100 * cutoff if best is None else best[1]
            # rapidfuzz filters in single precision (a tie can fall just below its own
            # cutoff): a little slack, then the exact comparison here.
            for _, score, i in process.extract(key, [self.keys[j] for j in chunk.tolist()],
                                               scorer=fuzz.ratio, processor=None,
                                               score_cutoff=floor - _SLACK, limit=None):
                position = int(chunk[i])
                if score >= 100 * cutoff and (best is None or score > best[1] or (
                        score == best[1] and position < best[0])):
                    best = (position, score)
        return best
