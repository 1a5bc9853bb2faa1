"""Allocations: each given sum linked to its funder, places, beneficiaries, partners and parts.

The entity span groups are set up by hand in each test (organisations, places, beneficiaries), so
the linking logic is tested on its own, whatever the entity components find.
"""

from __future__ import annotations

from typing import Any

import pytest
from spacy.tokens import Doc

from extractor.components.beneficiaries import BeneficiaryMatch
from extractor.components.organizations.model import OrgMention
from extractor.components.places.model import PlaceMention
from extractor.errors import PatternError
from extractor.normalizers.allocations import AllocationCues, AllocationRule, cues, sentences

Org = tuple[str, dict[str, Any]]


def _span(doc: Doc, needle: str, nth: int = 0):
    start = -1
    for _ in range(nth + 1):
        start = doc.text.index(needle, start + 1)
    span = doc.char_span(start, start + len(needle), alignment_mode="expand")
    assert span is not None, needle
    return span


def _link(nlp, text: str, orgs: list[Org] = (), places: list[tuple[str, dict[str, Any]]] = (),
          bens: list[tuple[str, list[str]]] = ()) -> list[dict[str, Any]]:
    """Run the pipeline, replace the entity span groups with the given ones, re-run allocations."""
    doc = nlp(text)
    org_spans, place_spans, ben_spans = [], [], []
    seen: dict[str, int] = {}
    for needle, value in orgs:
        span = _span(doc, needle, seen.get(needle, 0))
        seen[needle] = seen.get(needle, 0) + 1
        span._.org = OrgMention(value["name"], value.get("acronym"), value.get("kind", "other"),
                                tuple(value.get("roles", ())), value.get("rule", ""), len(org_spans),
                                value.get("acts_for"))
        org_spans.append(span)
    for needle, value in places:
        span = _span(doc, needle)
        span._.place = PlaceMention(span.text, span.start_char, span.end_char, value["name"],
                                    value.get("type", "city"), None, None, None, "test", "test")
        place_spans.append(span)
    for needle, cats in bens:
        span = _span(doc, needle)
        span._.beneficiary = BeneficiaryMatch(list(cats), "test", span.start_char, span.end_char, span.text)
        ben_spans.append(span)
    doc.spans["organizations"] = org_spans
    doc.spans["places"] = place_spans
    doc.spans["beneficiaries"] = ben_spans
    comp = nlp.get_pipe("communique_allocations")
    comp(doc)
    out = comp.export(doc)["allocations"]
    for a in out:
        ev = a["evidence"]
        assert doc.text[ev["start"]:ev["end"]] == ev["text"]
    return out


ATLAS = {"name": "Fondation Atlas", "acronym": None, "kind": "association", "roles": ["funder"]}
OASIS = {"name": "Agence Oasis", "acronym": None, "kind": "public_body", "roles": ["funder"]}
CPF = {"name": "Conseil provincial de Figuig", "kind": "public_body", "roles": ["funder"]}


def test_allocations_one_amount(nlp) -> None:
    text = ("Le Conseil provincial de Figuig a débloqué une enveloppe de 2 MDH pour la construction "
            "d'une crèche au profit des enfants de la commune de Bouarfa.")
    out = _link(nlp, text, orgs=[("Conseil provincial de Figuig", CPF)],
                places=[("Bouarfa", {"name": "Bouarfa", "type": "commune"})], bens=[("enfants", ["children"])])
    assert len(out) == 1
    a = out[0]
    assert a["amount"]["value"] == 2_000_000 and a["amount_index"] == 0
    assert a["funder"] == "Conseil provincial de Figuig"
    assert a["places"] == ["Bouarfa"]
    assert a["beneficiaries"] == ["children"]
    assert a["purpose"].startswith("construction d'une crèche")
    assert a["partners"] == [] and a["part_of"] is None


