"""Scoring one document and a whole gold set: the per-field outcomes, their totals and the report.

Counts are micro-averaged over documents; `Report` prints the table of `communique eval`, its
`--per-doc` listing and the JSON the reference scorer (`shared/gold/score.py`) also writes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..text import fold
from .compare import (
    AmountKey,
    Counts,
    DocScore,
    Json,
    Outcome,
    amount_key,
    compare_multisets,
    compare_org_slot,
    compare_orgs,
    compare_roles,
    compare_sets,
    show_amount,
)

FIELDS: tuple[str, ...] = (
    "amounts", "amount_qualifier", "places", "places_typed", "beneficiaries", "organizations",
    "organization_roles", "dates", "date", "quantities", "allocations", "alloc_funder",
    "alloc_beneficiaries", "alloc_places", "alloc_partners",
)
"""Scored fields, under the reference scorer's names, in its order."""

CORE_FIELDS: tuple[str, ...] = ("amounts", "places", "beneficiaries", "organizations", "allocations")
"""Fields whose F1 average is the headline `_core_macro_f1`."""


# --- one document -------------------------------------------------------------------------------

def _score_amounts(gold: list[Json], pred: list[Json], score: DocScore) -> None:
    gold_keys = [amount_key(a) for a in gold]
    pred_keys = [k for k in (amount_key(a) for a in pred) if k is not None]
    score["amounts"] = compare_multisets(gold_keys, pred_keys, show_amount)
    # qualifier accuracy: each gold amount takes the first unused extracted amount with its key
    queues: dict[AmountKey | None, list[Any]] = {}
    for a in pred:
        queues.setdefault(amount_key(a), []).append(a.get("qualifier"))
    quals = Outcome()
    for a in gold:
        key = amount_key(a)
        if queues.get(key):
            got, expected = queues[key].pop(0), a.get("qualifier")
            if got == expected:
                quals.hit()
            else:
                quals.wrong(show_amount(key), str(got), str(expected))
    score["amount_qualifier"] = quals


def _score_allocations(gold: list[Json], pred: list[Json], score: DocScore) -> None:
    out = Outcome()
    slots = {name: Outcome() for name in ("alloc_funder", "alloc_beneficiaries", "alloc_places", "alloc_partners")}
    taken: set[int] = set()
    for g in gold:
        key = amount_key(g.get("amount"))
        j = next((j for j, p in enumerate(pred) if j not in taken and amount_key(p.get("amount")) == key), None)
        if j is None:
            out.miss(show_amount(key))
            continue
        taken.add(j)
        out.hit()
        p, where = pred[j], show_amount(key)
        for name, slot in (
            ("alloc_funder", compare_org_slot([g.get("funder")], [p.get("funder")], where)),
            ("alloc_partners", compare_org_slot(g.get("partners") or [], p.get("partners") or [], where)),
            ("alloc_beneficiaries", compare_sets(g.get("beneficiaries") or [], p.get("beneficiaries") or [],
                                                 lambda c, w=where: f"{w}: {c}")),
            ("alloc_places", compare_sets([fold(x) for x in g.get("places") or []],
                                          [fold(x) for x in p.get("places") or []],
                                          lambda n, w=where: f"{w}: {n}")),
        ):
            slots[name].counts.add(slot.counts)
            slots[name].missed += slot.missed
            slots[name].added += slot.added
    for j, p in enumerate(pred):
        if j not in taken:
            out.extra(show_amount(amount_key(p.get("amount"))))
    score["allocations"] = out
    score.update(slots)


def _quantity_value(q: Mapping[str, Any]) -> int | None:
    v = q.get("value")
    return round(float(v)) if isinstance(v, int | float) else None


