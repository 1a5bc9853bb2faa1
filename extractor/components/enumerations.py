"""Enumerations that pair sums with bodies, read inside one statement (spec §2.1).

- A list of recipients each followed by its own sum (`l'association X (200.000 dhs), l'association
  Y (70.000 dhs)`): each sum's partner is its own recipient, not the whole list.
- `respectivement`: bodies named before the word and sums after it (`l'INDH et la commune
  contribuent respectivement à hauteur de 5 et 2 MDH`) pay those sums in order; sums before it and
  bodies after it (`200.000 et 100.000 DH accordés respectivement aux associations X et Y`) go to
  those bodies in order.

Pure functions over offsets: the allocations component gives them a statement's organisations (any
object with `start`, `end`, `key`), its sums' offsets and the text.
"""

from __future__ import annotations

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
