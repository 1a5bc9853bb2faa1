"""Dates: dateline, issue line, every explicit date with granularity, and negatives."""

from __future__ import annotations

import datetime as dt

import pytest

from extractor.normalizers.dates import find_dateline, find_dates, find_issue_line

D = dt.date

DATE_CASES = [
    ("day-month-year", "Le projet a été lancé le 21 septembre 2021 au siège.", None, [(D(2021, 9, 21), "day")]),
    ("weekday-and-day", "Ce bilan a été présenté le vendredi 5 juillet 2024 à Tata.", None, [(D(2024, 7, 5), "day")]),
    ("premier", "à compter du 1er janvier 2025", None, [(D(2025, 1, 1), "day")]),
    ("month-year", "les travaux démarreront en septembre 2023", None, [(D(2023, 9, 1), "month")]),
    ("fin-month-year", "livraison prévue fin mars 2024", None, [(D(2024, 3, 1), "month")]),
    ("year-alone", "Depuis 2019, la province a investi", None, [(D(2019, 1, 1), "year")]),
    ("year-range-dash", "Au titre de la période 2023-2025, une tranche", None,
     [(D(2023, 1, 1), "year"), (D(2025, 1, 1), "year")]),
    ("year-pair-slash", "au titre de la saison 2022/2023", None, [(D(2022, 1, 1), "year"), (D(2023, 1, 1), "year")]),
    ("year-range-entre", "entre 2022 et 2025", None, [(D(2022, 1, 1), "year"), (D(2025, 1, 1), "year")]),
    ("day-month-takes-dateline-year", "l'appel reste ouvert jusqu'au 31 mars.", 2022, [(D(2022, 3, 31), "day")]),
    ("day-month-without-year-skipped", "l'appel reste ouvert jusqu'au 31 mars.", None, []),
    ("numeric", "signée le 14/11/2022 à Safi", None, [(D(2022, 11, 14), "day")]),
    ("accent-less-month", "le 6 fevrier 2023", None, [(D(2023, 2, 6), "day")]),
    ("year-followed-by-comma", "depuis son lancement en 2017, près de", None, [(D(2017, 1, 1), "year")]),
]

NEGATIVE_CASES = [
    ("weekday-alone", "réuni mardi en session ordinaire"),
    ("hijri-year", "Opération Ramadan 1444 au profit des ménages"),
    ("law-number", "en application de la loi 65-15 et du décret n° 2018"),
    ("thousands-count", "au profit de 2.400 personnes"),
    ("phone", "Tél. : 05 28 87 20 14"),
    ("percent", "un taux de 71%"),
    ("invalid-day", "le 31 février 2023"),
]


@pytest.mark.parametrize("text,year,expected", [pytest.param(t, y, e, id=i) for i, t, y, e in DATE_CASES])
def test_dates_explicit_with_granularity(text: str, year: int | None, expected: list) -> None:
    found = find_dates(text, default_year=year)
    assert [(d.value, d.granularity) for d in found] == expected
    for d in found:
        assert text[d.start : d.end] == d.text


@pytest.mark.parametrize("text", [pytest.param(t, id=i) for i, t in NEGATIVE_CASES])
def test_dates_negatives(text: str) -> None:
    assert find_dates(text, default_year=2023) == []


def test_dates_blocked_ranges_are_respected() -> None:
    text = "un budget de 2022 DH en 2022"
    found = find_dates(text, blocked=[(13, 20)])
    assert [(d.start, d.value.year) for d in found] == [(24, 2022)]


@pytest.mark.parametrize(
    "text,place,date,agency",
    [
        pytest.param("Tiznit, 12 mai 2021 (MAP) - Le comité a validé", "Tiznit", D(2021, 5, 12), "MAP", id="map"),
        pytest.param("Beni Mellal, 15 mars 2021 (MAP) – La région", "Beni Mellal", D(2021, 3, 15), "MAP",
                     id="two-word-place-en-dash"),
        pytest.param("Titre du jour\n\nLaâyoune, 28 mars 2023 (MAP) - Pas moins", "Laâyoune", D(2023, 3, 28), "MAP",
                     id="after-headline"),
        pytest.param("Rabat, le 1er juin 2020 (MAP) - Un accord", "Rabat", D(2020, 6, 1), "MAP", id="premier-le"),
    ],
)
def test_dates_dateline(text: str, place: str, date: dt.date, agency: str) -> None:
    dl = find_dateline(text)
    assert dl is not None
    assert (dl.place, dl.date, dl.agency) == (place, date, agency)
    assert text[dl.start : dl.end] == dl.text


def test_dates_issue_line_gives_document_date() -> None:
    text = "COMMUNIQUÉ DE PRESSE\n\nEl Kelâa des Sraghna, le 3 mars 2022\n\nLa province annonce le lancement."
    assert find_dateline(text) is None
    il = find_issue_line(text)
    assert il is not None and il.date == D(2022, 3, 3) and il.place == "El Kelâa des Sraghna"


