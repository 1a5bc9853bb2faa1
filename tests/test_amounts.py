"""Amounts: every format and qualifier of the contract, negatives, and a seeded oracle test."""

from __future__ import annotations

import json
import random

import pytest

from extractor.normalizers.amounts import find_amounts
from extractor.normalizers.numbers import parse_digits

NBSP = "\u00a0"

CASES = [
    # (id, text, expected [(value, currency, qualifier, value_max, mention)])
    ("mdh-decimal-comma", "une enveloppe de 3,5 MDH sera mobilisée",
     [(3_500_000, "MAD", "exact", None, "3,5 MDH")]),
    ("mdh-decimal-point", "un budget de 10.8 MDH a été voté", [(10_800_000, "MAD", "exact", None, "10.8 MDH")]),
    ("dh-thousands-dot", "un coût de 5.553.000 DH au total", [(5_553_000, "MAD", "exact", None, "5.553.000 DH")]),
    ("dirhams-thousands-space", "soit 300 000 dirhams par an", [(300_000, "MAD", "exact", None, "300 000 dirhams")]),
    ("dirhams-thousands-nbsp", f"soit 300{NBSP}000 dirhams", [(300_000, "MAD", "exact", None, f"300{NBSP}000 dirhams")]),
    ("dh-cents", "un montant de 1.200.000,00 Dh engagé", [(1_200_000, "MAD", "exact", None, "1.200.000,00 Dh")]),
    ("dhs", "une subvention de 45.000 Dhs accordée", [(45_000, "MAD", "exact", None, "45.000 Dhs")]),
    ("dhs-lower", "une aide de 2000 dhs par famille", [(2_000, "MAD", "exact", None, "2000 dhs")]),
    ("mad-code", "un prêt de 750 000 MAD sur cinq ans", [(750_000, "MAD", "exact", None, "750 000 MAD")]),
    ("millions-dirhams-no-de", "un budget de 20 millions dirhams", [(20e6, "MAD", "exact", None, "20 millions dirhams")]),
    ("millions-de-dirhams-gloss", "pour un coût de 26,5 millions de dirhams (MDH).",
     [(26_500_000, "MAD", "exact", None, "26,5 millions de dirhams (MDH)")]),
    ("milliard", "une tranche de 1,2 milliard de dirhams", [(1.2e9, "MAD", "exact", None, "1,2 milliard de dirhams")]),
    ("mmdh", "près de 2 MMDH mobilisés", [(2e9, "MAD", "approx", None, "près de 2 MMDH")]),
    ("mds-dh", "une enveloppe de 3,4 Mds DH", [(3.4e9, "MAD", "exact", None, "3,4 Mds DH")]),
    ("kdh", "un reliquat de 850 KDH", [(850_000, "MAD", "exact", None, "850 KDH")]),
    ("spelled-millions", "une dotation de deux millions de dirhams",
     [(2e6, "MAD", "exact", None, "deux millions de dirhams")]),
    ("spelled-et-demi", "un appui d'un million et demi de dirhams",
     [(1.5e6, "MAD", "exact", None, "un million et demi de dirhams")]),
    ("spelled-cinq-cent-mille", "cinq cent mille dirhams ont été versés",
     [(500_000, "MAD", "exact", None, "cinq cent mille dirhams")]),
    ("centimes", "une facture de 53 millions de centimes", [(530_000, "MAD", "exact", None, "53 millions de centimes")]),
    ("euros-restated", "un don de 213.134 € (soit environ 2.274.000 DH) a été remis",
     [(213_134, "EUR", "exact", None, "213.134 €"), (2_274_000, "MAD", "approx", None, "soit environ 2.274.000 DH")]),
    ("millions-euros", "financé à hauteur de 4,5 millions d'euros", [(4.5e6, "EUR", "exact", None, "4,5 millions d'euros")]),
    ("dollars", "un don de 1,2 million de dollars", [(1.2e6, "USD", "exact", None, "1,2 million de dollars")]),
    ("plus-de", "plus de 3,5 MDH ont été débloqués", [(3.5e6, "MAD", "more_than", None, "plus de 3,5 MDH")]),
    ("plus-d", "plus d'un million de dirhams", [(1e6, "MAD", "more_than", None, "plus d'un million de dirhams")]),
    ("depassant", "un budget dépassant 12 MDH", [(12e6, "MAD", "more_than", None, "dépassant 12 MDH")]),
    ("au-dela-de", "au-delà de 7 MDH", [(7e6, "MAD", "more_than", None, "au-delà de 7 MDH")]),
    ("au-moins", "au moins 500.000 DH", [(500_000, "MAD", "at_least", None, "au moins 500.000 DH")]),
    ("pas-moins-de", "pas moins de 2,3 MDH", [(2.3e6, "MAD", "at_least", None, "pas moins de 2,3 MDH")]),
    ("moins-de", "moins de 90.000 DH", [(90_000, "MAD", "less_than", None, "moins de 90.000 DH")]),
    ("jusqu-a", "une aide allant jusqu'à 15.000 DH par ménage",
     [(15_000, "MAD", "at_most", None, "jusqu'à 15.000 DH")]),
    ("jusqu-a-curly", "une aide jusqu’à 6.000 dirhams", [(6_000, "MAD", "at_most", None, "jusqu’à 6.000 dirhams")]),
    ("au-maximum-after", "une prime de 4.000 DH au maximum", [(4_000, "MAD", "at_most", None, "4.000 DH au maximum")]),
    ("dans-la-limite", "dans la limite de 80.000 DH", [(80_000, "MAD", "at_most", None, "dans la limite de 80.000 DH")]),
    ("environ", "environ 48 MDH", [(48e6, "MAD", "approx", None, "environ 48 MDH")]),
    ("quelque", "quelque 12 MDH", [(12e6, "MAD", "approx", None, "quelque 12 MDH")]),
    ("de-l-ordre-de", "de l'ordre de 9 MDH", [(9e6, "MAD", "approx", None, "de l'ordre de 9 MDH")]),
    ("autour-de", "autour de 9 MDH", [(9e6, "MAD", "approx", None, "autour de 9 MDH")]),
    ("avoisinant", "un coût avoisinant 9 MDH", [(9e6, "MAD", "approx", None, "avoisinant 9 MDH")]),
    ("avoisine-verb", "un budget qui avoisine 2,2 millions de dirhams par an",
     [(2.2e6, "MAD", "approx", None, "avoisine 2,2 millions de dirhams")]),
    ("depasse-verb", "le coût dépasse 31 MDH", [(31e6, "MAD", "more_than", None, "dépasse 31 MDH")]),
    ("ne-depasse-pas", "l'aide ne dépasse pas 5.000 DH", [(5_000, "MAD", "at_most", None, "ne dépasse pas 5.000 DH")]),
    ("cue-participle-bridge", "d'un coût approximativement évalué à 38 MDH",
     [(38e6, "MAD", "approx", None, "approximativement évalué à 38 MDH")]),
    ("range-entre", "une enveloppe estimée entre 2 et 3 MDH",
     [(2e6, "MAD", "range", 3e6, "entre 2 et 3 MDH")]),
    ("range-entre-both-units", "entre 500.000 DH et 1 MDH",
     [(500_000, "MAD", "range", 1e6, "entre 500.000 DH et 1 MDH")]),
    ("range-de-a", "de 2 à 3 millions de dirhams", [(2e6, "MAD", "range", 3e6, "de 2 à 3 millions de dirhams")]),
    ("range-allant-de", "des prêts allant de 10.000 à 50.000 dirhams",
     [(10_000, "MAD", "range", 50_000, "allant de 10.000 à 50.000 dirhams")]),
    ("range-comprise-entre", "une aide comprise entre 5.000 et 8.000 DH",
     [(5_000, "MAD", "range", 8_000, "comprise entre 5.000 et 8.000 DH")]),
    ("change-is-not-range", "le budget est passé de 2 MDH à 3 MDH",
     [(2e6, "MAD", "exact", None, "2 MDH"), (3e6, "MAD", "exact", None, "3 MDH")]),
    ("year-before-amount", "en 2022 150 000 DH ont été versés", [(150_000, "MAD", "exact", None, "150 000 DH")]),
    ("sentence-final-dot", "pour un coût de 850.000 DH.", [(850_000, "MAD", "exact", None, "850.000 DH")]),
]

