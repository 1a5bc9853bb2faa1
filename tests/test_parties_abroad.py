"""Parties to loans, grants and aid schemes: who signs, who lends, who receives.

Every phrase here is invented; each test states one rule of how foreign-cooperation and
government-aid news names its parties (spec §2.1: a state that pays, lends, signs or commits is an
organisation; a loan is an agreement its lender and borrower are party to).
"""

from __future__ import annotations

from phrases import alloc_of as _alloc
from phrases import org_named as _org

from extractor import extract


def test_the_subject_of_signing_with_a_lender_is_a_party_and_the_lender_lends() -> None:
    rec = extract("Le Maroc a signé avec la BAD un accord de prêt de 60 millions d'euros pour l'irrigation.")
    assert "partner" in _org(rec, "Maroc").roles
    a = _alloc(rec, 60_000_000)
    assert a.funder == "BAD" and a.partners == ["Maroc"]


def test_a_lender_named_after_avec_lends_when_no_payer_is_named() -> None:
    rec = extract("L'Office national de l'eau potable (ONEP) a conclu un accord de don de 9 millions d'euros avec "
                  "la Banque mondiale.")
    assert _alloc(rec, 9_000_000).funder == "Banque mondiale"


def test_a_body_that_only_signs_with_a_body_from_home_is_no_lender() -> None:
    rec = extract("La commune de Taza a signé avec l'association Nour une convention de 2 MDH.")
    assert _alloc(rec, 2_000_000).funder != "Association Nour"


def test_the_state_whose_ambassador_signs_is_the_party_not_a_place() -> None:
    rec = extract("L'ambassadeur de Norvège au Maroc et la présidente de l'association Tilila ont signé une "
                  "convention de don de 3 millions de dirhams pour un centre à Taza.")
    norway = _org(rec, "Norvège")
    assert norway is not None and str(norway.kind) == "international"
    a = _alloc(rec, 3_000_000)
    assert a.funder == "Norvège" and a.partners == ["Association Tilila"]
    assert "Norvège" not in {p.name for p in rec.places}


def test_an_ambassador_who_proceeds_to_the_signature_signs_for_the_state() -> None:
    rec = extract("L'ambassadeur de Suède, M. Karl Berg, et le directeur de l'ONG Amane ont procédé, lundi, à la "
                  "signature d'une convention de 4 millions de dirhams.")
    assert "partner" in _org(rec, "Suède").roles
    assert _alloc(rec, 4_000_000).funder == "Suède"


def test_a_state_that_only_receives_is_a_place_but_one_that_signs_elsewhere_is_the_partner() -> None:
    rec = extract("La Banque mondiale a accordé au Maroc un prêt de 100 millions de dollars.")
    assert _org(rec, "Maroc") is None
    rec = extract("Le Maroc et l'Union européenne ont signé deux conventions. L'UE s'engage à fournir au Maroc "
                  "une aide de 50 millions d'euros.")
    a = _alloc(rec, 50_000_000)
    assert a.funder == "UE" and a.partners == ["Maroc"]


def test_an_ngo_is_an_organisation_by_its_name() -> None:
    rec = extract("L'ONG Tawaza a reçu une subvention de 300.000 dirhams de la commune.")
    ngo = _org(rec, "Tawaza")
    assert ngo is not None and str(ngo.kind) == "association"


def test_a_budget_support_of_a_state_is_its_gift() -> None:
    rec = extract("Cet appui budgétaire du Japon de 80 millions de dollars vise la relance.")
    assert _alloc(rec, 80_000_000).funder == "Japon"


def test_a_lender_that_strengthens_its_support_through_loans_pays() -> None:
    rec = extract("L'Office régional a géré les travaux. La BERD a renforcé son soutien aux coopératives à travers "
                  "deux prêts de 15 millions d'euros chacun.")
    assert "funder" in _org(rec, "BERD").roles


def test_with_no_payer_named_a_party_from_abroad_pays_before_the_body_that_manages() -> None:
    rec = extract("La BEI a signé trois contrats de prêts totalisant 200 millions d'euros avec le Maroc. Ce "
                  "financement, géré par l'Agence nationale des eaux et forêts (ANEF), couvrira cinq ans.")
    assert _alloc(rec, 200_000_000).funder == "BEI"


def test_a_government_that_sets_up_an_aid_scheme_pays_its_sums() -> None:
    rec = extract("Après les inondations, le gouvernement a mis en place un dispositif d'aides financières. Les "
                  "ménages sinistrés peuvent recevoir jusqu'à 80.000 dirhams.")
    assert _alloc(rec, 80_000).funder == "Gouvernement"


def test_a_government_only_mentioned_is_no_organisation() -> None:
    rec = extract("Le ministre a rappelé que le gouvernement suit le dossier. La commune a alloué 2 MDH aux routes.")
    assert _org(rec, "gouvernement") is None


