"""A set of half-open character ranges answering "does [s, e) overlap any of them?" in O(log n).

Components test each candidate match against the ranges already taken (amounts, dates, names):
a list scanned per candidate is quadratic on long texts; this keeps the union of the ranges as
sorted, disjoint runs (bisect), with empty ranges kept apart as points.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable


class IntervalSet:
    """Ranges `[a, b)`; `overlaps(s, e)` is true when some range has `a < e and s < b`
    (exactly `not all(e <= a or s >= b ...)` over the ranges added)."""

    def __init__(self, ranges: Iterable[tuple[int, int]] = ()) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._points: list[int] = []
        self._inverted: list[tuple[int, int]] = []
        """`b < a`: never made by a match; kept (scanned) so the answer stays exactly the list's."""
        for a, b in sorted(ranges):
            self.add(a, b)

    def add(self, a: int, b: int) -> None:
        """Add `[a, b)`, merging it with the runs it strictly overlaps (touching runs stay apart)."""
        if b <= a:
            if b == a:
                insort(self._points, a)
            else:
                self._inverted.append((a, b))
            return
        i = bisect_left(self._starts, a)
        if i > 0 and self._ends[i - 1] > a:
            i -= 1
        j = i
        while j < len(self._starts) and self._starts[j] < b:
            j += 1
        if j > i:
            a, b = min(a, self._starts[i]), max(b, self._ends[j - 1])
        self._starts[i:j] = [a]
        self._ends[i:j] = [b]

    def overlaps(self, s: int, e: int) -> bool:
        """Whether `[s, e)` overlaps a range added so far (`s <= e`)."""
        i = bisect_left(self._starts, e) - 1
        if i >= 0 and self._ends[i] > s:
            return True
        j = bisect_right(self._points, s)
        if j < len(self._points) and self._points[j] < e:
            return True
        return any(a < e and s < b for a, b in self._inverted)