NEGATIVES = [
    ("year", "Depuis 2019, le programme avance."),
    ("percentage", "le taux est passé de 38% à 71%"),
    ("count", "au profit de 1.260 enfants et 42 unités"),
    ("programme-number", "inscrits dans le programme 4 de la troisième phase"),
    ("phone", "Pour tout renseignement : 05 22 48 12 30 ou 0661 23 45 67."),
    ("article", "conformément à l'article 12 de la loi 65-15"),
    ("ages", "des jeunes de 18 à 45 ans"),
    ("measures", "une conduite de 1.400 mètres linéaires sur 12 km et 300 ha"),
    ("mad-word-lowercase", "un film mad et drôle"),
    ("un-alone", "un montant important a été réservé"),
]


@pytest.mark.parametrize("text,expected", [pytest.param(t, e, id=i) for i, t, e in CASES])
def test_amounts_formats_and_qualifiers(text: str, expected: list) -> None:
    found = find_amounts(text)
    got = [(a.value, a.currency, a.qualifier, a.value_max, a.text) for a in found]
    assert got == [(float(v), c, q, None if m is None else float(m), t) for v, c, q, m, t in expected]
    for a in found:
        assert text[a.start : a.end] == a.text
        assert a.rule


@pytest.mark.parametrize("text", [pytest.param(t, id=i) for i, t in NEGATIVES])
def test_amounts_negatives_give_nothing(text: str) -> None:
    assert find_amounts(text) == []


