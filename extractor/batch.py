"""The main job: a batch of inputs into `records.jsonl`, `errors.jsonl` and `summary.json`.

Records are streamed to a partial file (flushed as each one is done), then copied sorted by id
into place with an atomic rename, so an interrupted run never leaves a truncated or mixed
`records.jsonl`. Re-running skips documents whose text, source, encoding, metadata and extractor
fingerprint are unchanged, reusing records from the last `records.jsonl` and from the partial
files killed runs left behind. The parent keeps nothing per document in memory but the list of
input files: ids, where each line is, signatures, reusable records and the duplicate pass are in a
temporary SQLite file of OUTDIR (`dupstore`). One run at a time holds OUTDIR (see `outdir.claim`).
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import stat
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from . import __version__
from .dupstore import DupStore, Known
from .io import DEFAULT_MAX_BYTES, Failure, atomic_writer, list_inputs
from .outdir import OutputError, claim, create_new
from .pipeline import DEFAULT_MODEL
from .runner import Options, Result, default_workers, fingerprint, iter_results, record_key

PARTIAL_GLOB = ".records.*.partial"
"""Records of a run in progress (or of a killed one), in `outdir`; removed when a run completes."""


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
    fingerprint: str = ""
    workers: int = 1
    formats: list[str] = field(default_factory=lambda: ["jsonl"])
    error_types: dict[str, int] = field(default_factory=dict)
    duplicate_groups: int = 0
    """Groups of near-duplicate documents (each counted once in totals)."""
    duplicate_records: int = 0
    """Records that repeat an earlier one of their group (`duplicate_of` set)."""
    linked_allocations: int = 0
    """Allocations that repeat one of an earlier document (`duplicate_of` set: not to be summed again)."""

    def line(self) -> str:
        return (f"{self.inputs} inputs: {self.records} records ({self.unchanged} unchanged), "
                f"{self.errors} errors, {self.skipped} files skipped, {self.seconds:.1f}s "
                f"({self.docs_per_second:.1f} docs/s)")


def _previous(sources: list[Path], fp: str, store_text: bool, store: DupStore) -> None:
    """Note in `store` the records made by this very extractor (same fingerprint): id, reuse key and
    where the line is in which old file, later files winning."""
    for n, path in enumerate(sources):
        with contextlib.suppress(OSError), _open_or_none(path) as fh:
            if fh is None:
                continue
            pos = 0
            for raw in fh:
                length = len(raw)
                try:
                    if not raw.endswith(b"\n"):
                        raise ValueError("truncated line")
                    r = json.loads(raw)
                    ex = r.get("extractor") or {}
                    if ex.get("fingerprint") == fp and ("text" in (r.get("metadata") or {})) == store_text:
                        store.remember(r["id"], Known(record_key(r, store_text), n, pos, length))
                except (ValueError, KeyError, AttributeError, TypeError):
                    pass
                pos += length


def estimate_total(files: list[Path | Failure]) -> int:
    """Documents to expect: one per file, one per non-empty line of a JSONL file (for the progress bar)."""
    total = 0
    for f in files:
        if isinstance(f, Path) and f.suffix.lower() == ".jsonl" and f.is_file():
            try:
                with f.open("rb") as fh:
                    total += sum(1 for line in fh if line.strip())
            except OSError:
                total += 1
        else:
            total += 1
    return total


def run_batch(paths: Iterable[str | Path], outdir: str | Path, *, model: str = DEFAULT_MODEL,
              fast: bool = False, workers: int | None = None, batch_size: int = 16,
              max_bytes: int = DEFAULT_MAX_BYTES, force: bool = False, formats: Iterable[str] = ("jsonl",),
              store_text: bool = False, progress: Callable[[int, int], None] | None = None,
              wait: bool = False, notify: Callable[[str], None] | None = None, scheduler: str | None = None
              ) -> Summary:
    """Extract every input under `paths` into `outdir`; inputs = records + errors, always.

    `scheduler` (`local:N` or a Dask scheduler address) runs the chunks on a Dask cluster
    (`extractor.cluster`) instead of `workers` local processes: same records, byte for byte.

    One run at a time per `outdir`: a second one raises OutdirBusy naming the first (or waits
    with `wait`). A missing input raises FileNotFoundError before `outdir` is created; an
    `outdir` that cannot be created or written raises OutputError.
    """
    t0 = time.perf_counter()
    out = Path(outdir)
    files, skipped = list_inputs(paths, exclude=[out])
    total = estimate_total(files)
    workers = max(1, min(workers or default_workers(), total or 1))
    fp = fingerprint(model, fast)
    summary = Summary(skipped=skipped, workers=workers, fingerprint=fp,
                      formats=["jsonl", *sorted(set(formats) - {"jsonl"})])
    opts = Options(model=model, fast=fast, batch_size=batch_size, max_bytes=max_bytes, store_text=store_text,
                   fingerprint=fp)
    cluster = _executor(scheduler)  # a malformed `scheduler` fails here, before OUTDIR is touched
    with claim(out, wait=wait, notify=notify), cluster as executor:
        try:
            _extract_into(out, files, opts, summary, force=force, progress=progress, total=total,
                          executor=executor)
            summary.workers = getattr(executor, "workers", 0) or summary.workers
            extra = [f for f in summary.formats if f != "jsonl"]
            if extra:
                from .tables import write_tables

                write_tables(out / "records.jsonl", out, extra)
            summary.seconds = round(time.perf_counter() - t0, 3)
            summary.docs_per_second = round(summary.inputs / summary.seconds, 2) if summary.seconds else 0.0
            with atomic_writer(out / "summary.json") as fh:
                json.dump(asdict(summary), fh, indent=1)
                fh.write("\n")
        except (OSError, sqlite3.Error) as e:  # sqlite3: the temporary database of `dupstore` (disk full, quota)
            where = f" ({e.filename})" if getattr(e, "filename", None) else ""
            raise OutputError(f"cannot write the outputs in {out}: {getattr(e, 'strerror', None) or e}{where}; "
                              "records.jsonl is never left half-written: rerun when this is fixed") from e
    return summary


def _executor(scheduler: str | None) -> contextlib.AbstractContextManager[Any]:
    """No executor (local worker processes), or a Dask cluster's (`extractor.cluster`)."""
    if scheduler is None:
        return contextlib.nullcontext()
    from .cluster.executor import ClusterExecutor

    return ClusterExecutor(scheduler)


