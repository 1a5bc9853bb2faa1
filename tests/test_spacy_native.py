"""The components behave like spaCy's own pipes: declared data flow, configurable keys, to_disk/load."""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path
from typing import Any

import pytest
import spacy
from spacy.language import Language

from extractor.build import build_record
from extractor.patterns import patterns_dir, patterns_sha256
from extractor.pieces import analyse
from extractor.pipeline import COMPONENTS, load_pipeline

TEXT = ("Tiznit, 12 mai 2021 (MAP) - L'Initiative nationale pour le développement humain (INDH) a "
        "débloqué plus de 3,5 MDH pour 42 coopératives de femmes de la province de Tiznit, en "
        "partenariat avec l'Entraide nationale.\n")

RENAMED = {"amounts": "sommes", "organizations": "organismes", "places": "lieux", "dates": "jours",
           "beneficiaries": "publics"}
"""Every span group the components read, under another name."""


def _records(nlp: Language, texts: dict[str, str]) -> list[str]:
    return [build_record(analyse(nlp, t), nlp, id=i, source=i).model_dump_json() for i, t in texts.items()]


@pytest.mark.parametrize("name", COMPONENTS)
def test_every_component_declares_what_it_assigns_and_reads(nlp: Language, name: str) -> None:
    meta = Language.get_factory_meta(name)
    assert meta.assigns, f"{name} declares no assigns"
    if name not in ("communique_header", "communique_amounts"):
        assert meta.requires, f"{name} reads earlier results but declares no requires"


@pytest.mark.parametrize("fast", [False, True], ids=["full", "fast"])
def test_analyze_pipes_finds_no_missing_requirement(fast: bool) -> None:
    nlp = load_pipeline(fast=fast)
    problems = nlp.analyze_pipes()["problems"]
    assert all(not p for p in problems.values()), problems


def _renamed_config() -> tuple[tuple[str, tuple[tuple[str, Any], ...]], ...]:
    r = RENAMED
    return (
        ("communique_amounts", (("span_key", r["amounts"]),)),
        ("communique_dates", (("span_key", r["dates"]), ("amounts_key", r["amounts"]))),
        ("communique_organizations", (("span_key", r["organizations"]), ("amounts_key", r["amounts"]))),
        ("communique_places", (("span_key", r["places"]), ("orgs_key", r["organizations"]),
                               ("amounts_key", r["amounts"]), ("dates_key", r["dates"]))),
        ("communique_beneficiaries", (("span_key", r["beneficiaries"]), ("orgs_key", r["organizations"]))),
        ("communique_quantities", (("amounts_key", r["amounts"]), ("dates_key", r["dates"]))),
        ("communique_allocations", (("amounts_key", r["amounts"]), ("orgs_key", r["organizations"]),
                                    ("places_key", r["places"]), ("beneficiaries_key", r["beneficiaries"]))),
    )


def test_span_keys_renamed_in_config_give_the_same_record(nlp: Language) -> None:
    renamed = load_pipeline(config=_renamed_config())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = _records(renamed, {"tiznit": TEXT})
    doc = renamed(TEXT)
    assert {"sommes", "organismes", "lieux", "jours", "publics"} <= set(doc.spans)
    assert "amounts" not in doc.spans
    assert got == _records(nlp, {"tiznit": TEXT})
    assert '"funder":"INDH"' in got[0]


def test_a_reader_left_on_the_old_key_warns_naming_its_setting() -> None:
    nlp = load_pipeline(config=(("communique_amounts", (("span_key", "sommes"),)),))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        doc = nlp(TEXT)
    readers = {str(w.message).split(":")[0] for w in caught
               if "no span group 'amounts'" in str(w.message) and "'amounts_key'" in str(w.message)}
    assert readers == {"communique_dates", "communique_organizations", "communique_places",
                       "communique_quantities", "communique_allocations"}
    assert doc._.allocations == [] and len(doc.spans["sommes"]) == 1


@pytest.fixture(scope="module")
def saved(nlp: Language, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("saved") / "pipeline"
    nlp.to_disk(path)
    return path


def test_saved_pipeline_loads_with_spacy_and_gives_the_same_records(
        nlp: Language, shared_dev: Path, saved: Path) -> None:
    texts = {p.stem: p.read_text(encoding="utf-8") for p in sorted(shared_dev.glob("*.txt"))}
    texts["tiznit"] = TEXT
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded = spacy.load(saved)
    assert loaded.pipe_names == nlp.pipe_names
    assert _records(loaded, texts) == _records(nlp, texts)


def test_a_saved_component_records_the_digest_of_its_rules(saved: Path) -> None:
    for name in COMPONENTS:
        kept = json.loads((saved / name / "rules.json").read_text(encoding="utf-8"))
        assert kept["patterns_sha256"] == patterns_sha256(), name


def test_loading_a_saved_pipeline_over_other_rules_warns(saved: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    other = tmp_path / "patterns"
    shutil.copytree(patterns_dir(), other)
    with (other / "amounts.jsonl").open("a", encoding="utf-8") as fh:
        fh.write("// a comment changes the rules' digest\n")
    monkeypatch.setenv("COMMUNIQUE_PATTERNS", str(other))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        spacy.load(saved)
    said = [str(w.message) for w in caught if "the pipeline was saved with other rules" in str(w.message)]
    assert len(said) == 1 and str(other) in said[0]
