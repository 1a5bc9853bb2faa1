"""Worker processes that never outlive the run: they die with their parent and stop on Ctrl-C or TERM.

With the forkserver, workers are not children of the main process, and a worker blocked on its
task queue never sees EOF (it holds a write end itself): when the main process is killed, the
workers (about 560 MB each), the forkserver and the resource tracker would run for ever. Each
worker therefore watches the main process and exits when it is gone; the forkserver and the
resource tracker then exit on their own.
"""

from __future__ import annotations

import contextlib
import os
import select
import threading
import time
from concurrent.futures import ProcessPoolExecutor

PARENT_GONE_EXIT = 3
"""Exit status of a worker that ends itself because the process that started it is gone."""


def watch_parent(pid: int, interval: float = 1.0) -> threading.Thread:
    """A daemon thread that ends this process as soon as process `pid` is gone, however it died.

    Uses a pidfd (it names that very process, so a reused pid cannot fool it), else polls psutil
    (which checks the process's start time too). Without it, a killed parent leaves its workers,
    the forkserver and the resource tracker running for ever.
    """
    fd: int | None = None
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        os._exit(PARENT_GONE_EXIT)
    except (AttributeError, OSError):
        fd = None

    def watch() -> None:
        if fd is not None:
            select.select([fd], [], [])  # readable when the process has exited
        else:
            import psutil

            try:
                proc = psutil.Process(pid)
                while proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE:
                    time.sleep(interval)
            except psutil.Error:
                pass
        os._exit(PARENT_GONE_EXIT)

    thread = threading.Thread(target=watch, name="parent-watch", daemon=True)
    thread.start()
    return thread


def stop_workers(pool: ProcessPoolExecutor) -> None:
    """End the pool's workers now, not after their current chunk (which may take minutes)."""
    procs = list((getattr(pool, "_processes", None) or {}).values())
    for p in procs:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            p.terminate()
    for p in procs:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            p.join(timeout=10)
