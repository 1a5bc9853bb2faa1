"""Scoring extracted records against gold annotations (spec section 3), value by value.

Each field of each document is compared on its *keys* (amount `(value, currency)`, folded
place name, beneficiary category, ...). The comparison keeps what was missed (in the gold,
not extracted) and what was added (extracted, not in the gold), so a rule writer sees what to
fix; the counts are then micro-averaged over documents. The figures follow the contract and
agree with the shared reference scorer (`shared/gold/score.py`), which is kept independent on
purpose: this module is the project's own reading of the same page.

Conventions where the contract is silent: precision is 1 when nothing was extracted and
nothing was to find (0 when something was to find), recall is 1 when nothing was to find.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .text import fold

FIELDS: tuple[str, ...] = (
    "amounts", "amount_qualifier", "places", "places_typed", "beneficiaries", "organizations",
    "organization_roles", "dates", "date", "quantities", "allocations", "alloc_funder",
    "alloc_beneficiaries", "alloc_places", "alloc_partners",
)
"""Scored fields, under the reference scorer's names, in its order."""

CORE_FIELDS: tuple[str, ...] = ("amounts", "places", "beneficiaries", "organizations", "allocations")
"""Fields whose F1 average is the headline `_core_macro_f1`."""

MIN_CONTAINED = 4
"""Shortest folded organisation name that may match by containment (`UNFM` in a longer name)."""

Json = dict[str, Any]


# --- counts -------------------------------------------------------------------------------------

