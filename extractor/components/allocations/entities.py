"""The entity mentions and allocation drafts the allocations component links.

The earlier components leave their results on spans (`span._.org`, `span._.place`,
`span._.beneficiary`); this module reads them once into small frozen `Ent` values, so the linking
steps compare offsets and folded names without touching spaCy objects again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from spacy.tokens import Doc, Span

from ...normalizers.allocations import Unit
from ...text import doc_text, fold
from ..beneficiaries import BeneficiaryMatch
from ..organizations.model import OrgMention
from ..places.model import PlaceMention


@dataclass(frozen=True, slots=True)
class Ent:
    """One entity mention as this component needs it (read from the typed values the earlier components
    leave on their spans)."""

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
    latitude: float | None = None  # a place's coordinates, where the gazetteer has them
    longitude: float | None = None

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
    by_people: bool = False  # a share paid by people who are no organisation: no funder, none inherited


def _by_position(ents: list[Ent]) -> list[Ent]:
    return sorted(ents, key=lambda x: (x.start, -x.end))


def read_orgs(doc: Doc, spans: Iterable[Span]) -> list[Ent]:
    """Organisation mentions, each with the roles pooled over all mentions of its organisation."""
    out: list[Ent] = []
    text = doc_text(doc)
    for span in spans:
        v: OrgMention | None = span._.org if span.has_extension("org") else None
        s, e = span.start_char, span.end_char
        if v is None:
            out.append(Ent(s, e, span.text, fold(span.text), text=text[s:e]))
            continue
        out.append(Ent(s, e, v.name, fold(v.name), kind=str(v.kind), roles=frozenset(str(r) for r in v.roles),
                       acronym=v.acronym, text=text[s:e], acts_for=v.acts_for, rule=v.rule))
    # roles belong to the organisation, not to one mention: pool them over its mentions
    pooled: dict[str, frozenset[str]] = {}
    acronyms: dict[str, str] = {}
    for o in out:
        pooled[o.key] = pooled.get(o.key, frozenset()) | o.roles
        if o.acronym:
            acronyms.setdefault(o.key, o.acronym)
    out = [replace(o, roles=pooled[o.key], own_roles=o.roles, acronym=o.acronym or acronyms.get(o.key))
           for o in out]
    return _by_position(out)


def read_places(spans: Iterable[Span]) -> list[Ent]:
    """Place mentions with their canonical name and type."""
    out: list[Ent] = []
    for span in spans:
        v: PlaceMention | None = span._.place if span.has_extension("place") else None
        name = v.name if v is not None else span.text
        out.append(Ent(span.start_char, span.end_char, name, fold(name),
                       type=str(v.type) if v is not None else None, text=span.text,
                       latitude=v.latitude if v is not None else None,
                       longitude=v.longitude if v is not None else None))
    return _by_position(out)


def read_beneficiaries(spans: Iterable[Span]) -> list[Ent]:
    """Beneficiary mentions with their categories (mentions without one are dropped)."""
    out: list[Ent] = []
    for span in spans:
        v: BeneficiaryMatch | None = span._.beneficiary if span.has_extension("beneficiary") else None
        cats = [str(c) for c in v.categories] if v is not None else []
        if cats:
            out.append(Ent(span.start_char, span.end_char, cats[0], cats[0], categories=tuple(cats), text=span.text))
    return _by_position(out)


def inside(e: Ent, s: int, t: int) -> bool:
    """The mention lies within `[s, t]`."""
    return e.start >= s and e.end <= t


def same_org(a: Ent, b: Ent) -> bool:
    """One organisation: the same folded name, or one's acronym is the other's acronym or name."""
    if a.key == b.key:
        return True
    acr_a, acr_b = fold(a.acronym), fold(b.acronym)
    return bool(acr_a and acr_a in (acr_b, b.key)) or bool(acr_b and acr_b == a.key)


def most_mentioned(ents: list[Ent], weight: Callable[[Ent], float]) -> Ent | None:
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
