"""Quantities: counts in digits and words, borrowed units, and everything that is not a count."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor.components.quantities import QuantitiesComponent
from extractor.errors import PatternError
from extractor.normalizers.quantities import QuantityRule
from extractor.patterns import load_jsonl, resolve

CASES = [
    # (id, text, expected [(value, unit head)])
    ("digits-thousands-dot", "La distribution de 1.500 kits alimentaires a commencé.", [(1500, "kits")]),
    ("digits-thousands-space", "Le projet profitera à 3 500 bénéficiaires.", [(3500, "bénéficiaires")]),
    ("small-digit", "Le conseil a acquis 12 ambulances.", [(12, "ambulances")]),
    ("one-digit-counts", "Il reste 1 projet à valider.", [(1, "projet")]),
    ("spelled-compound", "Vingt-trois écoles ont été rénovées.", [(23, "écoles")]),
    ("spelled-small", "La commune a reçu deux camions-citernes.", [(2, "camions")]),
    ("one-million", "L'opération touche un million de ménages.", [(1_000_000, "ménages")]),
    ("decimal-million", "Il est prévu de planter 2,5 millions de plants d'olivier.", [(2_500_000, "plants")]),
    ("adjective-first", "Le comité a validé 14 nouveaux projets.", [(14, "projets")]),
    ("coordinated-numbers", "Dans les deux villages, 120 et 95 familles ont été servies.",
     [(2, "villages"), (120, "familles"), (95, "familles")]),
    ("ellipsis-after-count", "Sur les 30 ambulances, 18 ont été livrées et 12 par la région.",
     [(30, "ambulances"), (18, "ambulances"), (12, "ambulances")]),
    ("dont-ellipsis", "Au total 640 foyers sont raccordés, dont 210 dans le centre.",
     [(640, "foyers"), (210, "foyers")]),
    ("bridge-le-nombre", "Cette tranche porte à 75 le nombre de centres de santé.", [(75, "centres")]),
    ("au-total", "Les associations retenues, onze au total, signeront demain.", [(11, "associations")]),
]

NEGATIVES = [
    ("km", "La piste, longue de 24 km, sera bitumée."),
    ("hectares", "Le périmètre couvre 3.000 hectares."),
    ("tonnes", "La production atteint 500 tonnes par an."),
    ("cubic-metres", "Le réservoir stocke 15 m³ d'eau."),
    ("age-range", "Le programme vise les jeunes de 18 à 35 ans."),
    ("duration", "Les bénéficiaires seront suivis pendant 6 mois."),
    ("percent", "Le taux est passé à 45% cette année."),
    ("article", "En vertu de l'article 12 de la convention, le conseil paie."),
    ("programme-number", "Le programme 3 de l'Initiative sera renforcé."),
    ("phone", "Pour tout renseignement, appeler le 0537 12 34 56."),
    ("ordinal", "À l'occasion du 25ème anniversaire de la Fondation."),
    ("money", "Une enveloppe de 2,5 MDH a été débloquée."),
    ("year", "Le centre a ouvert en 2021."),
    ("name-with-number", "Le virus Covid-19 a touché la région."),
    ("one-alone", "Un centre et une unité mobile seront ouverts."),
    ("fraction", "Les deux tiers du budget vont à l'investissement."),
    ("hours", "Le service fonctionne 24h/24."),
    ("quoted-title", "L'initiative « Un million de cartables » est reconduite."),
]


def _values(doc) -> list[tuple[float, str]]:
    return [(s._.quantity.value, s._.quantity.unit.split()[0]) for s in doc.spans["quantities"]]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_quantities_counts(nlp, text: str, expected: list[tuple[float, str]]) -> None:
    assert _values(nlp(text)) == expected


@pytest.mark.parametrize("text", [c[1] for c in NEGATIVES], ids=[c[0] for c in NEGATIVES])
def test_quantities_negatives(nlp, text: str) -> None:
    assert _values(nlp(text)) == []


def test_quantities_export_has_exact_offsets_unit_and_rule(nlp) -> None:
    text = "La fondation a remis 5.200 lots de lait infantile aux mères."
    out = nlp.get_pipe("communique_quantities").export(nlp(text))["quantities"]
    assert len(out) == 1
    q = out[0]
    assert text[q["start"] : q["end"]] == q["text"] == "5.200 lots de lait infantile"
    assert (q["value"], q["unit"]) == (5200, "lots de lait infantile")
    assert q["rule"].startswith("number.digits")


def test_quantities_pattern_file_loads() -> None:
    rules = load_jsonl("quantities.jsonl", QuantityRule)
    assert {"NUMBER_WORD", "SCALE", "EXCLUDED_UNIT", "BLOCK_BEFORE"} <= {r.label for r in rules}


def test_quantities_unknown_key_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "quantities.jsonl"
    bad.write_text('// comment\n{"id": "u", "label": "EXCLUDED_UNIT", "pattern": "km", "unit": "length"}\n',
                   encoding="utf-8")
    with pytest.raises(PatternError) as err:
        load_jsonl(bad, QuantityRule)
    assert f"{bad}:2" in str(err.value) and "unit" in str(err.value)


def test_quantities_new_excluded_unit_works_without_code(nlp, tmp_path: Path) -> None:
    text = "Le camion transportait 40 palettes de semences."
    assert _values(nlp(text)) == [(40, "palettes")]
    copy = tmp_path / "quantities.jsonl"
    extra = {"id": "unit.pallet", "label": "EXCLUDED_UNIT", "pattern": "palettes?"}
    copy.write_text(resolve("quantities.jsonl").read_text(encoding="utf-8") + "\n" + json.dumps(extra) + "\n",
                    encoding="utf-8")
    comp = QuantitiesComponent(nlp, "q2", patterns=str(copy), span_key="q2")
    assert list(comp(nlp(text)).spans["q2"]) == []
