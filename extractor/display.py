"""HTML view of a record for notebooks: the text with its spans highlighted, then its allocations.

`Communique._repr_html_()` calls `record_html`. The text is drawn by displaCy's entity renderer
(which escapes it), so a record looks like a spaCy `Doc` shown with `displacy.render(style="ent")`;
every other string is escaped here. A record read back from JSON has no text unless it was kept
(`--store-text`): it then shows its values without the highlighted text.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .records import Communique

COLORS = {"AMOUNT": "#f7c873", "DATE": "#bfe1d9", "PLACE": "#feca74", "ORG": "#7aecec", "BENEFICIARY": "#c887fb"}
"""Span label -> highlight colour (displaCy's palette for the labels it knows)."""

ALLOCATION_COLUMNS = ("amount", "funder", "beneficiaries", "places", "partners", "purpose")


def record_spans(rec: Communique) -> list[dict[str, Any]]:
    """Disjoint labelled spans of a record in text order; of overlapping ones the first and longest wins."""
    found = [(a.start, a.end, "AMOUNT") for a in rec.amounts]
    found += [(d.start, d.end, "DATE") for d in rec.dates]
    found += [(m.start, m.end, "PLACE") for p in rec.places for m in p.mentions]
    found += [(m.start, m.end, "ORG") for o in rec.organizations for m in o.mentions]
    found += [(m.start, m.end, "BENEFICIARY") for b in rec.beneficiaries for m in b.mentions]
    spans: list[dict[str, Any]] = []
    end = -1
    for s, e, label in sorted(found, key=lambda x: (x[0], -x[1])):
        if s >= end and e > s:
            spans.append({"start": s, "end": e, "label": label})
            end = e
    return spans


def _text_html(rec: Communique, text: str) -> str:
    from spacy import displacy

    doc = {"text": text, "ents": record_spans(rec), "title": None}
    return str(displacy.render(doc, style="ent", manual=True, jupyter=False, options={"colors": COLORS}))


def _cell(value: Any) -> str:
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    return escape("" if value is None else str(value))


def allocations_html(rec: Communique) -> str:
    """The allocations as an HTML table (empty string when there are none)."""
    if not rec.allocations:
        return ""
    head = "".join(f"<th>{c}</th>" for c in ALLOCATION_COLUMNS)
    rows = []
    for a in rec.allocations:
        values = [a.amount.text, a.funder, a.beneficiaries, a.places, a.partners, a.purpose]
        rows.append("<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in values) + "</tr>")
    return f"<table class=\"allocations\"><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def record_html(rec: Communique, text: str | None) -> str:
    """The notebook view of a record; `text` is the analysed text, when known."""
    title = f"<strong>{escape(rec.id)}</strong>"
    if rec.title:
        title += f" — {escape(rec.title)}"
    if rec.date:
        title += f" ({rec.date.isoformat()})"
    parts = [f"<div class=\"communique\"><p>{title}</p>"]
    if text is not None:
        parts.append(_text_html(rec, text))
    else:
        spans = ", ".join(f"{escape(s['label'])} {s['start']}–{s['end']}" for s in record_spans(rec))
        parts.append(f"<p><em>text not kept in this record</em>; spans: {spans or 'none'}</p>")
    parts.append(allocations_html(rec))
    parts.append("</div>")
    return "".join(parts)