@pytest.mark.parametrize("s,value", [("3,5", 3.5), ("10.8", 10.8), ("5.553.000", 5_553_000), ("300 000", 300_000),
                                     ("1.200.000,00", 1_200_000), ("213.134", 213_134), ("1 250,75", 1250.75)])
def test_amounts_parse_digits(s: str, value: float) -> None:
    assert parse_digits(s) == pytest.approx(value)


def _write_french(rng: random.Random, value_dh: int) -> tuple[str, float]:
    """Write a MAD value one of the French ways the contract lists; return text and expected value."""
    style = rng.choice(["dots", "spaces", "nbsp", "plain", "cents", "mdh", "millions", "kdh"])
    if style in ("dots", "spaces", "nbsp", "cents"):
        sep = {"dots": ".", "spaces": " ", "nbsp": NBSP, "cents": "."}[style]
        digits = f"{value_dh:,}".replace(",", sep)
        if style == "cents":
            digits += ",00"
        unit = rng.choice(["DH", "Dh", "dh", "DHS", "Dhs", "dhs", "dirhams", "MAD"])
        return f"{digits} {unit}", float(value_dh)
    if style == "plain":
        return f"{value_dh} {rng.choice(['DH', 'dirhams'])}", float(value_dh)
    if style == "kdh":
        k = value_dh // 1000 or 1
        return f"{k} KDH", float(k * 1000)
    millions = round(value_dh / 1e6, 2) or 0.01
    txt = f"{millions:.2f}".rstrip("0").rstrip(".")
    if style == "mdh":
        sep = rng.choice([",", "."])
        return f"{txt.replace('.', sep)} MDH", millions * 1e6
    return f"{txt.replace('.', ',')} {rng.choice(['millions de dirhams', 'millions dirhams'])}", millions * 1e6


def test_amounts_seeded_oracle_roundtrip() -> None:
    rng = random.Random(20240415)
    qualifiers = [("", "exact"), ("plus de ", "more_than"), ("près de ", "approx"), ("au moins ", "at_least"),
                  ("jusqu'à ", "at_most"), ("environ ", "approx"), ("moins de ", "less_than")]
    for _ in range(400):
        value = rng.choice([rng.randint(1, 999), rng.randint(1000, 999_999), rng.randint(1_000_000, 900_000_000)])
        written, expected = _write_french(rng, value)
        cue, qual = rng.choice(qualifiers)
        prefix = rng.choice(["Le conseil a débloqué ", "Une enveloppe de ", "Au total, ", "L’INDH a consacré "])
        text = f"{prefix}{cue}{written} au profit des coopératives en 2023."
        found = find_amounts(text)
        assert len(found) == 1, (text, found)
        a = found[0]
        assert a.value == pytest.approx(expected, rel=1e-9), text
        assert a.currency == "MAD" and a.qualifier == qual, text
        assert text[a.start : a.end] == f"{cue}{written}", text


def test_amounts_seed_document_exact(shared_dev) -> None:
    from extractor import extract

    name = "khouribga-indh-covid"
    text = (shared_dev / f"{name}.txt").read_text(encoding="utf-8")
    gold = json.loads((shared_dev / f"{name}.gold.json").read_text(encoding="utf-8"))
    rec = extract(text, id=name)
    got = [(round(a.value), a.currency, a.qualifier) for a in rec.amounts]
    want = [(round(a["value"]), a["currency"], a["qualifier"]) for a in gold["amounts"]]
    assert got == want
    for a in rec.amounts:
        assert text[a.start : a.end] == a.text


def test_amounts_component_spans(nlp) -> None:
    doc = nlp("La commune a reçu plus de 2,1 MDH, puis 850.000 DH pour l'équipement.")
    spans = doc.spans["amounts"]
    assert [s._.amount.value for s in spans] == [2_100_000.0, 850_000.0]
    assert all(s.start_char <= s._.amount.start and s._.amount.end <= s.end_char for s in spans)