def test_allocations_two_amounts_each_own_funder_and_purpose(nlp) -> None:
    text = ("La Fondation Atlas consacre 1,5 MDH à la réfection des pistes rurales, tandis que l'Agence "
            "Oasis apporte 700.000 DH pour l'achat de matériel agricole.")
    out = _link(nlp, text, orgs=[("Fondation Atlas", ATLAS), ("Agence Oasis", OASIS)])
    assert [a["funder"] for a in out] == ["Fondation Atlas", "Agence Oasis"]
    assert out[0]["partners"] == ["Agence Oasis"] and out[1]["partners"] == ["Fondation Atlas"]
    assert "réfection des pistes rurales" in out[0]["purpose"]
    assert "matériel agricole" in out[1]["purpose"]


def test_allocations_total_and_dont_parts(nlp) -> None:
    text = ("Le dispensaire a coûté 5 MDH, dont 3 MDH apportés par l'Agence Oasis et 2 MDH par la "
            "Fondation Atlas.")
    out = _link(nlp, text, orgs=[("Agence Oasis", OASIS), ("Fondation Atlas", ATLAS)])
    assert [a["amount"]["value"] for a in out] == [5e6, 3e6, 2e6]
    assert [a["part_of"] for a in out] == [None, 0, 0]
    assert [a["funder"] for a in out] == ["Agence Oasis", "Agence Oasis", "Fondation Atlas"]
    assert out[0]["partners"] == ["Fondation Atlas"]


def test_allocations_windows_are_factory_settings_read_from_config(nlp) -> None:
    from extractor.components.allocations import Settings
    from extractor.pipeline import load_pipeline

    config = nlp.get_pipe_config("communique_allocations")
    assert {k: config[k] for k in Settings.defaults()} == Settings.defaults()
    narrow = load_pipeline(config=(("communique_allocations", (("part_before_chars", 2),)),))
    text = ("Le dispensaire a coûté 5 MDH, dont 3 MDH apportés par l'Agence Oasis et 2 MDH par la "
            "Fondation Atlas.")
    out = _link(narrow, text, orgs=[("Agence Oasis", OASIS), ("Fondation Atlas", ATLAS)])
    assert [a["part_of"] for a in out] == [None, None, None]  # `dont ` no longer fits before the sum


def test_allocations_bullet_list_read_with_its_intro(nlp) -> None:
    text = ("La Fondation Atlas mobilisera 10 MDH dans la province de Tata, répartis comme suit :\n"
            "- 6 MDH pour la mise à niveau des écoles ;\n"
            "- 4 MDH pour l'équipement des dispensaires de la commune d'Akka.\n")
    out = _link(nlp, text, orgs=[("Fondation Atlas", ATLAS)],
                places=[("Tata", {"name": "Tata", "type": "province"}),
                        ("Akka", {"name": "Akka", "type": "commune"})])
    assert [a["part_of"] for a in out] == [None, 0, 0]
    assert all(a["funder"] == "Fondation Atlas" for a in out)
    assert out[1]["places"] == ["Tata"]  # none in the item: the intro's
    assert out[2]["places"] == ["Akka"]  # the item's own
    assert out[1]["evidence"]["text"].startswith("- 6 MDH")


def test_allocations_generic_place_type_must_be_a_contract_place_type() -> None:
    from extractor.records import PlaceType

    for typ in PlaceType:
        AllocationCues((AllocationRule(id="g", label="GENERIC_PLACE", pattern="la zone", type=typ.value),))
    with pytest.raises(PatternError):
        AllocationCues((AllocationRule(id="g", label="GENERIC_PLACE", pattern="la zone", type="canton"),))


def test_allocations_phrase_ends_where_a_clause_end_rule_of_the_data_says() -> None:
    text = "pour la construction d'un centre au profit des jeunes"
    start = len("pour ")
    s, e = cues().phrase_after(text, start, len(text))
    assert text[s:e] == "la construction d'un centre"
    only_marks = AllocationCues((AllocationRule(id="m", label="CLAUSE_END", pattern="[,;.]"),))
    s, e = only_marks.phrase_after(text, start, len(text))
    assert text[s:e] == "la construction d'un centre au profit des jeunes"


def test_allocations_only_the_home_country_is_a_place_of_spending(nlp) -> None:
    text = "La France a accordé 3 MDH pour des puits au Maroc."
    out = _link(nlp, text, places=[("France", {"name": "France", "type": "country"}),
                                   ("Maroc", {"name": "Maroc", "type": "country"})])
    assert out[0]["places"] == ["Maroc"]


