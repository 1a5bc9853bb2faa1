"""Throughput, scaling, memory and accuracy of communique-extractor, side by side in one run.

    .venv/bin/python bench/run.py --docs 2000

Builds a corpus of N documents by cycling the texts of corpus/ (and the shared dev set), then
measures: the bare spaCy model's nlp.pipe, the full extractor (model + components + records), the
same with --fast, the batch path (`communique extract`) with 1 and with 2 workers, peak RSS of the
process and its workers, and the core macro F1 on the dev set with and without --fast.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "gold" / "dev"
SECTIONS = ("model", "fast", "batch", "rss", "f1")
"""`rss` alone runs only the parallel batch (for a peak-memory check on a big corpus); `batch` does 1 vs N."""
TARGETS = {
    "extractor_vs_model": 0.85,
    "workers2_vs_1": 1.7,
    "peak_rss_gb": 1.5,
    "fast_vs_full": 2.0,
    "fast_f1_loss": 0.02,
}


class PeakRSS:
    """Peak resident memory of a process plus all its children, sampled every 0.1 s."""

    def __init__(self, pid: int) -> None:
        import psutil

        self.proc = psutil.Process(pid)
        self.peak = 0
        self.cpu: dict[int, float] = {}
        """pid -> last seen user+system CPU seconds, to tell whether the machine gave the workers its cores."""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> int:
        import psutil

        total = 0
        try:
            family = [self.proc, *self.proc.children(recursive=True)]
        except psutil.Error:
            return 0
        for p in family:
            try:
                total += p.memory_info().rss
                t = p.cpu_times()
                self.cpu[p.pid] = t.user + t.system
            except psutil.Error:
                pass
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._sample())
            time.sleep(0.1)

    def __enter__(self) -> PeakRSS:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def source_texts(dev: Path) -> list[tuple[str, str]]:
    """(name, text) of every .txt in corpus/ and the dev set, deduplicated by name."""
    seen: dict[str, str] = {}
    for folder in (ROOT / "corpus", dev):
        if folder.is_dir():
            for f in sorted(folder.rglob("*.txt")):
                seen.setdefault(f.name, f.read_text(encoding="utf-8"))
    if not seen:
        sys.exit("bench: no .txt under corpus/ or the shared dev set")
    return sorted(seen.items())


def cycled(texts: list[tuple[str, str]], n: int) -> Iterator[tuple[str, str]]:
    for i in range(n):
        name, text = texts[i % len(texts)]
        yield f"bench-{i:06d}-{Path(name).stem}", text


def timed_pipe(nlp: Any, texts: list[str], batch_size: int, per_doc: Callable[[Any], Any] | None = None
               ) -> dict[str, float]:
    t0 = time.perf_counter()
    tokens = 0
    for doc in nlp.pipe(texts, batch_size=batch_size):
        tokens += len(doc)
        if per_doc is not None:
            per_doc(doc)
    s = time.perf_counter() - t0
    return {"seconds": s, "docs_per_s": len(texts) / s, "tokens_per_s": tokens / s}


def extractor_run(fast: bool, texts: list[str], batch_size: int) -> dict[str, float]:
    from extractor.build import build_record
    from extractor.pipeline import load_pipeline

    nlp = load_pipeline(fast=fast)
    list(nlp.pipe(texts[:4]))  # warm-up (lazy loaders)
    return timed_pipe(nlp, texts, batch_size,
                      lambda d: build_record(d, nlp, id="b", source="b").model_dump_json())


def batch_run(folder: Path, workers: int, fast: bool = False) -> dict[str, float]:
    """`communique extract` in a fresh process (as users run it), its summary and peak RSS with workers."""
    with tempfile.TemporaryDirectory(prefix="bench-out-") as out:
        cmd = [sys.executable, "-m", "extractor", "extract", str(folder), "-o", out, "-q", "--force",
               "--workers", str(workers), *(["--fast"] if fast else [])]
        proc = subprocess.Popen(cmd, cwd=ROOT, stderr=subprocess.PIPE, text=True)
        with PeakRSS(proc.pid) as rss:
            _, err = proc.communicate()
        if proc.returncode not in (0, 1):
            raise RuntimeError(f"batch run failed ({proc.returncode}): {err[-2000:]}")
        s = json.loads((Path(out) / "summary.json").read_text())
    return {"seconds": s["seconds"], "docs_per_s": s["docs_per_second"], "peak_rss_gb": rss.peak / 1e9,
            "records": s["records"], "errors": s["errors"], "cpu_seconds": sum(rss.cpu.values()),
            "cores_used": sum(rss.cpu.values()) / s["seconds"] if s["seconds"] else 0.0}


def core_f1(dev: Path, fast: bool) -> float | None:
    """Core macro F1 of the dev set by the reference scorer (score.py beside the gold folder)."""
    scorer = dev.parent / "score.py"
    if not (dev.is_dir() and scorer.is_file()):
        return None
    with tempfile.TemporaryDirectory(prefix="bench-f1-") as out:
        from extractor.batch import run_batch

        run_batch(sorted(dev.glob("*.txt")), out, workers=1, force=True, fast=fast)
        js = Path(out) / "score.json"
        subprocess.run([sys.executable, str(scorer), "--records", str(Path(out) / "records.jsonl"),
                        "--gold", str(dev), "--json", str(js)], check=True, stdout=subprocess.DEVNULL)
        return float(json.loads(js.read_text())["_core_macro_f1"])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=2000, help="documents in the synthetic corpus")
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--sections", default=",".join(SECTIONS),
                    help=f"comma-separated subset of {','.join(SECTIONS)}")
    ap.add_argument("--workers", type=int, default=2, help="workers of the parallel batch run (vs 1)")
    ap.add_argument("--dev", type=Path, default=DEV, help="gold dev folder (texts + score.py beside it)")
    ap.add_argument("--json", type=Path, help="also write the figures to this file")
    args = ap.parse_args(argv)
    sections = {s.strip() for s in args.sections.split(",") if s.strip()}
    srcs = source_texts(args.dev)
    docs = list(cycled(srcs, args.docs))
    texts = [t for _, t in docs]
    print(f"corpus: {len(docs)} documents cycled from {len(srcs)} texts, "
          f"{sum(map(len, texts)) / len(texts):.0f} chars on average; {os.cpu_count()} CPUs", flush=True)
    res: dict[str, Any] = {"docs": len(docs), "source_texts": len(srcs)}

    if sections & {"model", "fast"}:
        import spacy

        from extractor.pipeline import DEFAULT_MODEL

        bare = spacy.load(DEFAULT_MODEL)
        list(bare.pipe(texts[:4]))
        res["bare_model"] = timed_pipe(bare, texts, args.batch_size)
        del bare
    if "model" in sections:
        res["extractor"] = extractor_run(False, texts, args.batch_size)
        res["extractor_vs_model"] = res["extractor"]["docs_per_s"] / res["bare_model"]["docs_per_s"]
    if "fast" in sections:
        res["extractor_fast"] = extractor_run(True, texts, args.batch_size)
        full = res.get("extractor") or extractor_run(False, texts, args.batch_size)
        res["fast_vs_full"] = res["extractor_fast"]["docs_per_s"] / full["docs_per_s"]
    if sections & {"batch", "rss"}:
        with tempfile.TemporaryDirectory(prefix="bench-in-") as d:
            folder = Path(d)
            for name, text in docs:
                (folder / f"{name}.txt").write_text(text, encoding="utf-8")
            if "batch" in sections:
                res["batch_1"] = batch_run(folder, 1)
            res[f"batch_{args.workers}"] = batch_run(folder, args.workers)
        if "batch_1" in res:
            res["workers2_vs_1"] = res[f"batch_{args.workers}"]["docs_per_s"] / res["batch_1"]["docs_per_s"]
        res["peak_rss_gb"] = max(res[k]["peak_rss_gb"] for k in ("batch_1", f"batch_{args.workers}") if k in res)
    if "f1" in sections:
        res["core_f1"] = core_f1(args.dev, False)
        res["core_f1_fast"] = core_f1(args.dev, True)
        if res["core_f1"] is not None and res["core_f1_fast"] is not None:
            res["fast_f1_loss"] = res["core_f1"] - res["core_f1_fast"]

    print(table(res, args.workers))
    if args.json:
        args.json.write_text(json.dumps(res, indent=1, default=float) + "\n", encoding="utf-8")
    return 0


def table(res: dict[str, Any], workers: int) -> str:
    """The figures as one plain-text table, with each target and whether it is met."""
    rows: list[tuple[str, str, str, str]] = [("measure", "value", "target", "met")]

    def thr(label: str, key: str) -> None:
        if key in res:
            r = res[key]
            rows.append((label, f"{r['docs_per_s']:.1f} docs/s" + (
                f", {r['tokens_per_s']:.0f} tok/s" if "tokens_per_s" in r else "") + (
                f", {r['cores_used']:.2f} cores busy" if "cores_used" in r else ""), "", ""))

    def ratio(label: str, key: str, fmt: str, lower_is_better: bool = False) -> None:
        if res.get(key) is None:
            return
        v, t = res[key], TARGETS[key]
        ok = v <= t if lower_is_better else v >= t
        rows.append((label, format(v, fmt), ("<= " if lower_is_better else ">= ") + format(t, fmt),
                     "yes" if ok else "NO"))

    thr("bare spaCy model (nlp.pipe)", "bare_model")
    thr("extractor, full pipeline", "extractor")
    ratio("extractor / bare model", "extractor_vs_model", ".2f")
    thr("extractor --fast", "extractor_fast")
    ratio("--fast / full", "fast_vs_full", ".2f")
    thr("batch, 1 worker", "batch_1")
    thr(f"batch, {workers} workers", f"batch_{workers}")
    ratio(f"{workers} workers / 1", "workers2_vs_1", ".2f")
    ratio(f"peak RSS GB ({res['docs']} docs)", "peak_rss_gb", ".2f", lower_is_better=True)
    if "core_f1" in res:
        rows.append(("core macro F1 (dev), full", f"{res['core_f1']}", "", ""))
        rows.append(("core macro F1 (dev), --fast", f"{res['core_f1_fast']}", "", ""))
    ratio("F1 lost with --fast", "fast_f1_loss", ".3f", lower_is_better=True)
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
