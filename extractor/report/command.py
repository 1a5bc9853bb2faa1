"""`communique report OUTDIR`: the argument parser and the thin command over `build_report`."""

from __future__ import annotations

import argparse
import sys


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register `report` on the `communique` command's subparsers."""
    rp = sub.add_parser("report", help="an offline HTML report of OUTDIR/records.jsonl in OUTDIR/report/")
    rp.add_argument("outdir", metavar="OUTDIR", help="the folder `communique extract` wrote (holds records.jsonl)")
    rp.add_argument("--records", metavar="FILE", help="read these records instead of OUTDIR/records.jsonl")
    rp.add_argument("--rates", metavar="FILE",
                    help='JSON {"base": "MAD", "rates": {"EUR": 10.8, ...}}: also show every sum in the base currency')
    rp.add_argument("--texts-base", metavar="DIR",
                    help="folder that records' relative `source` paths start from (default: the current folder)")


def run(args: argparse.Namespace) -> int:
    """Build the report; exit 0, or 2 with one line on stderr (ReportError is handled by the caller)."""
    from .site import build_report

    result = build_report(args.outdir, records=args.records, rates=args.rates, texts_base=args.texts_base)
    print(f"communique: {result.line()}", file=sys.stderr)
    return 0