@pytest.mark.parametrize("text", [
    pytest.param("Sur le marché de Tata, le prix du kilo de dattes a atteint 40 DH.", id="price"),
    pytest.param("Chaque ouvrier du chantier percevra un salaire mensuel de 3.000 dirhams.", id="salary"),
    pytest.param("La coopérative a réalisé un chiffre d'affaires de 1,2 MDH en 2023.", id="turnover"),
    pytest.param("Les dattes se vendent à 35 dirhams le kilo.", id="unit-price-after"),
])
def test_allocations_no_allocation_for_prices_and_salaries(nlp, text: str) -> None:
    assert _link(nlp, text) == []


def test_allocations_restatement_and_headline_repeat(nlp) -> None:
    text = ("Tata : 2 millions d'euros pour l'eau potable\n\n"
            "La Fondation Atlas accorde un don de 2 millions d'euros (environ 21 MDH) pour l'eau potable.\n")
    out = _link(nlp, text, orgs=[("Fondation Atlas", ATLAS)])
    assert len(out) == 1
    assert out[0]["amount"]["currency"] == "EUR" and out[0]["amount_index"] == 1


def test_allocations_inherit_main_funder_and_place(nlp) -> None:
    text = ("La Fondation Atlas finance ce programme dans la province de Tata. "
            "Une aide de 500.000 DH a été accordée aux coopératives féminines.")
    out = _link(nlp, text, orgs=[("Fondation Atlas", ATLAS)],
                places=[("Tata", {"name": "Tata", "type": "province"})],
                bens=[("coopératives féminines", ["project_holders", "women"])])
    assert len(out) == 1
    assert out[0]["funder"] == "Fondation Atlas"
    assert out[0]["places"] == ["Tata"]
    assert out[0]["beneficiaries"] == ["project_holders", "women"]
    assert "funder.main" in out[0]["rule"] and "places.main" in out[0]["rule"]


def test_allocations_coordinated_places_and_beneficiaries(nlp) -> None:
    text = ("Une enveloppe de 3 MDH a été allouée par l'Agence Oasis au profit des femmes et des jeunes "
            "des communes d'Akka, de Foum Zguid et de Tissint.")
    out = _link(nlp, text, orgs=[("Agence Oasis", OASIS)],
                places=[(n, {"name": n, "type": "commune"}) for n in ("Akka", "Foum Zguid", "Tissint")],
                bens=[("femmes", ["women"]), ("jeunes", ["youth"])])
    assert out[0]["funder"] == "Agence Oasis"
    assert out[0]["places"] == ["Akka", "Foum Zguid", "Tissint"]
    assert out[0]["beneficiaries"] == ["women", "youth"]


def test_allocations_generic_place_and_issuer_not_partner(nlp) -> None:
    text = ("Le programme couvre la province de Tata. Selon la Division sociale, une subvention de "
            "400.000 DH a été réservée aux associations de la province.")
    div = {"name": "Division sociale", "kind": "public_body", "roles": ["issuer"]}
    out = _link(nlp, text, orgs=[("Division sociale", div)],
                places=[("Tata", {"name": "Tata", "type": "province"})])
    assert out[0]["places"] == ["Tata"]
    # no payer shown: the body that announces the spending is the main funder (spec 2.1), never a partner
    assert out[0]["partners"] == [] and out[0]["funder"] == "Division sociale"


def test_allocations_partner_phrase_and_acronym_label(nlp) -> None:
    text = ("L'Agence de développement de l'Oriental (ADO) versera 1 MDH à la coopérative, en partenariat "
            "avec la Fondation Atlas.")
    ado = {"name": "Agence de développement de l'Oriental", "acronym": "ADO", "kind": "public_body",
           "roles": ["funder"]}
    out = _link(nlp, text, orgs=[("Agence de développement de l'Oriental", ado),
                                 ("Fondation Atlas", {**ATLAS, "roles": ["partner"]})])
    assert out[0]["funder"] == "ADO"
    assert out[0]["partners"] == ["Fondation Atlas"]


