"""Chunks of the local batch as Dask tasks: a bounded window in flight, results back in input order.

`batch.run_batch(..., scheduler=...)` hands a `ClusterExecutor` to `runner.iter_results`, which
builds the chunks exactly as for local worker processes (JSONL files read line by line on the
client, unchanged documents answered there without a task). The client holds only the chunks in
the window and their results, never all texts nor all records. A worker that dies mid-task has its
task run again elsewhere by Dask; a chunk whose tasks keep killing workers is redone one document
per task, and a document that still kills its worker becomes a `WorkerDied` error line.
"""

from __future__ import annotations

import contextlib
import os
from collections import deque
from collections.abc import Iterator
from concurrent.futures import CancelledError
from typing import Any

from distributed import Client, Future
from distributed.scheduler import KilledWorker

from ..io import Failure, doc_id
from ..runner import Item, Options, Result
from .connect import SchedulerError, open_client, parse_scheduler, register_pipeline
from .tasks import run_chunk

WINDOW_PER_THREAD = 4
"""Chunks in flight per worker thread: enough to keep every worker busy while the client waits
for the oldest chunk (results are yielded in input order), few enough to bound the client's memory."""

Pending = tuple[list[Item | Result], "Future | None"]


class ClusterExecutor:
    """The `executor` of `runner.iter_results` on a Dask cluster (`--scheduler local:N` or an address).

    Connects at the first chunk that needs the model (a re-run of unchanged documents starts no
    cluster) and registers `PipelinePlugin`; `close()` (or leaving the `with`) disconnects and
    stops a LocalCluster it started. `workers` is the cluster's thread count once connected.
    """

    def __init__(self, scheduler: str, client: Client | None = None) -> None:
        parse_scheduler(scheduler)  # a malformed value fails before any work
        self.scheduler = scheduler
        self.workers = 0
        self._client = client
        self._stack = contextlib.ExitStack()
        self._registered = False

    def __enter__(self) -> ClusterExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._stack.close()

    def client(self, options: Options) -> Client:
        """The connected client, the pipeline registered on its workers."""
        if self._client is None:
            self._client = self._stack.enter_context(open_client(self.scheduler))
        if not self._registered:
            self.workers = register_pipeline(self._client, options.model, options.fast)
            self._registered = True
        return self._client

    def __call__(self, chunks: Iterator[list[Item | Result]], options: Options, workers: int = 1
                 ) -> Iterator[Result]:
        """Results of every chunk, in order; pending tasks are cancelled if the consumer stops or fails."""
        pending: deque[Pending] = deque()
        cwd = os.getcwd()
        try:
            for chunk in chunks:
                if all(isinstance(x, Result) for x in chunk):
                    pending.append((chunk, None))
                else:
                    client = self.client(options)
                    pending.append((chunk, client.submit(run_chunk, chunk, options, cwd, pure=False)))
                limit = max(2, WINDOW_PER_THREAD * self.workers)
                while len(pending) >= limit or (pending and pending[0][1] is None):
                    yield from self._collect(pending.popleft(), options, cwd)
            while pending:
                yield from self._collect(pending.popleft(), options, cwd)
        except BaseException:
            futures = [f for _c, f in pending if f is not None]
            if futures and self._client is not None:
                with contextlib.suppress(Exception):
                    self._client.cancel(futures)
            raise

    def _collect(self, entry: Pending, options: Options, cwd: str) -> list[Result]:
        chunk, future = entry
        if future is None:
            return [r for r in chunk if isinstance(r, Result)]
        try:
            return list(future.result())
        except KilledWorker:
            return [r for item in chunk for r in self._alone(item, options, cwd)]
        except (CancelledError, OSError) as e:  # the scheduler is gone (or cancelled the run's tasks)
            raise SchedulerError(f"lost the Dask scheduler {self.scheduler} ({type(e).__name__}: {e}); the records "
                                 "done so far are kept: rerun when it is back") from e

    def _alone(self, item: Item | Result, options: Options, cwd: str) -> list[Result]:
        """One input in a task of its own; if that too kills its worker, one error line for it."""
        if isinstance(item, Result):
            return [item]
        try:
            return list(self.client(options).submit(run_chunk, [item], options, cwd, pure=False).result())
        except KilledWorker as e:
            source, rid = describe(item)
            why = (f"the worker analysing it died every time it was tried ({e}); "
                   "a document that exhausts a worker's memory does this: give workers more memory")
            return [Result(rid, source, failure=Failure(source, "WorkerDied", why[:500], id=rid))]


def describe(item: Any) -> tuple[str, str | None]:
    """The source and id an input's error line names."""
    if isinstance(item, Failure) or hasattr(item, "source"):
        return item.source, item.id
    return str(item), doc_id(item)
