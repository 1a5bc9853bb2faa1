"""The output folder of a batch: one run at a time, files created safely, leftovers cleaned.

A run holds an exclusive `fcntl.flock` on `OUTDIR/.communique.lock` for its whole length (the
kernel drops it when the process dies, however it dies, so a stale lock cannot exist); the file
says which process holds it, for the message a second run prints. Every file a run creates is new
(`O_CREAT|O_EXCL|O_NOFOLLOW`, a random name): a planted symlink is never followed and a name is
never shared with another run, whatever the process ids.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import stat
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from .errors import ExtractorError

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: runs are not serialised there
    fcntl = None  # type: ignore[assignment]

LOCK_NAME = ".communique.lock"
_LEFTOVER = re.compile(r"^\.(?:[^/]+\.(?:jsonl|json|csv|parquet)\.[^/]+\.tmp|dupes\.[0-9a-f]+\.sqlite(?:-journal)?)$")
"""Temporary outputs (`atomic_writer`) and duplicate-pass databases (`dupstore`) a killed run may leave
behind; removed by the next run."""


class OutputError(ExtractorError):
    """The output folder cannot be used: not a folder, not writable, full, or in use by another run."""


class OutdirBusy(OutputError):
    """Another run holds the output folder's lock."""


def _fdopen(fd: int, mode: str) -> IO[Any]:
    """File object over a descriptor (one place, so tests can simulate a full disk)."""
    return os.fdopen(fd, mode, encoding=None if "b" in mode else "utf-8")


def create_new(folder: Path, prefix: str, suffix: str, mode: str = "w+b") -> tuple[Path, IO[Any]]:
    """A new file in `folder` under a random name: never an existing file, never through a link."""
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        path = folder / f"{prefix}{new_name()}{suffix}"
        try:
            fd = os.open(path, flags, 0o600)
        except FileExistsError:  # a file or link already there (planted or a clash): pick another name
            continue
        return path, _fdopen(fd, mode)
    raise OutputError(f"cannot create a new file in {folder}: every name tried exists")


def new_name() -> str:
    """A name part no other run will use (not derived from the process id, which containers reuse)."""
    return uuid.uuid4().hex


def prepare(out: Path) -> None:
    """Create the output folder, or explain in one line why it cannot be used."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except FileExistsError as e:
        raise OutputError(f"output folder {out} exists and is not a folder") from e
    except OSError as e:
        raise OutputError(f"cannot create the output folder {out}: {e.strerror or e}") from e
    if not out.is_dir():
        raise OutputError(f"output folder {out} is not a folder")


@contextlib.contextmanager
def claim(out: Path, wait: bool = False, notify: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the output folder for one run: created if need be, locked, leftovers of killed runs removed.

    Raises OutdirBusy (naming the other run) when it is held, unless `wait` (then blocks until free).
    """
    prepare(out)
    lock = out / LOCK_NAME
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(lock, flags, 0o644)
    except OSError as e:
        raise OutputError(f"cannot write in the output folder {out}: {e.strerror or e}") from e
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OutputError(f"{lock} is not a regular file: remove it")
    try:
        if fcntl is None:  # pragma: no cover
            yield
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            if not wait:
                raise OutdirBusy(f"output folder {out} is in use by another run ({holder}); "
                                 "wait for it to end or pass --wait") from None
            if notify:
                notify(f"output folder {out} is in use by another run ({holder}); waiting")
            fcntl.flock(fd, fcntl.LOCK_EX)
        _stamp(fd)
        remove_leftovers(out)
        yield
    finally:
        os.close(fd)  # releases the lock; the file stays (removing it would race with a waiting run)


def _stamp(fd: int) -> None:
    info = {"pid": os.getpid(), "host": socket.gethostname(), "run": new_name()[:12],
            "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    data = (json.dumps(info) + "\n").encode()
    os.ftruncate(fd, 0)
    os.pwrite(fd, data, 0)


def _holder(fd: int) -> str:
    """Who holds the lock, from what it wrote in the lock file (best effort)."""
    try:
        info = json.loads(os.pread(fd, 4096, 0) or b"{}")
        return f"pid {info['pid']} on host {info['host']}, started {info['started']}"
    except (OSError, ValueError, KeyError, TypeError):
        return "a process that has not said who it is yet"


def remove_leftovers(out: Path) -> list[str]:
    """Remove temporary outputs of killed runs (only while holding the lock: no run can be using them)."""
    removed = []
    with os.scandir(out) as entries:
        for e in entries:
            if _LEFTOVER.match(e.name) and not e.is_dir(follow_symlinks=False):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(e.path)  # a link is removed, never its target
                    removed.append(e.name)
    return removed
