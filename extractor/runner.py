"""Streaming documents through the pipeline, in this process or in worker processes.

Each worker loads the pipeline once (process initializer) and turns a chunk of inputs into
record JSON lines or failures; the parent keeps a bounded number of chunks in flight, so memory
stays flat however many documents there are, and yields results in input order. JSONL files are
read line by line in the parent, so one big JSONL file is spread over every worker too.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

from spacy.tokens import Doc

from .build import _patterns_digest, dump_json_dropping, export_fields, make_record, text_sha256
from .dupes import signature
from .io import DEFAULT_MAX_BYTES, Document, Failure, doc_id, read_path
from .pieces import MODEL_CHUNK_CHARS, analyse_fields, needs_pieces, release_freed_memory
from .pipeline import DEFAULT_MODEL, load_pipeline
from .records import Communique
from .workers import stop_workers, watch_parent

Item = Document | Failure | Path


@dataclass(frozen=True)
class Options:
    model: str = DEFAULT_MODEL
    fast: bool = False
    batch_size: int = 16
    max_bytes: int = DEFAULT_MAX_BYTES
    store_text: bool = False
    fingerprint: str | None = None
    """Set by the parent so every worker stamps the same value, even if files change mid-run."""


@dataclass
class Result:
    """What became of one document: a record (as a JSON line), a failure, or `unchanged`."""

    id: str | None
    source: str
    record_json: str | None = None
    failure: Failure | None = None
    unchanged: bool = False
    signature: bytes | None = None
    """MinHash of the text (`dupes.signature`), for near-duplicate stories in the batch."""


def default_workers() -> int:
    """Use the machine: one worker per core available to this process."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - non-Linux
        return max(1, os.cpu_count() or 1)


