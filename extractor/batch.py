"""The main job: a batch of inputs into `records.jsonl`, `errors.jsonl` and `summary.json`.

Records are streamed to a temporary file, then written sorted by id into place with an atomic
rename, so an interrupted run never leaves a truncated or mixed `records.jsonl`. Re-running
skips documents whose text digest and extractor are unchanged.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from . import __version__
from .build import _patterns_digest
from .io import DEFAULT_MAX_BYTES, atomic_writer, list_inputs
from .pipeline import DEFAULT_MODEL
from .runner import Options, Result, default_workers, iter_results


@dataclass
class Summary:
    inputs: int = 0
    records: int = 0
    errors: int = 0
    skipped: int = 0
    unchanged: int = 0
    seconds: float = 0.0
    docs_per_second: float = 0.0
    extractor_version: str = __version__
    workers: int = 1
    formats: list[str] = field(default_factory=lambda: ["jsonl"])

    def line(self) -> str:
        return (f"{self.inputs} inputs: {self.records} records ({self.unchanged} unchanged), "
                f"{self.errors} errors, {self.skipped} files skipped, {self.seconds:.1f}s "
                f"({self.docs_per_second:.1f} docs/s)")


def _previous(records_path: Path, model: str, fast: bool) -> dict[str, tuple[str, str]]:
    """id -> (text digest, JSON line) of records made by this very extractor, for skipping."""
    known: dict[str, tuple[str, str]] = {}
    if not records_path.is_file():
        return known
    digest = _patterns_digest()
    with records_path.open(encoding="utf-8") as fh:
        for line in fh:
            try:
                r = json.loads(line)
            except json.JSONDecodeError:
                continue
            ex = r.get("extractor") or {}
            if (ex.get("version") == __version__ and ex.get("patterns_sha256") == digest
                    and str(ex.get("model", "")).startswith(model) and bool(ex.get("fast", False)) == fast):
                known[r["id"]] = (r.get("text_sha256", ""), line.rstrip("\n"))
    return known


def run_batch(paths: Iterable[str | Path], outdir: str | Path, *, model: str = DEFAULT_MODEL,
              fast: bool = False, workers: int | None = None, batch_size: int = 16,
              max_bytes: int = DEFAULT_MAX_BYTES, force: bool = False, formats: Iterable[str] = ("jsonl",),
              progress: Callable[[int, int], None] | None = None) -> Summary:
    """Extract every input under `paths` into `outdir`; inputs = records + errors, always."""
    t0 = time.perf_counter()
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    files, skipped = list_inputs(paths)
    workers = workers or default_workers()
    workers = max(1, min(workers, len(files) or 1))
    records_path = out / "records.jsonl"
    previous = {} if force else _previous(records_path, model, fast)
    known = {k: v[0] for k, v in previous.items()}
    summary = Summary(skipped=skipped, workers=workers, formats=sorted(set(formats) | {"jsonl"}))
    opts = Options(model=model, fast=fast, batch_size=batch_size, max_bytes=max_bytes)
    seen_ids: dict[str, int] = {}
    with tempfile.TemporaryFile("w+", encoding="utf-8", dir=out) as tmp, \
            atomic_writer(out / "errors.jsonl") as errors:
        index: list[tuple[str, int, int]] = []
        done = 0
        for res in iter_results(files, opts, workers=workers, known=known or None):
            done += 1
            summary.inputs += 1
            line = _result_line(res, previous, seen_ids)
            if isinstance(line, str):
                pos = tmp.tell()
                tmp.write(line + "\n")
                index.append((res.id or "", pos, len(line.encode("utf-8")) + 1))
                summary.records += 1
                summary.unchanged += int(res.unchanged)
            else:
                errors.write(line.to_json() + "\n")
                summary.errors += 1
            if progress:
                progress(done, len(files))
        index.sort(key=lambda x: x[0])
        tmp.flush()
        with open(tmp.fileno(), "rb", closefd=False) as raw, atomic_writer(records_path, "wb") as fh:
            for _id, pos, length in index:
                raw.seek(pos)
                fh.write(raw.read(length))
    summary.seconds = round(time.perf_counter() - t0, 3)
    summary.docs_per_second = round(summary.inputs / summary.seconds, 2) if summary.seconds else 0.0
    extra = [f for f in summary.formats if f != "jsonl"]
    if extra:
        from .tables import write_tables

        write_tables(records_path, out, extra)
    with atomic_writer(out / "summary.json") as fh:
        json.dump(asdict(summary), fh, indent=1)
        fh.write("\n")
    return summary


def _result_line(res: Result, previous: dict[str, tuple[str, str]], seen_ids: dict[str, int]) -> Any:
    from .io import Failure

    if res.failure is not None:
        return res.failure
    rid = res.id or ""
    if rid in seen_ids:
        return Failure(res.source, "DuplicateId", f"id {rid!r} already used by an earlier input", id=rid)
    seen_ids[rid] = 1
    if res.unchanged:
        return previous[rid][1]
    return res.record_json


def stderr_progress(quiet: bool) -> Callable[[int, int], None] | None:
    """A tqdm bar on stderr (docs/s and time left), silent with --quiet or when stderr is no terminal."""
    if quiet or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    bar: dict[str, Any] = {}

    def update(done: int, total: int) -> None:
        if "bar" not in bar:
            bar["bar"] = tqdm(total=total, unit="doc", file=sys.stderr, dynamic_ncols=True)
        bar["bar"].update(1)
        if done >= total:
            bar["bar"].close()

    return update