@dataclass
class Counts:
    """True positives, false positives and false negatives of one field."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def scored(self) -> bool:
        """Whether anything was found or to be found."""
        return bool(self.tp or self.fp or self.fn)

    @property
    def precision(self) -> float:
        if self.tp + self.fp:
            return self.tp / (self.tp + self.fp)
        return 0.0 if self.fn else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_json(self) -> Json:
        return {"p": round(self.precision, 4), "r": round(self.recall, 4), "f1": round(self.f1, 4),
                "tp": self.tp, "fp": self.fp, "fn": self.fn}


@dataclass
class Outcome:
    """One field on one document: the counts, and the values missed and added, as readable text."""

    counts: Counts = field(default_factory=Counts)
    missed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)

    def hit(self, n: int = 1) -> None:
        self.counts.tp += n

    def miss(self, what: str) -> None:
        self.counts.fn += 1
        self.missed.append(what)

    def extra(self, what: str) -> None:
        self.counts.fp += 1
        self.added.append(what)

    def wrong(self, what: str, got: str, expected: str) -> None:
        """An accuracy field (qualifier, document date): a wrong value is one fp and one fn."""
        self.miss(f"{what}: {expected}")
        self.extra(f"{what}: {got}")


DocScore = dict[str, Outcome]


# --- keys and display ---------------------------------------------------------------------------

AmountKey = tuple[int, str]


def amount_key(amount: Mapping[str, Any] | None) -> AmountKey | None:
    """`(value rounded to 1 unit, currency)`; None when the value is unusable."""
    amount = amount or {}
    try:
        return round(float(amount.get("value"))), str(amount.get("currency") or "").upper()  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def show_amount(key: AmountKey | None) -> str:
    return "invalid amount" if key is None else f"{key[0]} {key[1]}".rstrip()


def show(value: Any) -> str:
    """A key as a rule writer reads it: tuples as `(a, b)`, numbers without `.0`."""
    if isinstance(value, tuple):
        return "(" + ", ".join(show(v) for v in value) + ")"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _compare_bags(out: Outcome, gold: Iterable[Hashable], pred: Iterable[Hashable],
                  label: Callable[[Any], str] = show, *, multiset: bool) -> Outcome:
    """Counts keys present on both sides; the rest are missed (gold) or added (prediction)."""
    g, p = Counter(gold), Counter(pred)
    if not multiset:
        g, p = Counter(set(g)), Counter(set(p))
    out.hit(sum((g & p).values()))
    for key, n in (g - p).items():
        for _ in range(n):
            out.miss(label(key))
    for key, n in (p - g).items():
        for _ in range(n):
            out.extra(label(key))
    return out


def compare_sets(gold: Iterable[Hashable], pred: Iterable[Hashable], label: Callable[[Any], str] = show) -> Outcome:
    return _compare_bags(Outcome(), gold, pred, label, multiset=False)


def compare_multisets(gold: Iterable[Hashable], pred: Iterable[Hashable],
                      label: Callable[[Any], str] = show) -> Outcome:
    return _compare_bags(Outcome(), gold, pred, label, multiset=True)


# --- organisations ------------------------------------------------------------------------------

OrgRef = Mapping[str, Any] | str


def org_forms(org: OrgRef) -> tuple[set[str], set[str]]:
    """Folded (names, acronyms) of an organisation; a bare string is a name."""
    if isinstance(org, str):
        return {fold(org)}, set()
    return {fold(org.get("name"))} - {""}, {fold(org.get("acronym"))} - {""}


def same_org(a: OrgRef, b: OrgRef) -> bool:
    """One organisation: a shared folded name or acronym, or one name containing the other."""
    a_names, a_acr = org_forms(a)
    b_names, b_acr = org_forms(b)
    if (a_names | a_acr) & (b_names | b_acr):
        return True
    return any(len(x) >= MIN_CONTAINED and len(y) >= MIN_CONTAINED and (x in y or y in x)
               for x in a_names for y in b_names)


def pair_orgs(gold: Sequence[OrgRef], pred: Sequence[OrgRef]) -> list[tuple[int, int]]:
    """Greedy one-to-one pairs (gold index, prediction index), in gold order, first free match."""
    taken: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for i, g in enumerate(gold):
        j = next((j for j, p in enumerate(pred) if j not in taken and same_org(g, p)), None)
        if j is not None:
            taken.add(j)
            pairs.append((i, j))
    return pairs


def org_label(org: OrgRef) -> str:
    if isinstance(org, str):
        return org
    name, acronym = org.get("name") or "", org.get("acronym") or ""
    return f"{name} ({acronym})" if name and acronym else name or acronym or "?"


def compare_orgs(gold: Sequence[OrgRef], pred: Sequence[OrgRef]) -> tuple[Outcome, list[tuple[int, int]]]:
    """Organisations matched by `same_org`; also returns the pairs for role scoring."""
    out = Outcome()
    pairs = pair_orgs(gold, pred)
    out.hit(len(pairs))
    matched_g, matched_p = {i for i, _ in pairs}, {j for _, j in pairs}
    for i, g in enumerate(gold):
        if i not in matched_g:
            out.miss(org_label(g))
    for j, p in enumerate(pred):
        if j not in matched_p:
            out.extra(org_label(p))
    return out, pairs


def compare_roles(gold: Sequence[Json], pred: Sequence[Json], pairs: list[tuple[int, int]]) -> Outcome:
    """Roles as (organisation, role) slots: an unmatched organisation misses or adds all its roles."""
    out = Outcome()
    paired_g = dict(pairs)
    paired_p = {j: i for i, j in pairs}
    for i, g in enumerate(gold):
        if i not in paired_g:
            for role in g.get("roles") or []:
                out.miss(f"{org_label(g)} {role}")
            continue
        g_roles, p_roles = set(g.get("roles") or []), set(pred[paired_g[i]].get("roles") or [])
        out.hit(len(g_roles & p_roles))
        for role in sorted(g_roles - p_roles):
            out.miss(f"{org_label(g)} {role}")
        for role in sorted(p_roles - g_roles):
            out.extra(f"{org_label(g)} {role}")
    for j, p in enumerate(pred):
        if j not in paired_p:
            for role in p.get("roles") or []:
                out.extra(f"{org_label(p)} {role}")
    return out


def compare_org_slot(gold: Iterable[str | None], pred: Iterable[str | None], where: str) -> Outcome:
    """Funder or partners of one allocation, named by strings, matched like organisations."""
    g = [x for x in gold if x]
    p = [x for x in pred if x]
    out, _ = compare_orgs(g, p)
    out.missed = [f"{where}: {m}" for m in out.missed]
    out.added = [f"{where}: {a}" for a in out.added]
    return out


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


def gold_files(dirs: Iterable[str | Path]) -> dict[str, Path]:
    """`NAME -> NAME.gold.json` for every gold file in the folders (not recursive), later folders winning."""
    out: dict[str, Path] = {}
    for d in dirs:
        for f in sorted(Path(d).glob("*.gold.json")):
            out[f.name[: -len(".gold.json")]] = f
    return out


def load_gold(dirs: Iterable[str | Path]) -> dict[str, Json]:
    """Gold annotations by file stem."""
    return {name: json.loads(path.read_text(encoding="utf-8")) for name, path in gold_files(dirs).items()}


def load_records(path: str | Path) -> dict[str, Json]:
    """Records of a `records.jsonl`, by id."""
    out: dict[str, Json] = {}
    with Path(path).open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                r = json.loads(line)
                out[str(r.get("id"))] = r
    return out


# --- floors -------------------------------------------------------------------------------------

def floor2(x: float) -> float:
    """Round down to 2 decimals (0.987 -> 0.98), robust to float noise (0.29 stays 0.29)."""
    return math.floor(round(x * 100, 6)) / 100


def raise_floors(floors: Mapping[str, float], report: Report) -> dict[str, float]:
    """New floors: today's scored F1s rounded down, never below the old floors; unscored fields unset."""
    out = dict(floors)
    for f in FIELDS:
        c = report.totals[f]
        if c.scored:
            out[f] = max(out.get(f, 0.0), floor2(c.f1))
    out["_core_macro_f1"] = max(out.get("_core_macro_f1", 0.0), floor2(report.core_macro_f1))
    return {f: out[f] for f in (*FIELDS, "_core_macro_f1") if f in out}


