"""Per-document lookups shared by the linking steps: statements, sums, entities, main funder and place.

Built once per document from what the component read of its Doc (`Captured`: no spaCy object, so a
long text's Doc can go before the linking runs); every query is a bisect or an index lookup, so
linking stays linear in the number of sums and mentions on long texts.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc

from ...intervals import SortedRanges
from ...normalizers.allocations import AllocationCues, Unit, line_units, sentences
from ...normalizers.dates import DatelineMatch
from ...text import doc_text
from ..linking_index import PlacesByType
from .cues import cast_orgs
from .entities import Draft, Ent, Found
from .funder import Governor, governors, main_funder
from .places import main_place, not_spent
from .settings import Settings


@dataclass(slots=True)
class Captured:
    """All the linking reads of a Doc, as plain values: the text, the sums (with their index in the
    amounts group), the organisation, place and beneficiary mentions (`Found`), the title and dateline,
    and each sum's governing verb in the parse (by the sum's start)."""

    text: str
    amounts: list[tuple[int, Any]]
    found: tuple[Found, Found, Found]
    title: tuple[int, int] | None = None
    dateline: tuple[int, int] | None = None
    parsed: bool = False
    governors: dict[int, Governor] = field(default_factory=dict)


def capture(doc: Doc, amounts: list[tuple[int, Any]], found: tuple[Found, Found, Found],
            settings: Settings) -> Captured:
    """What the linking needs of `doc`, read once."""
    parsed = doc.has_annotation("DEP")  # a scan of every token: once per document, not per sum
    return Captured(doc_text(doc), amounts, found, _title(doc), _dateline(doc), parsed,
                    governors(doc, [a for _i, a in amounts], settings) if parsed else {})


class Context:
    """What the linking steps read of one document, indexed."""

    def __init__(self, cap: Captured, ents: tuple[list[Ent], list[Ent], list[Ent]], c: AllocationCues,
                 settings: Settings) -> None:
        orgs, places, bens = ents
        self.text = cap.text
        self.parsed = cap.parsed
        self.governors = cap.governors
        self.cues = c
        self.settings = settings
        self.orgs = orgs
        self.org_cue = cast_orgs(self.text, c, orgs, settings)
        self.roles_known = any(o.roles for o in orgs)
        self.title = cap.title
        self.dateline = cap.dateline
        self._index_entities(orgs, places, bens)
        self._index_statements([a for _i, a in cap.amounts])
        self.main_funder = main_funder(self)
        self.not_spent = not_spent(self)
        self.main_place_ent = main_place(self)
        self.main_place = self.main_place_ent.name if self.main_place_ent else None
        self.generic = [(h, self.text[h.start:h.end]) for h in c.all("GENERIC_PLACE", self.text)]
        self.generic_index = SortedRanges(h for h, _txt in self.generic)

    def _index_entities(self, orgs: list[Ent], places: list[Ent], bens: list[Ent]) -> None:
        """Places inside an organisation's name and beneficiaries inside a body's name are not their own."""
        self.org_index = SortedRanges(orgs)
        self.first_of_key = {o.key: o for o in reversed(orgs)}  # each key's first mention
        self.places = [p for p in places if not self.org_index.overlaps(p.start, p.end)]
        bodies = SortedRanges([o for o in orgs if o.kind != "programme"])
        self.bens = [b for b in bens if not bodies.overlaps(b.start, b.end)]
        self.place_index, self.ben_index = SortedRanges(self.places), SortedRanges(self.bens)
        self.places_by_type = PlacesByType(self.places)

    def _index_statements(self, amounts: list[Any]) -> None:
        self.amount_bounds = sorted((a.start, a.end) for a in amounts)
        self.amount_starts = [s for s, _e in self.amount_bounds]
        self.amount_ends = sorted(e for _s, e in self.amount_bounds)
        self.by_unit: dict[int, list[Draft]] = {}
        self.sentences = sentences(self.text, self.cues)
        self.items, self.intro_of = line_units(self.text, self.cues)
        self.sentence_starts = [s for s, _e in self.sentences]
        self.item_starts = [s for s, _e in self.items]

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
        """The end of the last sum ending by `pos`, when at or after `floor`; else `floor`."""
        i = bisect_right(self.amount_ends, pos) - 1
        return self.amount_ends[i] if i >= 0 and self.amount_ends[i] >= floor else floor

    def next_amount_start(self, pos: int, ceiling: int) -> int:
        """The start of the first sum starting at or after `pos`, when before `ceiling`; else `ceiling`."""
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

    def cue_of(self, o: Ent) -> str | None:
        """How the words around this mention cast it (see `cues.cast_orgs`)."""
        return self.org_cue.get((o.start, o.end))

    def in_dateline(self, p: Ent) -> bool:
        """The mention overlaps the dateline (or issue line)."""
        dl = self.dateline
        return dl is not None and p.start < dl[1] and dl[0] < p.end


def _title(doc: Doc) -> tuple[int, int] | None:
    t = doc._.title if Doc.has_extension("title") else None
    if isinstance(t, tuple) and len(t) == 3:
        return int(t[1]), int(t[2])
    return None


def _dateline(doc: Doc) -> tuple[int, int] | None:
    for attr in ("dateline", "issue_line"):
        dl: DatelineMatch | None = getattr(doc._, attr, None) if Doc.has_extension(attr) else None
        if dl is not None:
            return dl.start, dl.end
    return None
