"""What a Dask worker runs: a chunk of inputs into results, with the local path's own functions.

Paths travel as the client gave them; a relative one is read under the client's working folder
but keeps its relative `source`, so records name their files as a local run does.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from ..io import Document, Failure, read_path
from ..runner import Item, Options, Result, fingerprint, process_chunk
from .connect import WorkerMismatch


def run_chunk(items: list[Item | Result], options: Options, cwd: str) -> list[Result]:
    """`runner.process_chunk` on a worker: every input becomes a record line, a failure or `unchanged`."""
    check_worker(options)
    local: list[Item | Result] = []
    for it in items:
        if isinstance(it, Path) and not it.is_absolute():
            local.extend(localize(it, cwd, options.max_bytes))
        else:
            local.append(it)
    return process_chunk(local, options)


def check_worker(options: Options) -> None:
    """Refuse to stamp records with the client's fingerprint when this worker's extractor differs."""
    mine = fingerprint(options.model, options.fast)
    if options.fingerprint and mine != options.fingerprint:
        raise WorkerMismatch(f"worker on {os.uname().nodename} runs another extractor (fingerprint {mine}, client "
                             f"{options.fingerprint}): install the same communique-extractor, patterns and "
                             f"{options.model} version on every worker")


def localize(path: Path, cwd: str, max_bytes: int) -> list[Document | Failure]:
    """The documents of a relative `path` of the client, read under its folder `cwd`, sources as given."""
    full = Path(cwd) / path
    out: list[Document | Failure] = []
    for d in read_path(full, max_bytes):
        if isinstance(d, Failure):
            d = dataclasses.replace(d, source=str(path), message=d.message.replace(str(full), str(path)))
        else:
            d = dataclasses.replace(d, source=str(path))
        out.append(d)
    return out
