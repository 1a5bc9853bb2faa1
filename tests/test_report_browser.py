"""The corpus report opened in headless Chromium (Debian's `chromium` + `chromium-driver`).

Never skipped: without the browser these tests fail and say how to install it (`.ci/run` does).
They also write the README's screenshots to docs/screenshots/.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections import defaultdict
from pathlib import Path

import pytest

from extractor import extract
from extractor.report import build_report
from extractor.report.site import page_name

ROOT = Path(__file__).resolve().parent.parent
TEXTS = Path(__file__).parent / "fixtures" / "report"
SHOTS = ROOT / "docs" / "screenshots"
BUILT_AT = "1700000000"  # SOURCE_DATE_EPOCH: the screenshots do not change from run to run


def _records() -> list[dict]:
    """The invented communiqués extracted for real, plus a reposted copy, a share and a review flag."""
    recs = []
    for path in sorted(TEXTS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        rec = extract(text, id=path.stem, source=str(path.relative_to(ROOT))).model_dump(mode="json")
        rec["metadata"]["text"] = text
        recs.append(rec)
    by_id = {r["id"]: r for r in recs}
    tiznit = by_id["tiznit-cooperatives"]
    tiznit["allocations"][1]["part_of"] = tiznit["allocations"][0]["amount_index"]
    by_id["khouribga-jeunes"]["allocations"][1]["flags"] = ["funder_inherited"]
    copy = json.loads(json.dumps(tiznit)) | {"id": "tiznit-cooperatives-repost", "duplicate_of": tiznit["id"]}
    return sorted([*recs, copy], key=lambda r: r["id"])


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:
    out = tmp_path_factory.mktemp("out")
    recs = _records()
    (out / "records.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), "utf-8")
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = BUILT_AT
    try:
        build_report(out)
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH") if old is None else os.environ.update(SOURCE_DATE_EPOCH=old)
    return out / "report", [json.loads(line) for line in (out / "records.jsonl").read_text("utf-8").splitlines()]


@pytest.fixture(scope="module")
def browser():
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if not chromium or not driver_path:
        pytest.fail("headless Chromium is needed: apt-get install chromium chromium-driver (.ci/run does it)")
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    opts = Options()
    opts.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,1500", "--force-device-scale-factor=1"):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=opts)
    yield driver
    driver.quit()


def _open(browser, page: Path) -> list[dict]:
    """Open a page from disk and return what its console said."""
    browser.get(page.as_uri())
    browser.execute_script("return document.readyState")
    return browser.get_log("browser")


def _expected_totals(recs: list[dict]) -> dict[str, float]:
    """Sums per currency computed here from records.jsonl, by the rules the report states."""
    out: dict[str, float] = defaultdict(float)
    for rec in recs:
        if rec.get("duplicate_of"):
            continue
        totals = {a["amount_index"] for a in rec["allocations"]}
        for a in rec["allocations"]:
            if a.get("duplicate_of") or (a.get("part_of") is not None and a["part_of"] in totals):
                continue
            out[a["amount"]["currency"]] += a["amount"]["value"]
    return dict(out)


def test_overview_and_a_document_page_open_with_no_console_message(site, browser):
    report, recs = site
    assert _open(browser, report / "index.html") == []
    assert "rows" in browser.find_element("id", "alloc-count").text
    assert _open(browser, report / "docs" / page_name(recs[0]["id"])) == []


def test_overview_loads_its_style_and_script_from_disk_and_nothing_from_the_network(site, browser):
    report, _ = site
    _open(browser, report / "index.html")
    urls = browser.execute_script(
        "return Array.from(document.querySelectorAll('[src],link[href]'), e => e.src || e.href)")
    assert len(urls) == 2 and all(u.startswith("file://") for u in urls)
    style = "return getComputedStyle(document.querySelector('#currency-totals th')).backgroundColor"
    assert browser.execute_script(style) == "rgb(249, 250, 251)"  # the style sheet beside the page applied
    assert browser.find_elements("css selector", "#alloc-table tbody tr")  # the script ran


def test_overview_totals_equal_those_computed_from_records_jsonl(site, browser):
    report, recs = site
    _open(browser, report / "index.html")
    shown = {}
    for tr in browser.find_elements("css selector", "#currency-totals tbody tr"):
        cells = [td.text for td in tr.find_elements("tag name", "td")]
        shown[cells[0]] = float(cells[1].replace(" ", "").replace("\u202f", ""))
    expected = _expected_totals(recs)
    assert shown == pytest.approx(expected)
    assert expected["MAD"] and expected["EUR"]  # the fixture has a share and a repost: the rules were exercised


def test_a_document_page_highlights_as_many_spans_as_the_record_has_mentions(site, browser):
    report, recs = site
    for rec in recs:
        _open(browser, report / "docs" / page_name(rec["id"]))
        ids = browser.execute_script(
            "return Array.from(new Set(Array.from(document.querySelectorAll('#text mark[data-span]'),"
            " m => m.dataset.span)))")
        n = len(rec["amounts"]) + len(rec["dates"]) + len(rec["quantities"]) + sum(
            len(x["mentions"]) for part in ("places", "beneficiaries", "organizations") for x in rec[part])
        assert len(ids) == n, rec["id"]
        assert n > 0


def test_pointing_at_a_highlight_shows_its_value_and_rule(site, browser):
    report, _ = site
    _open(browser, report / "docs" / page_name("tiznit-cooperatives"))
    amount = browser.find_element("css selector", "#text mark.k-amount")
    assert re.fullmatch(r"amount: 4 200 000 MAD \(exact\) · rule \S+", amount.get_attribute("title"))


def test_pointing_at_an_allocation_card_highlights_its_evidence(site, browser):
    from selenium.webdriver.common.action_chains import ActionChains

    report, _ = site
    _open(browser, report / "docs" / page_name("tiznit-cooperatives"))
    assert browser.find_elements("css selector", "mark.ev.on") == []
    ActionChains(browser).move_to_element(browser.find_element("css selector", ".card")).perform()
    assert browser.find_elements("css selector", "mark.ev.on")


def test_allocation_table_filters_and_sorts(site, browser):
    report, _ = site
    _open(browser, report / "index.html")
    browser.find_element("id", "alloc-filter").send_keys("tiznit")
    rows = browser.find_elements("css selector", "#alloc-table tbody tr")
    assert rows and all("Tiznit" in r.text for r in rows)
    assert len(browser.find_elements("css selector", "#alloc-table tbody tr.uncounted")) == 3  # share + repost
    browser.find_element("id", "alloc-filter").clear()
    browser.find_element("css selector", '#alloc-table th[data-col="amount"]').click()
    browser.find_element("css selector", '#alloc-table th[data-col="amount"]').click()
    first = browser.find_element("css selector", "#alloc-table tbody tr td.num").text
    assert first == "30 000 000"


def test_screenshots_of_the_overview_and_a_document_page_for_the_readme(site, browser):
    report, _ = site
    SHOTS.mkdir(parents=True, exist_ok=True)
    _open(browser, report / "index.html")
    browser.set_window_size(1280, 1500)
    assert browser.save_screenshot(str(SHOTS / "overview.png"))
    _open(browser, report / "docs" / page_name("tiznit-cooperatives"))
    browser.set_window_size(1280, 820)
    assert browser.save_screenshot(str(SHOTS / "document.png"))
    assert min((SHOTS / n).stat().st_size for n in ("overview.png", "document.png")) > 20_000
