"""Allocations component: who gives how much, to whom, where and for what.

Runs last and reads the span groups of the earlier components: `amounts` (`span._.amount`),
`organizations` (`span._.org`), `places` (`span._.place`) and `beneficiaries`
(`span._.beneficiary`). Each sum that is money given gets one allocation, read in its statement:
the sentence, or a bullet item together with its introducing line. Within the statement the
funder is found clause by clause (an agent phrase after the sum, the payer named in the clause
before it, the subject of the verb that governs it in the dependency parse, a co-financer named
later), places and beneficiaries are those of the statement, partners the other organisations
named there. With no funder or place in the statement, the document's main one is inherited
(spec §2.1). All cue words are data (`patterns/allocations.jsonl`).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from itertools import pairwise
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..intervals import SortedRanges
from ..normalizers.allocations import (
    ALLOCATIONS_FILE,
    AllocationCues,
    Unit,
    cues,
    line_units,
    phrase_after,
    sentences,
    strip_span,
)
from ..text import doc_text, fold
from .amounts import amount_dict
from .enumerations import own_recipients, respective
from .keys import span_group
from .linking_index import DraftStarts, PlacesByType, group_by_unit
from .serialize import InstalledRules

SPAN_KEY = "allocations"
AMOUNTS_KEY = "amounts"
ORGS_KEY = "organizations"
PLACES_KEY = "places"
BENEFICIARIES_KEY = "beneficiaries"

DATELINE_WEIGHT = 0.5
"""A dateline or issue-line town counts half a mention when choosing the main place (it is where
the text was signed, which is often but not always where the money goes)."""

NON_PARTNER_ROLES = frozenset({"issuer"})
ACTING_ROLES = frozenset({"issuer", "implementer"})
NO_MAIN_FUNDER_KINDS = frozenset({"programme"})
"""A programme is what money is spent under; it is the main funder only where the text has it pay."""
SUBJECT_DEPS = frozenset({"nsubj", "obl:agent"})
_BRACKET_GAP = re.compile(r"\s*\(\s*")
_LIST_GAP = re.compile(r"\s*(?:,|\bet\b)\s*(?:(?:de|d['’]|du|des)\s*)?(?:(?:la|l['’])\s*)?")
HOME_COUNTRY_KEYS = frozenset({"maroc"})
"""Folded names of the country the communiqués are about: the only country that is a place of spending."""
PROVINCE_LIKE = {"province": ("province", "prefecture"), "prefecture": ("prefecture", "province")}


@Language.factory(
    "communique_allocations",
    assigns=["doc.spans", "span._.allocation", "doc._.allocations"],
    requires=["doc.spans", "doc._.title", "doc._.dateline", "span._.amount", "span._.org", "span._.place",
              "span._.beneficiary"],
    default_config={"patterns": ALLOCATIONS_FILE, "span_key": SPAN_KEY, "amounts_key": AMOUNTS_KEY,
                    "orgs_key": ORGS_KEY, "places_key": PLACES_KEY, "beneficiaries_key": BENEFICIARIES_KEY},
)
def make_allocations(nlp: Language, name: str, *, patterns: str = ALLOCATIONS_FILE, span_key: str = SPAN_KEY,
                     amounts_key: str = AMOUNTS_KEY, orgs_key: str = ORGS_KEY, places_key: str = PLACES_KEY,
                     beneficiaries_key: str = BENEFICIARIES_KEY) -> AllocationsComponent:
    """`*_key`: the span groups of the components it links (read, not written)."""
    return AllocationsComponent(nlp, name, patterns=patterns, span_key=span_key, read_keys={
        "amounts_key": amounts_key, "orgs_key": orgs_key, "places_key": places_key,
        "beneficiaries_key": beneficiaries_key})


def _get(obj: Any, key: str, default: Any = None) -> Any:
    """An attribute of an entity value, whether it is an object or a dict."""
    if obj is None:
        return default
    if isinstance(obj, dict):
        return obj.get(key, default)
    return getattr(obj, key, default)


def _str_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(getattr(v, "value", v)) for v in value]


@dataclass(frozen=True, slots=True)
class Ent:
    """One entity mention as this component needs it (read defensively from the span groups)."""

    start: int
    end: int
    name: str
    key: str
    kind: str | None = None
    roles: frozenset[str] = frozenset()
    acronym: str | None = None
    type: str | None = None
    categories: tuple[str, ...] = ()
    text: str = ""
    acts_for: str | None = None  # the body this organisation is an organ of (an INDH committee: the INDH)
    rule: str = ""  # the organisations component's rule (`org.etat`, `known.bm`)
    own_roles: frozenset[str] = frozenset()  # the roles cued at this very mention (`roles` pools them)

    @property
    def label(self) -> str:
        """How an allocation names the organisation: its acronym where the text gives one (the gold
        convention: `INDH`, `ONEE`), else its canonical name."""
        return self.acronym or self.name


@dataclass(slots=True)
class Draft:
    """An allocation being built."""

    index: int
    amount: Any
    unit: Unit
    rule: list[str] = field(default_factory=list)
    funder: Ent | None = None
    funder_name: str | None = None
    own_funder: bool = False
    part_of: int | None = None
    parts: list[int] = field(default_factory=list)
    recipient: Ent | None = None  # its own recipient in an enumeration of recipients with their sums
    payer: Ent | None = None  # the body `respectivement` pairs it with
    alone: bool = False  # given by one body of an enumeration of givers: the others are no partners


def _span_bounds(span: Span, value: Any) -> tuple[int, int]:
    s, e = _get(value, "start"), _get(value, "end")
    if isinstance(s, int) and isinstance(e, int) and e > s:
        return s, e
    return span.start_char, span.end_char


def _orgs(doc: Doc, spans: Iterable[Span]) -> list[Ent]:
    out: list[Ent] = []
    for span in spans:
        v = getattr(span._, "org", None) if span.has_extension("org") else None
        name = _get(v, "name") or span.text
        s, e = span.start_char, span.end_char
        out.append(Ent(s, e, str(name), fold(name), kind=_str_or_none(_get(v, "kind")),
                       roles=frozenset(_str_list(_get(v, "roles"))), acronym=_get(v, "acronym"),
                       text=doc_text(doc)[s:e], acts_for=_str_or_none(_get(v, "acts_for")),
                       rule=str(_get(v, "rule") or "")))
    # roles belong to the organisation, not to one mention: pool them over its mentions
    pooled: dict[str, frozenset[str]] = {}
    acronyms: dict[str, str] = {}
    for o in out:
        pooled[o.key] = pooled.get(o.key, frozenset()) | o.roles
        if o.acronym:
            acronyms.setdefault(o.key, o.acronym)
    out = [replace(o, roles=pooled[o.key], own_roles=o.roles, acronym=o.acronym or acronyms.get(o.key))
           for o in out]
    return sorted(out, key=lambda x: (x.start, -x.end))


def _places(doc: Doc, spans: Iterable[Span]) -> list[Ent]:
    out: list[Ent] = []
    for span in spans:
        v = getattr(span._, "place", None) if span.has_extension("place") else None
        name = _get(v, "name") or span.text
        out.append(Ent(span.start_char, span.end_char, str(name), fold(name), type=_str_or_none(_get(v, "type")),
                       text=span.text))
    return sorted(out, key=lambda x: (x.start, -x.end))


def _beneficiaries(doc: Doc, spans: Iterable[Span]) -> list[Ent]:
    out: list[Ent] = []
    for span in spans:
        v = getattr(span._, "beneficiary", None) if span.has_extension("beneficiary") else None
        cats = _str_list(_get(v, "categories")) or _str_list(_get(v, "category"))
        if not cats and isinstance(v, str):
            cats = [v]
        if cats:
            out.append(Ent(span.start_char, span.end_char, cats[0], cats[0], categories=tuple(cats), text=span.text))
    return sorted(out, key=lambda x: (x.start, -x.end))


def _str_or_none(v: Any) -> str | None:
    if v is None:
        return None
    return str(getattr(v, "value", v))


def _inside(e: Ent, s: int, t: int) -> bool:
    return e.start >= s and e.end <= t


def _overlaps(e: Ent, others: Iterable[Ent]) -> bool:
    return any(e.start < o.end and o.start < e.end for o in others)


def _same_org(a: Ent, b: Ent) -> bool:
    if a.key == b.key:
        return True
    acr_a, acr_b = fold(a.acronym), fold(b.acronym)
    return bool(acr_a and acr_a in (acr_b, b.key)) or bool(acr_b and acr_b == a.key)


class AllocationsComponent(InstalledRules):
    """Links each given sum to its funder, programme, purpose, beneficiaries, places and partners."""

    def __init__(self, nlp: Language, name: str, *, patterns: str = ALLOCATIONS_FILE, span_key: str = SPAN_KEY,
                 read_keys: dict[str, str] | None = None) -> None:
        self.name = name
        self.span_key = span_key
        self.read_keys = {"amounts_key": AMOUNTS_KEY, "orgs_key": ORGS_KEY, "places_key": PLACES_KEY,
                          "beneficiaries_key": BENEFICIARIES_KEY, **(read_keys or {})}
        self.cues: AllocationCues = cues(patterns)
        Span.set_extension("allocation", default=None, force=True)
        Doc.set_extension("allocations", default=None, force=True)

    # -- pipeline -----------------------------------------------------------------------------------

    def __call__(self, doc: Doc) -> Doc:
        records = self.link(doc)
        spans: list[Span] = []
        for rec in records:
            ev = rec["evidence"]
            span = doc.char_span(ev["start"], ev["end"], alignment_mode="expand")
            if span is not None:
                span._.allocation = rec
                spans.append(span)
        doc.spans[self.span_key] = spans
        doc._.allocations = records
        _give_role(doc, {r["funder"] for r in records if r["funder"]}, "funder")
        _give_role(doc, {r["partners"][0] for r in records if "+recipient" in r["rule"].split(";")}, "partner")
        return doc

    def export(self, doc: Doc) -> dict[str, Any]:
        records = doc._.allocations if Doc.has_extension("allocations") else None
        return {"allocations": [dict(r) for r in (records or [])]}

    # -- linking ------------------------------------------------------------------------------------

    def link(self, doc: Doc) -> list[dict[str, Any]]:
        """The allocation records of a processed Doc, in amount order."""
        text = doc_text(doc)
        group = {k: span_group(doc, key, self.name, k) for k, key in self.read_keys.items()}
        amounts = [(i, s, getattr(s._, "amount", None)) for i, s in enumerate(group["amounts_key"])]
        amounts = [(i, s, a) for i, s, a in amounts if a is not None]
        if not amounts:
            return []
        orgs, places = _orgs(doc, group["orgs_key"]), _places(doc, group["places_key"])
        bens = _beneficiaries(doc, group["beneficiaries_key"])
        ctx = _Context(doc, self.cues, orgs, places, bens, [s._.amount for _i, s, _a in amounts])
        drafts = self._drafts(ctx, amounts)
        ctx.by_unit = group_by_unit(drafts)
        self._parts(ctx, drafts)
        self._pairings(ctx, drafts)
        for d in drafts:
            self._funder(ctx, d, drafts)
        index_of = {x.index: x for x in reversed(drafts)}
        for d in drafts:
            if d.funder is None and d.parts:
                first = index_of.get(d.parts[0])
                if first is not None and first.own_funder:
                    d.funder, d.funder_name = first.funder, first.funder_name
                    d.rule.append("funder.first_part")
        out: list[dict[str, Any]] = []
        by_index = {d.index: d for d in drafts}
        for d in drafts:
            if d.funder_name is None:
                intro = self._intro_funder(ctx, d, by_index)
                if intro is not None:
                    d.funder, d.funder_name = intro, intro.label
                    d.rule.append("funder.intro")
                elif ctx.main_funder is not None:
                    d.funder, d.funder_name = ctx.main_funder, ctx.main_funder.label
                    d.rule.append("funder.main")
            _pay_for_organ(ctx, d)
            out.append(self._record(ctx, d, drafts, text))
        return out

    def _drafts(self, ctx: _Context, amounts: list[tuple[int, Span, Any]]) -> list[Draft]:
        text = ctx.text
        title = ctx.title
        keys_outside_title: set[tuple[int, str]] = set()
        for _i, _s, a in amounts:
            if title is None or not (a.start >= title[0] and a.end <= title[1]):
                keys_outside_title.add((round(a.value), a.currency))
        drafts: list[Draft] = []
        prev_end: int | None = None
        for i, _span, a in amounts:
            gap_prev_end, prev_end = prev_end, a.end
            unit = ctx.unit_at(a.start)
            if title is not None and a.start >= title[0] and a.end <= title[1] \
                    and (round(a.value), a.currency) in keys_outside_title:
                continue  # headline repeat of a sum the body states
            if gap_prev_end is not None and gap_prev_end >= unit.start and \
                    self.cues.restatement(text[gap_prev_end:a.start]):
                continue  # the same sum restated (other currency, rounded)
            seg_start = max(unit.start, ctx.prev_amount_end(a.start, unit.start))
            given, rid = self.cues.given(text[seg_start:a.start], text[a.end:min(unit.end, a.end + 40)])
            if not given:
                continue
            drafts.append(Draft(i, a, unit, rule=[f"given:{rid}" if rid else "given:default"]))
        return drafts

    def _parts(self, ctx: _Context, drafts: list[Draft]) -> None:
        """`dont X` parts and bullet items under an introducing line that states the total."""
        last_in_unit: dict[int, Draft] = {}
        index_of = {x.index: x for x in reversed(drafts)}
        in_order = DraftStarts(drafts)
        for k, d in enumerate(drafts):
            a = d.amount
            same_unit, last_in_unit[d.unit.start] = last_in_unit.get(d.unit.start), d
            before = ctx.text[max(d.unit.start, a.start - 40):a.start]
            if self.cues.ends_with("PART", before):
                total = same_unit
                if total is not None:
                    d.part_of = total.index
                    total.parts.append(d.index)
                    d.rule.append("part_of:dont")
                    continue
            prev = drafts[k - 1] if k else None
            if prev is not None and prev.part_of is not None and prev.unit.start == d.unit.start \
                    and self.cues.ends_with("PART_NEXT", ctx.text[prev.amount.end:a.start]) \
                    and not ctx.sum_starts_in(prev.amount.end, a.start):
                d.part_of = prev.part_of
                index_of[prev.part_of].parts.append(d.index)
                d.rule.append("part_of:next")
                continue
            if d.unit.item and d.unit.intro is not None:
                s, e = d.unit.intro
                total = in_order.last_in(k, s, e)
                if total is not None:
                    d.part_of = total.index
                    total.parts.append(d.index)
                    d.rule.append("part_of:list")

    def _pairings(self, ctx: _Context, drafts: list[Draft]) -> None:
        """Sums paired with bodies by an enumeration of the statement (see `enumerations`)."""
        text, c = ctx.text, self.cues
        for start in sorted({d.unit.start for d in drafts}):
            unit = ctx.by_unit[start][0].unit
            orgs = [o for o in ctx.org_index.inside(unit.start, unit.end) if ctx.cue_of(o) != "issuer"]
            sums = ctx.sums_in(unit.start, unit.end)
            hit = c.first("RESPECTIVELY", text[unit.start:unit.end])
            payers, recipients = respective(orgs, sums, unit.start + hit.start if hit else None)
            funders = {o.key for o in orgs if "funder" in o.roles or ctx.cue_of(o) == "payer"}
            def gap(g: str) -> bool:
                return c.fullmatch("RECIPIENT_SUM_GAP", g) is not None

            own = own_recipients(text, orgs, sums, gap, funders)
            listed = own_recipients(text, orgs, sums, gap, set())
            givers = bool(listed) and c.first("CONTRIBUTORS", text[unit.start:min(listed)]) is not None
            if givers:  # a list of givers with their sums, not of recipients
                payers, own = {**listed, **payers}, {}
            for d in ctx.by_unit[start]:
                d.alone = givers and d.amount.start in payers
                d.payer = payers.get(d.amount.start)
                d.recipient = recipients.get(d.amount.start) or own.get(d.amount.start)

    def _funder(self, ctx: _Context, d: Draft, drafts: list[Draft]) -> None:
        """The payer named in the sum's own clause, else one named for it later in the statement."""
        a, unit, text, c = d.amount, d.unit, ctx.text, self.cues
        if d.payer is not None:
            self._set_funder(d, d.payer, "funder.respectively")
            return
        seg_start = max(unit.start, ctx.prev_amount_end(a.start, unit.start))
        seg_end = min(unit.end, ctx.next_amount_start(a.end, unit.end))
        in_unit = ctx.org_index.inside(unit.start, unit.end)
        # 1. agent phrase right after the sum: `... MDH apportés par X`
        for o in in_unit:
            if a.end <= o.start < seg_end and c.agent_before(text[a.end:o.start]):
                self._set_funder(d, o, "funder.agent")
                return
        if d.parts:
            return  # a co-financed total: its first contributor, once the parts are known
        # 2. the payer named before the sum in its clause (nearest)
        left = [o for o in in_unit if seg_start <= o.start and o.end <= a.start and ctx.can_fund(o, unit)]
        payers = [o for o in left if ctx.cue_of(o) == "payer"]
        if payers or left:
            pick = (payers or left)[-1]
            k = left.index(pick)
            while k > 0 and c.joint(text[left[k - 1].end:left[k].start]):
                k -= 1  # `X, Y et Z apportent N`: the first contributor named pays, the others are partners
            self._set_funder(d, left[k], "funder.clause" if left[k] is pick else "funder.clause_first")
            return
        # 3. subject or agent of the verb that governs the sum (dependency parse)
        o, giving = ctx.governing_org(a)
        if o is not None and _inside(o, unit.start, unit.end) and (
                ctx.can_fund(o, unit) or (giving and ctx.cue_of(o) is None)):
            self._set_funder(d, o, "funder.parse")
            return
        # 4. a contributor named later in the statement
        later = [o for o in in_unit if o.start >= a.end and ctx.can_fund(o, unit)
                 and ("funder" in o.roles or ctx.cue_of(o) == "payer")]
        if later:
            self._set_funder(d, later[0], "funder.later")

    @staticmethod
    def _set_funder(d: Draft, o: Ent, rule: str) -> None:
        d.funder, d.funder_name, d.own_funder = o, o.label, True
        d.rule.append(rule)

    def _intro_funder(self, ctx: _Context, d: Draft, by_index: dict[int, Draft]) -> Ent | None:
        if not (d.unit.item and d.unit.intro):
            return None
        if d.part_of is not None and d.part_of in by_index and by_index[d.part_of].own_funder:
            return by_index[d.part_of].funder
        s, e = d.unit.intro
        cands = [o for o in ctx.org_index.inside(s, e) if ctx.can_fund(o, Unit(s, e))]
        return cands[-1] if cands else None

    # -- record -------------------------------------------------------------------------------------

    def _record(self, ctx: _Context, d: Draft, drafts: list[Draft], text: str) -> dict[str, Any]:
        unit = d.unit
        places = ctx.places_in(unit.start, unit.end)
        if not places and unit.intro:
            places = ctx.places_in(*unit.intro)
            if places:
                d.rule.append("places.intro")
        if not places and ctx.main_place is not None:
            places = [ctx.main_place]
            d.rule.append("places.main")
        bens = ctx.categories_in(unit.start, unit.end)
        if unit.intro:
            bens += [b for b in ctx.categories_in(*unit.intro) if b not in bens]
        funders_here = {x.funder.key for x in ctx.by_unit.get(unit.start, drafts)
                        if x.funder is not None and x.unit.start == unit.start and x.index != d.index}
        partners = ctx.partners_in(unit, d, funders_here)
        programme = self._programme(ctx, d)
        purpose = self._purpose(ctx, d)
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

    def _programme(self, ctx: _Context, d: Draft) -> str | None:
        spans = [(d.unit.start, d.unit.end)] + ([d.unit.intro] if d.unit.intro else [])
        for s, e in spans:
            hit = self.cues.first("PROGRAMME", ctx.text[s:e])
            if hit is not None:
                ps = phrase_after(ctx.text, s + hit.start, e, max_chars=160)
                if ps:
                    return ctx.text[ps[0]:ps[1]]
            for o in ctx.org_index.inside(s, e):
                if o.kind == "programme" and not (d.funder and _same_org(o, d.funder)):
                    return o.text
        return None

    def _purpose(self, ctx: _Context, d: Draft) -> str | None:
        a, text = d.amount, ctx.text
        seg_end = min(d.unit.end, ctx.next_amount_start(a.end, d.unit.end))
        seg_start = max(d.unit.start, ctx.prev_amount_end(a.start, d.unit.start))
        for s, e in ((a.end, seg_end), (seg_start, a.start)):
            pos = s
            while pos < e:
                hit = self.cues.first("PURPOSE", text[pos:e])
                if hit is None:
                    break
                cue_at = pos + hit.start
                if ctx.org_index.holding(cue_at):
                    pos += max(hit.end, 1)  # `pour` inside a name (Initiative nationale pour le ...) is no purpose
                    continue
                ps = phrase_after(text, pos + hit.end, d.unit.end)
                if ps:
                    return text[ps[0]:ps[1]]
                break
        return None


