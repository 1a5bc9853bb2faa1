"""Scoring against gold (spec section 3): unit cases, and agreement with the reference scorer."""

from __future__ import annotations

import copy
import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from extractor import scoring
from extractor.scoring import FIELDS, Counts, Report, evaluate, score_document

ROOT = Path(__file__).resolve().parent.parent

REFERENCE = ROOT.parent / "shared" / "gold" / "score.py"
FIXTURES = Path(__file__).parent / "fixtures" / "annotations"


def _amount(value: float, currency: str = "MAD", qualifier: str = "exact") -> dict[str, Any]:
    return {"value": value, "currency": currency, "qualifier": qualifier}


def _f1(gold: dict[str, Any], pred: dict[str, Any] | None, field: str) -> float:
    return score_document(gold, pred)[field].counts.f1


# --- counts -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("tp", "fp", "fn", "p", "r", "f1"), [
    (0, 0, 0, 1.0, 1.0, 1.0),
    (0, 0, 3, 0.0, 0.0, 0.0),
    (0, 2, 0, 0.0, 1.0, 0.0),
    (3, 1, 2, 0.75, 0.6, 2 * 0.75 * 0.6 / 1.35),
], ids=["nothing", "all-missed", "all-added", "mixed"])
def test_scoring_counts_conventions(tp: int, fp: int, fn: int, p: float, r: float, f1: float) -> None:
    c = Counts(tp, fp, fn)
    assert (c.precision, c.recall) == pytest.approx((p, r))
    assert c.f1 == pytest.approx(f1)


# --- fields -------------------------------------------------------------------------------------

def test_scoring_amounts_multiset_and_rounding() -> None:
    gold = {"amounts": [_amount(400000), _amount(400000), _amount(1500000.4)]}
    pred = {"amounts": [_amount(400000), _amount(1500000), _amount(12)]}
    out = score_document(gold, pred)["amounts"]
    assert (out.counts.tp, out.counts.fp, out.counts.fn) == (2, 1, 1)
    assert out.missed == ["400000 MAD"]
    assert out.added == ["12 MAD"]


def test_scoring_amounts_currency_matters() -> None:
    gold = {"amounts": [_amount(2000, "EUR")]}
    assert _f1(gold, {"amounts": [_amount(2000, "eur")]}, "amounts") == 1.0
    assert _f1(gold, {"amounts": [_amount(2000, "MAD")]}, "amounts") == 0.0


def test_scoring_qualifier_accuracy_on_matched_amounts_only() -> None:
    gold = {"amounts": [_amount(5, qualifier="more_than"), _amount(7, qualifier="approx")]}
    pred = {"amounts": [_amount(5, qualifier="exact")]}
    out = score_document(gold, pred)["amount_qualifier"]
    assert (out.counts.tp, out.counts.fp, out.counts.fn) == (0, 1, 1)
    assert out.missed == ["5 MAD: more_than"] and out.added == ["5 MAD: exact"]


@pytest.mark.parametrize(("pred_places", "places", "typed"), [
    ([{"name": "Béni-Mellal", "type": "province"}], 1.0, 1.0),
    ([{"name": "beni mellal", "type": "city"}], 1.0, 0.0),
    ([{"name": "Fquih Ben Salah", "type": "province"}], 0.0, 0.0),
], ids=["folded-equal", "wrong-type", "other-place"])
def test_scoring_places_folded_and_typed(pred_places: list[dict[str, str]], places: float, typed: float) -> None:
    gold = {"places": [{"name": "Beni Mellal", "type": "province"}]}
    score = score_document(gold, {"places": pred_places})
    assert score["places"].counts.f1 == places
    assert score["places_typed"].counts.f1 == typed


def test_scoring_places_typed_shows_pairs() -> None:
    gold = {"places": [{"name": "Les Orangers", "type": "district"}]}
    out = score_document(gold, {"places": [{"name": "Les Orangers", "type": "city"}]})["places_typed"]
    assert out.missed == ["(les orangers, district)"]
    assert out.added == ["(les orangers, city)"]


