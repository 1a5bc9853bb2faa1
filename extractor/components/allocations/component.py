"""The `communique_allocations` factory and pipe: runs the linking steps over one Doc.

Order of the steps: which sums are given (`drafts`), how they group (parts, enumerations), who
pays each (`funder`), then one record per draft (`record`), its funder inherited where the
statement names none. Records go to `doc._.allocations` and to spans under `span_key`.
"""

from __future__ import annotations

from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from ...normalizers.allocations import ALLOCATIONS_FILE, AllocationCues, cues
from ..keys import span_group
from ..linking_index import group_by_unit
from ..serialize import InstalledRules, Later
from .context import Captured, Context, capture
from .drafts import given_drafts, link_pairings, link_parts
from .entities import found_in, read_beneficiaries, read_orgs, read_places
from .funder import find_funder, from_first_part, inherit_funder
from .partners import give_role
from .record import build_record
from .settings import Settings

SPAN_KEY = "allocations"
READ_KEYS = {"amounts_key": "amounts", "orgs_key": "organizations", "places_key": "places",
             "beneficiaries_key": "beneficiaries"}
"""The span groups of the components it links (read, not written), by config key."""
_S = Settings()


@Language.factory(
    "communique_allocations",
    assigns=["doc.spans", "span._.allocation", "doc._.allocations"],
    requires=["doc.spans", "doc._.title", "doc._.dateline", "span._.amount", "span._.org", "span._.place",
              "span._.beneficiary"],
    default_config={"patterns": ALLOCATIONS_FILE, "span_key": SPAN_KEY, **READ_KEYS, **Settings.defaults()},
)
def make_allocations(nlp: Language, name: str, *, patterns: str = ALLOCATIONS_FILE, span_key: str = SPAN_KEY,
                     amounts_key: str = "amounts", orgs_key: str = "organizations", places_key: str = "places",
                     beneficiaries_key: str = "beneficiaries",
                     not_given_after_chars: int = _S.not_given_after_chars,
                     part_before_chars: int = _S.part_before_chars,
                     org_cue_before_chars: int = _S.org_cue_before_chars,
                     org_cue_after_chars: int = _S.org_cue_after_chars,
                     place_exclude_before_chars: int = _S.place_exclude_before_chars,
                     phrase_chars: int = _S.phrase_chars, verb_hops: int = _S.verb_hops, conj_hops: int = _S.conj_hops,
                     dateline_weight: float = _S.dateline_weight, home_south: float = _S.home_south,
                     home_north: float = _S.home_north, home_west: float = _S.home_west,
                     home_east: float = _S.home_east) -> AllocationsComponent:
    """Settings (the defaults in brackets):

    - `patterns` (`allocations.jsonl`): the cue lexicon, a file of the rules folder.
    - `span_key` (`allocations`): the span group written, one span per allocation (its evidence).
    - `amounts_key`, `orgs_key`, `places_key`, `beneficiaries_key` (`amounts`, `organizations`,
      `places`, `beneficiaries`): the span groups of the components it links (read, not written).
    - the windows and weights of `settings.Settings`, each documented there (`not_given_after_chars`
      40, `part_before_chars` 40, `org_cue_before_chars` 60, `org_cue_after_chars` 160,
      `place_exclude_before_chars` 80, `phrase_chars` 160, `verb_hops` 8, `conj_hops` 3,
      `dateline_weight` 0.5, the home country's box `home_south` 20.7, `home_north` 36.0, `home_west`
      -17.2, `home_east` -0.9).
    """
    settings = Settings(not_given_after_chars, part_before_chars, org_cue_before_chars, org_cue_after_chars,
                        place_exclude_before_chars, phrase_chars, verb_hops, conj_hops, dateline_weight,
                        home_south, home_north, home_west, home_east)
    return AllocationsComponent(nlp, name, patterns=patterns, span_key=span_key, read_keys={
        "amounts_key": amounts_key, "orgs_key": orgs_key, "places_key": places_key,
        "beneficiaries_key": beneficiaries_key}, settings=settings)


class AllocationsComponent(InstalledRules):
    """Links each given sum to its funder, programme, purpose, beneficiaries, places and partners."""

    def __init__(self, nlp: Language, name: str, *, patterns: str = ALLOCATIONS_FILE, span_key: str = SPAN_KEY,
                 read_keys: dict[str, str] | None = None, settings: Settings | None = None) -> None:
        self.name = name
        self.span_key = span_key
        self.read_keys = {**READ_KEYS, **(read_keys or {})}
        self.settings = settings or Settings()
        self.cues: AllocationCues = cues(patterns)
        Span.set_extension("allocation", default=None, force=True)
        Doc.set_extension("allocations", default=None, force=True)

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
        give_roles(doc.user_data.get("communique_organizations", []), records)
        return doc

    def export(self, doc: Doc) -> dict[str, Any]:
        """The record fields this component contributes: `allocations`."""
        return self.detach(doc)()

    def detach(self, doc: Doc) -> Later:
        """`export` as a function of the records left on `doc`."""
        records = (doc._.allocations if Doc.has_extension("allocations") else None) or []
        return lambda: {"allocations": [dict(r) for r in records]}

    def link(self, doc: Doc) -> list[dict[str, Any]]:
        """The allocation records of a processed Doc, in amount order."""
        return self.link_captured(self.capture(doc))

    def capture(self, doc: Doc) -> Captured | None:
        """All the linking reads of `doc` (None when it has no sum): with it, `link_captured` runs
        without the Doc, so a long text's Doc can go first (`pieces.analyse_fields`)."""
        group = {k: span_group(doc, key, self.name, k) for k, key in self.read_keys.items()}
        amounts = [(i, getattr(s._, "amount", None)) for i, s in enumerate(group["amounts_key"])]
        amounts = [(i, a) for i, a in amounts if a is not None]
        if not amounts:
            return None
        found = (found_in(group["orgs_key"], "org"), found_in(group["places_key"], "place"),
                 found_in(group["beneficiaries_key"], "beneficiary"))
        return capture(doc, amounts, found, self.settings)

    def link_captured(self, cap: Captured | None) -> list[dict[str, Any]]:
        """The allocation records of a captured document, in amount order."""
        if cap is None:
            return []
        orgs, places, bens = cap.found
        ents = (read_orgs(cap.text, orgs), read_places(cap.text, places), read_beneficiaries(cap.text, bens))
        ctx = Context(cap, ents, self.cues, self.settings)
        drafts = given_drafts(ctx, cap.amounts)
        ctx.by_unit = group_by_unit(drafts)
        link_parts(ctx, drafts)
        link_pairings(ctx, drafts)
        for d in drafts:
            find_funder(ctx, d)
        from_first_part(drafts)
        by_index = {d.index: d for d in drafts}
        out: list[dict[str, Any]] = []
        for d in drafts:  # in order: a record reads the funders its statement's earlier sums inherited
            inherit_funder(ctx, d, by_index)
            out.append(build_record(ctx, d, drafts))
        return out


def give_roles(orgs: list[dict[str, Any]], records: list[dict[str, Any]]) -> None:
    """The roles the allocation `records` give back to the organisations' records `orgs`, in place."""
    give_role(orgs, {r["funder"] for r in records if r["funder"]}, "funder")
    give_role(orgs, {r["partners"][0] for r in records if "+recipient" in r["rule"].split(";")}, "partner")
