"""One document's page: its text with every span highlighted, its allocation cards and its flags."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from .aggregate import QUALIFIERS, Row, explain_flag, flag_codes
from .spans import KINDS, markup, record_spans, record_text

LABELS = {"amount": "amount", "place": "place", "organization": "organisation", "beneficiary": "beneficiary group",
          "date": "date", "quantity": "quantity"}


def _flag_text(f: Any) -> str:
    """A flag as one line: `code: explanation` (from the flag itself, else from patterns/flags.jsonl)."""
    if isinstance(f, Mapping):
        code = f.get("code") or f.get("id") or "flag"
        msg = f.get("message") or f.get("text") or f.get("explanation") or ""
        return f"{code}: {msg}" if msg else explain_flag(str(code))
    return explain_flag(str(f))


def _amount_text(a: Mapping[str, Any]) -> str:
    v = f"{a['value']:,.0f}".replace(",", " ")
    if a.get("value_max"):
        v += " – " + f"{a['value_max']:,.0f}".replace(",", " ")
    return f"{v} {a['currency']}"


def _cards(rec: Mapping[str, Any], rows: list[Row]) -> list[dict[str, Any]]:
    amounts = rec.get("amounts") or []
    counted = {r.index: r for r in rows}
    cards = []
    for i, a in enumerate(rec.get("allocations") or []):
        row = counted.get(i)
        part = a.get("part_of")
        flags = [_flag_text(f) for f in a.get("flags") or []]
        flags += [_flag_text(f) for f in (a.get("amount") or {}).get("flags") or []]
        cards.append({
            "funder": a.get("funder"), "amount": _amount_text(a["amount"]),
            "qualifier": QUALIFIERS.get(a["amount"].get("qualifier") or "exact", a["amount"].get("qualifier")),
            "beneficiaries": [b.replace("_", " ") for b in a.get("beneficiaries") or []],
            "places": a.get("places") or [], "partners": a.get("partners") or [], "programme": a.get("programme"),
            "purpose": a.get("purpose"), "rule": a.get("rule"), "flags": flags,
            "part_of": _amount_text(amounts[part]) if part is not None and 0 <= part < len(amounts) else None,
            "counted": row.counted if row else True, "why": row.excluded_because if row else None,
        })
    return cards


def document_page(env: Any, rec: Mapping[str, Any], rows: list[Row], base: Path,
                  page_name: Callable[[str], str]) -> str:
    """HTML of one record's page (its text is read as `spans.record_text` says)."""
    spans = record_spans(rec)
    text, note = record_text(rec, base)
    counts = Counter(s.kind for s in spans)
    legend = [(k, LABELS[k], counts.get(k, 0)) for k in KINDS]
    doc_flags = [_flag_text(f) for f in rec.get("flags") or []]
    for part in ("places", "organizations"):
        for item in rec.get(part) or []:
            doc_flags += [f"{item.get('name')} — {_flag_text(f)}" for f in item.get("flags") or []]
    for d in rec.get("dates") or []:
        doc_flags += [f"{d.get('text')} — {_flag_text(f)}" for f in d.get("flags") or []]
    return env.get_template("doc.html.j2").render(
        rec=rec, text=text, text_note=note, text_html=markup(text, spans) if text is not None else "",
        n_mentions=sum(1 for s in spans if s.kind != "evidence"), legend=legend, cards=_cards(rec, rows),
        doc_flags=doc_flags, dup_href=page_name(str(rec.get("duplicate_of") or "")),
        flag_codes=flag_codes(rec))