@pytest.mark.parametrize(("gold_org", "pred_org", "match"), [
    ({"name": "Agence de développement social", "acronym": "ADS"}, {"name": "ADS"}, True),
    ({"name": "Agence de développement social"}, {"name": "agence de developpement social", "acronym": "X"}, True),
    ({"name": "Union marocaine des coopératives"},
     {"name": "Antenne régionale de l'Union marocaine des coopératives"}, True),
    ({"name": "ONEE"}, {"name": "Office national de l'électricité"}, False),
    ({"name": "OCP"}, {"name": "Fondation OCP"}, False),
    ({"name": "Croissant-Rouge marocain"}, {"name": "Entraide nationale"}, False),
], ids=["acronym-as-name", "folded-name", "contained-name", "acronym-vs-long-name", "short-not-contained",
        "different"])
def test_scoring_organization_matching(gold_org: dict[str, str], pred_org: dict[str, str], match: bool) -> None:
    assert scoring.same_org(gold_org, pred_org) is match


def test_scoring_organizations_greedy_one_to_one() -> None:
    gold = {"organizations": [{"name": "Entraide nationale", "roles": ["funder"]},
                              {"name": "EN", "roles": ["partner"]}]}
    pred = {"organizations": [{"name": "Entraide nationale", "acronym": "EN", "roles": ["funder", "issuer"]}]}
    score = score_document(gold, pred)
    assert (score["organizations"].counts.tp, score["organizations"].counts.fn) == (1, 1)
    roles = score["organization_roles"].counts
    assert (roles.tp, roles.fp, roles.fn) == (1, 1, 1)
    assert score["organization_roles"].added == ["Entraide nationale issuer"]


def test_scoring_dates_and_document_date() -> None:
    gold = {"dates": [{"value": "2021-05-03"}, {"value": "2021-01-01"}], "date": "2021-05-03"}
    pred = {"dates": [{"value": "2021-05-03"}, {"value": "2021-05-03"}], "date": "2021-05-04"}
    score = score_document(gold, pred)
    assert (score["dates"].counts.tp, score["dates"].counts.fp, score["dates"].counts.fn) == (1, 0, 1)
    assert score["date"].counts.f1 == 0.0
    assert score["date"].missed == ["date: 2021-05-03"]


def test_scoring_null_document_date_matches_absent() -> None:
    assert _f1({"date": None}, {"date": None}, "date") == 1.0
    assert _f1({"date": None}, {}, "date") == 1.0


def test_scoring_quantities_multiset_ignores_non_numbers() -> None:
    gold = {"quantities": [{"value": 30}, {"value": 30}, {"value": 4}]}
    pred = {"quantities": [{"value": 30.0}, {"value": "quatre"}, {"value": 4}]}
    out = score_document(gold, pred)["quantities"]
    assert (out.counts.tp, out.counts.fp, out.counts.fn) == (2, 0, 1)


def test_scoring_allocations_slots() -> None:
    gold = {"allocations": [
        {"amount": _amount(600000), "funder": "Agence de développement social", "beneficiaries": ["women"],
         "places": ["Sidi Kacem"], "partners": ["Entraide nationale"]},
        {"amount": _amount(90000), "funder": None, "beneficiaries": [], "places": [], "partners": []},
    ]}
    pred = {"allocations": [
        {"amount": _amount(600000), "funder": "agence de developpement social", "beneficiaries": ["women", "youth"],
         "places": ["sidi-kacem"], "partners": []},
        {"amount": _amount(75000), "funder": "X"},
    ]}
    score = score_document(gold, pred)
    assert (score["allocations"].counts.tp, score["allocations"].counts.fp, score["allocations"].counts.fn) == (1, 1, 1)
    assert score["alloc_funder"].counts.f1 == 1.0
    assert score["alloc_beneficiaries"].added == ["600000 MAD: youth"]
    assert score["alloc_places"].counts.f1 == 1.0
    assert score["alloc_partners"].missed == ["600000 MAD: Entraide nationale"]


def test_scoring_unannotated_fields_are_not_scored() -> None:
    score = score_document({"amounts": []}, {"amounts": [_amount(3)], "places": [{"name": "Tiflet", "type": "city"}]})
    assert set(score) == {"amounts", "amount_qualifier"}
    assert score["amounts"].counts.fp == 1


