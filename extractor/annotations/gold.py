"""Gold files (spec section 2) from labelled spans, and from records as an annotator's starting point.

Spans are read in text order; a place, date or category named twice is one gold entry, an
organisation named twice (by name or acronym) one organisation with the roles of both mentions.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..records import Granularity, OrgKind, PlaceType, Qualifier, Role
from ..text import fold
from .labels import AnnotationError, Json, Span, parse_choice, parse_number

GOLD_FIELD = {"AMOUNT": "amounts", "PLACE": "places", "ORG": "organizations", "BENEFICIARY": "beneficiaries",
              "DATE": "dates", "QUANTITY": "quantities", "ALLOCATION": "allocations", "TITLE": "title"}
"""Which gold field a label fills."""

GOLD_ORDER = ("id", "title", "date", "dates", "amounts", "places", "beneficiaries", "organizations",
              "quantities", "allocations")
LIST_FIELDS = ("dates", "amounts", "places", "beneficiaries", "organizations", "quantities", "allocations")
LIST_SEP = re.compile(r"\s*;\s*")
CODE_SEP = re.compile(r"\s*[;,+]\s*")


def _amount(v: Mapping[str, str], what: str) -> Json:
    if "value" not in v:
        raise AnnotationError(f"{what} without a value")
    out: Json = {"value": parse_number(v["value"], what), "currency": (v.get("currency") or "MAD").upper()}
    value_max = parse_number(v["value_max"], what) if v.get("value_max") else None
    default = "range" if value_max else "exact"
    out["qualifier"] = parse_choice(v.get("qualifier"), Qualifier, default, f"{what} qualifier")
    if value_max is not None:
        out["value_max"] = value_max
    return out


def _date(v: Mapping[str, str]) -> Json:
    value = v.get("value", "")
    if re.fullmatch(r"\d{4}", value):
        value, default = value + "-01-01", "year"
    elif re.fullmatch(r"\d{4}-\d{2}", value):
        value, default = value + "-01", "month"
    elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        default = "day"
    else:
        raise AnnotationError(f"DATE value {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    return {"value": value, "granularity": parse_choice(v.get("granularity"), Granularity, default, "DATE granularity")}


def _merge_org(orgs: list[Json], new: Json) -> None:
    """Add an organisation mention: one organisation when a folded name or acronym is shared."""
    forms = {fold(new["name"]), fold(new.get("acronym"))} - {""}
    for org in orgs:
        if forms & ({fold(org["name"]), fold(org.get("acronym"))} - {""}):
            org["roles"] += [r for r in new["roles"] if r not in org["roles"]]
            if not org.get("acronym") and new.get("acronym"):
                org["acronym"] = new["acronym"]
            if fold(org["name"]) == fold(org.get("acronym")) and fold(new["name"]) != fold(new.get("acronym")):
                org["name"] = new["name"]
            if org["kind"] == "other":
                org["kind"] = new["kind"]
            return
    orgs.append(new)


def _codes(text: str) -> list[str]:
    return [c for c in CODE_SEP.split(text) if c]


@dataclass
class _GoldLists:
    """The gold lists being filled from one document's spans, with what each list has seen."""

    lists: dict[str, list[Json]] = field(default_factory=lambda: {f: [] for f in LIST_FIELDS})
    seen_places: set[tuple[str, str]] = field(default_factory=set)
    seen_dates: set[str] = field(default_factory=set)
    seen_categories: set[str] = field(default_factory=set)
    title: str | None = None

    def add(self, s: Span, mention: str) -> None:
        """One span into its list (a label with no list, TITLE, keeps the first title)."""
        readers: dict[str, Callable[[Mapping[str, str], str], None]] = {
            "AMOUNT": lambda v, _m: self.lists["amounts"].append(_amount(v, "AMOUNT")),
            "PLACE": self._place, "ORG": self._org, "BENEFICIARY": self._beneficiary, "DATE": self._date,
            "QUANTITY": self._quantity, "ALLOCATION": self._allocation, "TITLE": self._title}
        if s.label in readers:
            readers[s.label](s.values, mention)

    def _place(self, v: Mapping[str, str], mention: str) -> None:
        place: Json = {"name": v.get("name") or mention,
                       "type": parse_choice(v.get("type"), PlaceType, None, "PLACE type")}
        if place["type"] is None:
            raise AnnotationError(f"PLACE {place['name']!r} without a type")
        if v.get("code"):
            place["code"] = v["code"]
        key = (fold(place["name"]), place["type"])
        if key not in self.seen_places:
            self.seen_places.add(key)
            self.lists["places"].append(place)

    def _org(self, v: Mapping[str, str], mention: str) -> None:
        roles = _codes(v.get("roles", ""))
        for r in roles:
            parse_choice(r, Role, None, "ORG role")
        org: Json = {"name": v.get("name") or mention}
        if v.get("acronym"):
            org["acronym"] = v["acronym"]
        org["kind"] = parse_choice(v.get("kind"), OrgKind, "other", "ORG kind")
        org["roles"] = roles
        _merge_org(self.lists["organizations"], org)

    def _beneficiary(self, v: Mapping[str, str], _mention: str) -> None:
        for category in _codes(v.get("category", "")):
            if category not in self.seen_categories:
                self.seen_categories.add(category)
                self.lists["beneficiaries"].append({"category": category})

    def _date(self, v: Mapping[str, str], _mention: str) -> None:
        d = _date(v)
        if d["value"] not in self.seen_dates:
            self.seen_dates.add(d["value"])
            self.lists["dates"].append(d)

    def _quantity(self, v: Mapping[str, str], mention: str) -> None:
        if "value" not in v:
            raise AnnotationError("QUANTITY without a value")
        value = parse_number(v["value"], "QUANTITY")
        self.lists["quantities"].append({"value": value, "unit": v.get("unit") or mention})

    def _allocation(self, v: Mapping[str, str], _mention: str) -> None:
        alloc: Json = {"amount": _amount(v, "ALLOCATION"), "funder": v.get("funder") or None,
                       "beneficiaries": _codes(v.get("beneficiaries", "")),
                       "places": [p for p in LIST_SEP.split(v.get("places", "")) if p],
                       "partners": [p for p in LIST_SEP.split(v.get("partners", "")) if p]}
        for key in ("purpose", "programme"):
            if v.get(key):
                alloc[key] = v[key]
        self.lists["allocations"].append(alloc)

    def _title(self, _v: Mapping[str, str], mention: str) -> None:
        if self.title is None:
            self.title = mention


