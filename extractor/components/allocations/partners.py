"""The partners of an allocation, and the roles allocations give back to the organisations list.

Partners are the other organisations named in the statement, less the payer and its organs, the
issuer and approvers, and programmes no one here pays through; in an enumeration of recipients
each sum has its own recipient as partner.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...normalizers.allocations import Unit
from ...text import fold
from .entities import Draft, Ent, same_org

if TYPE_CHECKING:
    from .context import Context

NON_PARTNER_ROLES = frozenset({"issuer"})
ROLE_ORDER = ("funder", "partner", "issuer", "implementer")


def _not_partner(ctx: Context, o: Ent, d: Draft, funders_here: set[str]) -> bool:
    """The payer itself or an organ of it, a body that only speaks, approves or reports, an idle programme."""
    if d.funder is not None and same_org(o, d.funder):
        return True
    if d.funder is None and d.funder_name and fold(d.funder_name) == o.key:
        return True
    if ctx.cue_of(o) in ("issuer", "approver", "venue") or ctx.cues.first("REPORTER", o.rule) is not None:
        return True
    if d.funder is not None and o.acts_for is not None and fold(o.acts_for) == d.funder.key:
        return True  # an organ of the payer (the INDH's committee) is the payer, not its partner
    if o.roles and o.roles <= NON_PARTNER_ROLES:
        return True
    return o.kind == "programme" and o.key not in funders_here


def partners_in(ctx: Context, unit: Unit, d: Draft, funders_here: set[str]) -> list[str]:
    """The partners of draft `d` in its statement, each organisation once, in text order."""
    if d.alone:
        return []
    if d.recipient is not None:  # each sum of an enumeration goes to its own recipient
        if d.funder is not None and same_org(d.recipient, d.funder):
            return []
        d.rule.append("+recipient")
        return [d.recipient.label]
    out: list[str] = []
    seen: list[Ent] = []
    for o in ctx.org_index.inside(unit.start, unit.end):
        if _not_partner(ctx, o, d, funders_here) or any(same_org(o, s) for s in seen):
            continue
        seen.append(o)
        out.append(o.label)
    return out


def give_role(orgs: list[dict[str, Any]], labels: set[str], role: str) -> None:
    """The organisations an allocation names as `role` have that role in the organisations list too: an
    allocation's funder pays; a body an enumeration pairs with its own sum is its partner (spec §2.1)."""
    folded = {fold(x) for x in labels}
    for org in orgs:
        if fold(org.get("acronym")) in folded or fold(org.get("name")) in folded:
            roles = {r for r in org["roles"] if r != "mentioned"} | {role}
            org["roles"] = [r for r in ROLE_ORDER if r in roles]