def test_scoring_missing_record_misses_everything() -> None:
    report = evaluate({"d1": {"amounts": [_amount(1)]}}, {})
    assert report.missing == ["d1"]
    assert report.totals["amounts"].fn == 1
    assert "d1 (no record): amounts=0.00" in report.per_doc()


def test_scoring_per_doc_lists_missed_and_added_values() -> None:
    golds = {"d1": {"amounts": [_amount(400000)], "places": [{"name": "Aït Ourir", "type": "commune"}]},
             "d2": {"amounts": [_amount(5)]}}
    records = {"d1": {"amounts": [_amount(12)], "places": [{"name": "Ait Ourir", "type": "city"}]},
               "d2": {"amounts": [_amount(5)]}}
    text = evaluate(golds, records).per_doc()
    assert "  amounts: missed 400000 MAD; added 12 MAD" in text
    assert "  places_typed: missed (ait ourir, commune); added (ait ourir, city)" in text
    assert "d2" not in text
    assert "places:" not in text


def test_scoring_report_json_shape() -> None:
    out = evaluate({"d1": {"amounts": [_amount(1)]}}, {"d1": {"amounts": [_amount(1)]}}).as_json()
    assert list(out) == [*FIELDS, "_docs", "_missing", "_core_macro_f1"]
    assert out["amounts"] == {"p": 1.0, "r": 1.0, "f1": 1.0, "tp": 1, "fp": 0, "fn": 0}
    assert out["_docs"] == 1


# --- floors -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("x", "floor"), [(0.987, 0.98), (0.29, 0.29), (1.0, 1.0), (0.0049, 0.0), (0.57, 0.57)],
                         ids=["down", "float-noise", "one", "tiny", "exact"])
def test_scoring_floor2_rounds_down(x: float, floor: float) -> None:
    assert scoring.floor2(x) == floor


def _report(f1s: dict[str, tuple[int, int, int]]) -> Report:
    totals = {f: Counts() for f in FIELDS}
    for f, (tp, fp, fn) in f1s.items():
        totals[f] = Counts(tp, fp, fn)
    return Report(totals, {}, [])


def test_scoring_floors_only_rise_and_skip_unscored() -> None:
    report = _report({"amounts": (9, 1, 0), "places": (1, 1, 1)})
    floors = scoring.raise_floors({"amounts": 0.5, "places": 0.9}, report)
    assert floors["amounts"] == 0.94
    assert floors["places"] == 0.9
    assert "alloc_funder" not in floors


def test_scoring_broken_floors_reports_fields_below() -> None:
    report = _report({"amounts": (8, 2, 0), "dates": (1, 0, 0)})
    broken = scoring.broken_floors({"amounts": 0.9, "dates": 1.0}, report)
    assert broken == ["amounts: F1 0.8889 < floor 0.90"]


def test_scoring_update_thresholds_file(tmp_path: Path) -> None:
    path = tmp_path / "tests" / "thresholds.json"
    path.parent.mkdir()
    path.write_text(json.dumps({"_readme": ["kept"], "sets": {"corpus": {"amounts": 0.99}}}))
    name = scoring.threshold_set_name(tmp_path / "corpus", path)
    assert name == "corpus"
    scoring.update_thresholds(path, name, _report({"amounts": (9, 1, 0), "dates": (1, 0, 0)}))
    data = json.loads(path.read_text())
    assert data["_readme"] == ["kept"]
    assert data["sets"]["corpus"]["amounts"] == 0.99
    assert data["sets"]["corpus"]["dates"] == 1.0


# --- agreement with the reference scorer ----------------------------------------------------------

