"""The `communique` command: a thin layer over pure functions."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .errors import ExtractorError
from .io import DEFAULT_MAX_BYTES
from .pipeline import DEFAULT_MODEL

DEFAULT_INPUT = "corpus"
DEFAULT_OUTPUT = "output"


def _formats(value: str) -> list[str]:
    from .tables import FORMATS

    out = [v.strip() for v in value.split(",") if v.strip()]
    bad = [v for v in out if v not in FORMATS]
    if bad:
        raise argparse.ArgumentTypeError(f"unknown format(s) {bad}; choose from {', '.join(FORMATS)}")
    return out


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="communique", description="French communiqués into structured JSON records.")
    p.add_argument("--version", action="version", version=f"communique-extractor {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    ex = sub.add_parser("extract", help="extract records from files and folders")
    ex.add_argument("paths", nargs="*", metavar="PATH",
                    help=f"files or folders (read recursively); default: {DEFAULT_INPUT}/")
    ex.add_argument("-o", "--output", default=None, help=f"output folder (default: {DEFAULT_OUTPUT}/)")
    ex.add_argument("--model", default=DEFAULT_MODEL, help="spaCy French pipeline package")
    ex.add_argument("--fast", action="store_true", help="skip the dependency parser (faster, a little less exact)")
    ex.add_argument("--workers", type=int, default=None, help="worker processes (default: one per core)")
    ex.add_argument("--batch-size", type=int, default=16, help="documents per nlp.pipe batch")
    ex.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES, help="larger files become errors")
    ex.add_argument("--format", type=_formats, default=["jsonl"],
                    help="comma-separated outputs among jsonl,csv,parquet (tables beside records.jsonl)")
    ex.add_argument("--force", action="store_true", help="redo documents even when unchanged")
    ex.add_argument("-q", "--quiet", action="store_true", help="no progress bar")

    sub.add_parser("schema", help="print the JSON Schema of a record")
    return p


def cmd_extract(args: argparse.Namespace) -> int:
    from .batch import run_batch, stderr_progress

    paths = args.paths or [DEFAULT_INPUT]
    outdir = args.output or DEFAULT_OUTPUT
    if args.workers is not None and args.workers < 1:
        print("communique: --workers must be at least 1", file=sys.stderr)
        return 2
    try:
        summary = run_batch(paths, outdir, model=args.model, fast=args.fast, workers=args.workers,
                            batch_size=max(1, args.batch_size), max_bytes=args.max_bytes, force=args.force,
                            formats=args.format, progress=stderr_progress(args.quiet))
    except FileNotFoundError as e:
        print(f"communique: no such file or folder: {e}", file=sys.stderr)
        return 2
    print(f"communique: {summary.line()} -> {Path(outdir) / 'records.jsonl'}", file=sys.stderr)
    return 1 if summary.errors else 0


def cmd_schema(args: argparse.Namespace) -> int:
    from .records import record_schema

    print(json.dumps(record_schema(), indent=2, ensure_ascii=False))
    return 0


COMMANDS = {"extract": cmd_extract, "schema": cmd_schema}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except ExtractorError as e:
        print(f"communique: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("communique: interrupted; outputs left as they were before this run", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
