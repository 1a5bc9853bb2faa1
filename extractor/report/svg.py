"""Charts as static SVG strings: horizontal bars, a yearly timeline and a map of Morocco.

Static SVG written by Python needs no script library in the page (nothing to inline, nothing to load),
shows at once even for 10,000 records, prints, and its labels are plain text a test can read.
"""

from __future__ import annotations

from html import escape

from .geo import project, region_outlines

INK = "#1f2937"
BAR = "#2563eb"
MUTED = "#9ca3af"


def money(value: float, currency: str = "") -> str:
    """`850 000 MAD`, `3.5 M MAD`, `1.25 bn MAD`: short forms for chart labels (M = million, bn = billion)."""
    if value >= 1e9:
        s = f"{value / 1e9:,.2f} bn".replace(",", " ")
    elif value >= 1e6:
        s = f"{value / 1e6:,.1f} M".replace(",", " ")
    else:
        s = f"{value:,.0f}".replace(",", " ")
    return f"{s} {currency}".strip()


def bars(items: list[tuple[str, float]], currency: str, width: int = 560, limit: int = 15) -> str:
    """Horizontal bars, largest first, labelled with the name and the sum; past `limit`, one `others` bar."""
    items = sorted(items, key=lambda kv: -kv[1])
    if len(items) > limit:
        rest = sum(v for _, v in items[limit - 1:])
        items = [*items[: limit - 1], (f"{len(items) - limit + 1} others", rest)]
    if not items:
        return '<p class="empty">Nothing to show.</p>'
    top = max(v for _, v in items) or 1.0
    label_w, row_h = 190, 22
    bar_w = width - label_w - 110
    out = [f'<svg class="chart" viewBox="0 0 {width} {row_h * len(items) + 6}" width="{width}" role="img">']
    for i, (name, v) in enumerate(items):
        y = i * row_h + 3
        w = max(1.0, v / top * bar_w)
        short = name if len(name) <= 28 else name[:27] + "…"
        out.append(f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end" fill="{INK}">'
                   f'<title>{escape(name)}</title>{escape(short)}</text>'
                   f'<rect x="{label_w}" y="{y + 2}" width="{w:.1f}" height="{row_h - 6}" fill="{BAR}"/>'
                   f'<text x="{label_w + w + 5:.1f}" y="{y + 14}" fill="{INK}">{escape(money(v, currency))}</text>')
    out.append("</svg>")
    return "".join(out)


def timeline(by_year: dict[int, float], currency: str, width: int = 560, height: int = 200) -> str:
    """Vertical bars per year, every year between the first and last shown (a gap is a year with none)."""
    if not by_year:
        return '<p class="empty">No dated allocation.</p>'
    years = list(range(min(by_year), max(by_year) + 1))
    top = max(by_year.values()) or 1.0
    left, bottom = 10, 36
    step = (width - left * 2) / len(years)
    out = [f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" role="img">',
           f'<line x1="{left}" x2="{width - left}" y1="{height - bottom}" y2="{height - bottom}" stroke="{MUTED}"/>']
    for i, y in enumerate(years):
        v = by_year.get(y, 0.0)
        h = v / top * (height - bottom - 24)
        x = left + i * step
        out.append(f'<rect x="{x + step * 0.15:.1f}" y="{height - bottom - h:.1f}" width="{step * 0.7:.1f}" '
                   f'height="{h:.1f}" fill="{BAR}"><title>{y}: {escape(money(v, currency))}</title></rect>')
        out.append(f'<text x="{x + step / 2:.1f}" y="{height - bottom + 16}" text-anchor="middle" '
                   f'fill="{INK}">{y}</text>')
        if v and len(years) <= 14:
            out.append(f'<text x="{x + step / 2:.1f}" y="{height - bottom - h - 4:.1f}" text-anchor="middle" '
                       f'class="small" fill="{INK}">{escape(money(v))}</text>')
    out.append("</svg>")
    return "".join(out)


def morocco_map(regions: dict[str, float], points: list[tuple[str, float, float, float]], currency: str,
                width: int = 520, height: int = 560, names: dict[str, str] | None = None) -> str:
    """Regions shaded by their total, and one circle per place of spending (area ∝ its total).

    `regions`: ISO code → total; `points`: (name, lat, lon, total); `names`: ISO code → region name.
    """
    names = names or {}
    top_r = max(regions.values(), default=0.0) or 1.0
    out = [f'<svg class="map" viewBox="0 0 {width} {height}" width="{width}" role="img">']
    for code, path in sorted(region_outlines(width, height).items()):
        v = regions.get(code, 0.0)
        shade = 0.08 + 0.6 * (v / top_r) if v else 0.0
        fill = f"rgba(37,99,235,{shade:.2f})" if v else "#f3f4f6"
        label = f"{names.get(code, code)}: {money(v, currency) if v else 'nothing allocated'}"
        out.append(f'<path d="{path}" fill="{fill}" stroke="#6b7280" stroke-width="0.7">'
                   f'<title>{escape(label)}</title></path>')
    top_p = max((p[3] for p in points), default=0.0) or 1.0
    for name, lat, lon, v in sorted(points, key=lambda p: -p[3]):
        x, y = project(lat, lon, width, height)
        r = 3 + 22 * (v / top_p) ** 0.5
        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="rgba(220,38,38,0.45)" stroke="#991b1b">'
                   f'<title>{escape(name)}: {escape(money(v, currency))}</title></circle>')
    out.append(_legend(width, height, currency, top_r, top_p))
    out.append("</svg>")
    return "".join(out)


def _legend(width: int, height: int, currency: str, top_region: float, top_place: float) -> str:
    """Bottom-right key: what the shades and the circles mean, with the largest values."""
    x, y = width - 215, height - 92
    return (f'<g class="legend"><rect x="{x - 8}" y="{y - 16}" width="220" height="100" fill="#fff" stroke="#e5e7eb"/>'
            f'<rect x="{x}" y="{y - 4}" width="14" height="10" fill="rgba(37,99,235,0.68)"/>'
            f'<rect x="{x + 14}" y="{y - 4}" width="14" height="10" fill="rgba(37,99,235,0.2)"/>'
            f'<text x="{x + 34}" y="{y + 5}" fill="{INK}">region total (darkest:</text>'
            f'<text x="{x + 34}" y="{y + 19}" fill="{INK}">{escape(money(top_region, currency))})</text>'
            f'<circle cx="{x + 14}" cy="{y + 45}" r="12" fill="rgba(220,38,38,0.45)" stroke="#991b1b"/>'
            f'<text x="{x + 34}" y="{y + 41}" fill="{INK}">place of spending, area</text>'
            f'<text x="{x + 34}" y="{y + 55}" fill="{INK}">∝ its total (largest:</text>'
            f'<text x="{x + 34}" y="{y + 69}" fill="{INK}">{escape(money(top_place, currency))})</text></g>')