def _perturb(gold: dict[str, Any], rng: random.Random) -> dict[str, Any] | None:
    """A plausible imperfect record made from a gold file: dropped, altered and invented values."""
    if rng.random() < 0.05:
        return None
    g = copy.deepcopy(gold)

    def thin(items: list[Any]) -> list[Any]:
        return [x for x in items if rng.random() > 0.25]

    pred: dict[str, Any] = {}
    amounts = thin(g.get("amounts", []))
    for a in amounts:
        roll = rng.random()
        if roll < 0.1:
            a["value"] = a["value"] * 10
        elif roll < 0.2:
            a["qualifier"] = rng.choice(["exact", "approx", "more_than", "range"])
        elif roll < 0.25:
            a["currency"] = "EUR"
    if rng.random() < 0.3:
        amounts.append(_amount(rng.choice([12, 400000, 3500000]), qualifier=rng.choice(["exact", "approx"])))
    if amounts and rng.random() < 0.2:
        amounts.append(copy.deepcopy(rng.choice(amounts)))
    pred["amounts"] = amounts
    places = thin(g.get("places", []))
    for p in places:
        if rng.random() < 0.2:
            p["type"] = rng.choice(["city", "province", "commune", "other"])
        if rng.random() < 0.1:
            p["name"] = p["name"].upper()
    if rng.random() < 0.3:
        places.append({"name": rng.choice(["Tanger", "Médiouna", "Aïn Chock"]), "type": "city"})
    pred["places"] = places
    bens = thin(g.get("beneficiaries", []))
    if rng.random() < 0.3:
        bens.append({"category": rng.choice(["youth", "women", "farmers", "other"])})
    pred["beneficiaries"] = bens
    orgs = thin(g.get("organizations", []))
    for o in orgs:
        roll = rng.random()
        if roll < 0.15 and o.get("acronym"):
            o["name"], o["acronym"] = o["acronym"], None
        elif roll < 0.25:
            o["name"] = "Délégation provinciale de " + o["name"]
        if rng.random() < 0.3:
            o["roles"] = rng.sample(["funder", "partner", "issuer", "implementer", "mentioned"], rng.randint(0, 2))
    if rng.random() < 0.3:
        orgs.append({"name": rng.choice(["Wilaya de la région", "ONG Tadamoune", "ADS"]), "roles": ["mentioned"]})
    rng.shuffle(orgs)
    pred["organizations"] = orgs
    dates = thin(g.get("dates", []))
    if rng.random() < 0.3:
        dates.append({"value": "2019-01-01"})
    pred["dates"] = dates
    pred["date"] = g.get("date") if rng.random() < 0.8 else rng.choice([None, "2020-01-01"])
    quantities = thin(g.get("quantities", []))
    if rng.random() < 0.2:
        quantities.append({"value": rng.choice([2, 150, 4000])})
    pred["quantities"] = quantities
    allocs = thin(g.get("allocations", []))
    for al in allocs:
        if rng.random() < 0.2:
            al["funder"] = rng.choice([None, "INDH", "Conseil provincial", "Initiative nationale"])
        if rng.random() < 0.2:
            al["beneficiaries"] = [*thin(al.get("beneficiaries", [])), "other"]
        if rng.random() < 0.2:
            al["places"] = thin(al.get("places", []))
        if rng.random() < 0.2:
            al["partners"] = [*al.get("partners", []), "Agence de développement social"]
    if rng.random() < 0.2:
        allocs.append({"amount": _amount(999), "funder": "X", "places": ["Y"]})
    rng.shuffle(allocs)
    pred["allocations"] = allocs
    return pred


def _gold_sources() -> list[Path]:
    dirs = [FIXTURES, ROOT / "corpus", ROOT.parent / "shared" / "gold" / "dev"]
    return [d for d in dirs if d.is_dir() and any(d.glob("*.gold.json"))]


def _reference(records: Path, gold_dir: Path, tmp_path: Path) -> tuple[dict[str, Any], dict[str, dict[str, float]]]:
    out = tmp_path / "reference.json"
    proc = subprocess.run([sys.executable, str(REFERENCE), "--records", str(records), "--gold", str(gold_dir),
                           "--json", str(out), "--per-doc"], capture_output=True, text=True, check=True)
    per_doc: dict[str, dict[str, float]] = {}
    for line in proc.stdout.splitlines():
        if line.startswith("  ") and ": " in line and "=" in line:
            doc_id, rest = line.strip().split(": ", 1)
            per_doc[doc_id] = {k: float(v) for k, v in (kv.split("=") for kv in rest.split())}
    return json.loads(out.read_text()), per_doc


