"""The entity mentions and allocation drafts the allocations component links.

The earlier components leave their results on spans (`span._.org`, `span._.place`,
`span._.beneficiary`); this module reads them once into small frozen `Ent` values, so the linking
steps compare offsets and folded names without touching spaCy objects again.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any, cast

from spacy.tokens import Span

from ...normalizers.allocations import Unit
from ...text import fold
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


Found = tuple[array, array, list[Any]]
"""The mentions of a span group as earlier components left them: their spans' start and end characters
(two arrays) and their `span._` values (`zip(*found)` gives each mention's three)."""


def found_in(spans: Iterable[Span], extension: str) -> Found:
    """The mentions of a span group, as offsets and values: no spaCy object, 8 bytes a mention and its
    offsets (read while a long text's Doc is still there: `Captured`; the `Ent` come once it is gone)."""
    known = Span.has_extension(extension)
    starts, ends, values = array("q"), array("q"), []
    for s in spans:
        starts.append(s.start_char)
        ends.append(s.end_char)
        values.append(s._.get(extension) if known else None)
    return starts, ends, values


def read_orgs(text: str, found: Found) -> list[Ent]:
    """Organisation mentions, each with the roles pooled over all mentions of its organisation."""
    out: list[Ent] = []
    for s, e, v in zip(*found, strict=True):
        if v is None:
            out.append(Ent(s, e, text[s:e], fold(text[s:e]), text=text[s:e]))
            continue
        v = cast(OrgMention, v)
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


def read_places(text: str, found: Found) -> list[Ent]:
    """Place mentions with their canonical name and type."""
    out: list[Ent] = []
    for s, e, v in zip(*found, strict=True):
        p = cast(PlaceMention | None, v)
        name = p.name if p is not None else text[s:e]
        out.append(Ent(s, e, name, fold(name), type=str(p.type) if p is not None else None, text=text[s:e],
                       latitude=p.latitude if p is not None else None,
                       longitude=p.longitude if p is not None else None))
    return _by_position(out)


def read_beneficiaries(text: str, found: Found) -> list[Ent]:
    """Beneficiary mentions with their categories (mentions without one are dropped)."""
    out: list[Ent] = []
    for s, e, v in zip(*found, strict=True):
        b = cast(BeneficiaryMatch | None, v)
        cats = [str(c) for c in b.categories] if b is not None else []
        if cats:
            out.append(Ent(s, e, cats[0], cats[0], categories=tuple(cats), text=text[s:e]))
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
