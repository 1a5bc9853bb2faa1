"""Peak memory and time of ONE long document, realistic or hostile, at several sizes: one table.

    .venv/bin/python bench/longtext.py                         # 200k,1m,2m x realistic,hostile
    .venv/bin/python bench/longtext.py --sizes 20m --kinds realistic --timeout 1800
    .venv/bin/python bench/longtext.py --sizes 200k --kinds realistic,dates --profile

Each measurement runs in a fresh process that loads the pipeline, builds the text and sends it
through the path the CLI and the API share (`runner.process_chunk`), one document; the parent
samples the peak RSS of that process (psutil, every 0.1 s; model included) and kills it when it
passes `--max-rss-gb` or `--timeout` (the row then says `>`), so a runaway never endangers the
machine. `seconds` is the analysis alone (model loading excluded), wall-clock; `CPU seconds` the
same in CPU time of the process (what the analysis costs, whatever else the machine runs); `load`
the RSS before it.

Kinds: `realistic` concatenates the texts of corpus/ (a long report); `dates` repeats dated
sentences; `hostile` mixes, in equal parts, deep brackets, one whitespace-free word, bare newlines
and control characters; `brackets`, `word`, `newlines`, `controls` are each of those alone.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import PeakRSS

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("realistic", "dates", "hostile", "brackets", "word", "newlines", "controls")
_DATED = ("Le 12 mai 2021, puis le 3 juin 2022 et en mars 2023, la commune a reçu 1,5 MDH "
          "pour 42 coopératives, du 1er au 15 janvier 2024 (soit 2.000 bénéficiaires).\n")


def parse_size(s: str) -> int:
    """`200k` -> 200 000 characters, `2m` -> 2 000 000."""
    s = s.strip().lower()
    mult = {"k": 1_000, "m": 1_000_000}.get(s[-1:], 1)
    return int(float(s.rstrip("km")) * mult)


def _fill(unit: str, size: int) -> str:
    return (unit * (size // max(1, len(unit)) + 1))[:size]


def make_text(kind: str, size: int) -> str:
    """A text of `size` characters of the given kind."""
    if kind == "realistic":
        texts = [f.read_text(encoding="utf-8").strip() for f in sorted((ROOT / "corpus").rglob("*.txt"))]
        return _fill("\n\n".join(texts) + "\n\n", size)
    if kind == "dates":
        return _fill(_DATED, size)
    if kind == "brackets":
        return "(" * size
    if kind == "word":
        return _fill("abcdefghij", size)
    if kind == "newlines":
        return "\n" * size
    if kind == "controls":
        return _fill("".join(chr(c) for c in (*range(0, 9), *range(11, 32), 127)) + " 3 MDH \x00", size)
    if kind == "hostile":
        q = size // 4
        parts = [make_text(k, q) for k in ("brackets", "word", "newlines", "controls")]
        return "".join(parts) + "(" * (size - 4 * q)
    raise SystemExit(f"unknown kind {kind!r}")


def child(kind: str, size: int, profile: bool, model_only: bool = False, record_out: str | None = None) -> None:
    """In the measured process: load, then analyse one document as the CLI does; JSON on stdout.

    `model_only`: the long-text path without the project's components (model pieces and the joined
    Doc alone), to measure that part's memory at sizes the components take long over."""
    import resource

    from extractor import pieces
    from extractor.io import Document
    from extractor.pipeline import load_pipeline
    from extractor.runner import Options, process_chunk

    if model_only:
        pieces.own_components = lambda nlp: []  # type: ignore[assignment]

    load_pipeline()
    process_chunk([Document("warm", "warm", "Rabat, 1er mai 2021 (MAP) - 3 MDH pour 12 écoles.")], Options())
    text = make_text(kind, size)
    load = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    prof = cProfile.Profile() if profile else None
    t0, c0 = time.perf_counter(), time.process_time()
    if prof:
        prof.enable()
    [res] = process_chunk([Document(f"{kind}-{size}", "bench", text)], Options())
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    if prof:
        prof.disable()
        pstats.Stats(prof, stream=sys.stderr).sort_stats("cumulative").print_stats(30)
    if record_out and res.record_json:  # read by the parent: parsing it here would count in the peak
        with open(record_out, "w", encoding="utf-8") as f:
            for i in range(0, len(res.record_json), 1 << 20):
                f.write(res.record_json[i:i + (1 << 20)])
    print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "load_gb": load / 1e9, "ok": res.failure is None,
                      "error": res.failure.message[:200] if res.failure else None}))


