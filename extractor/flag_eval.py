"""Do review flags say something? Precision of flagged against unflagged values on a gold set.

A flag earns its place when the values it marks are more often wrong than those it leaves alone.
Each flag is judged on the value it is about: an allocation's funder (`funder_*`), its places
(`place_inherited`), the allocation itself (`shares_mismatch`); an amount's key; a place's
(name, type); an organisation (matched as the scorer matches them); a date's value. Every flag
is computed here, disabled ones included, from the records as they are.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from .flags import DETECTORS, apply_flags, load_flags
from .records import Communique
from .scoring import amount_key, same_org
from .text import fold

Json = dict[str, Any]
Judged = list[tuple[list[str], bool]]
"""(flags, correct) of each value of one kind."""


@dataclass
class FlagStats:
    """How often flagged and unflagged values of one flag's kind are right."""

    code: str
    enabled: bool
    flagged: int = 0
    flagged_ok: int = 0
    unflagged: int = 0
    unflagged_ok: int = 0

    @property
    def p_flagged(self) -> float | None:
        return self.flagged_ok / self.flagged if self.flagged else None

    @property
    def p_unflagged(self) -> float | None:
        return self.unflagged_ok / self.unflagged if self.unflagged else None

    @property
    def verdict(self) -> str:
        pf, pu = self.p_flagged, self.p_unflagged
        if pf is None:
            return "never fired"
        if pu is None or pf < pu:
            return "says something"
        return "says nothing"

    def as_json(self) -> Json:
        return {"enabled": self.enabled, "flagged": self.flagged, "flagged_ok": self.flagged_ok,
                "unflagged": self.unflagged, "unflagged_ok": self.unflagged_ok, "verdict": self.verdict}


def _amounts(gold: Json, rec: Communique) -> Judged:
    left = Counter(amount_key(a) for a in gold["amounts"])
    out: Judged = []
    for a in rec.amounts:
        key = amount_key(a.model_dump())
        out.append((a.flags, left[key] > 0))
        left[key] -= 1
    return out


def _places(gold: Json, rec: Communique) -> Judged:
    typed = {(fold(p["name"]), p.get("type")) for p in gold["places"]}
    return [(p.flags, (fold(p.name), p.type) in typed) for p in rec.places]


def _orgs(gold: Json, rec: Communique) -> Judged:
    return [(o.flags, any(same_org(g, o.model_dump()) for g in gold["organizations"])) for o in rec.organizations]


def _dates(gold: Json, rec: Communique) -> Judged:
    values = {str(d["value"]) for d in gold["dates"]}
    return [(d.flags, d.value.isoformat() in values) for d in rec.dates]


def _pair_allocations(gold: list[Json], rec: Communique) -> list[Json | None]:
    """For each extracted allocation, the gold one with its amount key (first free, as the scorer pairs)."""
    pairs: list[Json | None] = [None] * len(rec.allocations)
    for g in gold:
        key = amount_key(g.get("amount"))
        j = next((j for j, p in enumerate(rec.allocations)
                  if pairs[j] is None and amount_key(p.amount.model_dump()) == key), None)
        if j is not None:
            pairs[j] = g
    return pairs


def _funder_ok(g: Json | None, a: Any) -> bool:
    if g is None:
        return False
    if not g.get("funder") or not a.funder:
        return not g.get("funder") and not a.funder
    return same_org(g["funder"], a.funder)


def _places_ok(g: Json | None, a: Any) -> bool:
    return g is not None and {fold(x) for x in g.get("places") or []} == {fold(x) for x in a.places}


SLOTS: dict[str, Callable[[Json | None, Any], bool]] = {
    "funder": _funder_ok, "places": _places_ok, "allocation": lambda g, a: g is not None}
ALLOCATION_SLOT = {"funder_inherited": "funder", "funder_unknown": "funder", "funder_also_implementer": "funder",
                   "place_inherited": "places", "shares_mismatch": "allocation"}
"""Which part of an allocation each allocation flag is about."""

KIND_FIELD = {"amount": ("amounts", _amounts), "place": ("places", _places),
              "organization": ("organizations", _orgs), "date": ("dates", _dates)}


def flag_precision(golds: Mapping[str, Json], records: Mapping[str, Json]) -> dict[str, FlagStats]:
    """Per flag code (every one the data file lists), flagged and unflagged values right and wrong."""
    defs = load_flags()
    stats = {d.code: FlagStats(d.code, d.enabled) for d in defs if DETECTORS[d.code][1] is not None}
    for doc_id, gold in golds.items():
        raw = records.get(doc_id)
        if raw is None:
            continue
        try:
            rec = apply_flags(Communique.model_validate(raw), include_disabled=True)
        except ValidationError:
            continue
        for d in defs:
            if d.code not in stats:
                continue
            judged = _judge(d.code, d.applies_to, gold, rec)
            s = stats[d.code]
            for flags, ok in judged:
                if d.code in flags:
                    s.flagged, s.flagged_ok = s.flagged + 1, s.flagged_ok + ok
                else:
                    s.unflagged, s.unflagged_ok = s.unflagged + 1, s.unflagged_ok + ok
    return stats


def _judge(code: str, kind: str, gold: Json, rec: Communique) -> Judged:
    if kind == "allocation":
        if "allocations" not in gold:
            return []
        slot = SLOTS[ALLOCATION_SLOT[code]]
        pairs = _pair_allocations(gold["allocations"], rec)
        return [(a.flags, slot(g, a)) for a, g in zip(rec.allocations, pairs, strict=True)]
    field_name, judge = KIND_FIELD[kind]
    return judge(gold, rec) if field_name in gold else []


def _p(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def flag_table(stats: Mapping[str, FlagStats]) -> str:
    """One line per flag: precision of flagged values (n) against unflagged ones (n), and the verdict."""
    lines = [f"{'flag':24} {'on':>3} {'P flagged':>10} {'n':>4} {'P unflagged':>12} {'n':>5}   verdict"]
    for s in stats.values():
        lines.append(f"{s.code:24} {'yes' if s.enabled else 'no':>3} {_p(s.p_flagged):>10} {s.flagged:>4} "
                     f"{_p(s.p_unflagged):>12} {s.unflagged:>5}   {s.verdict}")
    return "\n".join(lines)