def spans_to_gold(name: str, text: str, spans: Iterable[Span], doc: Mapping[str, Any],
                  fields: Iterable[str]) -> Json:
    """A gold file (spec section 2) from labelled spans and document-level keys."""
    fields = set(fields)
    found = _GoldLists()
    for s in sorted(spans, key=lambda s: (s.start, s.end)):
        found.add(s, text[s.start:s.end].strip())
    gold: Json = {"id": name}
    if "title" in fields:
        gold["title"] = found.title if found.title is not None else doc.get("title")
    if "date" in fields:
        gold["date"] = doc.get("date") or None
    for f in LIST_FIELDS:
        if f in fields:
            gold[f] = found.lists[f]
    return {k: gold[k] for k in GOLD_ORDER if k in gold}


def dump_gold(gold: Mapping[str, Any]) -> str:
    """A gold file as people read and diff it: one key per line, one list item per line."""
    lines = []
    for key, value in gold.items():
        if isinstance(value, list) and value:
            items = ",\n".join("    " + json.dumps(v, ensure_ascii=False) for v in value)
            lines.append(f'  {json.dumps(key)}: [\n{items}\n  ]')
        else:
            lines.append(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def default_fields(docs: Sequence[tuple[Mapping[str, Any], Sequence[Span]]]) -> set[str]:
    """Gold fields of an import: the list fields whose label any document of the file uses.

    A label used somewhere in a project means the annotators looked for it everywhere, so a
    document without it has none (an empty list). `date` and `title` are written where the
    document carries them as keys.
    """
    return {GOLD_FIELD[s.label] for _, spans in docs for s in spans if s.label != "TITLE"}


def record_gold(record: Mapping[str, Any]) -> Json:
    """The gold fields a record stands for (spec section 2 shapes), as an annotator would start from."""
    gold: Json = {"id": record.get("id"), "title": record.get("title"), "date": record.get("date")}
    gold["dates"] = [{"value": d["value"], "granularity": d["granularity"]}
                     for d in _unique(_in_text_order(record.get("dates")), lambda d: d["value"])]
    gold["amounts"] = [_gold_amount(a) for a in _in_text_order(record.get("amounts"))]
    places = _unique(_in_text_order(record.get("places")), lambda p: (fold(p["name"]), p["type"]))
    gold["places"] = [{k: p[k] for k in ("name", "type", "code") if p.get(k)} for p in places]
    gold["beneficiaries"] = [{"category": b["category"]} for b in
                             _unique(_in_text_order(record.get("beneficiaries")), lambda b: b["category"])]
    gold["organizations"] = [{k: o[k] for k in ("name", "acronym", "kind", "roles") if o.get(k) or k == "roles"}
                             for o in _in_text_order(record.get("organizations"))]
    gold["quantities"] = [{"value": _int(q["value"]), "unit": q["unit"]}
                          for q in _in_text_order(record.get("quantities"))]
    allocs = []
    for al in sorted(record.get("allocations") or [], key=lambda a: (a["evidence"]["start"], a["evidence"]["end"])):
        g: Json = {"amount": _gold_amount(al["amount"]), "funder": al.get("funder"),
                   "beneficiaries": list(al.get("beneficiaries") or []), "places": list(al.get("places") or []),
                   "partners": list(al.get("partners") or [])}
        g.update({k: al[k] for k in ("purpose", "programme") if al.get(k)})
        allocs.append(g)
    gold["allocations"] = allocs
    return gold


def _in_text_order(items: Iterable[Json] | None) -> list[Json]:
    """Mentions by start, entities by their first mention (those without one last)."""
    def first(item: Json) -> tuple[int, int]:
        if "start" in item:
            return item["start"], item["end"]
        starts = [(m["start"], m["end"]) for m in item.get("mentions") or []]
        return min(starts) if starts else (1 << 62, 0)

    return sorted(items or [], key=first)


def _int(x: Any) -> Any:
    return int(x) if isinstance(x, float) and x.is_integer() else x


def _gold_amount(a: Mapping[str, Any]) -> Json:
    out: Json = {"value": _int(a["value"]), "currency": a["currency"], "qualifier": a.get("qualifier", "exact")}
    if a.get("value_max") is not None:
        out["value_max"] = _int(a["value_max"])
    return out


def _unique(items: Iterable[Json], key: Any) -> list[Json]:
    seen: set[Any] = set()
    out = []
    for item in items:
        k = key(item)
        if k not in seen:
            seen.add(k)
            out.append(item)
    return out
