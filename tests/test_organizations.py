"""Organisations component: names, kinds, acronym linking, roles, negatives, data files."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from phrases import org_named as _org

from extractor import extract
from extractor.errors import PatternError
from extractor.normalizers.organizations import (
    GRAMMAR_FILE,
    KNOWN_COLUMNS,
    KNOWN_FILE,
    KNOWN_OPTIONAL,
    ROLES_FILE,
    TRIGGERS_FILE,
    GrammarRule,
    RoleRule,
    TriggerRule,
    lexicon,
)
from extractor.patterns import load_csv, load_jsonl
from extractor.text import fold


def orgs_of(nlp: Any, text: str) -> list[dict[str, Any]]:
    doc = nlp(text)
    return nlp.get_pipe("communique_organizations").export(doc)["organizations"]


def find(orgs: list[dict[str, Any]], name: str) -> dict[str, Any] | None:
    """The organisation whose folded name or acronym contains `name` (folded)."""
    f = fold(name)
    for o in orgs:
        if f in fold(o["name"]) or f == fold(o.get("acronym")):
            return o
    return None


# ---------------------------------------------------------------- data files

@pytest.mark.parametrize("path,model", [
    (TRIGGERS_FILE, TriggerRule),
    (GRAMMAR_FILE, GrammarRule),
    (ROLES_FILE, RoleRule),
], ids=["triggers", "grammar", "roles"])
def test_organizations_pattern_file_loads(path: str, model: type) -> None:
    rules = load_jsonl(path, model)
    assert rules and all(r.id for r in rules)


def test_organizations_known_csv_loads() -> None:
    rows = load_csv(KNOWN_FILE, KNOWN_COLUMNS, KNOWN_OPTIONAL)
    names = {r["name"] for r in rows}
    assert "Initiative nationale pour le développement humain" in names
    assert len(lexicon().known) == len(rows)


@pytest.mark.parametrize("model,line", [
    (TriggerRule, {"id": "x", "label": "association", "pattern": [{"LOWER": "amicale"}], "colour": "red"}),
    (RoleRule, {"id": "x", "label": "funder", "pattern": "payé par", "side": "before", "scope": "list",
                "weight": 2}),
    (GrammarRule, {"id": "x", "label": "STOP", "pattern": "ici", "lang": "fr"}),
], ids=["trigger", "role", "grammar"])
def test_organizations_unknown_key_names_file_and_line(tmp_path: Path, model: type, line: dict[str, Any]) -> None:
    f = tmp_path / "bad.jsonl"
    good = {k: v for k, v in line.items() if k not in ("colour", "weight", "lang")}
    good["id"] = "ok"
    f.write_text("// comment\n" + json.dumps(good) + "\n" + json.dumps(line) + "\n", encoding="utf-8")
    with pytest.raises(PatternError) as err:
        load_jsonl(f, model)
    assert f"{f}:3" in str(err.value) and "unknown key" in str(err.value)


def test_organizations_bad_role_label_rejected(tmp_path: Path) -> None:
    f = tmp_path / "roles.jsonl"
    f.write_text(json.dumps({"id": "x", "label": "sponsor", "pattern": "par", "side": "before",
                             "scope": "list"}) + "\n", encoding="utf-8")
    with pytest.raises(PatternError, match=r"roles\.jsonl:1"):
        load_jsonl(f, RoleRule)


def test_organizations_csv_unknown_column_rejected(tmp_path: Path) -> None:
    f = tmp_path / "known.csv"
    f.write_text("id,name,kind,colour\nx,Fondation X,association,bleu\n", encoding="utf-8")
    with pytest.raises(PatternError, match="unknown column"):
        load_csv(f, KNOWN_COLUMNS, KNOWN_OPTIONAL)


def test_organizations_csv_acts_for_must_name_a_known_id(tmp_path: Path) -> None:
    from extractor.normalizers.organizations import _known
    f = tmp_path / "known.csv"
    f.write_text("id,name,kind,acts_for\nx,Comité X,public_body,nope\n", encoding="utf-8")
    with pytest.raises(PatternError, match=r"known\.csv:2.*acts_for 'nope'"):
        _known(str(f))


# ---------------------------------------------------------------- names and kinds

@pytest.mark.parametrize("text,name,kind", [
    ("L'Entraide nationale a ouvert un foyer à Tiflet.", "Entraide nationale", "public_body"),
    ("Le PNUD appuie les coopératives de la vallée.", "Programme des Nations unies pour le développement",
     "international"),
    ("La Banque mondiale a approuvé un prêt au Royaume.", "Banque mondiale", "international"),
    ("Une convention lie l'association Tifawin pour le développement local à la commune.",
     "Association Tifawin pour le développement local", "association"),
    ("La Fondation Amane pour l'enfance ouvre une crèche.", "Fondation Amane pour l'enfance", "association"),
    ("Le ministère de l'Agriculture, de la Pêche maritime et du Développement rural finance le projet.",
     "Ministère de l'Agriculture, de la Pêche maritime et du Développement rural", "public_body"),
    ("Le Conseil provincial de Tinghir a voté le budget.", "Conseil provincial de Tinghir", "public_body"),
    ("Le Conseil de la région de Fès-Meknès a tenu sa session.", "Conseil de la région de Fès-Meknès",
     "public_body"),
    ("L'Agence italienne de coopération pour le développement soutient le centre.",
     "Agence italienne de coopération pour le développement", "international"),
    ("La Coopérative Tifaout a reçu un tracteur.", "Coopérative Tifaout", "other"),
    ("Le Fonds de développement rural et des zones de montagne finance la piste.",
     "Fonds de développement rural et des zones de montagne", "programme"),
    ("Le Haut-Commissariat aux Eaux et Forêts a planté 300 ha.", "Haut-Commissariat aux Eaux et Forêts",
     "public_body"),
    ("L'Association Amezray pour l'éducation et la santé annonce une caravane.",
     "Association Amezray pour l'éducation et la santé", "association"),
    ("Le ministère de l'Intérieur et le ministère des Habous financent la distribution.",
     "Ministère des Habous", "public_body"),
], ids=["known-public-body", "acronym-un-agency", "known-international", "association-generic",
        "foundation-is-association", "ministry-portfolio-list", "provincial-council", "regional-council",
        "foreign-agency", "cooperative", "fund-programme", "portfolio-after-aux", "purpose-coordination",
        "verb-tagged-adjective-ends-name"])
def test_organizations_names_and_kinds(nlp: Any, text: str, name: str, kind: str) -> None:
    o = find(orgs_of(nlp, text), name)
    assert o is not None
    assert fold(o["name"]) == fold(name)
    assert o["kind"] == kind


@pytest.mark.parametrize("text", [
    "Rabat, 3 mai 2021 (MAP) - Les autorités locales et les services concernés ont suivi l'opération.",
    "Les malades sont accueillis à l'hôpital provincial et au centre de santé de la commune.",
    "Les projets relèvent du programme 2 et de la stratégie Génération Green, comme l'opération Ramadan.",
    "Plusieurs associations locales et une coopérative ont participé.",
    "Le conseil communal a annoncé l'achat de deux bus.",
    "Le projet touche la province de Sefrou et la commune de Bhalil.",
], ids=["map-and-generic-references", "facilities", "sub-programmes-and-strategies", "unnamed-associations",
        "bare-council-without-antecedent", "territories-as-places"])
def test_organizations_negatives(nlp: Any, text: str) -> None:
    assert orgs_of(nlp, text) == []


def test_organizations_offsets_are_exact(nlp: Any) -> None:
    text = "Selon l’Office national de l’électricité et de l’eau potable (ONEE), l'ONEE financera le réseau."
    doc = nlp(text)
    for span in doc.spans["organizations"]:
        assert span._.org is not None
    for o in nlp.get_pipe("communique_organizations").export(doc)["organizations"]:
        for m in o["mentions"]:
            assert text[m["start"]:m["end"]] == m["text"]


# ---------------------------------------------------------------- linking

def test_organizations_acronym_defined_in_text_links_later_uses(nlp: Any) -> None:
    text = ("La Direction régionale de l'action rurale (DRAR) a lancé l'appel. "
            "Selon la DRAR, 40 dossiers ont été déposés.")
    orgs = orgs_of(nlp, text)
    assert len(orgs) == 1
    o = orgs[0]
    assert o["acronym"] == "DRAR"
    assert [m["text"] for m in o["mentions"]] == ["Direction régionale de l'action rurale", "DRAR", "DRAR"]
    assert "issuer" in o["roles"]


def test_organizations_known_acronym_gets_canonical_name(nlp: Any) -> None:
    orgs = orgs_of(nlp, "L'ANAPEC organise un forum de l'emploi à Safi.")
    assert orgs[0]["name"] == "Agence nationale de promotion de l'emploi et des compétences"
    assert orgs[0]["acronym"] == "ANAPEC"


def test_organizations_acronym_left_empty_when_text_gives_none(nlp: Any) -> None:
    orgs = orgs_of(nlp, "L'Union européenne soutient le projet.")
    assert orgs[0]["acronym"] is None


@pytest.mark.parametrize("text,name,count", [
    ("Le Conseil de la région de l'Oriental a voté. Le Conseil régional versera aussi 2 MDH.",
     "Conseil de la région de l'Oriental", 2),
    ("La Fondation Mohammed VI pour la réinsertion des détenus forme les jeunes. "
     "La Fondation Mohammed VI les suit ensuite.", "Fondation Mohammed VI pour la réinsertion des détenus", 2),
    ("L'association Ennour de Taroudant a signé. Notre association remercie ses partenaires.",
     "Association Ennour de Taroudant", 2),
], ids=["regional-council-short-form", "foundation-short-form", "our-association"])
def test_organizations_short_references_join_their_antecedent(nlp: Any, text: str, name: str, count: int) -> None:
    orgs = orgs_of(nlp, text)
    assert len(orgs) == 1
    assert fold(orgs[0]["name"]) == fold(name)
    assert len(orgs[0]["mentions"]) == count


@pytest.mark.parametrize("text,parent", [
    ("La délégation provinciale de l'Entraide nationale à Azilal a distribué des couvertures.", "Entraide nationale"),
    ("La Délégation de l'UE au Maroc a salué l'initiative.", "Union européenne"),
    ("Le ministère de la Santé a validé le plan ; la délégation provinciale de la Santé l'exécutera.",
     "Ministère de la Santé"),
], ids=["entraide-branch", "eu-delegation", "ministry-named-elsewhere"])
def test_organizations_branch_is_its_parent(nlp: Any, text: str, parent: str) -> None:
    orgs = orgs_of(nlp, text)
    assert len(orgs) == 1
    assert fold(orgs[0]["name"]).startswith(fold(parent))


def test_organizations_section_only_as_a_branch(nlp: Any) -> None:
    orgs = orgs_of(nlp, "La section provinciale de l'Union nationale des femmes du Maroc anime l'atelier. "
                        "La section d'équipement du budget financera les routes.")
    assert [o["name"] for o in orgs] == ["Union nationale des femmes du Maroc"]


def test_organizations_branch_without_parent_keeps_its_name(nlp: Any) -> None:
    orgs = orgs_of(nlp, "La délégation provinciale de l'Agriculture a recensé les éleveurs.")
    assert [o["name"] for o in orgs] == ["Délégation provinciale de l'Agriculture"]


# ---------------------------------------------------------------- roles

@pytest.mark.parametrize("text,name,role", [
    ("Le projet est financé par la Banque africaine de développement.", "Banque africaine de développement",
     "funder"),
    ("L'Agence de développement social y contribue à hauteur de 3 MDH.", "Agence de développement social",
     "funder"),
    ("Le Conseil provincial de Tata a, pour sa part, consacré 800.000 DH au transport.",
     "Conseil provincial de Tata", "funder"),
    ("Les partenaires : la Fondation Zakoura, avec 1 MDH, et l'Entraide nationale.", "Fondation Zakoura",
     "funder"),
    ("Le programme est mené en partenariat avec l'Union nationale des femmes du Maroc.",
     "Union nationale des femmes du Maroc", "partner"),
    ("Une convention a été signée entre la Province de Tiznit, l'ANAPEC et l'association Amal Souss.",
     "Province de Tiznit", "partner"),
    ("Une convention a été signée entre la Province de Tiznit, l'ANAPEC et l'association Amal Souss.",
     "Association Amal Souss", "partner"),
    ("Selon la Division de l'action sociale, 300 familles sont concernées.", "Division de l'action sociale",
     "issuer"),
    ("Le bilan a été dressé, indique un communiqué de l'Entraide nationale.", "Entraide nationale", "issuer"),
    ("Le centre est géré par l'association Basma.", "Association Basma", "implementer"),
    ("Le plan a été mis sur pied par la Province de Midelt.", "Province de Midelt", "implementer"),
    ("L'ONEE assurera la maîtrise d'ouvrage des travaux.", "ONEE", "implementer"),
    ("Ministère de la Jeunesse et des Sports\n\nCommuniqué\n\nLe stage se tiendra à Ifrane.",
     "Ministère de la Jeunesse et des Sports", "issuer"),
    ("L'INDH a équipé trois salles.", "INDH", "funder"),
    ("Le Comité provincial de développement humain s'est réuni.", "Comité provincial de développement humain",
     "implementer"),
], ids=["funded-by", "contributes", "subject-of-funding-verb", "name-then-sum", "partnership-phrase",
        "convention-signatory-territory", "convention-signatory-last", "selon", "communique-de", "managed-by",
        "set-up-by-province", "project-owner", "letterhead", "programme-default-funder", "committee-default"])
def test_organizations_roles(nlp: Any, text: str, name: str, role: str) -> None:
    o = find(orgs_of(nlp, text), name)
    assert o is not None
    assert role in o["roles"]


def test_organizations_acronym_first_gloss_is_one_organisation(nlp: Any) -> None:
    text = ("L'ODEP (Office de développement des espaces pastoraux) a lancé le chantier. "
            "L'ODEP recrutera 40 ouvriers.")
    orgs = orgs_of(nlp, text)
    assert len(orgs) == 1
    assert orgs[0]["name"] == "Office de développement des espaces pastoraux"
    assert orgs[0]["acronym"] == "ODEP"
    assert "implementer" in orgs[0]["roles"]


def test_organizations_letterhead_short_form_refers_forward(nlp: Any) -> None:
    text = ("Région de l'Oriental\nConseil régional\n\nOujda, le 4 mai 2022\n\n"
            "Le Conseil de la région de l'Oriental a adopté trois conventions de partenariat.")
    orgs = orgs_of(nlp, text)
    assert len(orgs) == 1
    assert set(orgs[0]["roles"]) == {"partner", "issuer"}


@pytest.mark.parametrize("text,name,role", [
    ("Le plan associe l'État, la Fondation Amane et l'Agence de développement social.",
     "Agence de développement social", "partner"),
    ("Le Conseil provincial de Zagora a annoncé, de son côté, une contribution de 2 MDH.",
     "Conseil provincial de Zagora", "funder"),
    ("Le Conseil de la région Drâa-Tafilalet, réuni jeudi en session, a approuvé deux conventions de partenariat.",
     "Conseil de la région Drâa-Tafilalet", "partner"),
    ("L'Entraide nationale et le ministère de la Santé ont signé, lundi à Rabat, un accord de coopération.",
     "Entraide nationale", "partner"),
    ("La gestion de la crèche est confiée à l'association Tafraout Avenir.", "Association Tafraout Avenir",
     "implementer"),
    ("Le wali a salué l'engagement de la société Sucrafor, qui financera les semences pour 2 MDH.",
     "Société Sucrafor", "funder"),
], ids=["list-after-non-organisation", "promised-contribution", "subject-with-apposition",
        "coordinated-signatories", "entrusted-to", "relative-clause-subject"])
def test_organizations_more_role_cues(nlp: Any, text: str, name: str, role: str) -> None:
    o = find(orgs_of(nlp, text), name)
    assert o is not None
    assert role in o["roles"]


@pytest.mark.parametrize("text,name,role", [
    ("Le programme est mis en œuvre en partenariat avec la Fondation Amane.", "Fondation Amane", "implementer"),
    ("L'Université Cadi Ayyad mobilisera ses enseignants pour les formations.", "Université Cadi Ayyad", "funder"),
    ("Le Conseil provincial de Guercif a approuvé une contribution de l'INDH de 2 MDH.",
     "Conseil provincial de Guercif", "funder"),
    ("La coopérative Nour, dans la province de Tiznit, qui a mobilisé 2 MDH, exporte.", "Province de Tiznit",
     "funder"),
    ("Dans la commune de Tilmi, l'association Ait Baha a reçu un tracteur.", "Commune de Tilmi", "implementer"),
    ("Le président du Conseil provincial de Tan-Tan a rappelé que la province de Tan-Tan exporte du poisson.",
     "Province de Tan-Tan", "issuer"),
], ids=["partnership-is-no-agent", "weak-verb-needs-a-sum", "contribution-of-another", "locative-is-no-subject",
        "comma-is-no-enumeration", "reporting-verb-needs-adjacent-name"])
def test_organizations_role_cues_do_not_overreach(nlp: Any, text: str, name: str, role: str) -> None:
    o = find(orgs_of(nlp, text), name)
    assert o is None or role not in o["roles"]


def test_organizations_roles_union_over_mentions(nlp: Any) -> None:
    text = ("Le projet est financé par l'Agence française de développement (AFD). "
            "Selon l'AFD, les travaux dureront deux ans.")
    o = find(orgs_of(nlp, text), "AFD")
    assert o is not None and set(o["roles"]) == {"funder", "issuer"}
    assert o["acronym"] == "AFD"


def test_organizations_mentioned_when_no_cue(nlp: Any) -> None:
    o = find(orgs_of(nlp, "Les bénéficiaires seront affiliés à la Caisse nationale de sécurité sociale."),
             "Caisse nationale de sécurité sociale")
    assert o is not None and o["roles"] == ["mentioned"]


def test_organizations_territory_without_role_is_no_organisation(nlp: Any) -> None:
    orgs = orgs_of(nlp, "Les douars de la province de Midelt sont enclavés, selon l'Entraide nationale.")
    assert [o["name"] for o in orgs] == ["Entraide nationale"]


def test_organizations_span_extension_carries_canonical_name(nlp: Any) -> None:
    doc = nlp("La contribution de l'INDH atteint 2 MDH, selon l'INDH.")
    spans = list(doc.spans["organizations"])
    assert len(spans) == 2
    assert {s._.org.name for s in spans} == {"Initiative nationale pour le développement humain"}
    assert spans[0]._.org.kind == "programme" and "funder" in spans[0]._.org.roles
    assert "issuer" in spans[1]._.org.roles


@pytest.mark.parametrize("text,name,role", [
    ("Un accord de 3.250.000 DH a été paraphé avec l'Agence du Nord pour la voirie.", "Agence du Nord", "partner"),
    ("Le centre est financé à parts égales par le Conseil provincial de Tiznit et l'Entraide nationale.",
     "Entraide nationale", "partner"),
    ("Le Conseil provincial de Midelt a, quant à lui, débloqué 900.000 DH pour les fourrages.",
     "Conseil provincial de Midelt", "funder"),
    ("La Fondation Amane a lancé son programme de soutien scolaire, doté d'un budget de 4 MDH.",
     "Fondation Amane", "funder"),
    ("Le Conseil de la région de l'Oriental a voté un budget d'équipement de 600 MDH pour 2025.",
     "Conseil de la région de l'Oriental", "funder"),
], ids=["agreement-sum-with-dots", "equal-shares", "aside-after-auxiliary", "launched-with-budget",
        "voted-budget"])
def test_organizations_financing_cues(nlp: Any, text: str, name: str, role: str) -> None:
    o = find(orgs_of(nlp, text), name)
    assert o is not None
    assert role in o["roles"]


@pytest.mark.parametrize("text,name,role", [
    ("La Fondation Amane a lancé un atelier de couture pour les jeunes filles.", "Fondation Amane", "funder"),
    ("Le centre, financé par l'INDH, a été inauguré par la Fondation Amane.", "Fondation Amane", "partner"),
], ids=["launch-without-sum", "plain-financing-is-no-partnership"])
def test_organizations_financing_cues_do_not_overreach(nlp: Any, text: str, name: str, role: str) -> None:
    o = find(orgs_of(nlp, text), name)
    assert o is None or role not in o["roles"]


def test_organizations_bracketed_partners_who_contribute_pay(nlp: Any) -> None:
    text = ("Les partenaires (Conseil provincial de Midelt, Entraide nationale, associations locales) "
            "apportent 1.200.000 DH.")
    orgs = orgs_of(nlp, text)
    for name in ("Conseil provincial de Midelt", "Entraide nationale"):
        o = find(orgs, name)
        assert o is not None and {"partner", "funder"} <= set(o["roles"])


def test_organizations_bracketed_partners_without_sum_are_no_funders(nlp: Any) -> None:
    o = find(orgs_of(nlp, "Les partenaires (Entraide nationale, associations locales) assurent le suivi."),
             "Entraide nationale")
    assert o is not None and o["roles"] == ["partner"]


def test_organizations_name_ends_before_an_operation_after_pour(nlp: Any) -> None:
    orgs = orgs_of(nlp, "Une convention est signée avec l'Agence de l'Atlas pour l'aménagement de la piste.")
    assert [o["name"] for o in orgs] == ["Agence de l'Atlas"]


def test_organizations_default_role_reaches_every_mention(nlp: Any) -> None:
    doc = nlp("L'INDH a été évoquée lors de la réunion du comité.")
    spans = [s for s in doc.spans["organizations"] if s.text == "INDH"]
    assert spans and "funder" in spans[0]._.org.roles


def test_organizations_national_programme_that_pays_is_an_organisation(nlp: Any) -> None:
    text = ("Le Programme national de réhabilitation des oasis (PNRO) est piloté par le ministère. "
            "Cette année, le PNRO mobilisera 300 MDH.")
    o = find(orgs_of(nlp, text), "Programme national de réhabilitation des oasis")
    assert o is not None and o["kind"] == "programme" and "funder" in o["roles"]
    assert len(o["mentions"]) >= 2


def test_organizations_national_programme_without_role_is_none(nlp: Any) -> None:
    orgs = orgs_of(nlp, "Le projet s'inscrit dans le Programme national des routes rurales.")
    assert find(orgs, "Programme national des routes rurales") is None


def test_organizations_support_by_a_loan_pays(nlp: Any) -> None:
    o = find(orgs_of(nlp, "La Banque islamique de développement soutient, de son côté, le volet urbain "
                          "par un prêt de 80 millions de dollars."), "Banque islamique de développement")
    assert o is not None and "funder" in o["roles"]


@pytest.mark.parametrize("text", [
    ("La Fondation Amane a procédé, mardi, à l'inauguration dans la commune de Tiflet de deux foyers pour "
     "jeunes filles et d'un centre d'écoute, réalisés pour un investissement global de 9 MDH."),
    ("La Fondation Amane a lancé la seconde tranche de son programme dans la province de Taza, "
     "doté d'une enveloppe de 3 MDH."),
], ids=["long-clause-before-investment", "territory-inside-the-clause"])
def test_organizations_own_budget_reads_the_whole_clause(nlp: Any, text: str) -> None:
    o = find(orgs_of(nlp, text), "Fondation Amane")
    assert o is not None and "funder" in o["roles"]


@pytest.mark.parametrize("text,name", [
    ("La Régie autonome de distribution d'eau et d'électricité de Meknès (RADEM) a lancé les travaux.",
     "Régie autonome de distribution d'eau et d'électricité de Meknès"),
    ("La Régie autonome intercommunale de Tanger prend en charge 3 MDH.", "Régie autonome intercommunale de Tanger"),
], ids=["regie-with-complement", "regie-adjective-noun"])
def test_organizations_utility_boards(nlp: Any, text: str, name: str) -> None:
    assert find(orgs_of(nlp, text), name) is not None


def test_organizations_named_commission_is_an_organisation(nlp: Any) -> None:
    o = find(orgs_of(nlp, "Selon la Commission interministérielle chargée du relogement, 900 familles ont été logées."),
             "Commission interministérielle")
    assert o is not None and "issuer" in o["roles"]


def test_organizations_bare_commission_needs_an_antecedent(nlp: Any) -> None:
    assert orgs_of(nlp, "La commission a visité trois douars de la commune.") == []


@pytest.mark.parametrize("text,role", [
    ("L'Association Amane a, pour sa part, réparti 600 couvertures aux familles.", "implementer"),
], ids=["distributed"])
def test_organizations_distribution_verbs(nlp: Any, text: str, role: str) -> None:
    o = find(orgs_of(nlp, text), "Association Amane")
    assert o is not None and role in o["roles"]


def test_organizations_passive_participle_is_no_distribution(nlp: Any) -> None:
    o = find(orgs_of(nlp, "La Coopérative Nour répartie sur trois sites compte 40 membres."), "Coopérative Nour")
    assert o is None or "implementer" not in o["roles"]


def test_organizations_laboratory_is_a_company(nlp: Any) -> None:
    o = find(orgs_of(nlp, "Les vaccins ont été offerts par le laboratoire Cooper Pharma, pour 200.000 DH."),
             "Laboratoire Cooper Pharma")
    assert o is not None and o["kind"] == "company" and "funder" in o["roles"]


def test_organizations_initiative_holder_runs_the_operation(nlp: Any) -> None:
    o = find(orgs_of(nlp, "Une journée de dépistage a été tenue à Tiznit à l'initiative de l'Association Amane."),
             "Association Amane")
    assert o is not None and "implementer" in o["roles"]


@pytest.mark.parametrize("text,name,role", [
    ("La Fondation Amane a, pour sa part, offert 300 cartables aux élèves.", "Fondation Amane", "funder"),
    ("Les kits sont remis aux familles avec l'appui des services de l'Entraide nationale.", "Entraide nationale",
     "partner"),
], ids=["donation-in-kind", "support-of-a-body-s-services"])
def test_organizations_in_kind_and_service_support(nlp: Any, text: str, name: str, role: str) -> None:
    o = find(orgs_of(nlp, text), name)
    assert o is not None and role in o["roles"]


@pytest.mark.parametrize("text", [
    "Le Conseil provincial de Tata, réuni jeudi, a entériné deux accords pour un budget de 12 MDH.",
    "Le Conseil provincial de Tata a décidé d'allouer aux éleveurs une aide de 500 DH par tête.",
], ids=["endorsed-with-budget", "decided-to-grant"])
def test_organizations_council_decisions_pay(nlp: Any, text: str) -> None:
    o = find(orgs_of(nlp, text), "Conseil provincial de Tata")
    assert o is not None and "funder" in o["roles"]


def test_organizations_approving_a_cost_is_no_payment(nlp: Any) -> None:
    o = find(orgs_of(nlp, "Le Comité provincial de développement humain a approuvé 4 projets d'un coût de 3 MDH, "
                          "financés par l'Initiative nationale pour le développement humain."),
             "Comité provincial de développement humain")
    assert o is not None and "funder" not in o["roles"]


@pytest.mark.parametrize("short,long,expected", [
    ("fades", "Fonds arabe de développement économique et social", True),
    ("feder", "Fonds européen de développement régional", True),
    ("anapec", "Agence nationale de promotion de l'emploi et des compétences", True),
    ("amaef", "Association marocaine d'aide à l'enfant et à la famille", True),
    ("maroc", "Fondation Orange", False),
    ("fonds", "Fonds arabe de développement économique et social", False),  # content words left out
])
def test_organizations_word_acronym_spells_each_content_word_in_order(short: str, long: str, expected: bool) -> None:
    from extractor.normalizers.organizations import initials_match, lexicon
    from extractor.text import fold
    words = re.findall(r"[a-z0-9]+", fold(long))
    assert initials_match(short, words, lexicon().acronym_skip) is expected


# ---------------------------------------------------------------- settings

ACRONYM_TEXT = ("Tiznit, 12 mai 2021 (MAP) - L'Association Tifawin pour le développement local (ATDL) a financé "
                "la construction d'un puits. Le président de l'ATDL a salué les habitants.\n")


def test_organizations_read_windows_are_factory_settings_that_steer_the_reading(nlp: Any) -> None:
    """A window (`acronym_after_chars`) is a config key: set to 0, the bracketed acronym is not read."""
    from extractor.pipeline import load_pipeline

    default = find(orgs_of(nlp, ACRONYM_TEXT), "Association Tifawin")
    assert default is not None and default["acronym"] == "ATDL" and len(default["mentions"]) == 3
    narrow = load_pipeline(config=(("communique_organizations", (("acronym_after_chars", 0),)),))
    assert narrow.get_pipe("communique_organizations").windows.acronym_after_chars == 0
    org = find(orgs_of(narrow, ACRONYM_TEXT), "Association Tifawin")
    assert org is not None and org["acronym"] is None and len(org["mentions"]) == 1


def test_states_file_rejects_a_country_code_the_gazetteer_does_not_know(tmp_path: Path) -> None:
    from extractor.normalizers.states import state_names

    bad = tmp_path / "states.csv"
    bad.write_text("# states\ncode,adjectives,names\nIT,italien|italienne,\nXX,atlante,\n", encoding="utf-8")
    with pytest.raises(PatternError, match=r"states.csv:4: unknown country code 'XX'"):
        state_names(str(bad))


def test_states_names_read_the_one_country_a_name_holds() -> None:
    from extractor.normalizers.states import state_names

    names = state_names()
    assert names.code_of("Gouvernement sud-coréen") == "KR" == names.code_of("République de Corée")
    assert names.code_of("Gouvernement du Japon") == "JP"
    assert names.code_of("Gouvernement") is None and names.code_of("Accord Italie-Espagne") is None


def test_a_high_commission_named_with_des_or_du_is_an_organisation() -> None:
    from extractor import extract

    rec = extract("Un accord a été signé avec le Haut-Commissariat des anciens résistants pour 2 MDH.")
    assert [o.name for o in rec.organizations] == ["Haut-Commissariat des anciens résistants"]


def test_a_plural_head_names_one_organisation_per_item_of_its_list() -> None:
    rec = extract("Un communiqué conjoint des ministères de l'Intérieur, de l'Économie et des finances et de la "
                  "Jeunesse et des sports annonce 600 MDH.")
    names = [o.name for o in rec.organizations]
    assert names == ["Ministère de l'Intérieur", "Ministère de l'Économie et des finances",
                     "Ministère de la Jeunesse et des sports"]
    assert all("issuer" in o.roles for o in rec.organizations)
    rec = extract("Les ministères concernés ont débloqué 3 MDH.")
    assert rec.organizations == []


def test_a_name_read_on_past_a_named_body_into_its_recipient_ends_with_that_body() -> None:
    rec = extract("Le Fonds d'équipement communal (FEC) est partenaire. Les prêts accordés par le Fonds "
                  "d'équipement communal aux collectivités territoriales atteignent 600 MDH.")
    assert [o.name for o in rec.organizations] == ["Fonds d'équipement communal"]
    assert rec.allocations[0].funder == "FEC"
    rec = extract("Le Fonds de soutien aux associations a versé 2 MDH.")
    assert [o.name for o in rec.organizations] == ["Fonds de soutien aux associations"]


def test_a_quoted_name_after_its_head_is_the_name_without_its_quotes() -> None:
    rec = extract("La gestion du centre a été confiée à l'Association \"Nos Fils T21\", qui a reçu 2 MDH.")
    assert [o.name for o in rec.organizations] == ["Association Nos Fils T21"]
    assert "implementer" in rec.organizations[0].roles
    rec = extract("L'association « sans nom » a reçu 2 MDH.")
    assert rec.organizations == []


def test_a_role_cue_reaches_a_quoted_name() -> None:
    rec = extract("Les projets sont mis en œuvre par la « Fondation Atlas », qui reçoit 3 MDH.")
    assert "implementer" in rec.organizations[0].roles


def test_an_agency_named_by_a_states_adjective_reads_the_adjectives_of_states_csv() -> None:
    from extractor.normalizers.organizations import lexicon

    agence = lexicon().triggers["org.agence"]
    words = agence.pattern[1]["LOWER"]["IN"]
    assert "@foreign_adjectives" not in words and {"norvégienne", "qatarie", "de"} <= set(words)
    rec = extract("L'Agence norvégienne de coopération a accordé 3 millions d'euros.")
    assert [o.name for o in rec.organizations] == ["Agence norvégienne de coopération"]


def test_a_participle_of_management_makes_the_name_before_it_the_implementer_even_in_a_title() -> None:
    rec = extract("Ahmed Alami, président de l'Association Al Wafa chargée de la gestion du projet, a salué "
                  "cette initiative.")
    assert "implementer" in _org(rec, "Association Al Wafa").roles
    rec = extract("Le centre fonctionne sous la supervision de l'Association Nour à Tiflet en charge de la "
                  "gestion de cette structure.")
    assert "implementer" in _org(rec, "Association Nour").roles
    rec = extract("Le président de l'Association Al Wafa chargé de communication a pris la parole.")
    assert "implementer" not in _org(rec, "Association Al Wafa").roles  # a person's brief, not management


def test_the_body_a_structure_is_run_under_manages_it() -> None:
    rec = extract("Le centre est géré par l'Association Amal sous la tutelle de l'Entraide nationale.")
    assert "implementer" in _org(rec, "Entraide nationale").roles
    rec = extract("La réunion s'est tenue sous la présidence du gouverneur, en présence de l'Entraide nationale.")
    assert "implementer" not in _org(rec, "Entraide nationale").roles


def test_a_foreign_long_form_before_a_known_acronym_is_that_body_and_takes_its_cue() -> None:
    rec = extract("Les projets sont mis en œuvre par la « Deutsche Gesellschaft für Internationale "
                  "Zusammenarbeit (GIZ) », une entreprise publique.")
    giz = _org(rec, "GIZ")
    assert giz is not None and "implementer" in giz.roles and len(rec.organizations) == 1
    rec = extract("Le projet est financé par la Japan International Cooperation Agency (JICA) à hauteur de 30 MDH.")
    assert rec.allocations[0].funder == "JICA" and len(rec.organizations) == 1


def test_a_mixed_case_acronym_written_in_capitals_is_the_same_body() -> None:
    rec = extract("La KFW accorde un prêt de 250 millions d'euros au Maroc. La KfW financera aussi l'irrigation.")
    assert [o.name for o in rec.organizations] == ["KfW"]
    assert not extract("Le kfw est un mot inventé.").organizations


def test_a_share_phrase_ends_a_body_s_name() -> None:
    rec = extract("L'opération a été financée par le ministère de l'Intérieur et le ministère des Habous et des "
                  "Affaires islamiques à raison de 30 millions de dirhams, la Fondation Mohammed V pour la solidarité "
                  "pour le reliquat.")
    names = [o.name for o in rec.organizations]
    assert "Ministère des Habous et des Affaires islamiques" in names
    assert "Fondation Mohammed V pour la Solidarité" in names


def test_the_news_agency_is_a_body_in_the_text_but_not_in_its_dateline_and_never_pays() -> None:
    rec = extract("Rabat, 12 mai 2022 (MAP) - Le Conseil régional a alloué 3 MDH au projet.")
    assert [o.name for o in rec.organizations] == ["Conseil régional"]
    rec = extract("Dans une déclaration à la MAP, le ministre a indiqué que les conventions portent sur 130 "
                  "millions de dollars.")
    assert [(o.name, o.roles) for o in rec.organizations] == [("Maghreb Arabe Presse", ["mentioned"])]
    assert rec.allocations[0].funder is None and rec.allocations[0].partners == []


def test_a_name_stopped_at_et_reads_on_to_its_bracketed_acronym() -> None:
    rec = extract("Le prêt finance le Fonds d'accompagnement des réformes du transport routier urbain et interurbain "
                  "(FART) à hauteur de 100 millions d'euros. Le FART financera les bus.")
    assert [(o.name, o.acronym) for o in rec.organizations] == [
        ("Fonds d'accompagnement des réformes du transport routier urbain et interurbain", "FART")]
    rec = extract("La commune et les associations (200) ont participé.")
    assert not any("associations" in o.name for o in rec.organizations)