def test_dates_record_document_date_and_distinct_values(nlp) -> None:
    from extractor.build import build_record

    text = ("Azrou, 4 avril 2022 (MAP) - Le comité a approuvé, le 2 avril, un programme 2022-2024 "
            "doté de 3 MDH. En 2022, 2.000 familles en bénéficieront.")
    rec = build_record(nlp(text), nlp, id="t", source="t")
    assert rec.date == D(2022, 4, 4)
    assert rec.dateline is not None and rec.dateline.agency == "MAP" and rec.dateline.place == "Azrou"
    values = [(d.value, d.granularity) for d in rec.dates]
    assert values == [(D(2022, 4, 4), "day"), (D(2022, 4, 2), "day"), (D(2022, 1, 1), "year"),
                      (D(2024, 1, 1), "year")]


def test_dates_year_before_plural_noun_is_a_count(nlp) -> None:
    doc = nlp("La commune accueille 2000 familles depuis 2015.")
    assert [s._.date.value.year for s in doc.spans["dates"]] == [2015]


@pytest.mark.parametrize(
    "text,expected",
    [
        pytest.param("se tiendra du 27 au 30 octobre 2022 à Erfoud", [D(2022, 10, 27), D(2022, 10, 30)], id="du-au"),
        pytest.param("les 3 et 4 juin 2021", [D(2021, 6, 3), D(2021, 6, 4)], id="les-et"),
        pytest.param("du 1er au 5 mai 2020", [D(2020, 5, 1), D(2020, 5, 5)], id="premier-au"),
    ],
)
def test_dates_day_spans_give_both_days(text: str, expected: list) -> None:
    found = find_dates(text)
    assert [d.value for d in found] == expected
    assert all(text[d.start : d.end] == d.text for d in found)


def test_dates_dateline_without_agency() -> None:
    text = "Oujda, le 14 juin 2022 – Réuni au siège de la wilaya, le comité a validé"
    dl = find_dateline(text)
    assert dl is not None and (dl.place, dl.date, dl.agency) == ("Oujda", D(2022, 6, 14), None)


def test_dates_day_span_without_year_takes_default_year() -> None:
    found = find_dates("organisée du 5 au 8 octobre dans les communes", default_year=2020)
    assert [d.value for d in found] == [D(2020, 10, 5), D(2020, 10, 8)]


def test_dates_site_publication_line_dates_count_but_read_also_lines_give_none() -> None:
    text = "Publié le 14/03/2024 à 10h15 | Mis à jour le 15/03/2024\nLe conseil s'est réuni le 12 mars 2024.\nLire aussi : le bilan 2023"
    assert [d.value for d in find_dates(text)] == [D(2024, 3, 14), D(2024, 3, 15), D(2024, 3, 12)]


def test_dates_title_skips_web_prefix_and_byline(nlp) -> None:
    doc = nlp("Publié le 05/07/2022 à 09h02\n\nEau potable : 40 douars raccordés à Tata\n\nPar Samir K.\n\nLe programme avance.")
    assert doc._.title[0] == "Eau potable : 40 douars raccordés à Tata"


def test_dates_markdown_heading_title_without_hashes(nlp) -> None:
    text = "# Tata : 40 douars raccordés au réseau\n\nLe programme avance."
    doc = nlp(text)
    title, start, end = doc._.title
    assert title == "Tata : 40 douars raccordés au réseau" and text[start:end] == title


def test_dates_a_page_store_s_date_prefix_gives_no_date_but_the_rest_of_its_line_does() -> None:
    from extractor.normalizers.dates import find_dates
    found = find_dates("date 2024-09 Le programme a été lancé en mars 2023.")
    assert [(d.value.isoformat(), d.granularity) for d in found] == [("2023-03-01", "month")]


def test_dates_words_before_a_month_and_around_day_spans_are_read_from_the_rule_file() -> None:
    """MONTH_LEAD (`fin mars`) and SPAN_LEAD / SPAN_JOIN (`du 3 au 5 mai`) are data: without them,
    the month stands alone and no span of days is read."""
    from extractor.normalizers.dates import DATES_FILE, DateGrammar, DateRule, find_dates
    from extractor.patterns import load_jsonl

    rules = load_jsonl(DATES_FILE, DateRule)
    text = "du 3 au 5 mai 2023, fin mars 2022"
    full = [(d.text, d.rule) for d in find_dates(text, 2023)]
    assert ("3", "date.day_span_first") in full and ("fin mars 2022", "date.month_year") in full
    bare = DateGrammar(tuple(r for r in rules if r.label not in ("MONTH_LEAD", "SPAN_LEAD", "SPAN_JOIN")))
    found = [(d.text, d.rule) for d in find_dates(text, 2023, g=bare)]
    assert ("mars 2022", "date.month_year") in found and all(r != "date.day_span_first" for _t, r in found)


def test_a_wire_s_bare_place_and_long_dash_open_a_dateline_that_weighs_less_than_the_event_place() -> None:
    from extractor import extract
    from extractor.normalizers.dates import find_dateline

    m = find_dateline("Agadir — Le coup d'envoi des travaux a été donné, mardi, à Khouribga.")
    assert m is not None and m.place == "Agadir" and m.rule == "dateline.place_dash" and m.date is None
    assert find_dateline("Le projet — une école — a coûté 2 MDH.") is None
    assert find_dateline("INDH - Lancement du projet") is None  # a hyphen is no wire dash
    rec = extract("Agadir — Le coup d'envoi des travaux d'un centre de 5 MDH a été donné, mardi, à Khouribga.")
    assert rec.allocations[0].places == ["Khouribga"]
