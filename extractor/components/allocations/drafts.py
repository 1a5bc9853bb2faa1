"""Which sums are money given, and how they group: shares of a total, sums paired with bodies.

One draft per sum the text gives (a GIVEN cue, or none against it); a headline repeat or a
restatement in another currency gets none. Shares (`dont X`, bullet items under a line stating
the total) point to their total; an enumeration pairs sums with their payers or recipients.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..enumerations import own_givers, own_recipients, recipients_after, respective
from ..linking_index import DraftStarts
from .entities import Draft

if TYPE_CHECKING:
    from .context import Context


def given_drafts(ctx: Context, amounts: list[tuple[int, Any]]) -> list[Draft]:
    """A draft for each sum that is money given, in amount order (`amounts`: each with its index in the
    amounts group)."""
    text, title, c = ctx.text, ctx.title, ctx.cues
    keys_outside_title: set[tuple[int, str]] = set()
    for _i, a in amounts:
        if title is None or not (a.start >= title[0] and a.end <= title[1]):
            keys_outside_title.add((round(a.value), a.currency))
    drafts: list[Draft] = []
    prev_end: int | None = None
    for i, a in amounts:
        gap_prev_end, prev_end = prev_end, a.end
        unit = ctx.unit_at(a.start)
        if title is not None and a.start >= title[0] and a.end <= title[1] \
                and (round(a.value), a.currency) in keys_outside_title:
            continue  # headline repeat of a sum the body states
        if gap_prev_end is not None and gap_prev_end >= unit.start and \
                c.restatement(text[gap_prev_end:a.start]):
            continue  # the same sum restated (other currency, rounded)
        seg_start = max(unit.start, ctx.prev_amount_end(a.start, unit.start))
        after = text[a.end:min(unit.end, a.end + ctx.settings.not_given_after_chars)]
        given, rid = c.given(text[seg_start:a.start], after)
        if not given:
            continue
        drafts.append(Draft(i, a, unit, rule=[f"given:{rid}" if rid else "given:default"]))
    return drafts


def _join(d: Draft, total: Draft, rule: str) -> None:
    d.part_of = total.index
    total.parts.append(d.index)
    d.rule.append(rule)


def link_parts(ctx: Context, drafts: list[Draft]) -> None:
    """`dont X` parts and bullet items under an introducing line that states the total."""
    last_in_unit: dict[int, Draft] = {}
    index_of = {x.index: x for x in reversed(drafts)}
    in_order = DraftStarts(drafts)
    c, window = ctx.cues, ctx.settings.part_before_chars
    for k, d in enumerate(drafts):
        a = d.amount
        same_unit, last_in_unit[d.unit.start] = last_in_unit.get(d.unit.start), d
        if c.ends_with("PART", ctx.text[max(d.unit.start, a.start - window):a.start]) and same_unit is not None:
            _join(d, same_unit, "part_of:dont")
            continue
        prev = drafts[k - 1] if k else None
        if prev is not None and prev.part_of is not None and prev.unit.start == d.unit.start \
                and c.ends_with("PART_NEXT", ctx.text[prev.amount.end:a.start]) \
                and not ctx.sum_starts_in(prev.amount.end, a.start):
            _join(d, index_of[prev.part_of], "part_of:next")
            continue
        if d.unit.item and d.unit.intro is not None:
            total = in_order.last_in(k, *d.unit.intro)
            if total is not None:
                _join(d, total, "part_of:list")


def link_pairings(ctx: Context, drafts: list[Draft]) -> None:
    """Sums paired with bodies by an enumeration of the statement (see `enumerations`)."""
    text, c = ctx.text, ctx.cues

    def gap(g: str) -> bool:
        return c.fullmatch("RECIPIENT_SUM_GAP", g) is not None

    for start in sorted({d.unit.start for d in drafts}):
        unit = ctx.by_unit[start][0].unit
        orgs = [o for o in ctx.org_index.inside(unit.start, unit.end) if ctx.cue_of(o) != "issuer"]
        sums = ctx.sums_in(unit.start, unit.end)
        hit = c.first("RESPECTIVELY", text[unit.start:unit.end])
        payers, recipients = respective(orgs, sums, unit.start + hit.start if hit else None)
        funders = {o.key for o in orgs if "funder" in o.roles or ctx.cue_of(o) == "payer"}
        own = own_recipients(text, orgs, sums, gap, funders) \
            or recipients_after(text, orgs, sums, lambda g: c.fullmatch("SUM_RECIPIENT_GAP", g) is not None, funders)
        listed = own_recipients(text, orgs, sums, gap, set())
        lead = text[unit.start:min(listed)] if listed else ""
        # shares of one cost: a word of co-financing before the list or inside it (`X a contribué à hauteur
        # de N à ce programme, suivi de Y (M)`)
        shared = bool(listed) and c.first("COFINANCERS", text[unit.start:max(listed)]) is not None
        givers = shared or (bool(listed) and c.first("CONTRIBUTORS", lead) is not None)
        alone = givers and not shared
        if givers:  # a list of givers with their sums, not of recipients
            payers, own = {**listed, **payers}, {}
        else:
            bound = _bound_givers(ctx, orgs, sums)
            if bound:  # each share bound to its giver: shares of one cost (spec 2.1)
                payers, own = {**bound, **payers}, {k: v for k, v in own.items() if k not in bound}
        for d in ctx.by_unit[start]:
            d.alone = alone and d.amount.start in payers
            d.payer = payers.get(d.amount.start)
            d.recipient = recipients.get(d.amount.start) or own.get(d.amount.start)


def _bound_givers(ctx: Context, orgs: list[Any], sums: list[tuple[int, int]]) -> dict[int, Any]:
    """Sum start -> its giver where the statement binds two sums or more to distinct givers
    (`3 MDH de l'INDH, 2 MDH du Conseil régional`, `l'INDH à hauteur de 3 MDH, la commune 2 MDH`)."""
    c, text, w = ctx.cues, ctx.text, ctx.settings.org_cue_before_chars
    orgs = [o for o in orgs if not c.ends_with("RECIPIENT_BEFORE", text[max(0, o.start - w):o.start])]
    return own_givers(text, orgs, sums,
                      lambda g: c.fullmatch("GIVER_SUM_GAP", g) is not None,
                      lambda g: c.fullmatch("SUM_GIVER_GAP", g) is not None,
                      lambda g: c.fullmatch("GIVER_ELLIPSIS", g) is not None)
