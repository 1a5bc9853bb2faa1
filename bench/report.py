"""Build time of `communique report` for N records, and page-open time in headless Chromium.

    .venv/bin/python bench/report.py --records 10000

Extracts corpus/ once (with --store-text, so every page has its text), copies the records under new ids
up to N (every tenth copy marked a repost, so duplicates are exercised), times `communique report` in a
fresh process (start-up and data loading included), then opens the overview and one document page in
headless Chromium (Debian's chromium + chromium-driver) three times each: the time until the page's
load event and its script drew the tables. Targets (issue 12): build ≤ 60 s, overview open ≤ 3 s.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent / "communique"
TARGETS = {"build_s": 60.0, "overview_open_s": 3.0}


def make_records(n: int, work: Path) -> Path:
    """N records cycled from corpus/ (ids `ID~k`), one in ten a repost of the record before it."""
    subprocess.run([str(BIN), "extract", str(ROOT / "corpus"), "-o", str(work / "seed"), "--store-text", "-q",
                    "--workers", "1"], check=True)
    seed = [json.loads(x) for x in (work / "seed" / "records.jsonl").read_text("utf-8").splitlines()]
    out = work / "out"
    out.mkdir()
    with (out / "records.jsonl").open("w", encoding="utf-8") as fh:
        for k in range(n):
            rec = dict(seed[k % len(seed)])
            rec["id"] = f"{rec['id']}~{k // len(seed)}"
            if k >= len(seed) and k % 10 == 0:
                rec["duplicate_of"] = f"{seed[k % len(seed)]['id']}~0"
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return out


def open_times(pages: list[Path], repeat: int = 3) -> list[float]:
    """Median seconds to open each page: navigation start to load event, plus the script's first draw."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    opts = Options()
    opts.binary_location = shutil.which("chromium") or "chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900"):
        opts.add_argument(arg)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "chromedriver"), options=opts)
    try:
        medians = []
        for page in pages:
            runs = []
            for _ in range(repeat):
                driver.get("about:blank")
                t0 = time.perf_counter()
                driver.get(page.as_uri())  # returns after the load event (scripts have run)
                runs.append(time.perf_counter() - t0)
            medians.append(statistics.median(runs))
        return medians
    finally:
        driver.quit()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=10_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        out = make_records(args.records, Path(tmp))
        t0 = time.perf_counter()
        subprocess.run([str(BIN), "report", str(out)], check=True, cwd=ROOT)
        build = time.perf_counter() - t0
        site = out / "report"
        pages = sorted((site / "docs").iterdir())
        overview, doc = open_times([site / "index.html", pages[len(pages) // 2]])
        size = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
        result = {"records": args.records, "build_s": round(build, 2), "overview_open_s": round(overview, 3),
                  "document_open_s": round(doc, 3), "index_mb": round((site / "index.html").stat().st_size / 1e6, 2),
                  "site_mb": round(size / 1e6, 1), "load_avg": os.getloadavg()}
    print(json.dumps(result))
    ok = result["build_s"] <= TARGETS["build_s"] and result["overview_open_s"] <= TARGETS["overview_open_s"]
    print(f"targets: build <= {TARGETS['build_s']} s, overview open <= {TARGETS['overview_open_s']} s: "
          f"{'met' if ok else 'MISSED'}", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