def _counts(path: Path) -> dict[str, int]:
    """Amounts and dates of the record the child wrote (parsed here, outside the measured process)."""
    if not path.is_file() or not path.stat().st_size:
        return {}
    rec = json.loads(path.read_text(encoding="utf-8"))
    return {"amounts": len(rec.get("amounts", [])), "dates": len(rec.get("dates", []))}


def measure(kind: str, size: int, timeout: float, max_rss_gb: float, profile: bool, model_only: bool = False
            ) -> dict[str, Any]:
    """One fresh process for one (kind, size); its peak RSS, killed past the limits."""
    tmp = tempfile.TemporaryDirectory()
    record = Path(tmp.name) / "record.json"
    cmd = [sys.executable, __file__, "--child", kind, str(size), *(["--profile"] if profile else []),
           *(["--model-only"] if model_only else []), "--record-out", str(record)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    killed = None
    t0 = time.perf_counter()
    with PeakRSS(proc.pid) as rss:
        while proc.poll() is None:
            if rss.peak > max_rss_gb * 1e9:
                killed = "rss"
            elif time.perf_counter() - t0 > timeout:
                killed = "time"
            if killed:
                proc.kill()
                break
            time.sleep(0.1)
        out = proc.communicate()[0]
    label = kind + (" (model only)" if model_only else "")
    row: dict[str, Any] = {"kind": label, "size": size, "peak_rss_gb": rss.peak / 1e9, "killed": killed}
    if not killed and out.strip():
        row.update(json.loads(out.strip().splitlines()[-1]))
        row.update(_counts(record))
    elif killed == "time":
        row["seconds"] = timeout
    tmp.cleanup()
    return row


def table(rows: list[dict[str, Any]]) -> str:
    lines = ["| text | size | seconds | CPU seconds | peak RSS (GB) | model loaded (GB) | result |",
             "|---|---|---|---|---|---|---|"]
    for r in rows:
        t = f">{r['seconds']:.0f}" if r["killed"] == "time" else (
            "-" if r.get("seconds") is None else f"{r['seconds']:.1f}")
        m = f">{r['peak_rss_gb']:.1f}" if r["killed"] == "rss" else f"{r['peak_rss_gb']:.2f}"
        res = f"killed ({r['killed']})" if r["killed"] else (
            "ok" if r.get("ok") else f"error: {r.get('error')}")
        load = f"{r['load_gb']:.2f}" if r.get("load_gb") else "-"
        cpu = f"{r['cpu_seconds']:.1f}" if r.get("cpu_seconds") is not None else "-"
        lines.append(f"| {r['kind']} | {r['size'] / 1e6:g} M chars | {t} | {cpu} | {m} | {load} | {res} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="200k,1m,2m", help="comma-separated sizes in characters (k, m)")
    ap.add_argument("--kinds", default="realistic,hostile", help=f"comma-separated subset of {','.join(KINDS)}")
    ap.add_argument("--timeout", type=float, default=600, help="seconds before a measurement is killed")
    ap.add_argument("--max-rss-gb", type=float, default=6.0, help="peak RSS at which a measurement is killed")
    ap.add_argument("--profile", action="store_true", help="cProfile of the analysis on stderr")
    ap.add_argument("--model-only", action="store_true",
                    help="leave out the project's components (memory of the model pieces and joined Doc)")
    ap.add_argument("--json", type=Path, help="also write the rows as JSON")
    ap.add_argument("--child", nargs=2, metavar=("KIND", "SIZE"), help=argparse.SUPPRESS)
    ap.add_argument("--record-out", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.child:
        child(a.child[0], int(a.child[1]), a.profile, a.model_only, a.record_out)
        return 0
    rows = []
    for size in (parse_size(s) for s in a.sizes.split(",")):
        for kind in a.kinds.split(","):
            rows.append(measure(kind, size, a.timeout, a.max_rss_gb, a.profile, a.model_only))
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    print(table(rows))
    if a.json:
        a.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