def test_donors_listed_with_their_sums_each_give_their_own_sum() -> None:
    rec = extract("D'autres organismes ont également contribué au fonds, notamment la Chambre de commerce de Fès "
                  "(8 millions de dirhams) et l'Autorité nationale des ports (ANP: 6 millions de dirhams).")
    assert _alloc(rec, 8_000_000).funder == "Chambre de commerce de Fès"
    a = _alloc(rec, 6_000_000)
    assert a.funder == "ANP" and a.partners == []


def test_contributors_to_one_programme_are_each_others_partners() -> None:
    rec = extract("L'Office régional de mise en valeur agricole a contribué à hauteur de 12 MDH à ce programme, suivi "
                  "du Conseil provincial (3 MDH) et de l'Entraide nationale (1 MDH).")
    a = _alloc(rec, 3_000_000)
    assert a.funder == "Conseil provincial"
    assert set(a.partners) == {"Office régional de mise en valeur agricole", "Entraide nationale"}


def test_a_company_named_alone_that_gives_is_a_body() -> None:
    rec = extract("Le fonds a reçu de nombreux dons. Lumitel, l'opérateur, apporte son soutien avec 20 millions de "
                  "dirhams, et Atlas Travaux participe avec 4 millions de dirhams.")
    assert _alloc(rec, 20_000_000).funder == "Lumitel"
    assert _alloc(rec, 4_000_000).funder == "Atlas Travaux"


def test_a_pronoun_that_gives_is_no_body() -> None:
    rec = extract("Il a offert 10 millions de dirhams au fonds.")
    assert rec.organizations == []


def test_a_fund_pays_the_total_it_has_collected_and_each_donor_its_gift() -> None:
    rec = extract("Les contributions au Fonds spécial de solidarité s'élèvent à 9 milliards de dirhams. La Caisse "
                  "de dépôt et de gestion (CDG) fait don de 100 millions de dirhams, tandis que l'Union des "
                  "banques contribue avec 30 millions de dirhams.")
    assert _alloc(rec, 9_000_000_000).funder == "Fonds spécial de solidarité"
    assert _alloc(rec, 100_000_000).funder == "CDG"


def test_a_body_that_makes_a_gift_pays_it_though_a_list_of_donors_follows() -> None:
    rec = extract("L'Association des communes, présidée par Mme Sara Idrissi, a fait un don de 500 millions de "
                  "dirhams. D'autres organismes ont contribué, notamment l'Office des changes (20 millions de "
                  "dirhams).\nLe groupe Atlas a offert 10 logements d'une valeur de 5 millions de dirhams.")
    assert _alloc(rec, 500_000_000).funder == "Association des communes"


def test_a_government_that_deploys_an_aid_programme_pays_its_sums() -> None:
    rec = extract("Après les crues, le gouvernement a annoncé le déploiement d'un vaste programme d'aide au profit "
                  "des sinistrés. Les familles recevront 5.000 dirhams.")
    assert _alloc(rec, 5_000).funder == "Gouvernement"
    rec = extract("Le Souverain a donné ses instructions au gouvernement pour déployer un programme d'aide. Ce plan "
                  "est doté de 2 milliards de dirhams.")
    assert _alloc(rec, 2_000_000_000).funder == "Gouvernement"


def test_each_loan_of_a_list_has_the_body_it_goes_to_as_partner() -> None:
    rec = extract("La BERD a octroyé un prêt de 40 millions d'euros à l'Office national des pêches (ONP), un prêt de "
                  "60 millions d'euros à la Société nationale de transport (SNTL).")
    assert _alloc(rec, 40_000_000).partners == ["ONP"]
    assert _alloc(rec, 60_000_000).partners == ["SNTL"]


def test_the_body_a_dispatch_credits_after_a_day_issues_it_and_receives_nothing() -> None:
    rec = extract("La BID a accordé des crédits de 90 millions de dollars à la raffinerie, a indiqué mercredi le "
                  "ministère des Finances.")
    assert _org(rec, "ministère des Finances").roles == ["issuer"]


def test_a_single_gift_to_a_fund_is_its_givers() -> None:
    rec = extract("Le holding Atlas a décidé d'allouer une contribution financière au Fonds spécial de solidarité, "
                  "sous la forme d'une aide de 1 milliard de dirhams.")
    assert _alloc(rec, 1_000_000_000).funder != "Fonds spécial de solidarité"


def test_bodies_that_associate_with_another_for_a_project_are_parties() -> None:
    rec = extract("L'Office national du conseil agricole (ONCA) et l'Office national de la sécurité sanitaire (ONSSA) "
                  "s'associent au ministère de l'Agriculture pour le projet.")
    assert "partner" in _org(rec, "ONCA").roles and "partner" in _org(rec, "ONSSA").roles


