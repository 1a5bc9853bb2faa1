"""Counting what matches: per-field counts, value keys, bags of keys and organisations (spec section 3).

Each field of each document is compared on its *keys* (amount `(value, currency)`, folded place
name, beneficiary category, ...); an `Outcome` keeps what was missed (in the gold, not extracted)
and what was added (extracted, not in the gold), so a rule writer sees what to fix.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..text import fold

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