def test_amounts_flattened_table_column_with_currency_header() -> None:
    text = ("Le comité a retenu les projets suivants :\n"
            "Projet | Commune | Coût (DH)\n"
            "Piste rurale | Tafrant | 1 250 000\n"
            "Foyer féminin | Ourtzagh | 480.000\n"
            "Total | | 1.730.000\n"
            "Les travaux débuteront en 2024.")
    found = find_amounts(text)
    assert [(a.value, a.currency, a.text) for a in found] == [
        (1_250_000, "MAD", "1 250 000"), (480_000, "MAD", "480.000"), (1_730_000, "MAD", "1.730.000")]
    assert all(text[a.start : a.end] == a.text and a.rule.startswith("table.pipe") for a in found)


def test_amounts_table_header_scale_and_tabs() -> None:
    text = "Province\tMontant (en MDH)\tBénéficiaires\nTaza\t12,5\t3.400\nGuercif\t8\t1.200\n"
    assert [(a.value, a.text) for a in find_amounts(text)] == [(12_500_000, "12,5"), (8_000_000, "8")]


def test_amounts_table_without_currency_header_gives_nothing() -> None:
    text = "Commune | Bénéficiaires | Année\nTafrant | 1 250 | 2023\n"
    assert find_amounts(text) == []


def test_amounts_demi_million() -> None:
    [a] = find_amounts("le ministère apporte un demi-million de dirhams")
    assert (a.value, a.text) == (500_000, "un demi-million de dirhams")


def test_amounts_no_pathological_backtracking() -> None:
    import time

    texts = ["1 " * 50_000, "MDH " * 10_000, "1.000." * 20_000 + "DH", "de 1 à " * 5000 + "3 MDH", "|" * 100_000]
    for t in texts:
        t0 = time.perf_counter()
        find_amounts(t)
        assert time.perf_counter() - t0 < 30, t[:20]


def test_currencies_of_foreign_lenders_are_read_with_their_iso_codes() -> None:
    cases = {"deux prêts de 24 milliards de yens": ("JPY", 24e9), "un don de 5 millions de yuans": ("CNY", 5e6),
             "un prêt de 30 millions de dinars koweïtiens": ("KWD", 30e6), "10 millions de DTS": ("XDR", 10e6),
             "12 millions de couronnes norvégiennes": ("NOK", 12e6), "3 milliards de wons": ("KRW", 3e9)}
    for text, (currency, value) in cases.items():
        [amount] = find_amounts(text)
        assert (amount.currency, amount.value) == (currency, value), text


def test_amounts_participle_bridge_is_read_from_the_rule_file() -> None:
    """`évalué à` between a qualifier and the number comes from the BRIDGE line, not from code."""
    from extractor.normalizers.amounts import AMOUNTS_FILE, AmountGrammar, AmountRule
    from extractor.patterns import load_jsonl

    text = "un projet approximativement évalué à 38 MDH"
    without = AmountGrammar(tuple(r for r in load_jsonl(AMOUNTS_FILE, AmountRule) if r.label != "BRIDGE"))
    assert [(m.text, m.qualifier) for m in without.find_all(text)] == [("38 MDH", "exact")]


@pytest.mark.parametrize(("text", "value", "currency"), [
    ("une somme de 1500.000DH pour la tranche", 1_500_000.0, "MAD"),  # a four-digit lead group, dots group thousands
    ("la somme des excédents est de 5915.321,20 DH.", 5_915_321.2, "MAD"),
    ("un coût global de 11,88 m/dh", 11_880_000.0, "MAD"),
    ("l'aide s'est élevée à 14,02 MEUR", 14_020_000.0, "EUR"),
    ("un don de 15 MUSD", 15_000_000.0, "USD"),
    ("un prêt de 3,5 M EUR", 3_500_000.0, "EUR"),
    ("près de 2 milliards dirhams émirats", 2_000_000_000.0, "AED"),
])
def test_amounts_read_compact_units_and_slipped_grouping(text: str, value: float, currency: str) -> None:
    got = [(a.value, a.currency) for a in find_amounts(text)]
    assert got == [(value, currency)]


def test_a_decimal_point_stays_a_decimal_point_without_three_digits_after_it() -> None:
    assert [a.value for a in find_amounts("un budget de 10.8 MDH et de 2019.5 DH")] == [10_800_000.0, 2019.5]
