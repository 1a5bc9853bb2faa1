"""The acronym pass of the organisations component, in n·log n.

`Long form (ACR)` makes every use of `ACR` in the text a mention of the long form's organisation.
The rule, as first written (for each definition in text order, for each use of its acronym in
text order): a use inside a longer mention is skipped, a use touching the defining long form is
skipped, otherwise the use replaces every mention it overlaps. Run literally, that re-scans the
whole text for every definition and the whole mention list for every use (about n^2.8 on long
reports). `resolve_aliases` gives the same result with one scan of the text for all acronyms, a
sorted index of the (disjoint) mentions, and only the uses whose state can change revisited:

- a use already holding its acronym's mention is replaced, by every later definition of that
  acronym, with the same span and nothing else touched: only the last definition's version is
  built, at the end;
- a use inside a longer mention waits until that mention is removed;
- what is left (uses whose mention was removed by another acronym, or touching their own long
  form) is revisited in text order at the next definition of the acronym.
"""

from __future__ import annotations

import heapq
import re
from bisect import bisect_left, insort
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol, TypeVar

_WORD_START = re.compile(r"(?<![\w-])\w+")
_LEAD = re.compile(r"\w+")


class Span(Protocol):
    start: int
    end: int


M = TypeVar("M", bound=Span)
Found = tuple[Any, str, int, int, bool]
"""(long-form mention, acronym, acronym start, acronym end, long form is in brackets)."""


def alias_occurrences(text: str, aliases: Iterable[str]) -> dict[str, list[tuple[int, int]]]:
    """Every match of `(?<![\\w-])ALIAS(?![\\w-])` for each alias, as `re.finditer` gives them (left to
    right, not overlapping), found in one pass over the words of the text."""
    out: dict[str, list[tuple[int, int]]] = {}
    by_lead: dict[str, list[str]] = {}
    for a in dict.fromkeys(aliases):
        out[a] = []
        lead = _LEAD.match(a)
        if lead is None:  # not opening on a word character: its own scan
            rx = re.compile(rf"(?<![\w-]){re.escape(a)}(?![\w-])")
            out[a] = [(m.start(), m.end()) for m in rx.finditer(text)]
        else:
            by_lead.setdefault(lead.group(0), []).append(a)
    if not by_lead:
        return out
    last_end = dict.fromkeys(out, 0)
    for w in _WORD_START.finditer(text):
        for a in by_lead.get(w.group(0), ()):
            p, e = w.start(), w.start() + len(a)
            if p >= last_end[a] and text.startswith(a, p) and not _word_or_hyphen(text, e):
                out[a].append((p, e))
                last_end[a] = e
    return out


def _word_or_hyphen(text: str, i: int) -> bool:
    return i < len(text) and (text[i] == "-" or _LEAD.match(text[i]) is not None)


class _Disjoint:
    """Disjoint mentions sorted by start: the ones overlapping a range in O(log n + k)."""

    def __init__(self, mentions: Iterable[Span]) -> None:
        self.by_start = {m.start: m for m in mentions}
        self.starts = sorted(self.by_start)

    def clash(self, s: int, e: int) -> list[Span]:
        out = []
        i = bisect_left(self.starts, e) - 1
        while i >= 0 and self.by_start[self.starts[i]].end > s:
            out.append(self.by_start[self.starts[i]])
            i -= 1
        return out

    def remove(self, x: Span) -> None:
        del self.starts[bisect_left(self.starts, x.start)]
        del self.by_start[x.start]

    def add(self, x: Span) -> None:
        insort(self.starts, x.start)
        self.by_start[x.start] = x


def resolve_aliases(text: str, mentions: Sequence[M], found: Sequence[Found], usable: Callable[[int, int], bool],
                    make: Callable[[Found, int, int], M]) -> list[M]:
    """The mentions once every use of every defined acronym is resolved (see the module), sorted by start.

    `usable(s, e)` says whether a use lines up with tokens; `make(pair, s, e)` builds the use's mention.
    """
    occ = {a: [se for se in spans if usable(*se)]
           for a, spans in alias_occurrences(text, (f[1] for f in found)).items()}
    out = _Disjoint(mentions)
    present: dict[str, dict[int, Span]] = {a: {} for a in occ}
    holder: dict[int, tuple[str, int]] = {}  # id(use mention) -> (acronym, use index)
    active: dict[str, set[int]] = {a: set(range(len(v))) for a, v in occ.items()}
    blocked: dict[int, list[tuple[str, int]]] = {}  # id(longer mention) -> uses waiting inside it
    last: dict[str, Found] = {}
    for pair in found:
        m, a = pair[0], pair[1]
        last[a] = pair
        todo = sorted(active[a])
        while todo:
            k = heapq.heappop(todo)
            if k not in active[a]:
                continue
            s, e = occ[a][k]
            clash = out.clash(s, e)
            wider = next((x for x in clash if x.start <= s and e <= x.end and x.end - x.start > e - s), None)
            if wider is not None:
                active[a].discard(k)
                blocked.setdefault(id(wider), []).append((a, k))
                continue
            if any(x is m for x in clash):
                continue
            for x in clash:
                out.remove(x)
                for b, j in [*blocked.pop(id(x), ()), *([holder.pop(id(x))] if id(x) in holder else [])]:
                    present[b].pop(j, None)
                    active[b].add(j)
                    if b == a and j > k:
                        heapq.heappush(todo, j)
            y = make(pair, s, e)
            out.add(y)
            present[a][k] = y
            holder[id(y)] = (a, k)
            active[a].discard(k)
    final = dict(out.by_start)
    for a, uses in present.items():
        for k in uses:
            s, e = occ[a][k]
            final[s] = make(last[a], s, e)
    return [final[s] for s in sorted(final)]
