"""A document's text as HTML with every extracted span marked, and where that text comes from.

Each mention becomes `<mark class="k-KIND" data-span="N" title="normalised value · rule">`. Spans nest;
where two spans cross, the later one is cut into pieces that share its `data-span`, so the page holds
exactly one distinct `data-span` per mention. Allocation evidence is marked too (`data-evidence`,
not counted as a mention), shown when its card is pointed at.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from .aggregate import flag_codes

KINDS = ("amount", "place", "organization", "beneficiary", "date", "quantity")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str
    tip: str
    sid: str


def _amount_tip(a: Mapping[str, Any]) -> str:
    v = f"{a['value']:,.2f}".replace(",", " ").removesuffix(".00")
    if a.get("value_max"):
        v += f" – {a['value_max']:,.0f}".replace(",", " ")
    return f"amount: {v} {a['currency']} ({a.get('qualifier', 'exact')})"


def record_spans(rec: Mapping[str, Any]) -> list[Span]:
    """Every mention of a record (one Span each) and every allocation's evidence (kind `evidence`)."""
    out: list[Span] = []

    def add(m: Mapping[str, Any], kind: str, tip: str, rule: str | None, owner: Mapping[str, Any] | None = None
            ) -> None:
        flags = "".join(f" · ⚑ {c}" for c in flag_codes(owner if owner is not None else m))
        out.append(Span(m["start"], m["end"], kind, f"{tip} · rule {rule or '—'}{flags}", str(len(out))))

    for a in rec.get("amounts") or []:
        add(a, "amount", _amount_tip(a), a.get("rule"))
    for d in rec.get("dates") or []:
        add(d, "date", f"date: {d['value']} ({d.get('granularity')})", d.get("rule"))
    for q in rec.get("quantities") or []:
        add(q, "quantity", f"quantity: {q['value']:g} {q['unit']}", q.get("rule"))
    for p in rec.get("places") or []:
        tip = f"place: {p['name']} ({p['type']}{', ' + p['code'] if p.get('code') else ''})"
        for m in p.get("mentions") or []:
            add(m, "place", tip, p.get("rule"), p)
    for b in rec.get("beneficiaries") or []:
        for m in b.get("mentions") or []:
            add(m, "beneficiary", f"beneficiary: {b['category']}", b.get("rule"), b)
    for o in rec.get("organizations") or []:
        name = f"{o['name']} ({o['acronym']})" if o.get("acronym") else o["name"]
        tip = f"organisation: {name}, {o.get('kind')}, roles {', '.join(o.get('roles') or []) or '—'}"
        for m in o.get("mentions") or []:
            add(m, "organization", tip, o.get("rule"), o)
    for i, a in enumerate(rec.get("allocations") or []):
        e = a["evidence"]
        out.append(Span(e["start"], e["end"], "evidence", f"evidence of allocation {i + 1}", f"e{i}"))
    return out


def mention_count(rec: Mapping[str, Any]) -> int:
    """How many mentions the record has (what the page must highlight)."""
    return sum(1 for s in record_spans(rec) if s.kind != "evidence")


def markup(text: str, spans: list[Span]) -> str:
    """HTML of `text` with the spans as nested `<mark>` elements (crossing spans are cut, not dropped)."""
    bounds = sorted({0, len(text), *(s.start for s in spans), *(s.end for s in spans)})
    rank = {id(s): i for i, s in enumerate(sorted(spans, key=lambda s: (s.start, -s.end, s.kind == "evidence")))}
    starts: dict[int, list[Span]] = {}
    for s in spans:
        if s.end > s.start:
            starts.setdefault(s.start, []).append(s)
    active: list[Span] = []
    opened: list[Span] = []
    out: list[str] = []
    for a, b in itertools.pairwise(bounds):
        active = sorted([s for s in active if s.end > a] + starts.get(a, []), key=lambda s: rank[id(s)])
        keep = 0
        while keep < len(opened) and keep < len(active) and opened[keep] is active[keep]:
            keep += 1
        out += ["</mark>"] * (len(opened) - keep)
        out += [_open(s) for s in active[keep:]]
        opened = active
        out.append(escape(text[a:b]))
    out += ["</mark>"] * len(opened)
    return "".join(out)


def _open(s: Span) -> str:
    if s.kind == "evidence":
        return f'<mark class="ev" data-evidence="{s.sid}">'
    return f'<mark class="k-{s.kind}" data-span="{s.sid}" title="{escape(s.tip)}">'


def record_text(rec: Mapping[str, Any], base: Path) -> tuple[str | None, str]:
    """The analysed text of a record and where it came from, or None and why not.

    Looked for in `metadata.text` (`extract --store-text`), then at `source` as given, then relative
    to `base`; a file whose digest differs from `text_sha256` is not used (offsets would be wrong).
    """
    meta = rec.get("metadata") or {}
    if isinstance(meta.get("text"), str):
        return meta["text"], "metadata.text"
    src = rec.get("source") or ""
    for path in (Path(src), base / src):
        try:
            raw = path.read_bytes()
        except OSError:
            continue
        for enc in ("utf-8-sig", "utf-16", "cp1252"):
            try:
                text = raw.decode(enc)
            except UnicodeDecodeError:
                continue
            if hashlib.sha256(text.encode("utf-8")).hexdigest() == rec.get("text_sha256"):
                return text, str(path)
        return None, f"{path} has changed since extraction (digest differs); re-run extract with --store-text"
    return None, f"text not found at {src!r}; re-run extract with --store-text to keep it in the records"
