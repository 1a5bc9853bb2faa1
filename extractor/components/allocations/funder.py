"""Who pays each sum: in its own clause, in its statement, in a list's introducing line, or the document's.

Clause by clause: an agent phrase after the sum, the payer named in the clause before it, the
subject of the verb that governs it in the dependency parse, a co-financer named later. A total
with parts takes its first contributor; with no funder in the statement the introducing line's,
else the document's main funder is inherited (spec §2.1).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from spacy.tokens import Doc

from ...normalizers.allocations import Unit
from ...text import fold
from .cues import can_fund
from .entities import Draft, Ent, inside, most_mentioned

if TYPE_CHECKING:
    from .context import Context
    from .settings import Settings

ACTING_ROLES = frozenset({"issuer", "implementer"})
NO_MAIN_FUNDER_KINDS = frozenset({"programme"})
"""A programme is what money is spent under; it is the main funder only where the text has it pay."""
SUBJECT_DEPS = frozenset({"nsubj", "obl:agent"})
Governor = tuple[str, tuple[int, ...]]
"""The verb governing a sum in the parse: its text and the offsets of its subjects or agents (those of
the verbs it is coordinated to after its own), in the order they are tried."""


def _set_funder(d: Draft, o: Ent, rule: str) -> None:
    d.funder, d.funder_name, d.own_funder = o, o.label, True
    d.rule.append(rule)


def find_funder(ctx: Context, d: Draft) -> None:
    """The payer named in the sum's own clause, else one named for it later in the statement."""
    a, unit, text, c = d.amount, d.unit, ctx.text, ctx.cues
    if d.payer is not None:
        _set_funder(d, d.payer, "funder.respectively")
        return
    if c.last("PEOPLE_SHARE", text[max(unit.start, a.start - ctx.settings.phrase_chars):a.start]) is not None:
        d.by_people = True  # `les bénéficiaires (69 MDH)`: people who are no organisation pay this share
        d.rule.append("funder.people")
        return
    seg_start = max(unit.start, ctx.prev_amount_end(a.start, unit.start))
    seg_end = min(unit.end, ctx.next_amount_start(a.end, unit.end))
    in_unit = ctx.org_index.inside(unit.start, unit.end)
    # 1. agent phrase right after the sum: `... MDH apportés par X`
    for o in in_unit:
        if a.end <= o.start < seg_end and c.agent_before(text[a.end:o.start]):
            _set_funder(d, o, "funder.agent")
            return
    if d.parts:
        return  # a co-financed total: its first contributor, once the parts are known
    # 2. the payer named before the sum in its clause (nearest)
    named = _clause_payer(ctx, d, in_unit, seg_start)
    if named is not None:
        _set_funder(d, *named)
        return
    # 3. subject or agent of the verb that governs the sum (dependency parse)
    o, giving = governing_org(ctx, a)
    if o is not None and inside(o, unit.start, unit.end) and (
            can_fund(ctx, o, unit) or (giving and ctx.cue_of(o) is None)):
        _set_funder(d, o, "funder.parse")
        return
    # 4. a contributor named later in the statement
    later = [o for o in in_unit if o.start >= a.end and can_fund(ctx, o, unit)
             and ("funder" in o.roles or ctx.cue_of(o) == "payer")]
    if later:
        _set_funder(d, later[0], "funder.later")
        return
    # 5. the first party of the agreement the statement names
    first = _first_party(ctx, unit, in_unit)
    if first is not None:
        _set_funder(d, first, "funder.first_party")


def _clause_payer(ctx: Context, d: Draft, in_unit: list[Ent], seg_start: int) -> tuple[Ent, str] | None:
    """The payer named before the sum in its clause, with the rule that found it: the nearest payer
    (the first of a list of co-contributors), or the subject of a gerund of giving."""
    a, unit, text, c = d.amount, d.unit, ctx.text, ctx.cues
    # Morocco's state beside a foreign or international body in the clause receives (`le Maroc et la BEI ont signé`)
    left = _abroad_first(ctx, [o for o in in_unit if seg_start <= o.start and o.end <= a.start
                               and can_fund(ctx, o, unit)])
    payers = [o for o in left if ctx.cue_of(o) == "payer"]
    before = [o for o in in_unit if seg_start <= o.start and o.end <= a.start]
    if before and not payers and c.last("GERUND_GIVING", text[before[-1].end:a.start]) is not None:
        return before[0], "funder.gerund"  # `X ..., en octroyant un don de N`: the clause's subject gives
    if not (payers or left):
        return None
    pick = (payers or left)[-1]
    k = left.index(pick)
    while k > 0 and c.joint(text[left[k - 1].end:left[k].start]):
        k -= 1  # `X, Y et Z apportent N`: the first contributor named pays, the others are partners
    return left[k], "funder.clause" if left[k] is pick else "funder.clause_first"


