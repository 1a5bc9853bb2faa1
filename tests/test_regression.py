"""Regression suite: each gold set is extracted once per session and every field must keep its F1 floor.

Floors live in tests/thresholds.json (how to raise them: its `_readme`). A broken floor fails
with the documents that lost values, so the cause is visible in the CI log.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from extractor import scoring
from extractor.scoring import FIELDS, Report

ROOT = Path(__file__).resolve().parent.parent
THRESHOLDS = Path(__file__).parent / "thresholds.json"
REFERENCE = ROOT.parent / "shared" / "gold" / "score.py"
GOLD_SETS = ("corpus", "corpus/web", "../shared/gold/dev")
"""Gold folders, named as in thresholds.json: paths from the project root."""


@dataclass
class Evaluated:
    """One gold set, extracted and scored."""

    records: dict[str, dict[str, Any]]
    failures: list[str]
    report: Report


def _floors() -> dict[str, dict[str, float]]:
    return json.loads(THRESHOLDS.read_text(encoding="utf-8"))["sets"]


def _has_gold(name: str) -> bool:
    d = ROOT / name
    return d.is_dir() and any(d.glob("*.gold.json"))


@pytest.fixture(scope="session")
def evaluate_set(nlp: Any) -> Callable[[str], Evaluated]:
    """Extract and score a gold set the first time it is asked for, in this process (pipeline shared)."""
    cache: dict[str, Evaluated] = {}

    def get(name: str) -> Evaluated:
        if not _has_gold(name):
            pytest.skip(f"no gold set at {name}")
        if name not in cache:
            gold_dir = ROOT / name
            records, failures = scoring.extract_gold_set([gold_dir], workers=1)
            cache[name] = Evaluated(records, failures, scoring.evaluate(scoring.load_gold([gold_dir]), records))
        return cache[name]

    return get


FLOOR_CASES = [(s, f, floor) for s, floors in _floors().items() for f, floor in floors.items()]


@pytest.mark.parametrize(("gold_set", "field", "floor"), FLOOR_CASES, ids=[f"{s}:{f}" for s, f, _ in FLOOR_CASES])
def test_regression_field_keeps_its_floor(gold_set: str, field: str, floor: float,
                                          evaluate_set: Callable[[str], Evaluated]) -> None:
    report = evaluate_set(gold_set).report
    broken = scoring.broken_floors({field: floor}, report)
    if broken:
        lost = [f"  {doc}: missed {', '.join(s[field].missed) or '-'}; added {', '.join(s[field].added) or '-'}"
                for doc, s in report.docs.items() if field in s and s[field].counts.f1 < 1.0][:12]
        pytest.fail(f"{gold_set} {broken[0]}\n" + "\n".join(lost), pytrace=False)


@pytest.mark.parametrize("gold_set", GOLD_SETS)
def test_regression_every_gold_set_has_floors(gold_set: str) -> None:
    if not _has_gold(gold_set):
        pytest.skip(f"no gold set at {gold_set}")
    floors = _floors().get(gold_set, {})
    assert "_core_macro_f1" in floors and "amounts" in floors, \
        f"{gold_set} has no floors: run `communique eval {gold_set} --update-thresholds tests/thresholds.json`"


def test_regression_floors_are_f1_values() -> None:
    for name, floors in _floors().items():
        for field, floor in floors.items():
            assert field in (*FIELDS, "_core_macro_f1"), f"{name}: unknown field {field!r}"
            assert 0.0 <= floor <= 1.0 and round(floor, 2) == floor, f"{name}: floor {field}={floor}"


@pytest.mark.parametrize("gold_set", GOLD_SETS)
def test_regression_every_gold_text_gives_a_record(gold_set: str, evaluate_set: Callable[[str], Evaluated]) -> None:
    ev = evaluate_set(gold_set)
    assert ev.failures == []
    assert ev.report.missing == []


@pytest.mark.skipif(not REFERENCE.is_file(), reason="the reference scorer ../shared/gold/score.py is absent")
@pytest.mark.parametrize("gold_set", GOLD_SETS)
def test_regression_eval_agrees_with_reference_scorer(gold_set: str, evaluate_set: Callable[[str], Evaluated],
                                                      tmp_path: Path) -> None:
    ev = evaluate_set(gold_set)
    records = tmp_path / "records.jsonl"
    records.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in ev.records.values()),
                       encoding="utf-8")
    out = tmp_path / "reference.json"
    subprocess.run([sys.executable, str(REFERENCE), "--records", str(records), "--gold", str(ROOT / gold_set),
                    "--json", str(out)], check=True, capture_output=True)
    ref, mine = json.loads(out.read_text()), ev.report.as_json()
    for field in FIELDS:
        for k in ("p", "r", "f1"):
            assert mine[field][k] == pytest.approx(ref[field][k], abs=0.001), (field, k)
        assert [mine[field][k] for k in ("tp", "fp", "fn")] == [ref[field][k] for k in ("tp", "fp", "fn")], field
    assert mine["_docs"] == ref["_docs"]
    assert mine["_core_macro_f1"] == pytest.approx(ref["_core_macro_f1"], abs=0.001)
