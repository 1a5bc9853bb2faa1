"""What faults cost: batch throughput, an all-unchanged re-run, and how long a killed or terminated
run leaves processes behind, for this tree and (side by side, same run) another checkout.

    .venv/bin/python bench/faults.py --docs 600                       # this tree only
    .venv/bin/python bench/faults.py --docs 600 --against /path/to/other/checkout

Each checkout runs as `python -m extractor extract` with the checkout as working directory (so its
own `extractor` package is imported), over the same synthetic corpus (texts of `corpus/` cycled).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parent.parent


def make_corpus(folder: Path, n: int) -> None:
    texts = sorted((ROOT / "corpus").glob("*.txt"))
    folder.mkdir(parents=True)
    for i in range(n):
        src = texts[i % len(texts)]
        (folder / f"{i:05d}-{src.name}").write_text(src.read_text(encoding="utf-8") + f"\n(copie {i})\n")


def extract(tree: Path, inputs: Path, out: Path, *extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "extractor", "extract", "-q", str(inputs), "-o", str(out),
                             *extra], cwd=tree, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def timed(tree: Path, inputs: Path, out: Path, *extra: str) -> dict[str, float]:
    t0 = time.perf_counter()
    rc = extract(tree, inputs, out, *extra).wait()
    s = json.loads((out / "summary.json").read_text())
    return {"rc": rc, "wall_s": round(time.perf_counter() - t0, 1), "docs_per_s": s["docs_per_second"],
            "unchanged": s["unchanged"]}


def leftovers_after(tree: Path, inputs: Path, out: Path, how: str, workers: int) -> dict[str, Any]:
    """Start a run, wait until its workers are busy, kill (or TERM) the main process; then measure
    how long its descendants stay alive (given up after 30 s, and then killed)."""
    proc = extract(tree, inputs, out, "--force", "--workers", str(workers), "--batch-size", "1")
    main = psutil.Process(proc.pid)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        kids = main.children(recursive=True)
        if len([k for k in kids if _rss(k) > 300e6]) >= workers:  # workers loaded their model
            break
        time.sleep(0.2)
    time.sleep(3)
    kids = main.children(recursive=True)
    t0 = time.perf_counter()
    proc.kill() if how == "kill" else proc.terminate()
    rc = proc.wait()
    exit_s = time.perf_counter() - t0
    _gone, alive = psutil.wait_procs(kids, timeout=30)
    left_rss = sum(_rss(p) for p in alive)
    for p in alive:
        p.kill()
    return {"rc": rc, "main_exit_s": round(exit_s, 2), "descendants": len(kids),
            "all_gone_s": round(time.perf_counter() - t0, 2) if not alive else None,
            "left_after_30s": len(alive), "left_rss_mb": round(left_rss / 1e6)}


def _rss(p: psutil.Process) -> int:
    try:
        return p.memory_info().rss
    except psutil.Error:
        return 0


def measure(tree: Path, inputs: Path, work: Path, workers: int) -> dict[str, Any]:
    out = work / "out"
    shutil.rmtree(out, ignore_errors=True)
    res: dict[str, Any] = {"batch": timed(tree, inputs, out, "--force", "--workers", str(workers))}
    res["rerun_unchanged"] = timed(tree, inputs, out, "--workers", str(workers))
    res["kill9_main"] = leftovers_after(tree, inputs, work / "out-kill", "kill", workers)
    res["term_main"] = leftovers_after(tree, inputs, work / "out-term", "term", workers)
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=600)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--against", type=Path, help="another checkout to measure side by side")
    ap.add_argument("--against-first", action="store_true", help="measure the other checkout first (load drift)")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    trees = {"this": ROOT, **({"against": args.against.resolve()} if args.against else {})}
    if args.against_first:
        trees = dict(reversed(list(trees.items())))
    with tempfile.TemporaryDirectory(prefix="bench-faults-") as tmp:
        inputs = Path(tmp) / "in"
        make_corpus(inputs, args.docs)
        results = {}
        for name, tree in trees.items():
            (Path(tmp) / name).mkdir()
            results[name] = measure(tree, inputs, Path(tmp) / name, args.workers)
    rows = [(f"{sec}.{k}", {n: r[sec][k] for n, r in results.items()})
            for sec in results["this"] for k in results["this"][sec]]
    results = {n: results[n] for n in sorted(results, key=lambda n: n != "this")}
    print(f"{'measure':32}" + "".join(f"{n:>14}" for n in results))
    for label, vals in rows:
        print(f"{label:32}" + "".join(f"{vals[n]!s:>14}" for n in results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