def _first_party(ctx: Context, unit: Unit, in_unit: list[Ent]) -> Ent | None:
    """`cette convention qui lie X, Y et Z`: the first of the parties an agreement binds alike, a
    co-financed total's first contributor (spec §2.1); None where no such agreement is named."""
    parties = [o for o in in_unit if "partner" in o.roles and o.kind not in NO_MAIN_FUNDER_KINDS]
    if len({o.key for o in parties}) >= 2 and ctx.cues.ends_with("PARTIES_BEFORE",
                                                                  ctx.text[unit.start:parties[0].start]):
        return parties[0]
    return None


def from_first_part(drafts: list[Draft]) -> None:
    """A co-financed total with no payer of its own is paid by its first part's own payer."""
    index_of = {x.index: x for x in reversed(drafts)}
    for d in drafts:
        if d.funder is None and d.parts:
            first = index_of.get(d.parts[0])
            if first is not None and first.own_funder:
                d.funder, d.funder_name = first.funder, first.funder_name
                d.rule.append("funder.first_part")


def inherit_funder(ctx: Context, d: Draft, by_index: dict[int, Draft]) -> None:
    """No funder in the statement: the list's introducing line names it, else the document's main funder
    pays; a sum credited to an organ of a body the text names is paid by that body."""
    if d.funder_name is None and not d.by_people:
        intro = _intro_funder(ctx, d, by_index)
        if intro is not None:
            d.funder, d.funder_name = intro, intro.label
            d.rule.append("funder.intro")
        elif ctx.main_funder is not None:
            d.funder, d.funder_name = ctx.main_funder, ctx.main_funder.label
            d.rule.append("funder.main")
    _pay_for_organ(ctx, d)


def _intro_funder(ctx: Context, d: Draft, by_index: dict[int, Draft]) -> Ent | None:
    if not (d.unit.item and d.unit.intro):
        return None
    if d.part_of is not None and d.part_of in by_index and by_index[d.part_of].own_funder:
        return by_index[d.part_of].funder
    s, e = d.unit.intro
    cands = [o for o in ctx.org_index.inside(s, e) if can_fund(ctx, o, Unit(s, e))]
    return cands[-1] if cands else None


def _pay_for_organ(ctx: Context, d: Draft) -> None:
    """A sum credited to an organ of another body the text names (an INDH committee approves, the INDH
    pays) is paid by that body."""
    if d.funder is None or d.funder.acts_for is None or d.payer is d.funder or "funder.agent" in d.rule:
        return  # an organ named as the payer (`financé par le CPDH`, its share in a list) pays itself
    parent = ctx.first_of_key.get(fold(d.funder.acts_for))
    if parent is not None:
        d.funder, d.funder_name = parent, parent.label
        d.rule.append("funder.acts_for")


def governing_org(ctx: Context, a: Any) -> tuple[Ent | None, bool]:
    """The organisation that is subject or agent of the verb governing the sum (dependency parse),
    and whether that verb is a giving verb. A verb coordinated to another shares its subject."""
    gov = ctx.governors.get(a.start) if ctx.parsed else None
    if gov is None:
        return None, False
    verb_text, subjects = gov
    giving = ctx.cues.first("GIVEN", verb_text) is not None
    for idx in subjects:
        for o in ctx.org_index.holding(idx)[:1]:
            return o, giving
    return None, False