def test_public_partners_listed_after_a_colon_are_partners() -> None:
    rec = extract("Le projet est initié par des partenaires publics : le Conseil provincial, l'Entraide nationale "
                  "et l'Agence du Nord.")
    assert all("partner" in _org(rec, n).roles for n in ("Conseil provincial", "Entraide nationale", "Agence du Nord"))


def test_a_body_that_will_ensure_the_follow_up_after_an_aside_implements() -> None:
    rec = extract("La direction provinciale de la Santé assurera, pour sa part, le suivi des travaux.")
    assert _org(rec, "direction provinciale de la Santé").roles == ["implementer"]


def test_a_council_that_decided_with_an_aside_to_devote_a_sum_pays_it() -> None:
    rec = extract("Le Conseil provincial de Taza a tenu sa session. Le Conseil a décidé, également, de consacrer "
                  "20.000 DH au transport scolaire.")
    assert _alloc(rec, 20_000).funder == "Conseil provincial de Taza"


def test_a_body_that_announced_the_release_of_a_sum_pays_it() -> None:
    rec = extract("Après les crues, le gouvernement a annoncé le déblocage de 2 milliards de dirhams pour les sinistrés.")
    assert _alloc(rec, 2_000_000_000).funder == "Gouvernement"


def test_a_council_that_approves_the_programming_of_its_surplus_pays_it() -> None:
    rec = extract("Le Conseil provincial de Tata, réuni mardi en session ordinaire, a approuvé la programmation de "
                  "l'excédent de l'exercice 2023 estimé à 5 millions de dirhams.")
    assert _alloc(rec, 5_000_000).funder == "Conseil provincial de Tata"


def test_the_treasury_regional_investment_centres_and_parliamentary_groups_are_bodies() -> None:
    rec = extract("Le conseil a adopté une convention avec la Trésorerie générale du Royaume. Les Centres régionaux "
                  "d'investissement accompagnent les porteurs de projets. Le groupe parlementaire Haraki a interpellé "
                  "le ministre sur les 2 MMDH.")
    assert all(_org(rec, n) is not None for n in ("Trésorerie générale", "investissement", "Haraki"))


def test_a_name_stopped_at_et_reads_on_to_the_acronym_that_spells_it() -> None:
    rec = extract("L'Agence du bassin hydraulique du Loukkos et de la Moulouya (ABHLM) pilote le projet. Il sera "
                  "financé par la commune de Larache (2 MDH) et l'ABHLM (3 MDH).")
    assert _org(rec, "ABHLM").name == "Agence du bassin hydraulique du Loukkos et de la Moulouya"
    assert _alloc(rec, 3_000_000).funder == "ABHLM"


def test_two_bodies_joined_by_et_keep_their_names_before_an_acronym_that_spells_one() -> None:
    rec = extract("Le ministère de l'Intérieur et l'Agence nationale de la rénovation urbaine (ANRU) ont signé.")
    assert _org(rec, "ANRU").name == "Agence nationale de la rénovation urbaine"
    assert _org(rec, "ministère de l'Intérieur") is not None


def test_signatories_after_a_comma_and_a_day_are_parties() -> None:
    rec = extract("Une convention de prêt de 30 millions d'euros a été signée, mardi à Rabat, par la Banque "
                  "africaine de développement (BAD) et l'Office national des aéroports (ONDA).")
    assert "partner" in _org(rec, "BAD").roles and "partner" in _org(rec, "ONDA").roles


def test_the_body_a_long_financing_contract_is_signed_with_is_a_party() -> None:
    rec = extract("La BEI a signé un nouveau contrat de financement d'un montant de 40 millions d'euros (soit environ "
                  "430 millions de dirhams) avec l'Office national des pêches (ONP).")
    assert "partner" in _org(rec, "ONP").roles


def test_a_dispatch_credited_after_a_full_date_or_an_assurance_is_issued_by_that_body() -> None:
    rec = extract("L'État distribuera 2 millions de quintaux d'orge, a annoncé mardi 24 mars le ministère de "
                  "l'Agriculture. Les fruits ne sont pas touchés, a assuré le ministère de l'Agriculture.")
    assert "issuer" in _org(rec, "ministère de l'Agriculture").roles


def test_a_quoted_name_is_the_subject_of_the_verb_after_its_closing_quote() -> None:
    rec = extract("Le Conseil d'administration du groupe « Holmarcom » a décidé d'allouer une contribution au Fonds "
                  "spécial, sous la forme d'une aide de 100 millions de dirhams.")
    assert _alloc(rec, 100_000_000).funder == "Holmarcom"


def test_a_body_that_puts_a_sum_on_the_table_pays_it() -> None:
    rec = extract("Le groupe Holmarcom a mis sur la table un milliard de dirhams pour le fonds.")
    assert _alloc(rec, 1_000_000_000).funder == "Holmarcom"
