"""A set of half-open character ranges answering "does [s, e) overlap any of them?" in O(log n).

Components test each candidate match against the ranges already taken (amounts, dates, names):
a list scanned per candidate is quadratic on long texts; this keeps the union of the ranges as
sorted, disjoint runs (bisect), with empty ranges kept apart as points.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable
from typing import Generic, Protocol, TypeVar


class _Ranged(Protocol):
    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


R = TypeVar("R", bound=_Ranged)


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


class RangeIndex:
    """A fixed list of ranges `(a, b)`: which contain `[s, e)`, does any overlap it? In O(log n)
    (plus the ranges listed by `containing`)."""

    def __init__(self, ranges: Iterable[tuple[int, int]]) -> None:
        self.ranges = sorted(ranges)
        self.starts = [a for a, _ in self.ranges]
        self.max_len = max((b - a for a, b in self.ranges), default=0)
        self._max_end: list[int] = []
        best = -(1 << 62)
        for _a, b in self.ranges:
            best = max(best, b)
            self._max_end.append(best)

    def _best_end(self, i: int) -> int | None:
        """The largest end among the first `i` ranges (by start)."""
        return self._max_end[i - 1] if i > 0 else None

    def contains(self, s: int, e: int, strict: bool = False) -> bool:
        """Some range has `a <= s and e <= b` (`a < s` when strict)."""
        best = self._best_end(bisect_left(self.starts, s) if strict else bisect_right(self.starts, s))
        return best is not None and best >= e

    def overlaps(self, s: int, e: int) -> bool:
        """Some range has `s < b and a < e`."""
        best = self._best_end(bisect_left(self.starts, e))
        return best is not None and best > s

    def containing(self, s: int, e: int) -> list[tuple[int, int]]:
        """The ranges with `a <= s and e <= b`, by start."""
        lo = bisect_left(self.starts, e - self.max_len)
        return [r for r in self.ranges[lo:bisect_right(self.starts, s)] if e <= r[1]]


class SortedRanges(Generic[R]):
    """Items with `start` and `end` (entity mentions, cue hits), kept in their given order, which is
    by start: the ones inside `[s, e)`, the first one holding a position, whether any overlaps a
    range, each in O(log n) plus the items looked at. Components asked these questions of every
    mention for every sum, which is quadratic on long texts."""

    def __init__(self, items: Iterable[R]) -> None:
        self.items: list[R] = list(items)
        self.starts = [x.start for x in self.items]
        if any(a > b for a, b in zip(self.starts, self.starts[1:], strict=False)):
            raise ValueError("SortedRanges needs items ordered by start")
        self._max_end: list[int] = []
        best = -(1 << 62)
        for x in self.items:
            best = max(best, x.end)
            self._max_end.append(best)

    def __len__(self) -> int:
        return len(self.items)

    def inside(self, s: int, e: int) -> list[R]:
        """The items with `s <= start and end <= e`, in the given order."""
        lo, hi = bisect_left(self.starts, s), bisect_right(self.starts, e)
        return [x for x in self.items[lo:hi] if x.end <= e]

    def holding(self, pos: int) -> list[R]:
        """The items with `start <= pos < end`, in the given order."""
        lo, hi = bisect_right(self._max_end, pos), bisect_right(self.starts, pos)
        return [x for x in self.items[lo:hi] if pos < x.end]

    def overlaps(self, s: int, e: int) -> bool:
        """Some item has `start < e and s < end`."""
        i = bisect_left(self.starts, e)
        return i > 0 and self._max_end[i - 1] > s


class StartIndex(Generic[R]):
    """Items with `start` and `end` in any order: the ones inside `[s, e]`, in their given order, in
    O(log n) plus the items starting there (for candidates tested against every known name)."""

    def __init__(self, items: Iterable[R]) -> None:
        self.items: list[R] = list(items)
        self._order = sorted(range(len(self.items)), key=lambda i: self.items[i].start)
        self._starts = [self.items[i].start for i in self._order]

    def inside(self, s: int, e: int) -> list[R]:
        """The items with `s <= start and end <= e`, in the given order."""
        lo, hi = bisect_left(self._starts, s), bisect_right(self._starts, e)
        return [self.items[i] for i in sorted(i for i in self._order[lo:hi] if self.items[i].end <= e)]