def score_document(gold: Json, pred: Json | None) -> DocScore:
    """Every field the gold annotates, compared with one record (None: no record, all missed)."""
    pred = pred or {}
    score: DocScore = {}
    if "amounts" in gold:
        _score_amounts(gold["amounts"], pred.get("amounts") or [], score)
    if "places" in gold:
        g_places, p_places = gold["places"], pred.get("places") or []
        score["places"] = compare_sets([fold(p["name"]) for p in g_places], [fold(p.get("name")) for p in p_places])
        score["places_typed"] = compare_sets([(fold(p["name"]), p.get("type")) for p in g_places],
                                             [(fold(p.get("name")), p.get("type")) for p in p_places])
    if "beneficiaries" in gold:
        score["beneficiaries"] = compare_sets([b["category"] for b in gold["beneficiaries"]],
                                              [b.get("category") for b in pred.get("beneficiaries") or []])
    if "organizations" in gold:
        g_orgs, p_orgs = gold["organizations"], pred.get("organizations") or []
        score["organizations"], pairs = compare_orgs(g_orgs, p_orgs)
        score["organization_roles"] = compare_roles(g_orgs, p_orgs, pairs)
    if "dates" in gold:
        score["dates"] = compare_sets([d["value"] for d in gold["dates"]],
                                      [d.get("value") for d in pred.get("dates") or []])
    if "date" in gold:
        expected, got = gold["date"] or None, pred.get("date") or None
        out = Outcome()
        if expected == got:
            out.hit()
        else:
            out.wrong("date", str(got), str(expected))
        score["date"] = out
    if "quantities" in gold:
        values = (_quantity_value(q) for q in pred.get("quantities") or [])
        score["quantities"] = compare_multisets([round(float(q["value"])) for q in gold["quantities"]],
                                                [v for v in values if v is not None])
    if "allocations" in gold:
        _score_allocations(gold["allocations"], pred.get("allocations") or [], score)
    return score


# --- a whole gold set ---------------------------------------------------------------------------

@dataclass
class Report:
    """Per-field totals over documents, with each document's outcomes kept for `--per-doc`."""

    totals: dict[str, Counts]
    docs: dict[str, DocScore]
    missing: list[str]

    @property
    def core_macro_f1(self) -> float:
        return sum(round(self.totals[f].f1, 4) for f in CORE_FIELDS) / len(CORE_FIELDS)

    def as_json(self) -> Json:
        """`{field: {p, r, f1, tp, fp, fn}}` plus `_docs`, `_missing`, `_core_macro_f1`, like the reference."""
        out: Json = {f: self.totals[f].as_json() for f in FIELDS}
        out["_docs"] = len(self.docs)
        out["_missing"] = list(self.missing)
        out["_core_macro_f1"] = round(self.core_macro_f1, 4)
        return out

    def table(self) -> str:
        lines = [f"{'field':22} {'P':>6} {'R':>6} {'F1':>6}   tp/fp/fn"]
        for f in FIELDS:
            c = self.totals[f]
            if c.scored:
                lines.append(f"{f:22} {c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f}   {c.tp}/{c.fp}/{c.fn}")
            else:
                lines.append(f"{f:22} {'-':>6} {'-':>6} {'-':>6}   nothing to score")
        lines.append(f"docs={len(self.docs)} missing={len(self.missing)} core_macro_f1={self.core_macro_f1:.3f}")
        return "\n".join(lines)

    def per_doc(self) -> str:
        """What each imperfect document missed and added, field by field."""
        lines: list[str] = []
        for doc_id, score in self.docs.items():
            weak = [f for f in FIELDS if f in score and score[f].counts.scored and score[f].counts.f1 < 1.0]
            if not weak:
                continue
            note = " (no record)" if doc_id in self.missing else ""
            lines.append(f"{doc_id}{note}: " + " ".join(f"{f}={score[f].counts.f1:.2f}" for f in weak))
            for f in weak:
                o = score[f]
                parts = []
                if o.missed:
                    parts.append("missed " + ", ".join(o.missed))
                if o.added:
                    parts.append("added " + ", ".join(o.added))
                lines.append(f"  {f}: " + "; ".join(parts))
        return "\n".join(lines)


def evaluate(golds: Mapping[str, Json], records: Mapping[str, Json]) -> Report:
    """Score the records (by id) against the gold annotations (by file stem)."""
    totals = {f: Counts() for f in FIELDS}
    docs: dict[str, DocScore] = {}
    for doc_id, gold in golds.items():
        score = score_document(gold, records.get(doc_id))
        docs[doc_id] = score
        for f, outcome in score.items():
            totals[f].add(outcome.counts)
    return Report(totals, docs, [d for d in golds if d not in records])
