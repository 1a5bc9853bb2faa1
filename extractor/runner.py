"""Streaming documents through the pipeline, in this process or in worker processes.

Each worker loads the pipeline once (process initializer) and turns a chunk of inputs into
record JSON lines or failures; the parent keeps a bounded number of chunks in flight, so memory
stays flat however many documents there are, and yields results in input order.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .build import build_record, text_sha256
from .errors import ExtractorError
from .io import DEFAULT_MAX_BYTES, Document, Failure, read_path
from .pipeline import DEFAULT_MODEL, load_pipeline

Item = Document | Path


@dataclass(frozen=True)
class Options:
    model: str = DEFAULT_MODEL
    fast: bool = False
    batch_size: int = 16
    max_bytes: int = DEFAULT_MAX_BYTES


@dataclass
class Result:
    """What became of one document: a record (as a JSON line), a failure, or `unchanged`."""

    id: str | None
    source: str
    record_json: str | None = None
    failure: Failure | None = None
    unchanged: bool = False


def default_workers() -> int:
    """Use the machine: one worker per core available to this process."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - non-Linux
        return max(1, os.cpu_count() or 1)


def _expand(item: Item, max_bytes: int) -> Iterator[Document | Failure]:
    if isinstance(item, Document):
        yield item
    else:
        yield from read_path(item, max_bytes)


def process_chunk(items: list[Item], options: Options, known: dict[str, str] | None = None) -> list[Result]:
    """Read, analyse and build the records of a chunk of inputs, in this process."""
    nlp = load_pipeline(options.model, options.fast)
    results: list[Result] = []
    docs: list[Document] = []
    for item in items:
        for d in _expand(item, options.max_bytes):
            if isinstance(d, Failure):
                results.append(Result(d.id, d.source, failure=d))
            elif known is not None and known.get(d.id) == text_sha256(d.text):
                results.append(Result(d.id, d.source, unchanged=True))
            else:
                results.append(Result(d.id, d.source))
                docs.append(d)
    built = iter(_analyse(nlp, docs, options.batch_size))
    for r in results:
        if r.failure is None and not r.unchanged:
            rec, fail = next(built)
            r.record_json, r.failure = rec, fail
    return results


def _analyse(nlp: Any, docs: list[Document], batch_size: int) -> Iterator[tuple[str | None, Failure | None]]:
    if not docs:
        return
    try:
        spacy_docs = list(nlp.pipe((d.text for d in docs), batch_size=batch_size))
    except Exception:  # one bad document must not sink the batch: redo one by one
        spacy_docs = []
        for d in docs:
            try:
                spacy_docs.append(nlp(d.text))
            except Exception as e:
                spacy_docs.append(e)
    for d, sd in zip(docs, spacy_docs, strict=True):
        if isinstance(sd, Exception):
            yield None, Failure(d.source, "ExtractionError", f"{type(sd).__name__}: {sd}", id=d.id)
            continue
        try:
            rec = build_record(sd, nlp, id=d.id, source=d.source, encoding=d.encoding, metadata=d.metadata)
            yield rec.model_dump_json(), None
        except (ExtractorError, ValueError) as e:
            yield None, Failure(d.source, "RecordError", str(e).splitlines()[0][:500], id=d.id)


def _init_worker(options: Options) -> None:
    load_pipeline(options.model, options.fast)


def iter_results(items: Iterable[Item], options: Options | None = None, workers: int = 1,
                 known: dict[str, str] | None = None) -> Iterator[Result]:
    """Results for every input, in input order; `workers > 1` analyses in worker processes.

    `known` maps record ids to text digests already extracted with this extractor: those
    documents come back as `unchanged` without being analysed again.
    """
    options = options or Options()
    chunk_size = max(1, options.batch_size)

    def chunks() -> Iterator[list[Item]]:
        buf: list[Item] = []
        for it in items:
            buf.append(it)
            if len(buf) >= chunk_size:
                yield buf
                buf = []
        if buf:
            yield buf

    if workers <= 1:
        for chunk in chunks():
            yield from process_chunk(chunk, options, known)
        return
    import multiprocessing as mp

    ctx = mp.get_context("spawn" if os.name == "nt" else "forkserver")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker,
                             initargs=(options,)) as pool:
        pending: deque[Future[list[Result]]] = deque()
        limit = workers * 2
        for chunk in chunks():
            pending.append(pool.submit(process_chunk, chunk, options, known))
            while len(pending) >= limit:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
