"""Honest sums over records: one row per allocation that counts, and totals by any key.

The rules that keep a total honest live here, once, for the HTML report and the notebook API alike:
- a record with `duplicate_of` (the same story reposted) counts once: only its first copy is summed;
- an allocation with `duplicate_of` (the same money reported by another document) is not summed again;
- a share (`part_of` names the index of its total in `amounts`) is not added on top of that total when
  the total is itself an allocation of the same document;
- sums are per currency and never mixed; a rates file converts them into one base currency on request.
An allocation for several places or groups counts in full under each of them, so such a table's rows
may add up to more than the total (the report says so).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import ExtractorError
from ..patterns import resolve
from .geo import PlaceInfo, resolve_place

KEYS = ("funder", "currency", "region", "province", "place", "beneficiary", "year", "doc_id")
"""What `totals(by=[...])` can group on."""
LIST_KEYS = {"region", "province", "place", "beneficiary"}
"""Keys an allocation can have several values of (it counts in full under each)."""
MISSING = {"funder": "(no funder named)", "region": "(no known province)", "province": "(no known province)",
           "place": "(no place named)", "beneficiary": "(no group named)", "year": "(undated)"}
"""How the report labels an allocation that has no value for a key (`totals()` gives None)."""
QUALIFIERS = {"exact": "exact", "more_than": "more than", "at_least": "at least", "less_than": "less than",
              "at_most": "at most", "approx": "about", "range": "range"}
"""Amount qualifiers as a reader says them."""


class ReportError(ExtractorError):
    """The report cannot be built: unreadable records, a bad rates file, an unusable folder."""


@dataclass
class Row:
    """One allocation as summed: its value, currency, keys and why it does or does not count."""

    doc_id: str
    index: int
    value: float
    currency: str
    funder: str | None
    year: int | None
    places: list[PlaceInfo]
    beneficiaries: list[str]
    counted: bool = True
    excluded_because: str | None = None
    flags: list[str] = field(default_factory=list)
    purpose: str | None = None
    qualifier: str = "exact"

    def keys(self, key: str) -> list[Any]:
        """The row's values for one grouping key (a list: a row may count under several)."""
        if key == "region":
            out = sorted({p.region for p in self.places if p.region})
        elif key == "province":
            out = sorted({p.province for p in self.places if p.province})
        elif key == "place":
            out = sorted({p.name for p in self.places})
        elif key == "beneficiary":
            out = sorted(set(self.beneficiaries))
        else:
            v = {"funder": self.funder, "currency": self.currency, "year": self.year, "doc_id": self.doc_id}[key]
            out = [v]
        return [v for v in out if v is not None] or [None]


def flag_codes(obj: Mapping[str, Any]) -> list[str]:
    """Flag codes of a record part, whatever shape `flags` takes (codes or `{code, ...}` objects)."""
    out = []
    for f in obj.get("flags") or []:
        out.append(str(f.get("code") or f.get("id") or f) if isinstance(f, Mapping) else str(f))
    return out


@cache
def flag_texts() -> dict[str, str]:
    """code → the one line a reviewer reads, from patterns/flags.jsonl where it exists (else codes alone)."""
    path = resolve("flags.jsonl")
    out: dict[str, str] = {}
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.lstrip().startswith("//"):
                item = json.loads(line)
                out[str(item.get("code"))] = str(item.get("text") or "")
    return out


def explain_flag(code: str) -> str:
    """`code: one line of explanation` (the code alone when the flags file does not know it)."""
    text = flag_texts().get(code)
    return f"{code}: {text}" if text else code


def ref_text(ref: Any) -> str:
    """An allocation reference (`{"id", "index"}`) or a record id as a reader sees it."""
    if isinstance(ref, Mapping):
        return f"{ref.get('id')}, allocation {int(ref.get('index', 0)) + 1}"
    return str(ref)


def _year(rec: Mapping[str, Any]) -> int | None:
    d = rec.get("date") or (rec.get("dateline") or {}).get("date")
    return int(str(d)[:4]) if d else None


def record_rows(rec: Mapping[str, Any], duplicate: bool = False) -> list[Row]:
    """The allocations of one record as rows, each marked counted or not (and why)."""
    allocs = rec.get("allocations") or []
    total_idx = {a.get("amount_index") for a in allocs if a.get("amount_index") is not None}
    places: dict[str, Mapping[str, Any]] = {}
    for p in rec.get("places") or []:  # a name that is a town and a province: the province
        if p["name"] not in places or p.get("type") in ("region", "province", "prefecture"):
            places[p["name"]] = p
    rows = []
    for i, a in enumerate(allocs):
        amt = a["amount"]
        row = Row(doc_id=rec["id"], index=i, value=float(amt["value"]), currency=amt["currency"],
                  funder=a.get("funder"), year=_year(rec),
                  places=[resolve_place(n, places.get(n)) for n in a.get("places") or []],
                  beneficiaries=list(a.get("beneficiaries") or []), flags=flag_codes(a) + flag_codes(amt),
                  purpose=a.get("purpose"), qualifier=amt.get("qualifier") or "exact")
        if duplicate:
            row.counted, row.excluded_because = False, f"repost of {rec['duplicate_of']}"
        elif a.get("duplicate_of"):
            row.counted, row.excluded_because = False, f"same allocation as {ref_text(a['duplicate_of'])}"
        elif a.get("part_of") is not None and a["part_of"] in total_idx:
            row.counted, row.excluded_because = False, "a share of a total counted here"
        rows.append(row)
    return rows


