"""The `communique` command: a thin layer over pure functions."""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
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


FAST_HELP = ("rule-only pipeline, no statistical model parts: about 2.3x the throughput, core F1 0.01 lower "
             "on the dev set (bench/README.md)")
"""The `--fast` figures, as measured by bench/run.py and stated in the README (a test keeps them equal)."""


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="communique", description="French communiqués into structured JSON records.")
    p.add_argument("--version", action="version", version=f"communique-extractor {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    ex = sub.add_parser("extract", help="extract records from files and folders")
    ex.add_argument("paths", nargs="*", metavar="PATH",
                    help=f"files or folders (read recursively); default: {DEFAULT_INPUT}/")
    ex.add_argument("-o", "--output", default=None, help=f"output folder (default: {DEFAULT_OUTPUT}/)")
    ex.add_argument("--model", default=DEFAULT_MODEL, help="spaCy French pipeline package (default: %(default)s)")
    ex.add_argument("--fast", action="store_true", help=FAST_HELP)
    ex.add_argument("--workers", type=int, default=None, help="worker processes (default: one per core)")
    ex.add_argument("--scheduler", default=None, metavar="ADDRESS|local:N",
                    help="run on a Dask cluster: a scheduler address (tcp://HOST:8786) or local:N for a "
                         "LocalCluster of N worker processes (README, Running on a cluster); --workers is ignored")
    ex.add_argument("--batch-size", type=int, default=16, help="documents per nlp.pipe batch (default: %(default)s)")
    ex.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES,
                    help="files (and JSONL lines) larger than this become errors (default: %(default)s, 20 MB)")
    ex.add_argument("--format", type=_formats, default=["jsonl"],
                    help="comma-separated outputs among jsonl,csv,parquet (tables beside records.jsonl; "
                         "default: jsonl)")
    ex.add_argument("--force", action="store_true", help="redo documents even when unchanged")
    ex.add_argument("--store-text", action="store_true",
                    help="keep the analysed text in each record's metadata.text (to check offsets)")
    ex.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    ex.add_argument("--wait", action="store_true",
                    help="when another run is using OUTDIR, wait for it to end (default: exit 2 at once)")

    sub.add_parser("schema", help="print the JSON Schema of a record")
    _eval_parsers(sub)
    _report_parser(sub)
    return p


def cmd_extract(args: argparse.Namespace) -> int:
    from .batch import run_batch, stderr_progress

    paths = args.paths or [DEFAULT_INPUT]
    outdir = args.output or DEFAULT_OUTPUT
    for name in ("workers", "batch_size", "max_bytes"):
        value = getattr(args, name)
        if value is not None and value < 1:
            print(f"communique: --{name.replace('_', '-')} must be at least 1", file=sys.stderr)
            return 2
    try:
        summary = run_batch(paths, outdir, model=args.model, fast=args.fast, workers=args.workers,
                            batch_size=args.batch_size, max_bytes=args.max_bytes, force=args.force,
                            formats=args.format, store_text=args.store_text,
                            progress=stderr_progress(args.quiet), wait=args.wait, notify=_say,
                            scheduler=args.scheduler)
    except FileNotFoundError as e:  # an input (OUTDIR problems are OutputError, handled in main)
        print(f"communique: no such file or folder: {e}", file=sys.stderr)
        return 2
    print(f"communique: {summary.line()} -> {Path(outdir) / 'records.jsonl'}", file=sys.stderr)
    return 1 if summary.errors else 0


def _say(message: str) -> None:
    print(f"communique: {message}", file=sys.stderr)


def cmd_schema(args: argparse.Namespace) -> int:
    from .records import record_schema

    print(json.dumps(record_schema(), indent=2, ensure_ascii=False))
    return 0


