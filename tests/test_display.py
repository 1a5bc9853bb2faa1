"""`Communique._repr_html_()`: the notebook view of a record (highlighted text, allocations table)."""

from __future__ import annotations

import re

from extractor import extract, extract_many
from extractor.records import Communique

TEXT = ("Aide aux <coopératives> & associations\n"
        "Tiznit, 12 mai 2021 (MAP) - L'Initiative nationale pour le développement humain (INDH) a "
        "débloqué plus de 3,5 MDH pour 42 coopératives de femmes de la province de Tiznit. "
        "<script>alert('x')</script>\n")


def _marked(html: str) -> dict[str, str]:
    """Highlighted text -> its label, from displaCy's entity markup."""
    out = {}
    for m in re.finditer(r"<mark[^>]*>\s*(.*?)\s*<span[^>]*>(\w+)</span>\s*</mark>", html, re.S):
        out[m.group(1)] = m.group(2)
    return out


def test_repr_html_highlights_every_kind_of_span_with_its_label() -> None:
    html = extract(TEXT, id="tiznit")._repr_html_()
    marked = _marked(html)
    assert marked["plus de 3,5 MDH"] == "AMOUNT"
    assert marked["12 mai 2021"] == "DATE"
    assert marked["femmes"] == "BENEFICIARY"
    assert "PLACE" in marked.values() and "ORG" in marked.values()
    assert any("INDH" in t or "Initiative nationale" in t for t, lab in marked.items() if lab == "ORG")


def test_repr_html_shows_the_allocations_table() -> None:
    rec = extract(TEXT, id="tiznit")
    html = rec._repr_html_()
    table = html[html.index("<table"):]
    assert "<th>funder</th>" in table and "<th>places</th>" in table
    assert f"<td>{rec.allocations[0].funder}</td>" in table
    assert "<td>plus de 3,5 MDH</td>" in table


def test_repr_html_escapes_the_text_and_the_title() -> None:
    html = extract(TEXT, id="x<y")._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<coopératives>" not in html and "&lt;coopératives&gt;" in html
    assert "x&lt;y" in html


def test_records_from_extract_many_show_their_text_without_storing_it() -> None:
    (rec,) = list(extract_many([("tiznit", TEXT)]))
    assert rec.metadata == {} and "\"metadata\":{}" in rec.model_dump_json()
    assert _marked(rec._repr_html_()) == _marked(extract(TEXT, id="tiznit")._repr_html_())


def test_a_record_read_back_from_json_shows_its_values_without_text() -> None:
    rec = Communique.model_validate_json(extract(TEXT, id="tiznit").model_dump_json())
    html = rec._repr_html_()
    assert "text not kept" in html and "<mark" not in html and "AMOUNT" in html and "<table" in html
