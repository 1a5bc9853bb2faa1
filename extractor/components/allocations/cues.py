"""How the words around an organisation's mention cast it: issuer, venue, partner, payer, approver, recipient.

The cue rules are data (`patterns/allocations.jsonl`, labels `*_BEFORE` and `*_AFTER`); the windows
read before and after a name are settings. The cast decides who may pay a sum (`can_fund`).
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import TYPE_CHECKING

from ...normalizers.allocations import AllocationCues, Unit
from .entities import Ent
from .settings import Settings

if TYPE_CHECKING:
    from .context import Context

_BRACKET_GAP = re.compile(r"\s*\(\s*")

OrgCues = dict[tuple[int, int], str | None]


def org_cue(text: str, c: AllocationCues, o: Ent, settings: Settings) -> str | None:
    """How the words around a mention cast the organisation: issuer, partner, payer, approver, recipient."""
    before = text[max(0, o.start - settings.org_cue_before_chars):o.start]
    after = text[o.end:o.end + settings.org_cue_after_chars]
    if c.ends_with("ISSUER_BEFORE", before) or c.starts_with("ISSUER_AFTER", after):
        return "issuer"
    if c.ends_with("VENUE_BEFORE", before):
        return "venue"
    if c.ends_with("PARTNER_BEFORE", before):
        return "partner"
    if c.ends_with("PAYER_BEFORE", before) or c.starts_with("PAYER_AFTER", after):
        return "payer"
    if c.starts_with("APPROVER_AFTER", after):
        return "approver"
    if c.starts_with("RECIPIENT_AFTER", after):
        return "recipient"
    return None


def cast_orgs(text: str, c: AllocationCues, orgs: list[Ent], settings: Settings) -> OrgCues:
    """The cue of every mention, by offsets; an acronym in brackets right after the long name shares
    the name's cue: `selon l'Office ... (OX)`."""
    cast = {(o.start, o.end): org_cue(text, c, o, settings) for o in orgs}
    for prev, o in pairwise(orgs):
        if _BRACKET_GAP.fullmatch(text[prev.end:o.start]) and cast[(o.start, o.end)] is None:
            cast[(o.start, o.end)] = cast[(prev.start, prev.end)]
    return cast


def can_fund(ctx: Context, o: Ent, unit: Unit) -> bool:
    """Could this mention name the payer? A payer cue says yes, another cue no, else the funder role."""
    if ctx.cues.first("REPORTER", o.rule) is not None:
        return False  # a news agency reports; it never pays
    cue = ctx.cue_of(o)
    if cue == "payer":
        return True
    if cue is not None:
        return False
    if not ctx.roles_known:
        return True  # no organisation component ran: any named organisation may pay
    return "funder" in o.roles
