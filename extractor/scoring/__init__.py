"""Scoring extracted records against gold annotations (spec section 3), value by value.

Each field of each document is compared on its *keys* (amount `(value, currency)`, folded
place name, beneficiary category, ...). The comparison keeps what was missed (in the gold,
not extracted) and what was added (extracted, not in the gold), so a rule writer sees what to
fix; the counts are then micro-averaged over documents. The figures follow the contract and
agree with the shared reference scorer (`shared/gold/score.py`), which is kept independent on
purpose: this package is the project's own reading of the same page.

Conventions where the contract is silent: precision is 1 when nothing was extracted and
nothing was to find (0 when something was to find), recall is 1 when nothing was to find.

Modules: `compare` (counts, keys, bags, organisations), `document` (one document, a gold set's
report), `gold_sets` (files, floors, extraction of a gold set's texts).
"""

from .compare import (
    MIN_CONTAINED,
    AmountKey,
    Counts,
    DocScore,
    Json,
    OrgRef,
    Outcome,
    amount_key,
    compare_multisets,
    compare_org_slot,
    compare_orgs,
    compare_roles,
    compare_sets,
    org_forms,
    org_label,
    pair_orgs,
    same_org,
    show,
    show_amount,
)
from .document import CORE_FIELDS, FIELDS, Report, evaluate, score_document
from .gold_sets import (
    broken_floors,
    extract_gold_set,
    floor2,
    gold_files,
    gold_texts,
    load_gold,
    load_records,
    load_thresholds,
    raise_floors,
    threshold_set_name,
    update_thresholds,
)

__all__ = [
    "CORE_FIELDS", "FIELDS", "MIN_CONTAINED", "AmountKey", "Counts", "DocScore", "Json", "OrgRef", "Outcome",
    "Report", "amount_key", "broken_floors", "compare_multisets", "compare_org_slot", "compare_orgs",
    "compare_roles", "compare_sets", "evaluate", "extract_gold_set", "floor2", "gold_files", "gold_texts",
    "load_gold", "load_records", "load_thresholds", "org_forms", "org_label", "pair_orgs", "raise_floors",
    "same_org", "score_document", "show", "show_amount", "threshold_set_name", "update_thresholds",
]
