"""Enumerations that pair sums with bodies, read inside one statement (spec §2.1).

- A list of recipients each followed by its own sum (`l'association X (200.000 dhs), l'association
  Y (70.000 dhs)`): each sum's partner is its own recipient, not the whole list.
- A list of givers each bound to its own share (`3 MDH de l'INDH, 2 MDH du Conseil régional`,
  `l'INDH à hauteur de 3 MDH, la commune 2 MDH`, `une contribution de X de 3 MDH et de Y de 1 MDH`):
  each sum is paid by its own giver; a list is written one way, body then sum or sum then body.
- A list of sums each followed by its recipient (`un prêt de 50 M€ à l'ONEE, un prêt de 100 M€ à
  ADM`): each sum's partner is the body it goes to.
- `respectivement`: bodies named before the word and sums after it (`l'INDH et la commune
  contribuent respectivement à hauteur de 5 et 2 MDH`) pay those sums in order; sums before it and
  bodies after it (`200.000 et 100.000 DH accordés respectivement aux associations X et Y`) go to
  those bodies in order.

Pure functions over offsets: the allocations component gives them a statement's organisations (any
object with `start`, `end`, `key`), its sums' offsets and the text.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar


class Named(Protocol):
    start: int
    end: int
    key: str


E = TypeVar("E", bound=Named)
Sum = tuple[int, int]


def _distinct(orgs: Sequence[E]) -> list[E]:
    out: list[E] = []
    for o in orgs:
        if all(o.key != x.key for x in out):
            out.append(o)
    return out


def own_recipients(text: str, orgs: Sequence[E], sums: Sequence[Sum], is_gap: Callable[[str], bool],
                   payers: set[str]) -> dict[int, E]:
    """Sum start -> its own recipient, where at least two sums of the statement are each written
    right after a body (`X (200.000 dhs)`); a sum of such a list not written so goes to the nearest
    body named before it since the previous sum, payers aside."""
    attached: dict[int, E] = {}
    for s, _e in sums:
        before = [o for o in orgs if o.end <= s]
        if before and is_gap(text[before[-1].end:s]) and before[-1].key not in payers:
            attached[s] = before[-1]
    if len({o.key for o in attached.values()}) < 2:
        return {}
    prev_end = min(o.start for o in orgs) if orgs else 0
    for s, e in sums:
        if s not in attached:
            near = [o for o in orgs if prev_end <= o.start and o.end <= s and o.key not in payers]
            if near:
                attached[s] = near[-1]
        prev_end = e
    return attached


def recipients_after(text: str, orgs: Sequence[E], sums: Sequence[Sum], is_gap: Callable[[str], bool],
                     payers: set[str]) -> dict[int, E]:
    """Sum start -> the body written right after it as its recipient (`un prêt de 50 M€ à l'ONEE, un prêt
    de 100 M€ à ADM`), where at least two sums of the statement go so to distinct bodies; the body
    stands before the next sum, payers aside."""
    ordered = sorted(orgs, key=lambda o: o.start)
    starts = [o.start for o in ordered]
    out: dict[int, E] = {}
    for k, (_s, e) in enumerate(sums):
        i = bisect_right(starts, e - 1)
        nxt = sums[k + 1][0] if k + 1 < len(sums) else len(text)
        if i < len(ordered) and ordered[i].start < nxt and ordered[i].key not in payers \
                and is_gap(text[e:ordered[i].start]):
            out[sums[k][0]] = ordered[i]
    return out if len({o.key for o in out.values()}) >= 2 else {}


def own_givers(text: str, orgs: Sequence[E], sums: Sequence[Sum], body_sum: Callable[[str], bool],
               sum_body: Callable[[str], bool], ellipsis: Callable[[str], bool]) -> dict[int, E]:
    """Sum start -> the body that gives it, where at least two sums of the statement are each bound to a
    distinct body, all in one direction: `body_sum` tests the whole gap from a body to the sum right
    after it (`X à hauteur de N`), `sum_body` the gap from a sum to the body right after it (`N de X`).
    After a bound pair, a body written right before its sum (`, la commune 2 MDH`) is bound too where
    `ellipsis` accepts the whole joint from the previous sum to that body."""
    after_body: dict[int, E] = {}
    before_body: dict[int, E] = {}
    ordered = sorted(orgs, key=lambda o: o.start)
    starts = [o.start for o in ordered]
    prev_end: int | None = None
    for s, e in sums:
        k = bisect_right(starts, s) - 1
        body = ordered[k] if k >= 0 and ordered[k].end <= s else None
        if body is not None:
            g = text[body.end:s]
            if body_sum(g) or (not g.strip() and prev_end is not None and after_body
                               and prev_end <= body.start and ellipsis(text[prev_end:body.start])):
                after_body[s] = body
        if k + 1 < len(ordered) and sum_body(text[e:ordered[k + 1].start]):
            before_body[s] = ordered[k + 1]
        prev_end = e
    best = max((after_body, before_body), key=lambda d: len({o.key for o in d.values()}))
    return best if len(best) >= 2 and len({o.key for o in best.values()}) >= 2 else {}


def respective(orgs: Sequence[E], sums: Sequence[Sum], at: int | None) -> tuple[dict[int, E], dict[int, E]]:
    """(payers, recipients): sum start -> the body `respectivement` (at offset `at`) pairs it with."""
    if at is None:
        return {}, {}
    after = [s for s, _e in sums if s >= at]
    before_orgs = _distinct([o for o in orgs if o.end <= at])
    if len(after) >= 2 and len(before_orgs) >= len(after):
        return dict(zip(after, before_orgs[-len(after):], strict=True)), {}
    before = [s for s, _e in sums if s < at]
    after_orgs = _distinct([o for o in orgs if o.start >= at])
    if len(before) >= 2 and len(after_orgs) >= len(before):
        return {}, dict(zip(before[-len(after_orgs[:len(before)]):], after_orgs[:len(before)], strict=True))
    return {}, {}