class _Context:
    """Per-document lookups shared by the linking steps: statements, entities, main funder/place."""

    def __init__(self, doc: Doc, c: AllocationCues, orgs: list[Ent], places: list[Ent], bens: list[Ent],
                 amounts: list[Any]) -> None:
        self.doc = doc
        self.text = doc_text(doc)
        self.cues = c
        self.orgs = orgs
        self.org_cue = {(o.start, o.end): self._org_cue(o) for o in orgs}
        self.roles_known = any(o.roles for o in orgs)
        # an acronym in brackets right after the long name shares its cue: `selon l'Office ... (OX)`
        for prev, o in pairwise(orgs):
            if _BRACKET_GAP.fullmatch(self.text[prev.end:o.start]) and self.org_cue[(o.start, o.end)] is None:
                self.org_cue[(o.start, o.end)] = self.org_cue[(prev.start, prev.end)]
        self.title = self._title(doc)
        self.dateline = self._dateline(doc)
        self.org_index = SortedRanges(orgs)
        self.first_of_key = {o.key: o for o in reversed(orgs)}  # each key's first mention
        self.places = [p for p in places if not self.org_index.overlaps(p.start, p.end)]
        bodies = SortedRanges([o for o in orgs if o.kind != "programme"])
        self.bens = [b for b in bens if not bodies.overlaps(b.start, b.end)]
        self.place_index, self.ben_index = SortedRanges(self.places), SortedRanges(self.bens)
        self.places_by_type = PlacesByType(self.places)
        self.amount_bounds = sorted((a.start, a.end) for a in amounts)
        self.amount_starts = [s for s, _e in self.amount_bounds]
        self.amount_ends = sorted(e for _s, e in self.amount_bounds)
        self.by_unit: dict[int, list[Draft]] = {}
        self.sentences = sentences(self.text, c)
        self.items, self.intro_of = line_units(self.text, c)
        self.sentence_starts = [s for s, _e in self.sentences]
        self.item_starts = [s for s, _e in self.items]
        self.main_funder = self._main_funder()
        self.not_spent = self._not_spent()
        self.main_place_ent = self._main_place()
        self.main_place = self.main_place_ent.name if self.main_place_ent else None
        self.generic = [(h, self.text[h.start:h.end]) for h in c.all("GENERIC_PLACE", self.text)]
        self.generic_index = SortedRanges(h for h, _txt in self.generic)

    # -- document structure ---------------------------------------------------------------------------

    @staticmethod
    def _title(doc: Doc) -> tuple[int, int] | None:
        t = doc._.title if Doc.has_extension("title") else None
        if isinstance(t, tuple) and len(t) == 3:
            return int(t[1]), int(t[2])
        return None

    @staticmethod
    def _dateline(doc: Doc) -> tuple[int, int] | None:
        for attr in ("dateline", "issue_line"):
            dl = getattr(doc._, attr, None) if Doc.has_extension(attr) else None
            if dl is not None and isinstance(_get(dl, "start"), int):
                return _get(dl, "start"), _get(dl, "end")
        return None

    def unit_at(self, pos: int) -> Unit:
        """The bullet item, else the sentence, holding `pos` (both lists are sorted and disjoint)."""
        i = bisect_right(self.item_starts, pos) - 1
        if i >= 0 and pos < self.items[i][1]:
            s, e = self.items[i]
            return Unit(s, e, self.intro_of.get(s), item=True)
        i = bisect_right(self.sentence_starts, pos) - 1
        if i >= 0 and pos < self.sentences[i][1]:
            return Unit(*self.sentences[i])
        return Unit(pos, pos + 1)

    def prev_amount_end(self, pos: int, floor: int) -> int:
        i = bisect_right(self.amount_ends, pos) - 1
        return self.amount_ends[i] if i >= 0 and self.amount_ends[i] >= floor else floor

    def next_amount_start(self, pos: int, ceiling: int) -> int:
        i = bisect_left(self.amount_starts, pos)
        return self.amount_starts[i] if i < len(self.amount_starts) and self.amount_starts[i] < ceiling else ceiling

    def sums_in(self, s: int, e: int) -> list[tuple[int, int]]:
        """The sums inside `[s, e]`, by start."""
        lo, hi = bisect_left(self.amount_starts, s), bisect_right(self.amount_starts, e)
        return [b for b in self.amount_bounds[lo:hi] if b[1] <= e]

    def sum_starts_in(self, s: int, e: int) -> bool:
        """Some sum starts in `[s, e)`."""
        i = bisect_left(self.amount_starts, s)
        return i < len(self.amount_starts) and self.amount_starts[i] < e

    def named_at(self, s: int, e: int) -> bool:
        """An organisation or a place overlaps `[s, e)`."""
        return self.org_index.overlaps(s, e) or self.place_index.overlaps(s, e)

    # -- organisations ------------------------------------------------------------------------------

    def _org_cue(self, o: Ent) -> str | None:
        """How the words around a mention cast the organisation: issuer, partner, payer, approver, recipient."""
        c = self.cues
        before = self.text[max(0, o.start - 60):o.start]
        after = self.text[o.end:o.end + 160]
        if c.ends_with("ISSUER_BEFORE", before) or c.starts_with("ISSUER_AFTER", after):
            return "issuer"
        if c.ends_with("PARTNER_BEFORE", before):
            return "partner"
        if c.ends_with("PAYER_BEFORE", before) or c.starts_with("PAYER_AFTER", after):
            return "payer"
        if c.starts_with("APPROVER_AFTER", after):
            return "approver"
        if c.starts_with("RECIPIENT_AFTER", after):
            return "recipient"
        return None

    def cue_of(self, o: Ent) -> str | None:
        return self.org_cue.get((o.start, o.end))

    def can_fund(self, o: Ent, unit: Unit) -> bool:
        """Could this mention name the payer? A payer cue says yes, another cue no, else the funder role."""
        cue = self.cue_of(o)
        if cue == "payer":
            return True
        if cue is not None:
            return False
        if not self.roles_known:
            return True  # no organisation component ran: any named organisation may pay
        return "funder" in o.roles

    def governing_org(self, a: Any) -> tuple[Ent | None, bool]:
        """The organisation that is subject or agent of the verb governing the sum (dependency parse),
        and whether that verb is a giving verb. A verb coordinated to another shares its subject."""
        if not self.doc.has_annotation("DEP"):
            return None, False
        span = self.doc.char_span(a.start, a.end, alignment_mode="expand")
        if span is None:
            return None, False
        tok = span.root
        for _ in range(8):
            if tok.pos_ == "VERB" or tok.head.i == tok.i:
                break
            tok = tok.head
        if tok.pos_ != "VERB":
            return None, False
        verb = tok
        giving = self.cues.first("GIVEN", verb.text) is not None
        for _ in range(3):
            for child in verb.children:
                if child.dep_ in SUBJECT_DEPS:
                    for o in self.org_index.holding(child.idx)[:1]:
                        return o, giving
            if verb.dep_ != "conj" or verb.head.i == verb.i:
                break
            verb = verb.head
        return None, False

    def _main_funder(self) -> Ent | None:
        """Most mentioned funder organisation (funder role or payer cue), ties going to the first mentioned;
        where none is shown paying, the body that announces or carries out the spending (spec §2.1),
        else the first organisation named that no cue casts as a recipient or partner (the lead's actor)."""
        receivers = {o.key for o in self.orgs if self.cue_of(o) == "recipient"}
        keys = {o.key for o in self.orgs if "funder" in o.roles or self.cue_of(o) == "payer"}
        if not keys:
            keys = {o.key for o in self.orgs if o.roles & ACTING_ROLES and o.kind not in NO_MAIN_FUNDER_KINDS
                    and o.key not in receivers}
        if keys:
            # the organisation the document most often has paying (spec §2.1): every mention counts,
            # a paying one twice
            return _most_mentioned(self._abroad_first([o for o in self.orgs if o.key in keys]),
                                   lambda o: 1.0 + ("funder" in o.own_roles or self.cue_of(o) == "payer"))
        # the lead's actor: the first organisation named that is no mere recipient or partner
        actors = self._abroad_first([o for o in self.orgs if o.kind not in NO_MAIN_FUNDER_KINDS
                                     and self.cue_of(o) not in ("partner", "recipient")])
        return actors[0] if actors else None

    def _abroad_first(self, orgs: list[Ent]) -> list[Ent]:
        """Morocco's own state gives way to a foreign or international body (a lender, a donor)."""
        home = {id(o) for o in orgs if self.cues.first("HOME_STATE", o.rule) is not None}
        abroad = bool(home) and any(o.kind == "international" for o in orgs)
        return [o for o in orgs if id(o) not in home] if abroad else orgs

    def partners_in(self, unit: Unit, d: Draft, funders_here: set[str]) -> list[str]:
        if d.alone:
            return []
        if d.recipient is not None:  # each sum of an enumeration goes to its own recipient
            if d.funder is not None and _same_org(d.recipient, d.funder):
                return []
            d.rule.append("+recipient")
            return [d.recipient.label]
        out: list[str] = []
        seen: list[Ent] = []
        for o in self.org_index.inside(unit.start, unit.end):
            if d.funder is not None and _same_org(o, d.funder):
                continue
            if d.funder is None and d.funder_name and fold(d.funder_name) == o.key:
                continue
            if self.cue_of(o) in ("issuer", "approver"):
                continue
            if d.funder is not None and o.acts_for is not None and fold(o.acts_for) == d.funder.key:
                continue  # an organ of the payer (the INDH's committee) is the payer, not its partner
            if o.roles and o.roles <= NON_PARTNER_ROLES:
                continue
            if o.kind == "programme" and o.key not in funders_here:
                continue
            if any(_same_org(o, s) for s in seen):
                continue
            seen.append(o)
            out.append(o.label)
        return out

    # -- places and beneficiaries -------------------------------------------------------------------

    def _main_place(self) -> Ent | None:
        dl = self.dateline

        def weight(p: Ent) -> float:
            if dl is not None and p.start < dl[1] and dl[0] < p.end:
                return DATELINE_WEIGHT
            return 1.0

        # a bare `la province` is one more mention of the province it stands for
        refs: list[Ent] = []
        for hit in self.cues.all("GENERIC_PLACE", self.text):
            if self.named_at(hit.start, hit.end):
                continue
            types = PROVINCE_LIKE.get(hit.type or "", (hit.type,))
            last = self.places_by_type.last_ending_by(hit.start, types)
            if last is not None:
                refs.append(replace(last, start=hit.start, end=hit.end))
        home = [p for p in self.places if p.type != "country" or p.key in HOME_COUNTRY_KEYS]
        return _most_mentioned(home + refs, weight)

    def _not_spent(self) -> set[tuple[int, int]]:
        """Place mentions that are no place of spending: a foreign state (it gives or signs; the money
        is spent at home), a place in an official's title or where a text is signed, and the places
        enumerated right after such a one (`des gouverneurs des provinces de X, d'Y et de Z`)."""
        out: set[tuple[int, int]] = set()
        excluded_end = -1
        for p in self.places:
            if p.type == "country" and p.key not in HOME_COUNTRY_KEYS:
                out.add((p.start, p.end))
            elif self.cues.ends_with("PLACE_EXCLUDE_BEFORE", self.text[max(0, p.start - 80):p.start]) or (
                    excluded_end >= 0 and _LIST_GAP.fullmatch(self.text[excluded_end:p.start])):
                out.add((p.start, p.end))
                excluded_end = p.end
                continue
            excluded_end = -1
        return out

    def places_in(self, s: int, e: int) -> list[str]:
        """Canonical names of the places of spending named in text[s:e], generic ones resolved."""
        found: list[tuple[int, Ent]] = []
        dl = self.dateline
        for p in self.place_index.inside(s, e):
            if dl is not None and p.start < dl[1] and dl[0] < p.end:
                continue
            if (p.start, p.end) in self.not_spent:
                continue
            found.append((p.start, p))
        for hit in self.generic_index.inside(s, e):
            if self.named_at(hit.start, hit.end):
                continue
            ref = self._resolve_generic(hit.start, hit.type)
            if ref is not None:
                found.append((hit.start, ref))
        out: list[str] = []
        keys: set[str] = set()
        for _pos, p in sorted(found, key=lambda x: x[0]):
            if p.key not in keys:
                keys.add(p.key)
                out.append(p.name)
        return out

    def _resolve_generic(self, pos: int, typ: str | None) -> Ent | None:
        """`la province` is the province last named before it, else the document's main one of that type."""
        types = PROVINCE_LIKE.get(typ or "", (typ,))
        last = self.places_by_type.last_ending_by(pos, types)
        if last is not None:
            return last
        return self.places_by_type.most_mentioned(types, _most_mentioned)

    def categories_in(self, s: int, e: int) -> list[str]:
        out: list[str] = []
        for b in self.ben_index.inside(s, e):
            for cat in b.categories:
                if cat not in out:
                    out.append(cat)
        return out


