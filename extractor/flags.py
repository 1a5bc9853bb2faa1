"""Review flags: short codes on extracted values that a reviewer should check against the text.

The codes, their one-line explanations and whether they are on live in `patterns/flags.jsonl`
(validated on load: an unknown key, an unknown code or a wrong `applies_to` fails with the file
and line). Detectors are computed over a built record, not over the Doc, so records read back
from `records.jsonl` can be flagged again (`communique eval` measures disabled flags too).
Batch flags (`duplicate_story`, `duplicate_allocation`) are set by `extractor.dupes`.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from .patterns import load_jsonl
from .records import Allocation, Amount, Communique, DateMention, Organization, Place

FLAGS_FILE = "flags.jsonl"
Kind = Literal["allocation", "amount", "organization", "place", "date"]
SHARE_TOLERANCE = 0.01
"""Shares may differ from their total by this fraction (rounding in the text) before `shares_mismatch`."""


@dataclass
class Context:
    """What the detectors need of a record besides the value itself, computed once per record."""

    record: Communique
    org_mentions: dict[str, list[int]] = field(default_factory=dict)
    place_mentions: dict[str, list[int]] = field(default_factory=dict)
    shares: dict[int, list[Allocation]] = field(default_factory=dict)
    mismatch: dict[int | None, bool] = field(default_factory=dict)

    @classmethod
    def of(cls, record: Communique) -> Context:
        ctx = cls(record)
        for o in record.organizations:
            starts = [m.start for m in o.mentions]
            for key in (o.name, o.acronym):
                if key:
                    ctx.org_mentions.setdefault(key, []).extend(starts)
        for p in record.places:
            ctx.place_mentions.setdefault(p.name, []).extend(m.start for m in p.mentions)
        for starts in (*ctx.org_mentions.values(), *ctx.place_mentions.values()):
            starts.sort()
        for a in record.allocations:
            if a.part_of is not None:
                ctx.shares.setdefault(a.part_of, []).append(a)
        return ctx

    def org(self, name: str | None) -> Organization | None:
        return next((o for o in self.record.organizations if name in (o.name, o.acronym)), None)


def _inside(starts: Sequence[int], a: Allocation) -> bool:
    """Whether a mention (sorted starts) begins inside the allocation's evidence (bisect: long texts
    have thousands of sums and mentions)."""
    i = bisect_left(starts, a.evidence.start)
    return i < len(starts) and starts[i] < a.evidence.end


def _funder_inherited(ctx: Context, a: Allocation) -> bool:
    return a.funder is not None and not _inside(ctx.org_mentions.get(a.funder, ()), a)


def _funder_also_implementer(ctx: Context, a: Allocation) -> bool:
    o = ctx.org(a.funder) if a.funder else None
    return o is not None and "implementer" in o.roles


def _place_inherited(ctx: Context, a: Allocation) -> bool:
    return bool(a.places) and not any(_inside(ctx.place_mentions.get(p, ()), a) for p in a.places)


def _shares_mismatch(ctx: Context, a: Allocation) -> bool:
    """The total (or a share) of a split whose shares, all in its currency, do not sum to the total."""
    total_index = a.part_of if a.part_of is not None else a.amount_index
    if total_index not in ctx.mismatch:  # once per total: a long list of shares is summed once
        ctx.mismatch[total_index] = _split_mismatch(ctx, total_index)
    return ctx.mismatch[total_index]


def _split_mismatch(ctx: Context, total_index: int | None) -> bool:
    shares = ctx.shares.get(total_index) if total_index is not None else None
    amounts = ctx.record.amounts
    if not shares or total_index is None or not 0 <= total_index < len(amounts):
        return False
    total = amounts[total_index]
    if any(s.amount.currency != total.currency for s in shares):
        return False
    return abs(sum(s.amount.value for s in shares) - total.value) > SHARE_TOLERANCE * total.value


def _generic_head(ctx: Context, o: Organization) -> bool:
    rule = o.rule or ""
    return rule.startswith("org.") and ">" not in rule


def _acronym_only(ctx: Context, o: Organization) -> bool:
    return o.acronym is not None and o.name.replace(" ", "") == o.acronym.replace(" ", "")


Detector = Callable[[Context, Any], bool]
DETECTORS: dict[str, tuple[Kind, Detector | None]] = {
    "funder_inherited": ("allocation", _funder_inherited),
    "funder_unknown": ("allocation", lambda ctx, a: a.funder is None),
    "funder_also_implementer": ("allocation", _funder_also_implementer),
    "place_inherited": ("allocation", _place_inherited),
    "shares_mismatch": ("allocation", _shares_mismatch),
    "duplicate_story": ("allocation", None),  # batch flags: set by extractor.dupes
    "duplicate_allocation": ("allocation", None),
    "currency_from_context": ("amount", lambda ctx, m: (m.rule or "").startswith("bare.")),
    "generic_head": ("organization", _generic_head),
    "acronym_only": ("organization", _acronym_only),
    "place_type_other": ("place", lambda ctx, p: p.type == "other"),
    "place_code_missing": ("place", lambda ctx, p: p.type in ("region", "province", "prefecture") and not p.code),
    "date_year_guessed": ("date", lambda ctx, d: d.rule == "date.day_month"),
}
"""Every flag code the extractor knows, with the kind of value it applies to and its detector."""


class FlagDef(BaseModel):
    """One line of `patterns/flags.jsonl`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str
    applies_to: Kind
    text: str
    enabled: bool = True
    comment: str | None = None

    @property
    def id(self) -> str:
        """The code is the flag's stable id (duplicates are rejected on load)."""
        return self.code

    @field_validator("code")
    @classmethod
    def _known(cls, v: str) -> str:
        if v not in DETECTORS:
            raise ValueError(f"unknown flag code {v!r} (known: {', '.join(sorted(DETECTORS))})")
        return v

    @field_validator("text")
    @classmethod
    def _one_line(cls, v: str) -> str:
        if not v.strip() or "\n" in v:
            raise ValueError("the explanation must be one non-empty line")
        return v

    @model_validator(mode="after")
    def _kind(self) -> FlagDef:
        kind = DETECTORS[self.code][0]
        if self.applies_to != kind:
            raise ValueError(f"flag {self.code!r} applies to {kind}, not {self.applies_to}")
        return self