def _extract_into(out: Path, files: list[Path | Failure], opts: Options, summary: Summary, *, force: bool,
                  progress: Callable[[int, int], None] | None, total: int, executor: Any = None) -> None:
    """Stream every result into a new partial file, then write records.jsonl sorted by id and renamed.

    Every record to reuse is read from files opened before anything is written, and nothing
    existing is ever truncated: a run's partial file is new, under a name no other run uses.
    """
    records_path = out / "records.jsonl"
    old_partials = sorted(out.glob(PARTIAL_GLOB), key=_mtime)
    sources = [records_path, *old_partials]
    error_types: Counter[str] = Counter()
    with contextlib.ExitStack() as stack:
        olds = [stack.enter_context(_open_or_none(p)) for p in sources]
        partial_path, tmp = create_new(out, ".records.", ".partial")
        stack.enter_context(tmp)
        errors = stack.enter_context(atomic_writer(out / "errors.jsonl"))
        store = stack.enter_context(DupStore(out))
        if not force:
            _previous(sources, opts.fingerprint or "", opts.store_text, store)
        known = store.known()
        for res in iter_results(files, opts, workers=summary.workers, known=known or None, executor=executor):
            summary.inputs += 1
            line = _result_line(res, olds, store)
            if isinstance(line, Failure):
                errors.write(line.to_json() + "\n")
                summary.errors += 1
                error_types[line.error] += 1
            else:
                pos = tmp.tell()
                tmp.write(line)
                tmp.flush()
                store.place(res.id or "", pos, len(line), res.signature)
                summary.records += 1
                summary.unchanged += int(res.unchanged)
            if progress:
                progress(summary.inputs, max(total, summary.inputs))
        _final_pass(store, tmp, records_path, summary)
    for p in [partial_path, *old_partials]:
        with contextlib.suppress(OSError):
            p.unlink()  # a planted link is removed, never its target
    summary.error_types = dict(sorted(error_types.items()))


def _final_pass(store: DupStore, tmp: BinaryIO, records_path: Path, summary: Summary) -> None:
    """records.jsonl: every record line sorted by id, with the batch's duplicate fields (`dupstore`)."""
    from .flags import load_flags

    def read(pos: int, length: int) -> bytes:
        return _read_at(tmp, pos, length)

    store.build(read)
    with atomic_writer(records_path, "wb") as fh:
        for line in store.lines(read, load_flags()):
            fh.write(line)
    summary.duplicate_groups, summary.duplicate_records, summary.linked_allocations = store.counts()


def _read_at(fh: BinaryIO, pos: int, length: int) -> bytes:
    fh.seek(pos)
    return fh.read(length)


def _mtime(p: Path) -> float:
    try:
        return p.lstat().st_mtime
    except OSError:
        return 0.0


@contextlib.contextmanager
def _open_or_none(path: Path) -> Iterator[BinaryIO | None]:
    """The file for reading, or None when it is missing, unreadable, a link (never followed) or not a
    regular file (a planted FIFO would block the run)."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        yield None
        return
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        yield None
        return
    with os.fdopen(fd, "rb") as fh:
        yield fh


def _result_line(res: Result, olds: list[BinaryIO | None], store: DupStore) -> bytes | Failure:
    """The record line (bytes, newline-ended) of a result, or the Failure to log."""
    if res.failure is not None:
        return res.failure
    rid = res.id or ""
    if not store.claim(rid):
        return Failure(res.source, "DuplicateId", f"id {rid!r} already used by an earlier input", id=rid)
    if res.unchanged:
        k = store.previous(rid)
        fh = olds[k.file] if k is not None else None
        if k is not None and fh is not None:
            fh.seek(k.pos)
            raw = fh.read(k.length)
            if _is_record_line(raw, rid):
                return raw
        return Failure(res.source, "RecordError", "previous record vanished during the run; rerun with --force",
                       id=rid)
    return (res.record_json or "").encode("utf-8") + b"\n"


def _is_record_line(raw: bytes, rid: str) -> bool:
    """Whether `raw` is one whole JSON line of record `rid` (never copy a torn or foreign line)."""
    if not raw.endswith(b"\n") or raw.count(b"\n") != 1:
        return False
    try:
        return json.loads(raw).get("id") == rid
    except (ValueError, AttributeError):
        return False


def stderr_progress(quiet: bool) -> Callable[[int, int], None] | None:
    """A tqdm bar on stderr (docs/s and time left), silent with --quiet or when stderr is no terminal."""
    if quiet or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    bar: dict[str, Any] = {}

    def update(done: int, total: int) -> None:
        if "bar" not in bar:
            bar["bar"] = tqdm(total=total, unit="doc", file=sys.stderr, dynamic_ncols=True, smoothing=0.1)
        b = bar["bar"]
        if b.disable:  # closed: the estimate was short (it never is for well-formed inputs)
            return
        if total != b.total:
            b.total = total
        b.update(done - b.n)
        if done >= total:
            b.close()

    return update
