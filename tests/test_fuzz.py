"""Fuzzing the whole `extract()` on French-like text mixing money, dates, names and brackets.

Whatever the text: no exception, every mention's text is `text[start:end]`, and each example
finishes within a generous deadline (hypothesis fails an example that exceeds it).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractor import extract

WORDS = ["la", "commune", "de", "Tiznit", "province", "d'Azilal", "l'INDH", "a", "débloqué", "pour", "les",
         "femmes", "coopératives", "jeunes", "projet", "Agence", "de développement social", "(ADS)", "l'ADS",
         "Conseil régional", "Ministère de la Santé", "financé", "par", "et", "partenaires", "écoles", "dont",
         "soit", "au profit des", "Fondation Mohammed V", "MAP", "ONG", "programme", "plus", "près"]
MONEY = ["3,5 MDH", "12 millions de dirhams", "1.200.000 DH", "500 000 dirhams", "2 MMDH", "150 000 euros",
         "25 MDH", "un million de dirhams", "4,2 millions DH", "800 DH", "(10 MDH)", "1 234 567,89 DH"]
DATES = ["12 mai 2021", "le 3 juin", "du 1er au 15 janvier 2024", "mars 2023", "2022/2023", "2019",
         "31 février 2020", "15/07/2021", "1er octobre", "en 2030"]
ODD = ["(", ")", "((", "))", "[", "]", "«", "»", "\n", "\n\n", "\t", "\x00", "\x1b", "\u200b", ",", ".", ";",
       ":", "-", "—", "'", "’", "%", "42", "1.105", "deux", "9999999999999999999", "é" * 30, "MDH MDH"]
DATELINES = ["", "Tiznit, 12 mai 2021 (MAP) - ", "Rabat - ", "Agadir, 3 juin (MAP) – ", "# Titre\n\n"]

pieces = st.one_of(st.sampled_from(WORDS), st.sampled_from(MONEY), st.sampled_from(DATES), st.sampled_from(ODD),
                   st.text(max_size=8))
separators = st.sampled_from([" ", " ", " ", "", "\n", ", ", " (", ") ", ". "])
texts = st.builds(lambda head, body: head + "".join(body), st.sampled_from(DATELINES),
                  st.lists(st.tuples(pieces, separators).map("".join), max_size=80))


@pytest.fixture(autouse=True, scope="module")
def _loaded() -> None:
    """Build both pipelines before the clock runs: the deadline is for one example, not the model load."""
    extract("Rabat, 1er mai 2021 (MAP) - 3 MDH.")
    extract("Rabat, 1er mai 2021 (MAP) - 3 MDH.", fast=True)


@settings(max_examples=150, deadline=timedelta(seconds=20), suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_fuzz_extract_never_raises_and_offsets_match(text: str) -> None:
    rec = extract(text)
    for where, m in rec.iter_mentions():
        assert text[m.start:m.end] == m.text, (where, m)
    if rec.dateline is not None:
        assert text[rec.dateline.start:rec.dateline.end] == rec.dateline.text
    for a in rec.allocations:
        assert 0 <= a.amount_index < len(rec.amounts)


@settings(max_examples=40, deadline=timedelta(seconds=60), suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=1, max_value=60_000), st.sampled_from(["(", ")", "\n", " (", "a", "\x00", "- "]),
       st.sampled_from(MONEY + DATES))
def test_fuzz_extract_long_runs_stay_bounded(n: int, unit: str, tail: str) -> None:
    """Long runs of one character (brackets, a word, newlines, NULs) around a sum: no hang, exact offsets."""
    text = unit * n + " " + tail + " " + unit * (n // 3)
    rec = extract(text, fast=True)
    rec.check_offsets(text)