def assert_agrees(mine: dict[str, Any], ref: dict[str, Any]) -> None:
    """Every field's p, r, f1 to 0.001, counts exactly, docs and core macro F1."""
    for f in FIELDS:
        for k in ("p", "r", "f1"):
            assert mine[f][k] == pytest.approx(ref[f][k], abs=0.001), (f, k)
        assert (mine[f]["tp"], mine[f]["fp"], mine[f]["fn"]) == (ref[f]["tp"], ref[f]["fp"], ref[f]["fn"]), f
    assert mine["_docs"] == ref["_docs"]
    assert sorted(mine["_missing"]) == sorted(ref["_missing"])
    assert mine["_core_macro_f1"] == pytest.approx(ref["_core_macro_f1"], abs=0.001)


@pytest.mark.skipif(not REFERENCE.is_file(), reason="the reference scorer ../shared/gold/score.py is absent")
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_scoring_agrees_with_reference_on_perturbed_records(seed: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    records = []
    for src in _gold_sources():
        for f in sorted(src.glob("*.gold.json")):
            gold = json.loads(f.read_text(encoding="utf-8"))
            for k in range(2):
                name = f"{src.name}-{f.name[: -len('.gold.json')]}-{k}"
                (gold_dir / f"{name}.gold.json").write_text(json.dumps(gold), encoding="utf-8")
                pred = _perturb(gold, rng)
                if pred is not None:
                    records.append({"id": name, **pred})
    records_path = tmp_path / "records.jsonl"
    records_path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    ref, ref_per_doc = _reference(records_path, gold_dir, tmp_path)
    report = evaluate(scoring.load_gold([gold_dir]), scoring.load_records(records_path))
    assert_agrees(report.as_json(), ref)
    mine_per_doc = {doc: {f: round(o.counts.f1, 2) for f, o in score.items() if o.counts.scored and o.counts.f1 < 1}
                    for doc, score in report.docs.items()}
    assert {d: v for d, v in mine_per_doc.items() if v} == ref_per_doc


# --- the eval command ---------------------------------------------------------------------------

def test_scoring_cli_eval_records_json_and_per_doc(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from extractor.cli import main

    record = json.loads((FIXTURES / "records.jsonl").read_text(encoding="utf-8"))
    record["amounts"][1]["value"] = 12.0
    record["places"][1]["type"] = "city"
    records = tmp_path / "records.jsonl"
    records.write_text(json.dumps(record) + "\n", encoding="utf-8")
    assert main(["eval", str(FIXTURES), "--records", str(records), "--json", str(tmp_path / "e.json"),
                 "--per-doc"]) == 0
    out = capsys.readouterr().out
    assert "  amounts: missed 900000 MAD; added 12 MAD" in out
    assert "  places_typed: missed (had soualem, commune); added (had soualem, city)" in out
    figures = json.loads((tmp_path / "e.json").read_text())
    assert figures["amounts"] == {"p": 0.5, "r": 0.5, "f1": 0.5, "tp": 1, "fp": 1, "fn": 1}
    assert figures["places"]["f1"] == 1.0 and figures["_docs"] == 1


def test_scoring_cli_eval_extracts_and_updates_thresholds(tmp_path: Path, nlp: Any,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    from extractor.cli import main

    gold = tmp_path / "gold"
    gold.mkdir()
    for suffix in (".txt", ".gold.json"):
        (gold / f"berrechid-centres{suffix}").write_bytes((FIXTURES / f"berrechid-centres{suffix}").read_bytes())
    thresholds = tmp_path / "tests" / "thresholds.json"
    thresholds.parent.mkdir()
    thresholds.write_text(json.dumps({"sets": {"gold": {"amounts": 0.0}}}))
    assert main(["eval", str(gold), "--update-thresholds", str(thresholds)]) == 0
    assert "docs=1 missing=0" in capsys.readouterr().out
    floors = json.loads(thresholds.read_text())["sets"]["gold"]
    assert floors["amounts"] == 1.0 and "_core_macro_f1" in floors


def test_scoring_cli_eval_missing_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from extractor.cli import main

    assert main(["eval", str(tmp_path / "absent")]) == 2
    assert "no such gold folder" in capsys.readouterr().err
