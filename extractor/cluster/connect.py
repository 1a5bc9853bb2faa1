"""Where the batch runs: a Dask scheduler's address, or a LocalCluster started here, and the worker
plugin that loads the pipeline once per worker process (not once per task)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import Any

from distributed import Client, LocalCluster, WorkerPlugin

from ..errors import ExtractorError

LOCAL = "local:"
"""`--scheduler local:N`: a LocalCluster of N worker processes with one thread each."""
CONNECT_TIMEOUT = "30s"


class SchedulerError(ExtractorError):
    """The `--scheduler` value is malformed, or its scheduler cannot be reached."""


class WorkerMismatch(ExtractorError):
    """A worker runs another extractor (code, patterns, model or mode) than the client's."""


def parse_scheduler(spec: str) -> int | str:
    """Workers to start (`local:N`) or the address to connect to (`tcp://HOST:PORT`, `HOST:PORT`)."""
    spec = spec.strip()
    if spec.startswith(LOCAL):
        n = spec[len(LOCAL):]
        if not n.isdigit() or int(n) < 1:
            raise SchedulerError(f"--scheduler {spec!r}: expected local:N with N at least 1 (e.g. local:2)")
        return int(n)
    if "://" not in spec and ":" not in spec:
        raise SchedulerError(f"--scheduler {spec!r}: expected local:N or a scheduler address such as "
                             "tcp://127.0.0.1:8786")
    return spec


@contextlib.contextmanager
def open_client(spec: str) -> Iterator[Client]:
    """A Dask client on `spec` (see `parse_scheduler`); a LocalCluster started here ends with it."""
    target = parse_scheduler(spec)
    if isinstance(target, int):
        cluster = LocalCluster(n_workers=target, threads_per_worker=1, processes=True, dashboard_address=None,
                               silence_logs=logging.ERROR)
        with cluster, Client(cluster) as client:
            yield client
        return
    try:
        client = Client(target, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as e:
        raise SchedulerError(f"cannot reach the Dask scheduler at {target}: {e}; start it with `dask scheduler` "
                             "and workers with `dask worker ADDRESS` (README, Running on a cluster)") from e
    with client:
        yield client


class PipelinePlugin(WorkerPlugin):
    """Loads the spaCy pipeline when a worker starts (or joins later), once per worker process.

    Settings: `model` (spaCy package, as `--model`) and `fast` (`--fast`). The tasks then find it
    in `load_pipeline`'s cache; a worker that lacks the package or the model fails here, at
    registration, with its own error, not on every task.
    """

    def __init__(self, model: str, fast: bool) -> None:
        self.model = model
        self.fast = fast
        self.name = f"communique-pipeline-{model}-{'fast' if fast else 'full'}"

    def setup(self, worker: Any) -> None:
        from ..pipeline import load_pipeline
        from ..runner import fingerprint

        load_pipeline(self.model, self.fast)
        fingerprint(self.model, self.fast)


def register_pipeline(client: Client, model: str, fast: bool) -> int:
    """Load the pipeline on every worker (present and future); the cluster's total threads."""
    client.register_plugin(PipelinePlugin(model, fast))
    return max(1, sum(client.nthreads().values()))
