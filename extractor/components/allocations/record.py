"""One allocation record from a linked draft: places, beneficiaries, partners, programme, purpose, evidence.

The record is the spec's allocation (`../shared/spec/records.md` §2.1) as a plain dict; the evidence
is the statement the sum was read in, its offsets into the text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...normalizers.allocations import strip_span
from ..amounts import amount_dict
from .entities import Draft, same_org
from .partners import partners_in
from .places import categories_in, places_in

if TYPE_CHECKING:
    from .context import Context


def build_record(ctx: Context, d: Draft, drafts: list[Draft]) -> dict[str, Any]:
    """The record of draft `d` (its funder already chosen)."""
    text, unit = ctx.text, d.unit
    places = places_in(ctx, unit.start, unit.end)
    if not places and unit.intro:
        places = places_in(ctx, *unit.intro)
        if places:
            d.rule.append("places.intro")
    if not places and ctx.main_place is not None:
        places = [ctx.main_place]
        d.rule.append("places.main")
    bens = categories_in(ctx, unit.start, unit.end)
    if unit.intro:
        bens += [b for b in categories_in(ctx, *unit.intro) if b not in bens]
    funders_here = {x.funder.key for x in ctx.by_unit.get(unit.start, drafts)
                    if x.funder is not None and x.unit.start == unit.start and x.index != d.index}
    partners = partners_in(ctx, unit, d, funders_here)
    programme = _programme(ctx, d)
    purpose = _purpose(ctx, d)
    s, e = strip_span(text, unit.start, unit.end)
    return {
        "amount": amount_dict(d.amount),
        "amount_index": d.index,
        "funder": d.funder_name,
        "programme": programme,
        "purpose": purpose,
        "beneficiaries": bens,
        "places": places,
        "partners": partners,
        "part_of": d.part_of,
        "evidence": {"text": text[s:e], "start": s, "end": e},
        "rule": ";".join(d.rule),
    }


def _programme(ctx: Context, d: Draft) -> str | None:
    """The programme the sum is spent under: after a PROGRAMME cue, else a programme named in the
    statement (or its list's introducing line) that is not the payer."""
    spans = [(d.unit.start, d.unit.end)] + ([d.unit.intro] if d.unit.intro else [])
    for s, e in spans:
        hit = ctx.cues.first("PROGRAMME", ctx.text[s:e])
        if hit is not None:
            ps = ctx.cues.phrase_after(ctx.text, s + hit.start, e, max_chars=ctx.settings.phrase_chars)
            if ps:
                return ctx.text[ps[0]:ps[1]]
        for o in ctx.org_index.inside(s, e):
            if o.kind == "programme" and not (d.funder and same_org(o, d.funder)):
                return o.text
    return None


def _purpose(ctx: Context, d: Draft) -> str | None:
    """What the money pays for: the phrase after a PURPOSE cue in the sum's clause, after it first."""
    a, text = d.amount, ctx.text
    seg_end = min(d.unit.end, ctx.next_amount_start(a.end, d.unit.end))
    seg_start = max(d.unit.start, ctx.prev_amount_end(a.start, d.unit.start))
    for s, e in ((a.end, seg_end), (seg_start, a.start)):
        pos = s
        while pos < e:
            hit = ctx.cues.first("PURPOSE", text[pos:e])
            if hit is None:
                break
            if ctx.org_index.holding(pos + hit.start):
                pos += max(hit.end, 1)  # `pour` inside a name (Initiative nationale pour le ...) is no purpose
                continue
            ps = ctx.cues.phrase_after(text, pos + hit.end, d.unit.end, max_chars=ctx.settings.phrase_chars)
            if ps:
                return text[ps[0]:ps[1]]
            break
    return None
