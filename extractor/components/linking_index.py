"""Look-ups the allocations component makes per sum, answered from indexes built once per document.

Asked by scanning every sum, draft or place for every sum, they made the component quadratic in the
text's length (a 1 MB report took minutes). Each answer here is exactly the scan's, in the scan's
order; only the cost changes (bisect over sorted starts, one dict per statement).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from itertools import pairwise
from typing import Any


def group_by_unit(drafts: Sequence[Any]) -> dict[int, list[Any]]:
    """The drafts of each statement (keyed by its start), in draft order."""
    out: dict[int, list[Any]] = {}
    for d in drafts:
        out.setdefault(d.unit.start, []).append(d)
    return out


class DraftStarts:
    """Drafts in their order: the last of the first `k` whose sum starts in `[s, e)`. By bisect when
    the drafts are in text order (they are: one per sum, sums by start), else by a backward scan."""

    def __init__(self, drafts: Sequence[Any]) -> None:
        self.drafts = drafts
        self.starts = [d.amount.start for d in drafts]
        self.sorted = all(a <= b for a, b in pairwise(self.starts))

    def last_in(self, k: int, s: int, e: int) -> Any | None:
        if not self.sorted:
            return next((x for x in reversed(self.drafts[:k]) if s <= x.amount.start < e), None)
        j = bisect_left(self.starts, e, 0, k) - 1
        return self.drafts[j] if j >= 0 and self.starts[j] >= s else None


class PlacesByType:
    """Place mentions (ordered by start) grouped by type: the last of some types that ends by a
    position, and the most mentioned of some types, without scanning every place each time."""

    def __init__(self, places: Sequence[Any]) -> None:
        self.places = list(places)
        self._of_type: dict[Any, tuple[list[int], list[int]]] = {}
        for i, p in enumerate(self.places):
            idx, starts = self._of_type.setdefault(p.type, ([], []))
            idx.append(i)
            starts.append(p.start)
        self._most: dict[tuple[Any, ...], Any] = {}

    def last_ending_by(self, pos: int, types: Sequence[Any]) -> Any | None:
        """The last place, in the given order, with `end <= pos` and a type among `types`."""
        best = -1
        for t in set(types):
            idx, starts = self._of_type.get(t, ([], []))
            j = bisect_right(starts, pos) - 1
            while j >= 0 and self.places[idx[j]].end > pos:
                j -= 1  # places still open at `pos` (few: mentions barely overlap)
            if j >= 0:
                best = max(best, idx[j])
        return self.places[best] if best >= 0 else None

    def most_mentioned(self, types: Sequence[Any], pick: Callable[[list[Any], Any], Any]) -> Any | None:
        """`pick(places of those types, weight 1)`, computed once per set of types."""
        key = tuple(types)
        if key not in self._most:
            self._most[key] = pick([p for p in self.places if p.type in types], lambda p: 1.0)
        return self._most[key]


class Stops:
    """Where a pattern matches in a text, found once: the first match at or after a position by
    bisect (a search from each cue to the next sentence end is quadratic in a text with none).
    Exact for patterns whose matches cannot overlap (single characters, as sentence ends are)."""

    def __init__(self, text: str, pattern: re.Pattern[str]) -> None:
        self._text, self._pattern = text, pattern
        self._starts: list[int] | None = None

    def next_at_or_after(self, pos: int, default: int) -> int:
        """`pattern.search(text, pos).start()`, or `default` when there is none."""
        if self._starts is None:
            self._starts = [m.start() for m in self._pattern.finditer(self._text)]
        i = bisect_left(self._starts, pos)
        return self._starts[i] if i < len(self._starts) else default
