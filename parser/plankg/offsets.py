"""Offset maps: where each character of a derived text came from.

Every stage that rewrites text (HTML → text, normalisation) returns the new text and
an :class:`OffsetMap` from new positions to old ones. Maps compose, so a node's span in
the normalised text maps straight back to the original file.

The map is stored as sorted runs ``(new_start, old_start)``: inside a run positions
advance together, so a 1:1 substitution (full-width → ASCII) costs nothing and only
deletions and insertions start new runs. This keeps a 50 MB file's map small.

>>> m = OffsetMap.identity(10)
>>> m.to_source(3)
3
>>> b = OffsetBuilder()
>>> b.keep(0, 3); b.skip(2); b.keep(5, 4)  # new "abc" + "fghi" from old "abcdefghi"
>>> m = b.build()
>>> m.to_source(2), m.to_source(3), m.to_source(6)
(2, 5, 8)
>>> m.span_to_source(0, 7)
(0, 9)
"""
from __future__ import annotations

from array import array
from bisect import bisect_right


class OffsetMap:
    __slots__ = ("new_starts", "old_starts", "new_len", "old_len")

    def __init__(self, new_starts: array, old_starts: array, new_len: int, old_len: int):
        self.new_starts = new_starts
        self.old_starts = old_starts
        self.new_len = new_len
        self.old_len = old_len

    @classmethod
    def identity(cls, n: int) -> "OffsetMap":
        return cls(array("q", [0]), array("q", [0]), n, n)

    def to_source(self, pos: int) -> int:
        """Old position of new position ``pos`` (``pos == new_len`` maps to the end)."""
        if pos >= self.new_len:
            return self.old_len
        i = bisect_right(self.new_starts, pos) - 1
        if i < 0:
            return 0
        return self.old_starts[i] + (pos - self.new_starts[i])

    def span_to_source(self, start: int, end: int) -> tuple[int, int]:
        """Old span covering new span ``[start, end)``: the last character's end."""
        if end <= start:
            s = self.to_source(start)
            return s, s
        return self.to_source(start), self.to_source(end - 1) + 1

    def compose(self, inner: "OffsetMap") -> "OffsetMap":
        """A map new → inner-old, where ``self`` maps new → mid and ``inner`` mid → old."""
        b = OffsetBuilder()
        runs = list(zip(self.new_starts, self.old_starts)) + [(self.new_len, None)]
        for (ns, ms), (nxt, _) in zip(runs, runs[1:]):
            length = nxt - ns
            pos = 0
            while pos < length:
                mid = ms + pos
                # length of the inner run that contains mid
                j = bisect_right(inner.new_starts, mid) - 1
                inner_end = inner.new_starts[j + 1] if j + 1 < len(inner.new_starts) else inner.new_len
                take = min(length - pos, max(1, inner_end - mid))
                b.keep(inner.to_source(mid), take)
                pos += take
        m = b.build()
        m.old_len = inner.old_len
        return m


class OffsetBuilder:
    """Build a map while writing a new text left to right."""

    def __init__(self) -> None:
        self.new_starts = array("q")
        self.old_starts = array("q")
        self.new_pos = 0
        self.old_pos = 0

    def keep(self, old_start: int, length: int) -> None:
        """``length`` new characters come from old ``[old_start, old_start+length)``."""
        if length <= 0:
            return
        if not (self.new_starts and self.old_starts[-1] + (self.new_pos - self.new_starts[-1]) == old_start):
            self.new_starts.append(self.new_pos)
            self.old_starts.append(old_start)
        self.new_pos += length
        self.old_pos = old_start + length

    def insert(self, length: int, at_old: int | None = None) -> None:
        """``length`` new characters with no source of their own (map to ``at_old``)."""
        at = self.old_pos if at_old is None else at_old
        for _ in range(length):
            self.new_starts.append(self.new_pos)
            self.old_starts.append(at)
            self.new_pos += 1

    def skip(self, length: int) -> None:
        self.old_pos += length

    def build(self, old_len: int | None = None) -> OffsetMap:
        ns = self.new_starts if len(self.new_starts) else array("q", [0])
        os_ = self.old_starts if len(self.old_starts) else array("q", [0])
        return OffsetMap(ns, os_, self.new_pos, self.old_pos if old_len is None else old_len)