def load_flags(name: str = FLAGS_FILE) -> tuple[FlagDef, ...]:
    """The flag definitions, validated, in file order (cached per process)."""
    return load_jsonl(name, FlagDef)


def explain(code: str) -> str:
    """The one-line explanation of a flag code."""
    return next(f.text for f in load_flags() if f.code == code)


def _items(record: Communique, kind: Kind) -> Sequence[Any]:
    return {"allocation": record.allocations, "amount": record.amounts, "organization": record.organizations,
            "place": record.places, "date": record.dates}[kind]


def apply_flags(record: Communique, *, include_disabled: bool = False,
                defs: Sequence[FlagDef] | None = None) -> Communique:
    """Set `flags` on every value of `record` (in place, and returned); batch flags already set are kept.

    With `include_disabled`, flags switched off in the data file are computed too (for `eval`).
    """
    defs = load_flags() if defs is None else defs
    ctx = Context.of(record)
    for kind in ("amount", "date", "place", "organization", "allocation"):
        live = [d for d in defs if d.applies_to == kind and (d.enabled or include_disabled)]
        for item in _items(record, kind):
            kept = [c for c in item.flags if DETECTORS[c][1] is None]
            item.flags = [d.code for d in live
                          if ((det := DETECTORS[d.code][1]) is not None and det(ctx, item)) or d.code in kept]
    for a in record.allocations:
        if a.amount_index is not None and 0 <= a.amount_index < len(record.amounts):
            a.amount.flags = list(record.amounts[a.amount_index].flags)
    return record


def add_flag(item: Allocation | Amount | Organization | Place | DateMention, code: str,
             defs: Sequence[FlagDef] | None = None) -> bool:
    """Add a batch flag when it is enabled in the data file, keeping the file's order; True if added."""
    defs = load_flags() if defs is None else defs
    if code in item.flags or not any(d.code == code and d.enabled for d in defs):
        return False
    order = {d.code: i for i, d in enumerate(defs)}
    item.flags = sorted([*item.flags, code], key=lambda c: order.get(c, len(order)))
    return True