def _eval_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """`eval` and `annotations`: scoring against gold sets, doccano / Label Studio interop."""
    ev = sub.add_parser("eval", help="score the extractor (or given records) against gold folders")
    ev.add_argument("gold_dirs", nargs="+", metavar="GOLD_DIR", help="folders of NAME.txt + NAME.gold.json")
    ev.add_argument("--records", help="score this records.jsonl instead of extracting the gold texts")
    ev.add_argument("--json", metavar="FILE", help="write {field: {p, r, f1, tp, fp, fn}} to FILE")
    ev.add_argument("--per-doc", action="store_true",
                    help="what each document missed and added, value by value, and whether review flags "
                         "mark wrong values (precision of flagged against unflagged ones)")
    ev.add_argument("--update-thresholds", metavar="FILE",
                    help="raise (never lower) this gold set's F1 floors in FILE (e.g. tests/thresholds.json)")
    ev.add_argument("--model", default=DEFAULT_MODEL, help="spaCy French pipeline package (default: %(default)s)")
    ev.add_argument("--fast", action="store_true", help="rule-only pipeline (see extract --fast)")
    ev.add_argument("--workers", type=int, default=1, help="worker processes for the extraction (default: %(default)s)")

    an = sub.add_parser("annotations", help="doccano / Label Studio span annotations <-> gold files and records")
    an_sub = an.add_subparsers(dest="annotations_command", required=True)
    imp = an_sub.add_parser("import", help="annotation export -> NAME.txt + NAME.gold.json pairs")
    imp.add_argument("file", metavar="FILE", help="doccano JSONL or Label Studio JSON export")
    imp.add_argument("--from", dest="tool", required=True, choices=["doccano", "labelstudio"])
    imp.add_argument("-o", "--output", required=True, help="folder for the text + gold pairs")
    imp.add_argument("--fields", help="comma-separated gold fields to write (default: see docs/annotations.md)")
    imp.add_argument("--predictions", action="store_true",
                     help="Label Studio: use a task's prediction when it has no annotation")
    exp = an_sub.add_parser("export", help="records -> pre-annotations to correct in doccano / Label Studio")
    exp.add_argument("records", metavar="RECORDS.jsonl")
    exp.add_argument("--to", dest="tool", required=True, choices=["doccano", "labelstudio"])
    exp.add_argument("-o", "--output", required=True, help="file to write (JSONL for doccano, JSON for Label Studio)")
    exp.add_argument("--texts", metavar="DIR", help="read ID.txt here instead of each record's source path")


def cmd_eval(args: argparse.Namespace) -> int:
    from . import scoring

    missing_dirs = [d for d in args.gold_dirs if not Path(d).is_dir()]
    if missing_dirs:
        print(f"communique: no such gold folder: {', '.join(missing_dirs)}", file=sys.stderr)
        return 2
    if args.update_thresholds and len(args.gold_dirs) != 1:
        print("communique: --update-thresholds takes one gold folder at a time", file=sys.stderr)
        return 2
    golds = scoring.load_gold(args.gold_dirs)
    if args.records:
        records = scoring.load_records(args.records)
    else:
        records, failures = scoring.extract_gold_set(args.gold_dirs, workers=max(1, args.workers),
                                                     model=args.model, fast=args.fast)
        for f in failures:
            print(f"communique: failed: {f}", file=sys.stderr)
    report = scoring.evaluate(golds, records)
    if args.per_doc:
        from .flag_eval import flag_precision, flag_table

        print(report.per_doc())
        print(flag_table(flag_precision(golds, records)))
    print(report.table())
    if args.json:
        Path(args.json).write_text(json.dumps(report.as_json(), indent=1) + "\n", encoding="utf-8")
    if args.update_thresholds:
        name = scoring.threshold_set_name(args.gold_dirs[0], args.update_thresholds)
        floors = scoring.update_thresholds(args.update_thresholds, name, report)
        print(f"communique: floors of {name!r} in {args.update_thresholds}: "
              + ", ".join(f"{k}={v:.2f}" for k, v in floors.items()), file=sys.stderr)
    return 0


def cmd_annotations(args: argparse.Namespace) -> int:
    from .annotations import export_file, import_file  # (`from . import annotations` is the __future__ flag)

    if args.annotations_command == "import":
        fields = [f.strip() for f in args.fields.split(",") if f.strip()] if args.fields else None
        result = import_file(args.file, args.tool, args.output, fields=fields, use_predictions=args.predictions)
    else:
        result = export_file(args.records, args.tool, args.output, texts_dir=args.texts)
    for w in result.warnings:
        print(f"communique: {w}", file=sys.stderr)
    print(f"communique: {result.line()}", file=sys.stderr)
    return 1 if result.failed else 0


def _report_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from .report.command import add_parser

    add_parser(sub)


def cmd_report(args: argparse.Namespace) -> int:
    from .report.command import run

    return run(args)


COMMANDS = {"extract": cmd_extract, "schema": cmd_schema, "eval": cmd_eval, "annotations": cmd_annotations,
            "report": cmd_report}


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised where the program is, so it stops as it does on Ctrl-C."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise_terminated(signum: int, _frame: object) -> None:
    raise Terminated(signum)


@contextlib.contextmanager
def _term_like_ctrl_c() -> Iterator[None]:
    """TERM and HUP stop the command as Ctrl-C does (workers stopped, outputs left as they were)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = {s: signal.signal(s, _raise_terminated) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        with _term_like_ctrl_c():
            return COMMANDS[args.command](args)
    except ExtractorError as e:
        print(f"communique: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as e:
        signum = e.signum if isinstance(e, Terminated) else signal.SIGINT
        print(f"communique: interrupted ({signal.Signals(signum).name}); records.jsonl is never left "
              "half-written and the next run resumes where this one stopped", file=sys.stderr)
        return 128 + signum


if __name__ == "__main__":
    sys.exit(main())