def test_allocations_to_frames_one_row_per_allocation(nlp) -> None:
    from extractor.api import to_frames
    from extractor.build import build_record

    text = ("La Fondation Atlas consacre 1,5 MDH à la réfection des pistes, tandis que l'Agence Oasis "
            "apporte 700.000 DH pour l'achat de matériel.")
    doc = nlp(text)
    rec = build_record(doc, nlp, id="t", source="t")
    frames = to_frames([rec])
    df = frames["allocations"]
    assert len(df) == len(rec.allocations) == 2
    assert list(df["amount_index"]) == [0, 1]
    for col in ("beneficiaries", "places", "partners"):
        assert all(isinstance(v, list) for v in df[col])


def test_allocations_sentences_keep_hyphenated_names() -> None:
    text = "La région Souss-Massa reçoit 2 MDH. M. Alami l'a annoncé.\nUne autre ligne"
    spans = [text[s:e] for s, e in sentences(text, cues())]
    assert spans == ["La région Souss-Massa reçoit 2 MDH.", "M. Alami l'a annoncé.", "Une autre ligne"]


def test_allocations_unknown_label_fails_loudly() -> None:
    bad = AllocationRule(id="x", label="NOPE", pattern="a")
    with pytest.raises(PatternError):
        AllocationCues((bad,))
    no_type = AllocationRule(id="y", label="GENERIC_PLACE", pattern="la province")
    with pytest.raises(PatternError):
        AllocationCues((no_type,))


@pytest.mark.parametrize("text", [
    "La Fondation Atlas et l'Agence Oasis apportent ensemble 4 MDH à la maison des jeunes.",
    "La Fondation Atlas (1 MDH), l'Agence Oasis (3 MDH) apportent 4 MDH à la maison des jeunes.",
], ids=["joined-by-et", "bracketed-shares"])
def test_allocations_first_co_contributor_pays(nlp, text: str) -> None:
    out = _link(nlp, text, orgs=[("Fondation Atlas", ATLAS), ("Agence Oasis", OASIS)])
    a = next(a for a in out if a["amount"]["value"] == 4e6)
    assert a["funder"] == "Fondation Atlas"
    assert a["partners"] == ["Agence Oasis"]


def test_allocations_separate_clauses_keep_the_nearest_payer(nlp) -> None:
    text = "La Fondation Atlas a ouvert le centre ; l'Agence Oasis y consacre 4 MDH."
    out = _link(nlp, text, orgs=[("Fondation Atlas", ATLAS), ("Agence Oasis", OASIS)])
    assert out[0]["funder"] == "Agence Oasis"


def test_allocations_gloss_of_a_contributor_is_no_other_payer(nlp) -> None:
    text = ("Le centre est financé à parts égales par la Fondation Atlas et l'AO (Agence Oasis), "
            "soit 2 MDH chacune.")
    oasis = {**OASIS, "acronym": "AO"}
    out = _link(nlp, text, orgs=[("Fondation Atlas", ATLAS), ("AO", oasis), ("Agence Oasis", oasis)])
    assert out[0]["funder"] == "Fondation Atlas"
    assert out[0]["partners"] == ["AO"]


def test_allocations_agent_after_a_participle_clause(nlp) -> None:
    text = "Le coût atteint 3 MDH, le reste, soit 1 MDH, étant pris en charge par la Fondation Atlas."
    out = _link(nlp, text, orgs=[("Fondation Atlas", ATLAS)])
    a = next(a for a in out if a["amount"]["value"] == 1e6)
    assert a["funder"] == "Fondation Atlas" and "funder.agent" in a["rule"]


def test_allocations_purpose_cue_inside_an_organisation_name_is_skipped(nlp) -> None:
    from extractor.build import build_record

    text = ("À Tafrant, le foyer rural est cofinancé par l'Initiative nationale pour le développement humain "
            "(INDH) à hauteur de 4 MDH et par la commune à hauteur de 1 MDH.")
    rec = build_record(nlp(text), nlp, id="t", source="t")
    [alloc] = [a for a in rec.allocations if a.amount.value == 4_000_000]
    assert alloc.purpose is None or "développement humain" not in alloc.purpose
