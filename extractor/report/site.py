"""`communique report OUTDIR`: records.jsonl → OUTDIR/report/ (index.html, docs/ID.html, assets/).

The site opens from disk with no network: charts are SVG written here, the only script and style sheet
sit in `assets/` beside the pages. It is built in a fresh folder and renamed into place, so a failed
build never leaves half a report over the previous one.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .. import __version__
from .aggregate import MISSING, QUALIFIERS, ReportError, Row, flag_codes, iter_rows, load_rates, load_records
from .svg import bars, money, morocco_map, timeline
from .views import document_page

TEMPLATES = Path(__file__).parent / "templates"
ASSETS = ("report.css", "report.js")
BREAKDOWNS = (
    ("funder", "By funder", "The body that pays, as the allocation names it."),
    ("beneficiary", "By beneficiary group",
     "An allocation for several groups counts in full for each, so the bars add up to more than the total."),
    ("year", "By year", "Year of the communiqué, not of the spending; undated documents are left out."),
)
ALLOC_COLUMNS = (("doc_id", "document"), ("year", "year"), ("funder", "funder"), ("amount", "amount"),
                 ("currency", "cur."), ("qualifier", "qualifier"), ("places", "places"),
                 ("beneficiaries", "for"), ("purpose", "purpose"), ("status", "counted?"), ("flags", "flags"))
DOC_COLUMNS = (("id", "document"), ("date", "date"), ("title", "title"), ("allocations", "allocations"),
               ("note", "note"))


@dataclass
class ReportResult:
    """What a build wrote: the index page, how many documents and allocations, seconds taken."""

    index: Path
    documents: int
    allocations: int
    seconds: float

    def line(self) -> str:
        return (f"report of {self.documents} documents, {self.allocations} allocations "
                f"in {self.seconds:.1f}s -> {self.index}")


@cache
def _env() -> Any:
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                              trim_blocks=True, lstrip_blocks=True)


def page_name(doc_id: str) -> str:
    """A safe file name for a document's page: the id where it is plain, else cleaned plus a digest."""
    clean = re.sub(r"[^A-Za-z0-9._-]", "_", doc_id)[:80]
    if clean != doc_id or clean.startswith("."):
        clean = f"{clean.lstrip('.')}-{hashlib.sha256(doc_id.encode()).hexdigest()[:8]}"
    return clean + ".html"


