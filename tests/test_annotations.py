"""doccano / Label Studio interop: labels, imports into gold files, exports of records, round trips."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractor.annotations import (
    AnnotationError,
    Span,
    export_file,
    format_label,
    import_file,
    parse_label,
    record_gold,
    spans_to_gold,
)
from extractor.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "annotations"
CHECK_GOLD = Path(__file__).resolve().parent.parent.parent / "shared" / "gold" / "check_gold.py"
NAME = "berrechid-centres"


def _gold(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture
def record() -> dict[str, Any]:
    return json.loads((FIXTURES / "records.jsonl").read_text(encoding="utf-8").splitlines()[0])


# --- labels -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("label", "extra", "kind", "values"), [
    ("AMOUNT|3500000|MAD|more_than", None, "AMOUNT", {"value": "3500000", "currency": "MAD", "qualifier": "more_than"}),
    ("AMOUNT|currency=EUR|value=12", None, "AMOUNT", {"value": "12", "currency": "EUR"}),
    ("PLACE|province|Sidi Bennour", None, "PLACE", {"type": "province", "name": "Sidi Bennour"}),
    ("ORG|funder;partner||ONDA", None, "ORG", {"roles": "funder;partner", "acronym": "ONDA"}),
    ("organisation", "issuer|Wilaya de Fès", "ORG", {"roles": "issuer", "name": "Wilaya de Fès"}),
    ("DATE", "DATE|2021-11", "DATE", {"value": "2021-11"}),
    ("beneficiary|orphans", None, "BENEFICIARY", {"category": "orphans"}),
    ("ALLOCATION|50000|MAD|places=Azilal;Demnate", None, "ALLOCATION",
     {"value": "50000", "currency": "MAD", "places": "Azilal;Demnate"}),
], ids=["amount-positional", "amount-keys", "place", "org-empty-name", "alias-and-meta", "meta-repeats-kind",
        "lower-case", "allocation-slots"])
def test_annotations_parse_label(label: str, extra: str | None, kind: str, values: dict[str, str]) -> None:
    assert parse_label(label, extra) == (kind, values)


@pytest.mark.parametrize("label", ["PERSON|Ali", "QUANTITY|3|tentes|extra", ""],
                         ids=["unknown-label", "too-many-values", "empty"])
def test_annotations_parse_label_rejects(label: str) -> None:
    with pytest.raises(AnnotationError):
        parse_label(label)


@pytest.mark.parametrize(("kind", "values", "label"), [
    ("AMOUNT", {"value": 1500000.0, "currency": "MAD", "qualifier": "approx", "value_max": None},
     "AMOUNT|1500000|MAD|approx"),
    ("ORG", {"roles": ["funder"], "name": "Office chérifien", "acronym": None, "kind": "company"},
     "ORG|funder|Office chérifien||company"),
    ("ALLOCATION", {"value": 8000, "currency": "MAD", "qualifier": "at_most", "funder": None,
                    "beneficiaries": ["households"], "places": []},
     "ALLOCATION|8000|MAD|at_most|beneficiaries=households"),
], ids=["amount", "org-without-acronym", "allocation"])
def test_annotations_format_label_inverts_parse(kind: str, values: dict[str, Any], label: str) -> None:
    assert format_label(kind, values) == label
    assert parse_label(label)[0] == kind


# --- spans -> gold ------------------------------------------------------------------------------

def test_annotations_spans_merge_org_mentions_and_unique_places() -> None:
    text = "La Fondation Mohammed V (FM5) et la FM5 à Salé et Salé."
    spans = [Span(3, 23, "ORG", {"roles": "funder", "acronym": "FM5", "kind": "association"}),
             Span(36, 39, "ORG", {"roles": "partner;funder"}),
             Span(42, 46, "PLACE", {"type": "city"}), Span(50, 54, "PLACE", {"type": "city"})]
    gold = spans_to_gold("x", text, spans, {}, {"organizations", "places"})
    assert gold["organizations"] == [{"name": "Fondation Mohammed V", "acronym": "FM5", "kind": "association",
                                      "roles": ["funder", "partner"]}]
    assert gold["places"] == [{"name": "Salé", "type": "city"}]


@pytest.mark.parametrize(("span", "message"), [
    (Span(0, 4, "PLACE", {}), "without a type"),
    (Span(0, 4, "AMOUNT", {"value": "beaucoup"}), "not a number"),
    (Span(0, 4, "DATE", {"value": "mars"}), "YYYY"),
    (Span(0, 4, "ORG", {"roles": "donor"}), "ORG role"),
], ids=["place-no-type", "amount-not-number", "date-not-iso", "unknown-role"])
def test_annotations_spans_reject_bad_values(span: Span, message: str) -> None:
    with pytest.raises(AnnotationError, match=message):
        spans_to_gold("x", "Tata est loin.", [span], {}, {"places", "amounts", "dates", "organizations"})


def test_annotations_dates_granularity_from_form() -> None:
    spans = [Span(0, 4, "DATE", {"value": "2020"}), Span(5, 9, "DATE", {"value": "2020-06"})]
    gold = spans_to_gold("x", "2020 juin 2020", spans, {}, {"dates"})
    assert gold["dates"] == [{"value": "2020-01-01", "granularity": "year"},
                             {"value": "2020-06-01", "granularity": "month"}]


# --- imports ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("tool", "name"), [("doccano", "doccano.jsonl"), ("labelstudio", "labelstudio.json")])
def test_annotations_import_fixture_gives_the_gold(tool: str, name: str, tmp_path: Path) -> None:
    result = import_file(FIXTURES / name, tool, tmp_path)
    assert result.failed == 0
    assert _gold(tmp_path / f"{NAME}.gold.json") == _gold(FIXTURES / f"{NAME}.gold.json")
    assert (tmp_path / f"{NAME}.txt").read_bytes() == (FIXTURES / f"{NAME}.txt").read_bytes()


def test_annotations_import_doccano_entities_and_absent_labels(tmp_path: Path) -> None:
    import_file(FIXTURES / "doccano.jsonl", "doccano", tmp_path)
    gold = _gold(tmp_path / "doccano-8.gold.json")
    assert gold["amounts"] == [] and gold["allocations"] == []
    assert "date" not in gold and "title" not in gold
    assert gold["organizations"] == [{"name": "Entraide nationale", "kind": "public_body",
                                      "roles": ["issuer", "implementer"]}]
    assert gold["quantities"] == [{"value": 600, "unit": "couvertures"}]


def test_annotations_import_labelstudio_skips_unannotated_tasks(tmp_path: Path) -> None:
    result = import_file(FIXTURES / "labelstudio.json", "labelstudio", tmp_path)
    assert result.written == 1
    assert any("taourirt-couvertures: no annotation" in w for w in result.warnings)
    assert not (tmp_path / "taourirt-couvertures.txt").exists()


def test_annotations_import_fields_option(tmp_path: Path) -> None:
    import_file(FIXTURES / "doccano.jsonl", "doccano", tmp_path, fields=["amounts", "date"])
    assert set(_gold(tmp_path / f"{NAME}.gold.json")) == {"id", "date", "amounts"}


def test_annotations_import_bad_offsets_warn(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"name": "n1", "text": "Aide à Tiznit.", "label": [[7, 13, "PLACE|city"],
                                                                                [9, 99, "PLACE|city"]]}) + "\n")
    result = import_file(src, "doccano", tmp_path / "out")
    assert result.written == 1 and len(result.warnings) == 1
    assert _gold(tmp_path / "out" / "n1.gold.json")["places"] == [{"name": "Tiznit", "type": "city"}]


@pytest.mark.skipif(not CHECK_GOLD.is_file(), reason="../shared/gold/check_gold.py is absent")
@pytest.mark.parametrize(("tool", "name"), [("doccano", "doccano.jsonl"), ("labelstudio", "labelstudio.json")])
def test_annotations_import_passes_check_gold(tool: str, name: str, tmp_path: Path) -> None:
    import_file(FIXTURES / name, tool, tmp_path)
    proc = subprocess.run([sys.executable, str(CHECK_GOLD), str(tmp_path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout
    assert "0 with problems" in proc.stdout


# --- exports and round trips --------------------------------------------------------------------

def test_annotations_record_gold_matches_fixture(record: dict[str, Any]) -> None:
    assert record_gold(record) == _gold(FIXTURES / f"{NAME}.gold.json")


@pytest.mark.parametrize("tool", ["doccano", "labelstudio"])
def test_annotations_round_trip(tool: str, record: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / ("export.jsonl" if tool == "doccano" else "export.json")
    assert export_file(FIXTURES / "records.jsonl", tool, out).written == 1
    import_file(out, tool, tmp_path / "gold", use_predictions=True)
    assert _gold(tmp_path / "gold" / f"{NAME}.gold.json") == record_gold(record)


def test_annotations_labelstudio_export_is_prediction_with_meta(tmp_path: Path) -> None:
    export_file(FIXTURES / "records.jsonl", "labelstudio", tmp_path / "ls.json")
    task = json.loads((tmp_path / "ls.json").read_text())[0]
    assert task["data"]["name"] == NAME and "annotations" not in task
    region = next(r for r in task["predictions"][0]["result"] if r["value"]["labels"] == ["AMOUNT"])
    assert region["meta"] == {"text": ["2400000|MAD|more_than"]}
    assert region["value"]["text"] == "plus de 2,4 millions de dirhams"


def test_annotations_export_texts_dir_and_changed_text(tmp_path: Path) -> None:
    texts = tmp_path / "texts"
    texts.mkdir()
    shutil.copy(FIXTURES / f"{NAME}.txt", texts)
    assert export_file(FIXTURES / "records.jsonl", "doccano", tmp_path / "a.jsonl", texts_dir=texts).written == 1
    (texts / f"{NAME}.txt").write_text("Un autre texte.\n", encoding="utf-8")
    result = export_file(FIXTURES / "records.jsonl", "doccano", tmp_path / "b.jsonl", texts_dir=texts)
    assert result.failed == 1 and "text_sha256 differs" in result.warnings[0]


def test_annotations_round_trip_of_extracted_records(tmp_path: Path, nlp: Any) -> None:
    from extractor.batch import run_batch

    run_batch([FIXTURES / f"{NAME}.txt"], tmp_path / "out", workers=1, force=True)
    records = tmp_path / "out" / "records.jsonl"
    record = json.loads(records.read_text(encoding="utf-8"))
    assert record["amounts"], "the pipeline finds the amounts of the fixture"
    export_file(records, "doccano", tmp_path / "pre.jsonl")
    import_file(tmp_path / "pre.jsonl", "doccano", tmp_path / "gold")
    assert _gold(tmp_path / "gold" / f"{NAME}.gold.json") == record_gold(record)


def test_annotations_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["annotations", "export", "--to", "doccano", str(FIXTURES / "records.jsonl"),
                 "-o", str(tmp_path / "pre.jsonl")]) == 0
    assert main(["annotations", "import", "--from", "doccano", str(tmp_path / "pre.jsonl"),
                 "-o", str(tmp_path / "gold")]) == 0
    assert "imported 1 documents" in capsys.readouterr().err
    assert (tmp_path / "gold" / f"{NAME}.gold.json").is_file()


_WORDS = st.text(alphabet=st.characters(blacklist_characters="|=;,\n\r", blacklist_categories=("Cs", "Cc", "Zs")),
                 min_size=1, max_size=12)
_NAMES = st.lists(_WORDS, min_size=1, max_size=4).map(" ".join)


@given(value=st.integers(1, 10**10), qualifier=st.sampled_from(["exact", "approx", "at_most"]),
       places=st.lists(_NAMES, max_size=3), funder=st.none() | _NAMES, purpose=st.none() | _NAMES)
def test_annotations_allocation_label_round_trip(value: int, qualifier: str, places: list[str],
                                                 funder: str | None, purpose: str | None) -> None:
    label = format_label("ALLOCATION", {"value": value, "currency": "MAD", "qualifier": qualifier,
                                        "places": places, "funder": funder, "purpose": purpose})
    gold = spans_to_gold("x", "Une phrase.", [Span(0, 4, *parse_label(label))], {}, {"allocations"})
    alloc = gold["allocations"][0]
    assert alloc["amount"] == {"value": value, "currency": "MAD", "qualifier": qualifier}
    assert alloc["places"] == [p.strip() for p in places if p.strip()]
    assert alloc["funder"] == ((funder or "").strip() or None)
    assert alloc.get("purpose") == ((purpose or "").strip() or None)
