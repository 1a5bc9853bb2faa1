"""The batch on a Dask cluster against the local worker processes, side by side in one run.

    .venv/bin/python bench/cluster.py                       # 3 000 documents; client RSS at 1 000 and 10 000
    .venv/bin/python bench/cluster.py --docs 600 --client-docs 200,1000     # a quick look

Builds N documents from the texts of corpus/ (each copy varied: its paragraphs rotated and one
sentence of its own with another amount, place and count), then runs `communique extract` in a
fresh process, as users do:

- `--workers 2` against `--scheduler local:2` (a LocalCluster of two one-thread worker processes)
  on the same documents: throughput of each (start-up included: pool or cluster, model loads)
  and their ratio (target >= 0.9), records checked byte-identical;
- the client's peak RSS (the `communique` process alone: with `local:N` it also hosts the
  scheduler) at two corpus sizes, with `--fast` to keep the big one short (the client's memory
  does not depend on the pipeline mode): target within 10%;
- the peak RSS of each worker process;
- the cost model: CPU-seconds of the worker processes per document and per MB of text, and what
  that makes for 1 M and 10 M documents (core-hours; hours on W one-thread workers).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PLACES = ("Tiznit", "Settat", "Khouribga", "Ouarzazate", "Taza", "Essaouira", "Nador", "Errachidia", "Safi")
TARGETS = {"ratio": 0.9, "client_growth": 0.10}


def make_corpus(folder: Path, n: int) -> float:
    """N varied documents from corpus/ texts into `folder`; their total size in MB."""
    texts = [f.read_text(encoding="utf-8") for f in sorted((ROOT / "corpus").rglob("*.txt"))]
    if not texts:
        sys.exit("bench: no .txt under corpus/")
    folder.mkdir(parents=True, exist_ok=True)
    size = 0
    for i in range(n):
        paras = [p for p in texts[i % len(texts)].split("\n") if p.strip()]
        k = (i // len(texts)) % max(1, len(paras) - 1)
        body = [paras[0], *paras[1:][k:], *paras[1:][:k]]  # the first line (dateline) stays first
        body.append(f"Une enveloppe complémentaire de {i % 90 + 1},{i % 10} millions de dirhams est prévue à "
                    f"{PLACES[i % len(PLACES)]} pour {i % 400 + 20} bénéficiaires.")
        data = ("\n".join(body) + "\n").encode("utf-8")
        (folder / f"bench-{i:06d}.txt").write_bytes(data)
        size += len(data)
    return size / 1e6


class Watch:
    """Peak RSS of a process and, separately, of each of its descendants; their CPU seconds."""

    def __init__(self, pid: int) -> None:
        import psutil

        self.proc = psutil.Process(pid)
        self.main_peak = 0
        self.child_peak: dict[int, int] = {}
        self.cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        import psutil

        try:
            kids = self.proc.children(recursive=True)
            self.main_peak = max(self.main_peak, self.proc.memory_info().rss)
        except psutil.Error:
            return
        for p in kids:
            try:
                self.child_peak[p.pid] = max(self.child_peak.get(p.pid, 0), p.memory_info().rss)
                t = p.cpu_times()
                self.cpu[p.pid] = t.user + t.system
            except psutil.Error:
                pass

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            time.sleep(0.1)

    def __enter__(self) -> Watch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def run(folder: Path, out: Path, how: list[str], fast: bool) -> dict[str, Any]:
    """`communique extract` in a fresh process; its summary, the client's and workers' peaks, CPU."""
    cmd = [sys.executable, "-m", "extractor", "extract", str(folder), "-o", str(out), "-q", "--force", *how,
           *(["--fast"] if fast else [])]
    proc = subprocess.Popen(cmd, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    with Watch(proc.pid) as w:
        _, err = proc.communicate()
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"run {how} failed ({proc.returncode}): {err[-2000:]}")
    s = json.loads((out / "summary.json").read_text())
    workers = sorted((rss for rss in w.child_peak.values() if rss > 200e6), reverse=True)  # model holders
    return {"seconds": s["seconds"], "docs_per_s": s["docs_per_second"], "records": s["records"],
            "errors": s["errors"], "client_rss_gb": w.main_peak / 1e9,
            "worker_rss_gb": [round(r / 1e9, 3) for r in workers],
            "worker_cpu_s": sum(c for pid, c in w.cpu.items() if w.child_peak.get(pid, 0) > 200e6)}


def compare(tmp: Path, n: int) -> dict[str, Any]:
    folder = tmp / f"docs-{n}"
    mb = make_corpus(folder, n)
    local = run(folder, tmp / "out-local", ["--workers", "2"], fast=False)
    cluster = run(folder, tmp / "out-cluster", ["--scheduler", "local:2"], fast=False)
    same = (tmp / "out-local" / "records.jsonl").read_bytes() == (tmp / "out-cluster" / "records.jsonl").read_bytes()
    cpu = cluster["worker_cpu_s"]
    return {"docs": n, "mb": mb, "local": local, "cluster": cluster, "identical": same,
            "ratio": cluster["docs_per_s"] / local["docs_per_s"],
            "cpu_s_per_doc": cpu / n, "cpu_s_per_mb": cpu / mb}


def client_growth(tmp: Path, sizes: list[int], how: list[str]) -> dict[str, Any]:
    runs = {}
    for n in sizes:
        folder = tmp / f"client-{n}"
        if not folder.is_dir():
            make_corpus(folder, n)
        runs[n] = run(folder, tmp / f"out-client-{n}-{how[-1]}", how, fast=True)
    small, big = runs[sizes[0]]["client_rss_gb"], runs[sizes[-1]]["client_rss_gb"]
    return {"runs": runs, "growth": big / small - 1}


def report(res: dict[str, Any], workers: int) -> str:
    lines = ["| measure | figure | target |", "|---|---|---|"]
    for key, label in (("client", "LocalCluster client (+ scheduler)"), ("client_local", "`--workers 2` parent")):
        if key in res:
            g = res[key]
            sizes = list(g["runs"])
            lines.append(f"| {label} peak RSS, {sizes[0]} / {sizes[-1]} docs (`--fast`) | "
                         f"{g['runs'][sizes[0]]['client_rss_gb']:.3f} / {g['runs'][sizes[-1]]['client_rss_gb']:.3f} GB "
                         f"({g['growth']:+.1%}) | within {TARGETS['client_growth']:.0%} |")
    if "compare" not in res:
        return "\n".join(lines)
    c = res["compare"]
    lines += [f"| {c['docs']} docs: LocalCluster 2 workers / `--workers 2` | {c['cluster']['docs_per_s']:.1f} / "
              f"{c['local']['docs_per_s']:.1f} docs/s = {c['ratio']:.2f} | >= {TARGETS['ratio']} |",
              f"| records.jsonl identical | {c['identical']} | True |"]
    for label, key in (("cluster workers", "cluster"), ("`--workers 2` workers", "local")):
        lines.append(f"| peak RSS of the {label} (full pipeline) | "
                     f"{', '.join(map(str, c[key]['worker_rss_gb']))} GB | |")
    lines.append(f"| CPU-seconds per document / per MB (workers, start-up included) | {c['cpu_s_per_doc']:.3f} / "
                 f"{c['cpu_s_per_mb']:.1f} (mean document {c['mb'] * 1e3 / c['docs']:.1f} KB) | |")
    for n in (1_000_000, 10_000_000):
        core_h = n * c["cpu_s_per_doc"] / 3600
        lines.append(f"| {n:,} docs: core-hours; hours on {workers} one-thread workers | {core_h:,.0f}; "
                     f"{core_h / workers:,.1f} h | |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=3000, help="documents for the throughput comparison")
    ap.add_argument("--client-docs", default="1000,10000", help="two corpus sizes for the client's peak RSS")
    ap.add_argument("--workers-for-hours", type=int, default=32, help="cluster size for the hours column")
    ap.add_argument("--json", help="also write the figures to this file")
    ap.add_argument("--sections", default="compare,client", help="compare (throughput, cost), client (its RSS)")
    args = ap.parse_args(argv)
    sizes = [int(x) for x in args.client_docs.split(",")]
    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as d:
        tmp = Path(d)
        res: dict[str, Any] = {}
        if "compare" in args.sections:
            res["compare"] = compare(tmp, args.docs)
        if "client" in args.sections:
            res["client"] = client_growth(tmp, sizes, ["--scheduler", "local:2"])
            res["client_local"] = client_growth(tmp, sizes, ["--workers", "2"])
    load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    res["uptime_after"] = load
    print(report(res, args.workers_for_hours))
    print(f"\nload: {load}")
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=1, default=str) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