@lru_cache(maxsize=8)
def fingerprint(model: str = DEFAULT_MODEL, fast: bool = False) -> str:
    """Digest of everything that shapes a record: extractor code, patterns, model (and its version), fast flag.

    Computed without loading the model, so the parent can decide what to skip before any work.
    """
    from importlib.metadata import PackageNotFoundError, version

    h = hashlib.sha256()
    pkg = Path(__file__).resolve().parent
    for f in sorted(pkg.rglob("*.py")):
        h.update(f.relative_to(pkg).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    h.update(_patterns_digest().encode())
    try:
        model_version = version(model.replace("_", "-"))
    except (PackageNotFoundError, ValueError):
        p = Path(model)
        model_version = str(p.stat().st_mtime_ns) if p.exists() else "?"
    h.update(f"\0{model}\0{model_version}\0spacy={version('spacy')}\0fast={fast}".encode())
    return h.hexdigest()[:16]


def reuse_key(d: Document) -> str:
    """What a record depends on besides the extractor: text digest, source, encoding and metadata.

    A record is reused only when this key is unchanged, so a moved file or an edited JSONL
    `title` is redone, not served stale.
    """
    return _key(text_sha256(d.text), d.source, d.encoding, d.metadata)


def record_key(record: dict[str, Any], store_text: bool) -> str:
    """`reuse_key` of the document a record (as parsed JSON) was made from."""
    meta = dict(record.get("metadata") or {})
    if store_text:
        meta.pop("text", None)
    return _key(record.get("text_sha256", ""), record.get("source"), record.get("encoding"), meta)


def _key(digest: str, source: Any, encoding: Any, metadata: dict[str, Any]) -> str:
    blob = json.dumps([digest, source, encoding, metadata], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def item_id(item: Item) -> str | None:
    """The record id an input will get, known before reading it (None for a Failure)."""
    if isinstance(item, Document):
        return item.id
    if isinstance(item, Path):
        return doc_id(item)
    return None


def expand_jsonl(items: Iterable[Item], max_bytes: int) -> Iterator[Item]:
    """JSONL files opened here, one Document (or Failure) per line; other inputs passed on as they are."""
    for it in items:
        if isinstance(it, Path) and it.suffix.lower() == ".jsonl":
            yield from read_path(it, max_bytes)
        else:
            yield it


def _expand(item: Item, max_bytes: int) -> Iterator[Document | Failure]:
    if isinstance(item, Document | Failure):
        yield item
    else:
        yield from read_path(item, max_bytes)


def process_chunk(items: list[Item | Result], options: Options, known: dict[str, str] | None = None
                  ) -> list[Result]:
    """Read, analyse and build the records of a chunk of inputs, in this process.

    `known` maps ids to the `reuse_key` of a record already made by this very extractor: such a
    document comes back `unchanged`, not analysed. Results already decided pass through.
    """
    nlp = load_pipeline(options.model, options.fast)
    results: list[Result] = []
    docs: list[Document] = []
    for item in items:
        if isinstance(item, Result):
            results.append(item)
            continue
        for d in _expand(item, options.max_bytes):
            if isinstance(d, Failure):
                results.append(Result(d.id, d.source, failure=d))
            elif known and known.get(d.id) == reuse_key(d):
                results.append(Result(d.id, d.source, unchanged=True, signature=signature(d.text)))
            else:
                results.append(Result(d.id, d.source, signature=signature(d.text)))
                docs.append(d)
    built = iter(_analyse(nlp, docs, options))
    for r in results:
        if r.failure is None and not r.unchanged:
            r.record_json, r.failure = next(built)
    return results


def _parsed(nlp: Any, docs: list[Document], batch_size: int) -> Iterator[Doc | dict[str, Any] | Exception]:
    """Each document's Doc (or the exception that stopped it), in order, made only when asked for.

    The short texts go through `nlp.pipe` together; a long one is analysed when its turn comes, and
    comes as its exported fields (`pieces.analyse_fields`: its Doc already gone), so the caller builds
    its record before the next long text is read into a Doc.
    """
    long = [needs_pieces(d.text) for d in docs]
    short = [d.text for d, is_long in zip(docs, long, strict=True) if not is_long]
    parsed: deque[Doc] | None
    try:
        parsed = deque(nlp.pipe(short, batch_size=batch_size))
    except Exception:  # one bad document must not sink the batch: redo them one by one
        parsed = None
    for d, is_long in zip(docs, long, strict=True):
        yield _parse_one(nlp, d.text, is_long, parsed)


def _parse_one(nlp: Any, text: str, is_long: bool, parsed: deque[Doc] | None) -> Doc | dict[str, Any] | Exception:
    try:
        if is_long:
            return analyse_fields(nlp, text)
        return nlp(text) if parsed is None else parsed.popleft()
    except Exception as e:
        return e


def _analyse(nlp: Any, docs: list[Document], options: Options) -> Iterator[tuple[str | None, Failure | None]]:
    """Record JSON (or a failure) of each document, in order, one Doc alive at a time.

    The Doc is dropped as soon as its record is built, before the record is serialised and before
    the next document is analysed: one long text's Doc is the largest thing in memory.
    """
    if not docs:
        return
    fp = options.fingerprint or fingerprint(options.model, options.fast)
    parsed = _parsed(nlp, docs, options.batch_size)
    for d in docs:
        sd = next(parsed)
        fields = _export(nlp, d, sd)
        del sd  # the Doc goes before the record is validated: the exported values are all it needs
        if len(d.text) > MODEL_CHUNK_CHARS:  # a long text's Doc and values were most of the heap: hand it back
            release_freed_memory()
        built = fields if isinstance(fields, Failure) else _build(nlp, d, fields, options)
        del fields
        if isinstance(built, Communique):
            built = _dump(built, fp, d)
        yield (None, built) if isinstance(built, Failure) else (built, None)


def _export(nlp: Any, d: Document, doc: Doc | dict[str, Any] | Exception) -> dict[str, Any] | Failure:
    if isinstance(doc, Exception):
        return Failure(d.source, "ExtractionError", f"{type(doc).__name__}: {doc}"[:500], id=d.id)
    if isinstance(doc, dict):  # a long text's fields, exported as its analysis went
        return doc
    try:
        return export_fields(doc, nlp)
    except Exception as e:
        return _record_error(d, e)


def _build(nlp: Any, d: Document, fields: dict[str, Any], options: Options) -> Communique | Failure:
    """The record of one analysed document; a record that breaks the contract is that document's error only."""
    meta = {**d.metadata, "text": d.text} if options.store_text else d.metadata
    try:
        return make_record(fields, nlp, d.text, id=d.id, source=d.source, encoding=d.encoding, metadata=meta)
    except Exception as e:
        return _record_error(d, e)


def _dump(rec: Communique, fp: str, d: Document) -> str | Failure:
    try:
        rec.extractor.fingerprint = fp
        return dump_json_dropping(rec)
    except Exception as e:
        return _record_error(d, e)


def _record_error(d: Document, e: Exception) -> Failure:
    msg = (str(e).splitlines() or [""])[0][:500]
    return Failure(d.source, "RecordError", f"{type(e).__name__}: {msg}", id=d.id)


def _init_worker(options: Options, parent_pid: int | None = None) -> None:
    """Worker start: leave Ctrl-C to the parent (it stops its workers), die with the parent, load the pipeline."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if parent_pid is not None:
        watch_parent(parent_pid)
    load_pipeline(options.model, options.fast)
    fingerprint(options.model, options.fast)


def iter_results(items: Iterable[Item], options: Options | None = None, workers: int = 1,
                 known: Mapping[str, str] | None = None,
                 executor: Callable[..., Iterator[Result]] | None = None) -> Iterator[Result]:
    """Results for every input, in input order; `workers > 1` or an `executor` (`extractor.cluster`) runs them.

    `known` maps record ids to `reuse_key`s already extracted with this extractor: those inputs
    are read here and, when their text is unchanged, come back `unchanged` without reaching a
    worker (workers start only when some document needs the model).
    """
    options = options or Options()
    chunk_size = max(1, options.batch_size)

    def prepared() -> Iterator[Item | Result]:
        for it in expand_jsonl(items, options.max_bytes):
            rid = item_id(it)
            if not known or rid is None or rid not in known:
                yield it
                continue
            for d in _expand(it, options.max_bytes):
                if isinstance(d, Document) and known.get(d.id) == reuse_key(d):
                    yield Result(d.id, d.source, unchanged=True, signature=signature(d.text))
                else:
                    yield d

    def chunks() -> Iterator[list[Item | Result]]:
        buf: list[Item | Result] = []
        todo = 0
        for it in prepared():
            buf.append(it)
            todo += not isinstance(it, Result)
            if todo >= chunk_size or len(buf) >= 8 * chunk_size:
                yield buf
                buf, todo = [], 0
        if buf:
            yield buf

    if executor is not None or workers > 1:
        yield from (executor or _in_workers)(chunks(), options, workers)
    else:
        for chunk in chunks():
            yield from process_chunk(chunk, options)


def _in_workers(chunks: Iterator[list[Item | Result]], options: Options, workers: int) -> Iterator[Result]:
    """Chunks analysed by `workers` processes, a bounded window of them in flight, results in order.

    The pool starts at the first chunk that needs the model. Its workers die with this process
    (they watch it) and are stopped at once on an interrupt or when the consumer stops reading.
    """
    import multiprocessing as mp

    ctx = mp.get_context("spawn" if os.name == "nt" else "forkserver")
    pool: ProcessPoolExecutor | None = None
    try:
        pending: deque[Future[list[Result]] | list[Result]] = deque()
        limit = workers * 2
        for chunk in chunks:
            if all(isinstance(x, Result) for x in chunk):
                pending.append(cast(list[Result], chunk))
            else:
                if pool is None:
                    pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker,
                                               initargs=(options, os.getpid()))
                pending.append(pool.submit(process_chunk, chunk, options))
            while len(pending) >= limit or (pending and isinstance(pending[0], list)):
                yield from _done(pending.popleft())
        while pending:
            yield from _done(pending.popleft())
    except BaseException:  # Ctrl-C, TERM (raised as KeyboardInterrupt by the CLI), a consumer that stops
        if pool is not None:
            stop_workers(pool)
        raise
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _done(p: Future[list[Result]] | list[Result]) -> list[Result]:
    return p if isinstance(p, list) else p.result()