ROLE_ORDER = ("funder", "partner", "issuer", "implementer")


def _pay_for_organ(ctx: _Context, d: Draft) -> None:
    """A sum credited to an organ of another body the text names (an INDH committee approves, the INDH
    pays) is paid by that body."""
    if d.funder is None or d.funder.acts_for is None:
        return
    parent = ctx.first_of_key.get(fold(d.funder.acts_for))
    if parent is not None:
        d.funder, d.funder_name = parent, parent.label
        d.rule.append("funder.acts_for")


def _give_role(doc: Doc, labels: set[str], role: str) -> None:
    """The organisations an allocation names as `role` have that role in the organisations list too: an
    allocation's funder pays; a body an enumeration pairs with its own sum is its partner (spec §2.1)."""
    folded = {fold(x) for x in labels}
    for org in doc.user_data.get("communique_organizations", []):
        if fold(org.get("acronym")) in folded or fold(org.get("name")) in folded:
            roles = {r for r in org["roles"] if r != "mentioned"} | {role}
            org["roles"] = [r for r in ROLE_ORDER if r in roles]


def _most_mentioned(ents: list[Ent], weight: Any) -> Ent | None:
    """The entity whose folded name has the most (weighted) mentions; ties go to the first mentioned."""
    score: dict[str, float] = {}
    first: dict[str, Ent] = {}
    for e in ents:
        score[e.key] = score.get(e.key, 0.0) + weight(e)
        if e.key not in first or e.start < first[e.key].start:
            first[e.key] = e
    if not score:
        return None
    best = max(score, key=lambda k: (score[k], -first[k].start))
    return first[best]