def iter_rows(records: Iterable[Mapping[str, Any]]) -> list[Row]:
    """Rows of every record: copies of a duplicate story are kept but marked as not counted."""
    rows: list[Row] = []
    for rec in records:
        rows += record_rows(rec, duplicate=bool(rec.get("duplicate_of")))
    return rows


def load_records(path: str | Path) -> list[dict[str, Any]]:
    """Read records.jsonl; a bad line is a ReportError naming the file and line."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise ReportError(f"{path}: cannot read records ({e.strerror or e})") from None
    out = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as e:
            raise ReportError(f"{path}:{n}: not JSON ({e.msg})") from None
        if not isinstance(rec, dict) or "id" not in rec:
            raise ReportError(f"{path}:{n}: not a record (no id)")
        out.append(rec)
    return out


def load_rates(path: str | Path) -> tuple[str, dict[str, float]]:
    """A rates file: JSON `{"base": "MAD", "rates": {"EUR": 10.8, ...}}` (value of one unit in base)."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        raise ReportError(f"{path}: cannot read rates ({e})") from None
    base = data.get("base", "MAD") if isinstance(data, dict) else None
    rates = data.get("rates") if isinstance(data, dict) else None
    if not isinstance(base, str) or not isinstance(rates, dict) or not all(
            isinstance(v, int | float) and v > 0 for v in rates.values()):
        raise ReportError(f'{path}: expected {{"base": "MAD", "rates": {{"EUR": 10.8, ...}}}} with positive numbers')
    return base, {str(k): float(v) for k, v in rates.items()} | {base: 1.0}


def check_rates(rows: Iterable[Row], rates: tuple[str, dict[str, float]]) -> None:
    """A currency summed without a rate to the base is a ReportError naming it (never a silent zero)."""
    base, table = rates
    missing = sorted({r.currency for r in rows if r.counted and r.currency not in table})
    if missing:
        raise ReportError(f"rates file has no rate to {base} for {', '.join(missing)}")


def totals(records: Iterable[Mapping[str, Any]], by: Iterable[str] = ("currency",),
           rates: tuple[str, dict[str, float]] | str | Path | None = None) -> Any:
    """Sums of counted allocations grouped by `by` (always also by currency) → pandas DataFrame.

    A key an allocation has no value for (no funder named, no known province, no date) is None.
    Columns: the keys, `currency`, `total`, `allocations`, `documents`, `flagged` (allocations with a
    flag); with `rates`, also `total_<BASE>`. Records may be dicts or `Communique` models.
    """
    import pandas as pd

    by = [k for k in by if k != "currency"]
    bad = [k for k in by if k not in KEYS]
    if bad:
        raise ReportError(f"cannot group by {bad}; choose from {', '.join(KEYS)}")
    recs = [r.model_dump(mode="json") if hasattr(r, "model_dump") else r for r in records]
    rows = [r for r in iter_rows(recs) if r.counted]
    if isinstance(rates, str | Path):
        rates = load_rates(rates)
    if rates:
        check_rates(rows, rates)
    groups: dict[tuple[Any, ...], list[Row]] = {}
    for row in rows:
        for key in _combinations(row, by):
            groups.setdefault((*key, row.currency), []).append(row)
    out = []
    for key, members in groups.items():
        item = dict(zip([*by, "currency"], key, strict=True))
        item["total"] = sum(r.value for r in members)
        item["allocations"] = len(members)
        item["documents"] = len({r.doc_id for r in members})
        item["flagged"] = sum(1 for r in members if r.flags)
        if rates:
            item[f"total_{rates[0]}"] = item["total"] * rates[1][key[-1]]
        out.append(item)
    columns = [*by, "currency", "total", "allocations", "documents", "flagged"]
    columns += [f"total_{rates[0]}"] if rates else []
    df = pd.DataFrame(out, columns=columns)
    if "year" in by:
        df["year"] = df["year"].astype("Int64")  # a missing year stays <NA>, the others stay integers
    return df.sort_values(["currency", "total"], ascending=[True, False], ignore_index=True)


def _combinations(row: Row, by: list[str]) -> list[tuple[Any, ...]]:
    combos: list[tuple[Any, ...]] = [()]
    for k in by:
        combos = [(*c, v) for c in combos for v in row.keys(k)]
    return combos
