"""Memory of the batch's duplicate pass alone, in memory (`dupes.Plan`) against on disk (`dupstore.DupStore`).

    .venv/bin/python bench/duppass.py                      # 1 000 and 10 000 documents
    .venv/bin/python bench/duppass.py --docs 1000,10000,50000

Each run is a fresh process: N made-up record lines (1-3 allocations over a few funders, amounts,
places and dates, so allocations link) in a partial file, with signatures of stories of many near-copies
(like `bench/cluster.py`'s corpus: every text has dozens of same-story siblings). It does what
`batch._extract_into` does from the first result on: note each line (id, position, length, signature),
then the duplicate pass and every line written to records.jsonl. Printed: the peak of Python
allocations (tracemalloc) and the peak RSS over the process's RSS before the pass (SQLite's own
allocations are not seen by tracemalloc), and the seconds.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractor.dupes import NUM_PERM, Plan, bands, restamp  # noqa: E402
from extractor.dupstore import DupStore  # noqa: E402
from extractor.flags import load_flags  # noqa: E402
from extractor.records import Communique  # noqa: E402

FUNDERS = ["INDH", "Agence du Sud", "AFD", "Conseil régional", None]
PLACES = ["Taroudant", "Igli", "Tiznit", "Ouarzazate", "Agadir", "Guelmim"]


def make(n: int, folder: Path, seed: int = 3) -> tuple[Path, list[tuple[str, bytes]]]:
    """The partial file of N record lines (input order) and each document's (id, signature)."""
    rng = np.random.default_rng(seed)
    amount = {"text": "4,2 MDH", "start": 0, "end": 7, "value": 4.2e6, "currency": "MAD"}
    base = json.loads(Communique.model_validate({
        "schema_version": "1.1", "id": "x", "source": "x.txt", "text_sha256": "0" * 64, "amounts": [amount],
        "extractor": {"version": "t", "model": "m", "patterns_sha256": "p"}}).model_dump_json())
    stories = [rng.integers(0, 2**32, NUM_PERM, dtype=np.uint64) for _ in range(max(1, n // 40))]
    path, sigs = folder / "partial", []
    with path.open("wb") as fh:
        for k in range(n):
            rid = f"doc-{int(rng.integers(0, 10**9)):09d}-{k}"
            sig = stories[int(rng.integers(0, len(stories)))].copy()
            edited = rng.random(NUM_PERM) < rng.uniform(0.0, 0.6)
            sig[edited] = rng.integers(0, 2**32, int(edited.sum()), dtype=np.uint64)
            rec = dict(base, id=rid, source=f"{rid}.txt",
                       date=f"20{rng.integers(20, 23)}-{rng.integers(1, 13):02d}-{rng.integers(1, 29):02d}")
            rec["allocations"] = [{"amount": dict(amount, value=float(rng.choice([5e5, 1e6, 4.2e6, 7e6]))),
                                   "amount_index": 0, "funder": FUNDERS[int(rng.integers(0, len(FUNDERS)))],
                                   "places": [p for p in PLACES if rng.random() < 0.25],
                                   "evidence": {"text": "4,2 MDH", "start": 0, "end": 7}}
                                  for _ in range(int(rng.integers(1, 4)))]
            fh.write(json.dumps(rec, ensure_ascii=False).encode() + b"\n")
            sigs.append((rid, sig.astype("<u4").tobytes()))
    return path, sigs


def _rss() -> int:
    return int(Path("/proc/self/statm").read_text().split()[1]) * resource.getpagesize()


def measure(how: str, n: int) -> dict[str, float]:
    """One pass over N documents, `how` = memory or disk; the figures of this process."""
    with tempfile.TemporaryDirectory() as tmp:
        path, sigs = make(n, Path(tmp))
        sizes = [len(line) for line in path.open("rb")]
        defs = load_flags()
        bands()  # imports and one-time set-up out of the measure: datasketch's LSH parameters, a restamp
        with path.open("rb") as part:
            restamp(part.readline(), "x", {0: ("x", 0)}, defs)
        out = Path(tmp) / "records.jsonl"
        before, t0 = _rss(), time.perf_counter()
        tracemalloc.start()
        with path.open("rb") as part, out.open("wb") as fh:
            def read(pos: int, length: int) -> bytes:
                part.seek(pos)
                return part.read(length)

            if how == "memory":
                _in_memory(sigs, sizes, read, fh)
            else:
                _on_disk(Path(tmp), sigs, sizes, read, defs, fh)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        seconds = time.perf_counter() - t0
        maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {"traced_mb": peak / 1e6, "rss_growth_mb": max(0, maxrss - before) / 1e6, "seconds": seconds}


def _in_memory(sigs: list[tuple[str, bytes]], sizes: list[int], read, fh) -> None:
    """What the batch did before dupstore: an index list, a dict of signatures, a set of ids, `Plan`."""
    index, signatures, seen, pos = [], {}, set(), 0
    for (rid, sig), size in zip(sigs, sizes, strict=True):
        seen.add(rid)
        index.append((rid, pos, size))
        signatures[rid] = sig
        pos += size
    index.sort(key=lambda x: x[0])
    plan = Plan.build(((rid, read(p, ln)) for rid, p, ln in index), signatures)
    for rid, p, ln in index:
        fh.write(plan.line(rid, read(p, ln)))


def _on_disk(tmp: Path, sigs: list[tuple[str, bytes]], sizes: list[int], read, defs, fh) -> None:
    pos = 0
    with DupStore(tmp) as store:
        for (rid, sig), size in zip(sigs, sizes, strict=True):
            store.claim(rid)
            store.place(rid, pos, size, sig)
            pos += size
        store.build(read)
        for line in store.lines(read, defs):
            fh.write(line)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", default="1000,10000")
    ap.add_argument("--one", nargs=2, help=argparse.SUPPRESS)  # memory|disk N: one measure, in this process
    args = ap.parse_args()
    if args.one:
        print(json.dumps(measure(args.one[0], int(args.one[1]))))
        return
    print("| documents | pass | Python peak (tracemalloc) | peak RSS over the start | seconds |")
    print("|---|---|---|---|---|")
    for n in [int(x) for x in args.docs.split(",")]:
        for how in ("memory", "disk"):
            out = subprocess.run([sys.executable, __file__, "--one", how, str(n)], capture_output=True, text=True,
                                 check=True).stdout
            r = json.loads(out.strip().splitlines()[-1])
            print(f"| {n} | {how} | {r['traced_mb']:.1f} MB | {r['rss_growth_mb']:.1f} MB | {r['seconds']:.1f} |",
                  flush=True)


if __name__ == "__main__":
    main()
