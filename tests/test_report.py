"""The corpus report's sums and pages without a browser: honest totals, spans, files, command line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from extractor.cli import main
from extractor.report import ReportError, build_report, totals
from extractor.report.geo import resolve_place
from extractor.report.site import page_name
from extractor.report.spans import Span, markup, mention_count


def _alloc(value: float, currency: str = "MAD", funder: str | None = "INDH", places=("Tiznit",), part_of=None,
           beneficiaries=("women",), index: int = 0) -> dict:
    return {"amount": {"text": "x", "start": 0, "end": 1, "value": value, "value_max": None, "currency": currency,
                       "qualifier": "exact", "rule": "r"}, "amount_index": index, "funder": funder,
            "beneficiaries": list(beneficiaries), "places": list(places), "partners": [], "part_of": part_of,
            "evidence": {"text": "x", "start": 0, "end": 1}}


def _record(rid: str, allocations: list[dict], date: str = "2022-03-14", **extra) -> dict:
    text = "Tiznit, 14 mars 2022 (MAP) - L'INDH a mobilisé 4,2 MDH."
    rec = {"id": rid, "source": f"{rid}.txt", "text_sha256": "0", "metadata": {"text": text}, "date": date,
           "amounts": [], "dates": [], "quantities": [], "beneficiaries": [], "organizations": [],
           "places": [{"name": "Tiznit", "type": "province", "code": "MA-TIZ", "mentions": []}],
           "allocations": allocations}
    rec.update(extra)
    return rec


def test_a_share_of_a_total_allocated_in_the_same_document_is_not_added_on_top():
    rec = _record("a", [_alloc(4_200_000, index=0), _alloc(1_500_000, index=1, part_of=0)])
    df = totals([rec])
    assert df.loc[0, "total"] == 4_200_000
    assert df.loc[0, "allocations"] == 1


def test_a_share_whose_total_is_no_allocation_counts():
    rec = _record("a", [_alloc(1_500_000, index=1, part_of=0)])
    assert totals([rec]).loc[0, "total"] == 1_500_000


def test_a_reposted_story_counts_once():
    first = _record("a", [_alloc(4_200_000)])
    copy = _record("b", [_alloc(4_200_000)], duplicate_of="a")
    df = totals([first, copy])
    assert list(df["total"]) == [4_200_000]
    assert list(df["documents"]) == [1]


def test_an_allocation_reported_by_another_document_counts_once():
    a = _record("a", [_alloc(5e6)])
    b = _record("b", [_alloc(5e6) | {"duplicate_of": {"id": "a", "index": 0}}, _alloc(1e6)])
    assert totals([a, b]).loc[0, "total"] == 6e6


def test_currencies_are_never_added_together():
    rec = _record("a", [_alloc(2e6, "EUR"), _alloc(3e6, "MAD")])
    df = totals([rec], by=["funder"])
    assert sorted(zip(df["currency"], df["total"], strict=True)) == [("EUR", 2e6), ("MAD", 3e6)]


def test_a_rates_file_adds_a_converted_column_and_a_missing_rate_is_an_error(tmp_path: Path):
    rates = tmp_path / "rates.json"
    rates.write_text(json.dumps({"base": "MAD", "rates": {"EUR": 10.8}}))
    rec = _record("a", [_alloc(2e6, "EUR"), _alloc(3e6, "MAD")])
    df = totals([rec], rates=rates)
    assert dict(zip(df["currency"], df["total_MAD"], strict=True)) == {"EUR": 21.6e6, "MAD": 3e6}
    with pytest.raises(ReportError, match="no rate to MAD for USD"):
        totals([_record("b", [_alloc(1.0, "USD")])], rates=rates)


def test_totals_by_region_and_year_come_from_the_province_code_and_the_record_date():
    recs = [_record("a", [_alloc(1e6)], date="2021-05-01"), _record("b", [_alloc(2e6)], date="2022-01-02")]
    df = totals(recs, by=["region", "province", "year"])
    rows = {(r.region, r.province, r.year): r.total for r in df.itertuples()}
    assert rows == {("Souss-Massa", "Tiznit", 2021): 1e6, ("Souss-Massa", "Tiznit", 2022): 2e6}
    assert str(df["year"].dtype) == "Int64"


def test_an_allocation_for_two_groups_counts_in_full_under_each():
    df = totals([_record("a", [_alloc(1e6, beneficiaries=("women", "youth"))])], by=["beneficiary"])
    assert dict(zip(df["beneficiary"], df["total"], strict=True)) == {"women": 1e6, "youth": 1e6}


def test_grouping_on_an_unknown_key_is_an_error():
    with pytest.raises(ReportError, match="cannot group by"):
        totals([], by=["colour"])


def test_a_town_named_like_its_province_is_placed_in_that_province_and_region():
    info = resolve_place("Errachidia", {"name": "Errachidia", "type": "city"})
    assert (info.province, info.region, info.region_code) == ("Errachidia", "Drâa-Tafilalet", "MA-08")
    assert info.lat is not None


def test_a_province_is_in_its_region_even_where_the_iso_list_has_it_wrong():
    assert resolve_place("Chtouka-Aït Baha", {"type": "province", "code": "MA-CHT"}).region == "Souss-Massa"
    assert resolve_place("Nouaceur", {"type": "province", "code": "MA-NOU"}).region == "Casablanca-Settat"


def test_a_commune_named_in_one_province_only_gets_that_province_and_a_position():
    info = resolve_place("Tissint", {"type": "commune"})
    assert (info.province, info.region) == ("Tata", "Souss-Massa")
    assert 29 < info.lat < 31 and -8.5 < info.lon < -6.5


def test_crossing_spans_are_cut_but_each_mention_keeps_one_id():
    html = markup("abcdefghij", [Span(0, 5, "amount", "a", "0"), Span(3, 8, "place", "p", "1")])
    assert set(re.findall(r'data-span="(\d+)"', html)) == {"0", "1"}
    assert re.sub(r"<[^>]+>", "", html) == "abcdefghij"


def test_markup_escapes_the_text():
    assert "&lt;b&gt;" in markup("<b>", [])


def test_page_names_are_safe_and_distinct():
    assert page_name("tiznit-cpdh") == "tiznit-cpdh.html"
    odd = [page_name(x) for x in ("a/b", "a:b", "../x")]
    assert len(set(odd)) == 3 and all("/" not in n and not n.startswith(".") for n in odd)


def _write(outdir: Path, recs: list[dict]) -> None:
    outdir.mkdir(exist_ok=True)
    (outdir / "records.jsonl").write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")


def test_the_report_is_one_index_and_one_page_per_document_with_no_network_reference(tmp_path: Path):
    _write(tmp_path, [_record("a", [_alloc(1e6)]), _record("b/c", [_alloc(2e6, "EUR")])])
    result = build_report(tmp_path)
    site = tmp_path / "report"
    assert result.index == site / "index.html" and result.documents == 2
    assert sorted(p.name for p in (site / "docs").iterdir()) == sorted([page_name("a"), page_name("b/c")])
    for page in [site / "index.html", *(site / "docs").iterdir()]:
        assert not re.search(r"(src|href)=\"(https?:)?//", page.read_text(encoding="utf-8")), page


def test_a_page_without_its_text_says_how_to_keep_it(tmp_path: Path):
    rec = _record("a", [_alloc(1e6)])
    rec["metadata"] = {}
    _write(tmp_path, [rec])
    build_report(tmp_path, texts_base=tmp_path)
    assert "--store-text" in (tmp_path / "report" / "docs" / "a.html").read_text(encoding="utf-8")


def test_mention_count_counts_every_mention_but_no_evidence():
    rec = _record("a", [_alloc(1e6)])
    rec["places"][0]["mentions"] = [{"text": "Tiznit", "start": 0, "end": 6}]
    rec["amounts"] = [_alloc(1e6)["amount"]]
    assert mention_count(rec) == 2


def test_report_command_exits_2_with_one_line_on_a_bad_folder_or_record(tmp_path: Path, capsys):
    assert main(["report", str(tmp_path / "missing")]) == 2
    (tmp_path / "records.jsonl").write_text('{"id": "a"}\nnot json\n')
    assert main(["report", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "no such folder" in err and "records.jsonl:2: not JSON" in err
    assert not (tmp_path / "report").exists()


def test_report_command_rebuilds_over_a_previous_report(tmp_path: Path):
    _write(tmp_path, [_record("a", [_alloc(1e6)])])
    assert main(["report", str(tmp_path)]) == 0
    _write(tmp_path, [_record("z", [_alloc(1e6)])])
    assert main(["report", str(tmp_path)]) == 0
    assert [p.name for p in (tmp_path / "report" / "docs").iterdir()] == ["z.html"]
    assert (tmp_path / "report").stat().st_mode & 0o777 == 0o755
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".report")] == []


def test_flags_and_exclusions_are_shown_on_the_document_page(tmp_path: Path):
    flagged = _alloc(1e6) | {"flags": ["funder_inherited"]}
    copy = _alloc(2e6, index=1) | {"duplicate_of": {"id": "a", "index": 0}}
    _write(tmp_path, [_record("b", [flagged, copy])])
    build_report(tmp_path)
    page = (tmp_path / "report" / "docs" / "b.html").read_text(encoding="utf-8")
    assert "⚑ funder_inherited" in page
    assert "Not counted in the totals: same allocation as a, allocation 1." in page
    assert totals([_record("b", [flagged])]).loc[0, "flagged"] == 1


def test_a_flag_is_explained_by_the_flags_file_where_it_exists(tmp_path: Path, monkeypatch):
    from extractor.report import aggregate

    flags = tmp_path / "flags.jsonl"
    flags.write_text('// comment\n{"code": "funder_inherited", "applies_to": "allocation", "text": "funder taken from '
                     'the document"}\n', encoding="utf-8")
    monkeypatch.setattr(aggregate, "resolve", lambda name: flags)
    aggregate.flag_texts.cache_clear()
    try:
        assert aggregate.explain_flag("funder_inherited") == "funder_inherited: funder taken from the document"
        assert aggregate.explain_flag("other_code") == "other_code"
    finally:
        aggregate.flag_texts.cache_clear()


def test_with_rates_the_overview_adds_charts_of_every_currency_converted(tmp_path: Path):
    rates = tmp_path / "rates.json"
    rates.write_text(json.dumps({"base": "MAD", "rates": {"EUR": 10.0}}))
    _write(tmp_path, [_record("a", [_alloc(2e6, "EUR", funder="AFD"), _alloc(3e6, "MAD", funder="AFD")])])
    assert main(["report", str(tmp_path), "--rates", str(rates)]) == 0
    page = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    assert '<strong id="converted-total">23.0 M MAD</strong>' in page
    assert "<h3>all currencies in MAD</h3>" in page
    assert re.search(r"AFD</text>.*?23\.0 M MAD</text>", page)