def build_report(outdir: str | Path, records: str | Path | None = None, rates: str | Path | None = None,
                 texts_base: str | Path | None = None) -> ReportResult:
    """Write `OUTDIR/report/` from `OUTDIR/records.jsonl` (or `records`); returns what was written."""
    import time

    t0 = time.perf_counter()
    outdir = Path(outdir)
    if not outdir.is_dir():
        raise ReportError(f"{outdir}: no such folder (run `communique extract -o {outdir}` first)")
    recs = load_records(records or outdir / "records.jsonl")
    rate_table = load_rates(rates) if rates else None
    rows = iter_rows(recs)
    tmp = Path(tempfile.mkdtemp(prefix=".report-", dir=outdir))
    try:
        tmp.chmod(0o755)  # mkdtemp makes it private; the report is meant to be shared like records.jsonl
        (tmp / "docs").mkdir()
        (tmp / "assets").mkdir()
        for name in ASSETS:
            shutil.copyfile(TEMPLATES / name, tmp / "assets" / name)
        by_doc: dict[str, list[Row]] = defaultdict(list)
        for r in rows:
            by_doc[r.doc_id].append(r)
        base = Path(texts_base) if texts_base else Path.cwd()
        for rec in recs:
            html = document_page(_env(), rec, by_doc.get(rec["id"], []), base, page_name)
            (tmp / "docs" / page_name(rec["id"])).write_text(html, encoding="utf-8")
        context = overview_context(recs, rows, rate_table, str(rates) if rates else None)
        context["source"] = _shown_path(Path(records or outdir / "records.jsonl"))
        (tmp / "index.html").write_text(_env().get_template("index.html.j2").render(**context), encoding="utf-8")
        target = outdir / "report"
        if target.exists():
            old = outdir / f".report-old-{tmp.name}"
            target.rename(old)
            shutil.rmtree(old, ignore_errors=True)
        tmp.rename(target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return ReportResult(target / "index.html", len(recs), len(rows), time.perf_counter() - t0)


def _sums(rows: list[Row], key: str) -> dict[str, dict[Any, float]]:
    """currency → key value → total of counted rows (a row counts under each of its values)."""
    out: dict[str, dict[Any, float]] = defaultdict(lambda: defaultdict(float))
    for r in rows:
        if r.counted:
            for v in r.keys(key):
                out[r.currency][v if v is not None else MISSING[key]] += r.value
    return out


def currency_lines(rows: list[Row], rates: tuple[str, dict[str, float]] | None) -> list[dict[str, Any]]:
    """One summary line per currency: total, counts, excluded and flagged allocations."""
    lines = []
    for cur in sorted({r.currency for r in rows}):
        mine = [r for r in rows if r.currency == cur]
        counted = [r for r in mine if r.counted]
        total = sum(r.value for r in counted)
        line = {"currency": cur, "total": total, "total_text": f"{total:,.2f}".replace(",", " "),
                "count": len(counted), "documents": len({r.doc_id for r in counted}),
                "excluded": len(mine) - len(counted), "flagged": sum(1 for r in counted if r.flags)}
        if rates:
            if cur not in rates[1]:
                raise ReportError(f"rates file has no rate to {rates[0]} for {cur}")
            line["converted"] = total * rates[1][cur]
            line["converted_text"] = money(line["converted"], rates[0])
        lines.append(line)
    return lines


def chart_groups(rows: list[Row], rates: tuple[str, dict[str, float]] | None) -> dict[str, tuple[str, list[Row]]]:
    """Chart heading → (currency, rows): one per currency, plus every currency converted where rates are given."""
    groups = {cur: (cur, [r for r in rows if r.currency == cur]) for cur in sorted({r.currency for r in rows})}
    if rates:
        base, table = rates
        converted = [dataclasses.replace(r, value=r.value * table[r.currency], currency=base)
                     for r in rows if r.counted]
        groups[f"all currencies in {base}"] = (base, converted)
    return groups


def _charts(groups: dict[str, tuple[str, list[Row]]]) -> dict[str, dict[str, str]]:
    charts: dict[str, dict[str, str]] = defaultdict(dict)
    for heading, (cur, rows) in groups.items():
        for key in ("funder", "beneficiary", "region", "province"):
            sums = _sums(rows, key).get(cur, {})
            label = (lambda k: str(k).replace("_", " ")) if key == "beneficiary" else str
            charts[key][heading] = bars([(label(k), t) for k, t in sums.items()], cur)
        years = _sums(rows, "year").get(cur, {})
        charts["year"][heading] = timeline({y: t for y, t in years.items() if isinstance(y, int)}, cur)
    return charts


def _map(rows: list[Row], currency: str) -> tuple[str, list[str]]:
    regions: dict[str, float] = defaultdict(float)
    points: dict[tuple[str, float, float], float] = defaultdict(float)
    unplaced: set[str] = set()
    for r in rows:
        if not r.counted or r.currency != currency:
            continue
        for code in {p.region_code for p in r.places if p.region_code}:
            regions[code] += r.value
        for p in {p.name: p for p in r.places}.values():
            if p.type in ("country", "region"):
                continue  # a region is shaded, a country is everywhere: neither is a point
            if p.lat is None or p.lon is None:
                unplaced.add(p.name)
            else:
                points[(p.name, p.lat, p.lon)] += r.value
    names = {p.region_code: p.region for r in rows for p in r.places if p.region_code}
    svg = morocco_map({c: v for c, v in regions.items()}, [(*k, v) for k, v in points.items()], currency,
                      names=names)
    return svg, sorted(unplaced)


def overview_context(recs: list[Mapping[str, Any]], rows: list[Row],
                     rates: tuple[str, dict[str, float]] | None, rates_file: str | None) -> dict[str, Any]:
    """Everything index.html.j2 shows, computed from the records and their rows."""
    dates = sorted(str(r["date"]) for r in recs if r.get("date"))
    lines = currency_lines(rows, rates)
    counted = [r for r in rows if r.counted]
    groups = chart_groups(rows, rates)
    main = max(lines, key=lambda c: (c["count"], c["currency"] == "MAD"))["currency"] if lines else "MAD"
    map_currency = f"all currencies in {rates[0]}" if rates else main
    unit, map_rows = groups.get(map_currency, (main, []))
    map_svg, unplaced = _map(map_rows, unit)
    charts = _charts(groups)
    for key in ("region", "province"):
        charts[key].setdefault(map_currency, '<p class="empty">No place of spending resolved.</p>')
    return {
        "n_docs": len(recs), "n_dup": sum(1 for r in recs if r.get("duplicate_of")),
        "n_undated": len(recs) - len(dates), "date_from": dates[0] if dates else None,
        "date_to": dates[-1] if dates else None, "version": __version__,
        "built": _built_at(),
        "currencies": lines, "rates": bool(rates), "rates_file": rates_file,
        "rates_base": rates[0] if rates else None,
        "converted_total": money(sum(c["converted"] for c in lines), rates[0]) if rates else None,
        "map_currency": map_currency, "map_svg": map_svg, "unplaced": unplaced, "charts": charts,
        "breakdowns": BREAKDOWNS, "alloc_columns": ALLOC_COLUMNS, "doc_columns": DOC_COLUMNS,
        "alloc_json": _json([_alloc_row(r) for r in rows]), "doc_json": _json([_doc_row(r) for r in recs]),
        "n_counted": len(counted),
    }


def _shown_path(path: Path) -> str:
    """The records' path relative to the current folder where it is below it, else its last two parts."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(Path(*path.resolve().parts[-2:]))


def _built_at() -> str:
    """Now, or SOURCE_DATE_EPOCH where set (the reproducible-builds convention: same records, same pages)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    when = _dt.datetime.fromtimestamp(int(epoch), _dt.UTC) if epoch.isdigit() else _dt.datetime.now(_dt.UTC)
    return when.strftime("%Y-%m-%d %H:%M UTC")


def _alloc_row(r: Row) -> dict[str, Any]:
    return {"doc_id": r.doc_id, "href": f"docs/{page_name(r.doc_id)}", "year": r.year, "funder": r.funder,
            "amount": f"{r.value:,.0f}".replace(",", " "), "amount_sort": r.value, "currency": r.currency,
            "qualifier": QUALIFIERS.get(r.qualifier, r.qualifier), "places": ", ".join(p.name for p in r.places),
            "beneficiaries": ", ".join(b.replace("_", " ") for b in r.beneficiaries), "purpose": r.purpose,
            "status": "yes" if r.counted else f"no, {r.excluded_because}", "counted": r.counted,
            "flags": " ".join("⚑" + f for f in r.flags)}


def _doc_row(rec: Mapping[str, Any]) -> dict[str, Any]:
    note = f"copy of {rec['duplicate_of']}" if rec.get("duplicate_of") else ""
    flags = flag_codes(rec)
    return {"id": rec["id"], "href": f"docs/{page_name(rec['id'])}", "date": rec.get("date"),
            "title": rec.get("title"), "allocations": len(rec.get("allocations") or []),
            "note": " ".join([note, *("⚑" + f for f in flags)]).strip()}


def _json(data: Any) -> str:
    """JSON safe inside a <script> element (no `</` can close it)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