def governors(doc: Doc, amounts: list[Any], settings: Settings) -> dict[int, Governor]:
    """Each sum's governing verb (`Governor`) by the sum's start (sums do not overlap), read from the
    parse while the Doc is there: the verb a few heads up from the sum's root, then its subjects or
    agents, then those of the verb it is coordinated to, `settings.conj_hops` verbs at most."""
    out: dict[int, Governor] = {}
    verbs: dict[str, str] = {}  # one string per verb form
    for a in amounts:
        span = doc.char_span(a.start, a.end, alignment_mode="expand")
        if span is None:
            continue
        tok = span.root
        for _ in range(settings.verb_hops):
            if tok.pos_ == "VERB" or tok.head.i == tok.i:
                break
            tok = tok.head
        if tok.pos_ != "VERB":
            continue
        verb, subjects = tok, []
        for _ in range(settings.conj_hops):
            subjects += [child.idx for child in verb.children if child.dep_ in SUBJECT_DEPS]
            if verb.dep_ != "conj" or verb.head.i == verb.i:
                break
            verb = verb.head
        out[a.start] = (verbs.setdefault(tok.text, tok.text), tuple(subjects))
    return out


def main_funder(ctx: Context) -> Ent | None:
    """Most mentioned funder organisation (funder role or payer cue), ties going to the first mentioned;
    where none is shown paying, the body that announces or carries out the spending (spec §2.1),
    else the first organisation named that no cue casts as a recipient or partner (the lead's actor)."""
    receivers = {o.key for o in ctx.orgs if ctx.cue_of(o) == "recipient"
                 or ctx.cues.first("REPORTER", o.rule) is not None}  # (a news agency never pays)
    keys = {o.key for o in ctx.orgs if "funder" in o.roles or _pays_a_sum(ctx, o)}
    if not keys:
        # no body shown paying: a party from abroad (a lender, a donor) before the bodies that speak or run
        keys = {o.key for o in ctx.orgs if o.kind == "international" and o.roles & ({"partner"} | ACTING_ROLES)
                and o.key not in receivers} \
            or {o.key for o in ctx.orgs if o.roles & ACTING_ROLES and o.kind not in NO_MAIN_FUNDER_KINDS
                and o.key not in receivers}
    if keys:
        # the organisation the document most often has paying (spec §2.1): every mention counts,
        # a paying one twice
        return most_mentioned(_abroad_first(ctx, _without_glosses(ctx, [o for o in ctx.orgs if o.key in keys])),
                              lambda o: 1.0 + ("funder" in o.own_roles or _pays_a_sum(ctx, o)))
    # the lead's actor: the first organisation named that is no mere recipient or partner (a party from
    # abroad, `le Maroc a signé avec la BAD un accord de prêt`, was taken above)
    actors = _abroad_first(ctx, [o for o in ctx.orgs if o.kind not in NO_MAIN_FUNDER_KINDS
                                 and ctx.cue_of(o) not in ("partner", "recipient") and o.key not in receivers])
    return actors[0] if actors else None


def _pays_a_sum(ctx: Context, o: Ent) -> bool:
    """A payer cue counts where its statement names a sum (`X a versé 2 MDH`), not in a description of
    what a body does in general (`X apporte toute forme d'aide`)."""
    if ctx.cue_of(o) != "payer":
        return False
    unit = ctx.unit_at(o.start)
    return ctx.sum_starts_in(unit.start, unit.end)


def _without_glosses(ctx: Context, orgs: list[Ent]) -> list[Ent]:
    """`Long form (ACR)` names the body once, not twice: the bracketed acronym right after a mention of
    the same body does not count as another mention."""
    out: list[Ent] = []
    last_end: dict[str, int] = {}
    for o in sorted(orgs, key=lambda e: e.start):
        prev = last_end.get(o.key)
        last_end[o.key] = o.end
        if prev is not None and 0 <= o.start - prev <= 3 and ctx.text[prev:o.start].strip() == "(":
            continue
        out.append(o)
    return out


def _abroad_first(ctx: Context, orgs: list[Ent]) -> list[Ent]:
    """Morocco's own state gives way to a foreign or international body (a lender, a donor)."""
    home = {id(o) for o in orgs if ctx.cues.first("HOME_STATE", o.rule) is not None}
    abroad = bool(home) and any(o.kind == "international" for o in orgs)
    return [o for o in orgs if id(o) not in home] if abroad else orgs