def broken_floors(floors: Mapping[str, float], report: Report) -> list[str]:
    """`field: F1 0.812 < floor 0.85` for each field below its floor."""
    got = {f: report.totals[f].f1 for f in FIELDS} | {"_core_macro_f1": report.core_macro_f1}
    return [f"{f}: F1 {got[f]:.4f} < floor {floor:.2f}" for f, floor in floors.items()
            if f in got and got[f] + 1e-9 < floor]


# --- extracting a gold set ----------------------------------------------------------------------

def gold_texts(dirs: Iterable[str | Path]) -> tuple[list[Path], list[str]]:
    """The text beside each gold file (`NAME.txt`, or another readable suffix), and the names without one."""
    from .io import suffixes

    texts: list[Path] = []
    orphans: list[str] = []
    for name, gold in gold_files(dirs).items():
        text = next((gold.with_name(name + s) for s in suffixes() if gold.with_name(name + s).is_file()), None)
        if text is None:
            orphans.append(name)
        else:
            texts.append(text)
    return texts, orphans


def extract_gold_set(dirs: Iterable[str | Path], *, workers: int = 1, model: str | None = None,
                     fast: bool = False) -> tuple[dict[str, Json], list[str]]:
    """Records (by id) of the texts of the gold folders, and the failures as `id: message` lines."""
    from .pipeline import DEFAULT_MODEL
    from .runner import Options, iter_results

    texts, _ = gold_texts(dirs)
    records: dict[str, Json] = {}
    failures: list[str] = []
    options = Options(model=model or DEFAULT_MODEL, fast=fast)
    for res in iter_results(texts, options, workers=max(1, min(workers, len(texts) or 1))):
        if res.record_json is not None:
            records[res.id or ""] = json.loads(res.record_json)
        else:
            failures.append(f"{res.id or res.source}: {res.failure.message if res.failure else 'no record'}")
    return records, failures


def threshold_set_name(gold_dir: str | Path, thresholds: str | Path) -> str:
    """How a gold folder is named in a thresholds file: its path from the project root (the file's grandparent)."""
    import os

    root = Path(thresholds).resolve().parent.parent
    return Path(os.path.relpath(Path(gold_dir).resolve(), root)).as_posix()


def load_thresholds(path: str | Path) -> Json:
    p = Path(path)
    return json.loads(p.read_text(encoding="utf-8")) if p.is_file() else {"sets": {}}


def update_thresholds(path: str | Path, set_name: str, report: Report) -> dict[str, float]:
    """Raise (never lower) the floors of one gold set in a thresholds file; returns the new floors."""
    data = load_thresholds(path)
    sets = data.setdefault("sets", {})
    sets[set_name] = raise_floors(sets.get(set_name, {}), report)
    Path(path).write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return sets[set_name]
