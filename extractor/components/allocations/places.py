"""Where the money goes and to whom: the places of spending and the beneficiaries of a statement.

A place in an official's title, where a text is signed or a foreign state is no place of spending;
a bare `la province` stands for the province last named (else the document's main one). The
document's main place (most mentioned, a dateline town counting less) is inherited by statements
that name none.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from ...place_types import provincial_alike
from .entities import Ent, most_mentioned

if TYPE_CHECKING:
    from .context import Context


def _abroad(ctx: Context, p: Ent) -> bool:
    """A country other than the one the communiqués are about (HOME_COUNTRY rules, on folded names), or a
    town whose coordinates lie outside the home country's box (settings `home_south` ... `home_east`)."""
    if p.type == "country":
        return ctx.cues.fullmatch("HOME_COUNTRY", p.key) is None
    s = ctx.settings
    return p.latitude is not None and p.longitude is not None and not (
        s.home_south <= p.latitude <= s.home_north and s.home_west <= p.longitude <= s.home_east)


def main_place(ctx: Context) -> Ent | None:
    """The most mentioned place of the document (a dateline town counting less, a bare `la province`
    counting for the province it stands for), foreign countries left out."""
    weight = ctx.settings.dateline_weight

    def weigh(p: Ent) -> float:
        return weight if ctx.in_dateline(p) else 1.0

    refs: list[Ent] = []
    for hit in ctx.cues.all("GENERIC_PLACE", ctx.text):
        if ctx.named_at(hit.start, hit.end):
            continue
        last = ctx.places_by_type.last_ending_by(hit.start, provincial_alike(hit.type))
        if last is not None:
            refs.append(replace(last, start=hit.start, end=hit.end))
    home = [p for p in ctx.places if not _abroad(ctx, p)]
    return most_mentioned(home + refs, weigh)


def not_spent(ctx: Context) -> set[tuple[int, int]]:
    """Place mentions that are no place of spending: a foreign state (it gives or signs; the money
    is spent at home), a place in an official's title or where a text is signed, and the places
    enumerated right after such a one (`des gouverneurs des provinces de X, d'Y et de Z`)."""
    out: set[tuple[int, int]] = set()
    excluded_end = -1
    window = ctx.settings.place_exclude_before_chars
    for p in ctx.places:
        if _abroad(ctx, p):
            out.add((p.start, p.end))
        elif ctx.cues.ends_with("PLACE_EXCLUDE_BEFORE", ctx.text[max(0, p.start - window):p.start]) or (
                excluded_end >= 0 and ctx.cues.fullmatch("PLACE_LIST_GAP", ctx.text[excluded_end:p.start])):
            out.add((p.start, p.end))
            excluded_end = p.end
            continue
        excluded_end = -1
    return out


def places_in(ctx: Context, s: int, e: int) -> list[str]:
    """Canonical names of the places of spending named in text[s:e], generic ones resolved."""
    found: list[tuple[int, Ent]] = []
    for p in ctx.place_index.inside(s, e):
        if ctx.in_dateline(p) or (p.start, p.end) in ctx.not_spent:
            continue
        found.append((p.start, p))
    for hit in ctx.generic_index.inside(s, e):
        if ctx.named_at(hit.start, hit.end):
            continue
        ref = _resolve_generic(ctx, hit.start, hit.type)
        if ref is not None:
            found.append((hit.start, ref))
    out: list[str] = []
    keys: set[str] = set()
    for _pos, p in sorted(found, key=lambda x: x[0]):
        if p.key not in keys:
            keys.add(p.key)
            out.append(p.name)
    return out


def _resolve_generic(ctx: Context, pos: int, typ: str | None) -> Ent | None:
    """`la province` is the province last named before it, else the document's main one of that type."""
    types = provincial_alike(typ)
    last = ctx.places_by_type.last_ending_by(pos, types)
    if last is not None:
        return last
    return ctx.places_by_type.most_mentioned(types, most_mentioned)


def categories_in(ctx: Context, s: int, e: int) -> list[str]:
    """The beneficiary categories named in text[s:e], each once, in text order."""
    out: list[str] = []
    for b in ctx.ben_index.inside(s, e):
        for cat in b.categories:
            if cat not in out:
                out.append(cat)
    return out
