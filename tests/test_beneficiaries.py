"""Beneficiaries: categories from phrases in any number or gender, two-group phrases, negatives, data files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor.components.beneficiaries import BeneficiariesComponent, BeneficiaryRule, inflections
from extractor.errors import PatternError
from extractor.patterns import load_jsonl, resolve

CASES = [
    # (id, text, expected categories)
    ("pregnant-and-newborns", "Le programme cible les femmes enceintes et les nouveau-nés des douars.",
     {"pregnant_women", "newborns"}),
    ("newborn-singular", "Chaque nouveau-né recevra un kit d'hygiène.", {"newborns"}),
    ("coordinated-handicap", "Le centre accueille des enfants et jeunes en situation de handicap.",
     {"children", "youth", "disabled"}),
    ("youth-unemployed", "La formation concerne des jeunes sans emploi de la commune.", {"youth", "unemployed"}),
    ("young-project-holders", "Des prêts seront accordés aux jeunes porteurs de projets.", {"youth", "project_holders"}),
    ("young-entrepreneurs", "Un incubateur pour jeunes entrepreneurs ouvrira ses portes.",
     {"youth", "project_holders"}),
    ("autistic-children", "Un atelier pour enfants autistes sera équipé.", {"children", "disabled"}),
    ("poor-families-only", "Une aide a été distribuée aux familles démunies du quartier.", {"vulnerable_groups"}),
    ("needy-families-only", "Les familles nécessiteuses recevront un panier.", {"vulnerable_groups"}),
    ("vulnerable-households-only", "Les ménages vulnérables seront recensés.", {"vulnerable_groups"}),
    ("poor-elderly", "Une maison d'accueil pour personnes âgées démunies.", {"elderly", "vulnerable_groups"}),
    ("widows-orphans", "Les veuves et les orphelins sont prioritaires.", {"women", "orphans"}),
    ("parturientes", "Une maison d'accouchement au profit des parturientes.", {"pregnant_women"}),
    ("future-mothers", "Des consultations pour les futures mères de la vallée.", {"pregnant_women"}),
    ("minors", "Les mineurs non accompagnés seront hébergés.", {"children"}),
    ("rural-population", "L'eau potable au profit des populations rurales de la province.", {"rural_population"}),
    ("rural-inhabitants", "La piste desservira les habitants du monde rural.", {"rural_population"}),
    ("rural-households-no-rural", "Le projet cible 3.000 ménages ruraux.", {"households"}),
    ("feminine-lemma", "Les agricultrices et les éleveurs de la région seront formés.", {"farmers"}),
    ("women-cooperatives", "Les coopératives féminines de tissage recevront du matériel.", {"project_holders", "women"}),
    ("earthquake-victims", "Une aide d'urgence aux victimes du séisme.", {"disaster_victims"}),
    ("affected-families", "Les familles touchées par les inondations seront relogées.", {"disaster_victims"}),
    ("ex-prisoners", "La réinsertion des ex-détenus est une priorité.", {"prisoners"}),
    ("homeless-plural", "Des centres d'hébergement pour les sans-abris.", {"homeless"}),
    ("sdf", "Les personnes sans domicile fixe ont été recueillies.", {"homeless"}),
    ("violence-with-gap", "Un espace d'écoute pour les femmes rurales victimes de violence.",
     {"women_victims_of_violence"}),
    ("street-children-not-children", "La prise en charge des enfants en situation de rue.", {"street_children"}),
    ("precarity-in-programme", "Le programme d'accompagnement des personnes en situation de précarité.",
     {"precarious_persons"}),
    ("dialysis", "Les dialysés et les insuffisants rénaux de la province.", {"patients"}),
    ("trained-teachers-other", "La formation de 40 enseignants du primaire.", {"other"}),
    ("pupils-students", "Des bourses pour les étudiantes et les élèves du collège.", {"pupils_students"}),
    ("mother-child-health", "La santé de la mère et de l'enfant.", {"mothers", "children"}),
]

NEGATIVES = [
    ("inhabitants-citizens", "Les habitants et les citoyens de la ville ont assisté à la cérémonie."),
    ("candidates", "Les candidats doivent déposer leur dossier avant la fin du mois."),
    ("rising-generations", "Le programme d'impulsion du capital humain des générations montantes."),
    ("share-statistic", "Près de 40% de la population rurale vit de l'agriculture."),
    ("share-represent", "Les femmes devront représenter au moins 30% des recrues."),
    ("young-plants", "La plantation de jeunes plants d'arganier a commencé."),
    ("staff-without-cue", "Les médecins et les infirmiers ont assuré des consultations."),
    ("one-trained-person", "La classe est confiée à une éducatrice formée par l'association."),
    ("project-carrier-body", "L'association, porteuse du projet, gère le centre."),
    ("facility-foyer", "Le foyer sera réhabilité par la commune."),
    ("headcount", "Plus de 900 personnes ont bénéficié de cette action."),
]


def _categories(doc) -> set[str]:
    return {c for s in doc.spans["beneficiaries"] for c in s._.beneficiary.categories}


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_beneficiaries_phrases(nlp, text: str, expected: set[str]) -> None:
    assert _categories(nlp(text)) == expected


@pytest.mark.parametrize("text", [c[1] for c in NEGATIVES], ids=[c[0] for c in NEGATIVES])
def test_beneficiaries_negatives(nlp, text: str) -> None:
    assert _categories(nlp(text)) == set()


def test_beneficiaries_org_name_is_no_group(nlp) -> None:
    doc = nlp("La convention a été signée avec l'Union nationale des femmes du Maroc.")
    assert "women" not in _categories(doc)


def test_beneficiaries_export_groups_mentions_with_exact_offsets(nlp) -> None:
    text = "Les femmes du douar et les jeunes sans emploi, puis d'autres femmes, seront formés."
    doc = nlp(text)
    out = nlp.get_pipe("communique_beneficiaries").export(doc)["beneficiaries"]
    by_cat = {b["category"]: b for b in out}
    assert [b["category"] for b in out] == ["women", "youth", "unemployed"]
    assert len(by_cat["women"]["mentions"]) == 2
    for b in out:
        assert b["rule"]
        for m in b["mentions"]:
            assert text[m["start"] : m["end"]] == m["text"]


def test_beneficiaries_span_extension_has_categories_and_rule(nlp) -> None:
    doc = nlp("Un soutien aux jeunes entrepreneurs de la région.")
    (span,) = doc.spans["beneficiaries"]
    assert sorted(span._.beneficiary.categories) == ["project_holders", "youth"]
    assert span._.beneficiary.rule == "youth.jeunes_entrepreneurs"


@pytest.mark.parametrize(("word", "form"), [("veuves", "veuve"), ("agriculteurs", "agricultrice"),
                                            ("démunis", "démunies"), ("ruraux", "rurale"), ("SDF", "sdf")],
                         ids=["fem-plural-to-singular", "eur-rice", "adj-fem-plural", "aux-ale", "acronym"])
def test_beneficiaries_inflections(word: str, form: str) -> None:
    assert form in inflections(word)


def test_beneficiaries_pattern_file_loads() -> None:
    rules = load_jsonl("beneficiaries.jsonl", BeneficiaryRule)
    cats = {r.pattern for r in rules if r.label == "CATEGORY"}
    assert {"vulnerable_groups", "pregnant_women", "other"} <= cats
    assert all(r.label in cats or r.label.isupper() for r in rules)


def test_beneficiaries_unknown_key_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "beneficiaries.jsonl"
    bad.write_text('{"id": "cat.children", "label": "CATEGORY", "pattern": "children"}\n'
                   '{"id": "x", "label": "children", "pattern": "gamins", "colour": "red"}\n', encoding="utf-8")
    with pytest.raises(PatternError) as err:
        load_jsonl(bad, BeneficiaryRule)
    assert f"{bad}:2" in str(err.value) and "colour" in str(err.value)


def test_beneficiaries_unknown_category_is_rejected(nlp, tmp_path: Path) -> None:
    bad = tmp_path / "beneficiaries.jsonl"
    bad.write_text('{"id": "x", "label": "kids", "pattern": "gamins"}\n', encoding="utf-8")
    with pytest.raises(PatternError, match="kids"):
        BeneficiariesComponent(nlp, "b", patterns=str(bad), span_key="b", cue_window=5, skip_org_names=True)


def test_beneficiaries_new_phrase_and_category_work_without_code(nlp, tmp_path: Path) -> None:
    text = "Des aliments pour bétail ont été remis aux bergers transhumants."
    assert "shepherds" not in _categories(nlp(text))
    copy = tmp_path / "beneficiaries.jsonl"
    lines = resolve("beneficiaries.jsonl").read_text(encoding="utf-8")
    extra = [{"id": "cat.shepherds", "label": "CATEGORY", "pattern": "shepherds"},
             {"id": "shepherds.berger", "label": "shepherds", "pattern": "berger transhumant"}]
    copy.write_text(lines + "\n" + "\n".join(json.dumps(e, ensure_ascii=False) for e in extra) + "\n",
                    encoding="utf-8")
    comp = BeneficiariesComponent(nlp, "b2", patterns=str(copy), span_key="b2", cue_window=5, skip_org_names=True)
    doc = comp(nlp(text))
    assert [(s.text, s._.beneficiary.categories) for s in doc.spans["b2"]] == [("bergers transhumants", ["shepherds"])]
