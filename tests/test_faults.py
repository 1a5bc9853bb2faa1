"""Fault injection on the batch (issue 10): kill -9 at random points, a reused pid, concurrent runs,
planted symlinks, a full disk, a killed or terminated parent with workers.

After every fault, records.jsonl is valid JSONL with unique ids; after a final re-run, inputs =
records + errors and nothing is lost.
"""

from __future__ import annotations

import errno
import json
import os
import random
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest

from extractor import batch as batch_module
from extractor import outdir as outdir_module
from extractor.batch import PARTIAL_GLOB, run_batch
from extractor.cli import main
from extractor.outdir import OutdirBusy, OutputError

ROOT = Path(__file__).resolve().parent.parent
DISPATCH = (
    "RABAT, 4 mars 2025 (MAP) - La province a mobilisé {n} millions de dirhams pour équiper {k} centres "
    "de santé ruraux, au profit de {p} habitants.\n"
)


def make_inputs(folder: Path, n: int, start: int = 0, repeat: int = 1) -> set[str]:
    """`n` dispatches (plus, from the first call, a JSONL file of two); returns their ids."""
    folder.mkdir(parents=True, exist_ok=True)
    ids = set()
    for i in range(start, start + n):
        (folder / f"doc-{i:03d}.txt").write_text(DISPATCH.format(n=i + 2, k=i + 3, p=100 * i + 7) * repeat)
        ids.add(f"doc-{i:03d}")
    if start == 0:
        lines = [json.dumps({"id": f"lot-{j}", "text": DISPATCH.format(n=j, k=j, p=j)}) for j in (1, 2)]
        (folder / "lot.jsonl").write_text("\n".join(lines) + "\n")
        ids |= {"lot-1", "lot-2"}
    return ids


def check_records(out: Path) -> list[str]:
    """records.jsonl (if any) is whole lines of valid JSON with unique ids, sorted; returns the ids."""
    path = out / "records.jsonl"
    if not path.exists():
        return []
    raw = path.read_bytes()
    assert raw == b"" or raw.endswith(b"\n"), "records.jsonl ends in the middle of a line"
    ids = [json.loads(line)["id"] for line in raw.decode("utf-8").splitlines()]
    assert len(ids) == len(set(ids)), "duplicate ids in records.jsonl"
    assert ids == sorted(ids)
    return ids


def check_complete(out: Path, expected: set[str]) -> dict[str, Any]:
    """After a clean run: inputs = records + errors, every input a record, no partial or temporary file
    (nor the duplicate pass's database, after a kill -9 either)."""
    summary = json.loads((out / "summary.json").read_text())
    assert summary["inputs"] == summary["records"] + summary["errors"] == len(expected)
    assert summary["errors"] == 0 and (out / "errors.jsonl").read_text() == ""
    assert set(check_records(out)) == expected
    assert not list(out.glob(PARTIAL_GLOB)) and not list(out.glob(".*.tmp")) and not list(out.glob(".dupes.*"))
    return summary


def cli(args: list[str], **kw: Any) -> subprocess.Popen[bytes]:
    kw.setdefault("stdout", subprocess.PIPE)
    kw.setdefault("stderr", subprocess.PIPE)
    return subprocess.Popen([sys.executable, "-m", "extractor", "extract", "-q", *args], cwd=ROOT, **kw)


def partial_lines(out: Path, old_partials: set[Path] | frozenset[Path] = frozenset()) -> int:
    """Records in the partial files of `out` (but those in `old_partials`): what a run has done so far."""
    n = 0
    for p in set(out.glob(PARTIAL_GLOB)) - old_partials:
        try:
            n += p.read_bytes().count(b"\n")
        except OSError:  # renamed away as the run ended
            pass
    return n


def wait_for(cond: Any, timeout: float, proc: subprocess.Popen[bytes] | None = None) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        if proc is not None and proc.poll() is not None:
            return False
        time.sleep(0.05)
    return False


# kill -9 at random points --------------------------------------------------------------------------

def kill_point(rng: random.Random, out: Path, old_partials: set[Path]) -> Callable[[], bool]:
    """When to kill, drawn from `rng`: a time after start, or after k records written by this run."""
    if rng.random() < 0.3:
        deadline = time.monotonic() + rng.uniform(0.2, 6.0)
        return lambda: time.monotonic() >= deadline
    k = rng.randint(0, 12)
    return lambda: partial_lines(out, old_partials) >= k


def test_faults_random_kill9_over_runs_never_corrupts_and_rerun_loses_nothing(tmp_path: Path) -> None:
    """Seeded kill points: a time after start (start-up, lock, listing) or a number of records written
    by this run; every other run redoes everything (--force) so that each has work left to cut."""
    rng = random.Random(20261203)
    folder, out = tmp_path / "in", tmp_path / "out"
    expected = make_inputs(folder, 16)
    killed = 0
    for run in range(6):
        if run == 3:
            expected |= make_inputs(folder, 6, start=100)  # new inputs between kills
        before = set(out.glob(PARTIAL_GLOB))
        force = ["--force"] if run % 2 else []
        proc = cli([str(folder), "-o", str(out), "--workers", "1", "--batch-size", "1", *force],
                   start_new_session=True)
        if wait_for(kill_point(rng, out, before), 300, proc):
            os.killpg(proc.pid, signal.SIGKILL)  # the whole process group, as an OOM killer or a container stop
            killed += 1
        proc.wait(timeout=60)
        ids = check_records(out)
        assert set(ids) <= expected
    assert killed >= 4
    done = cli([str(folder), "-o", str(out), "--workers", "1"])
    assert done.wait(timeout=600) == 0, done.stderr.read() if done.stderr else ""
    check_complete(out, expected)


# simulated pid reuse ----------------------------------------------------------------------------------

class Crash(KeyboardInterrupt):
    """Stands for a kill in the middle of a run (nothing after it runs)."""


def crash_after(n: int, monkeypatch: pytest.MonkeyPatch) -> None:
    real = batch_module.iter_results

    def iter_results(*a: Any, **k: Any) -> Iterator[Any]:
        for i, r in enumerate(real(*a, **k)):
            if i == n:
                raise Crash
            yield r

    monkeypatch.setattr(batch_module, "iter_results", iter_results)


def test_faults_reused_pid_never_loses_or_duplicates_records(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    """In a container the CLI is pid 1 on every run: a rerun must not truncate what it reuses."""
    monkeypatch.setattr(os, "getpid", lambda: 1)
    folder, out = tmp_path / "in", tmp_path / "out"
    expected = make_inputs(folder, 4)
    run_batch([folder], out, workers=1)
    expected |= make_inputs(folder, 4, start=10)
    with monkeypatch.context() as m:
        crash_after(5, m)
        with pytest.raises(Crash):
            run_batch([folder], out, workers=1)  # killed: its partial file stays, holding 5 records
    expected |= make_inputs(folder, 2, start=20)
    s = run_batch([folder], out, workers=1)
    assert s.errors == 0, (out / "errors.jsonl").read_text()
    assert s.unchanged >= 5
    check_complete(out, expected)


# concurrent runs --------------------------------------------------------------------------------------

def test_faults_concurrent_runs_second_exits_2_or_waits(tmp_path: Path) -> None:
    folder, out = tmp_path / "in", tmp_path / "out"
    expected = make_inputs(folder, 10)
    first = cli([str(folder), "-o", str(out), "--workers", "1", "--batch-size", "1"])
    assert wait_for(lambda: partial_lines(out) >= 1, 240, first), "the first run never started writing"
    os.kill(first.pid, signal.SIGSTOP)  # the first run holds OUTDIR for as long as the others need
    try:
        second = cli([str(folder), "-o", str(out), "--workers", "1"])
        log = tmp_path / "waiting.err"
        with log.open("wb") as fh:
            waiting = cli([str(folder), "-o", str(out), "--workers", "1", "--wait"], stderr=fh)
        rc2 = second.wait(timeout=120)
        err2 = second.stderr.read().decode() if second.stderr else ""
        assert rc2 == 2, err2
        assert "in use by another run" in err2 and f"pid {first.pid}" in err2 and "Traceback" not in err2
        assert wait_for(lambda: "waiting" in log.read_text(), 120, waiting), "the --wait run did not wait"
        assert f"pid {first.pid}" in log.read_text() and waiting.poll() is None
    finally:
        os.kill(first.pid, signal.SIGCONT)
    assert first.wait(timeout=600) == 0
    assert waiting.wait(timeout=600) == 0
    summary = check_complete(out, expected)
    assert summary["unchanged"] == len(expected)  # the waiting run found all done by the first


def test_faults_concurrent_in_process_runs_are_refused(tmp_path: Path) -> None:
    folder, out = tmp_path / "in", tmp_path / "out"
    make_inputs(folder, 1)
    with outdir_module.claim(out), pytest.raises(OutdirBusy, match=f"pid {os.getpid()}"):
        run_batch([folder], out, workers=1)


# planted symlinks -------------------------------------------------------------------------------------

def test_faults_planted_symlinks_never_write_outside_outdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    folder, out = tmp_path / "in", tmp_path / "out"
    expected = make_inputs(folder, 3)
    out.mkdir()
    victims = {}
    for name in ("partial-by-pid", "partial-by-name", "tmp-by-name", "records", "errors", "summary"):
        victims[name] = tmp_path / f"victime-{name}.txt"
        victims[name].write_text("précieux\n")
    (out / f".records.{os.getpid()}.partial").symlink_to(victims["partial-by-pid"])
    (out / ".records.PLANTED.partial").symlink_to(victims["partial-by-name"])
    (out / ".errors.jsonl.PLANTED.tmp").symlink_to(victims["tmp-by-name"])
    (out / "records.jsonl").symlink_to(victims["records"])
    (out / "errors.jsonl").symlink_to(victims["errors"])
    (out / "summary.json").symlink_to(victims["summary"])
    names = iter(["PLANTED", "PLANTED"])  # the first names drawn are taken by links: never followed
    real = outdir_module.new_name
    monkeypatch.setattr(outdir_module, "new_name", lambda: next(names, None) or real())
    s = run_batch([folder], out, workers=1)
    assert (s.records, s.errors) == (len(expected), 0)
    for name, victim in victims.items():
        assert victim.read_text() == "précieux\n", f"{name} was written through a link"
    for name in ("records.jsonl", "errors.jsonl", "summary.json"):
        assert not (out / name).is_symlink()
    check_complete(out, expected)


def test_faults_symlink_at_lock_name_is_refused(tmp_path: Path) -> None:
    folder, out = tmp_path / "in", tmp_path / "out"
    make_inputs(folder, 1)
    out.mkdir()
    victim = tmp_path / "victime.txt"
    victim.write_text("précieux\n")
    (out / ".communique.lock").symlink_to(victim)
    with pytest.raises(OutputError, match="cannot write in the output folder"):
        run_batch([folder], out, workers=1)
    assert victim.read_text() == "précieux\n"
    (out / ".communique.lock").unlink()
    os.mkfifo(out / ".communique.lock")
    with pytest.raises(OutputError, match="not a regular file"):
        run_batch([folder], out, workers=1)


# full disk --------------------------------------------------------------------------------------------

class Disk:
    """A disk with `free` bytes left: a write beyond raises ENOSPC, as on a full filesystem."""

    def __init__(self, free: int) -> None:
        self.free = free

    def wrap(self, fh: Any) -> Any:
        disk = self
        write = fh.write

        def full_write(data: Any) -> int:
            size = len(data.encode("utf-8") if isinstance(data, str) else data)
            if size > disk.free:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            disk.free -= size
            return write(data)

        fh.write = full_write
        return fh


class Wrapped:
    """A file object whose `write` can be replaced (built-in file objects refuse new attributes)."""

    def __init__(self, fh: Any) -> None:
        self._fh = fh

    def __getattr__(self, name: str) -> Any:
        return getattr(self._fh, name)

    def __enter__(self) -> Wrapped:
        return self

    def __exit__(self, *exc: object) -> None:
        self._fh.close()

    def __iter__(self) -> Iterator[Any]:
        return iter(self._fh)


@pytest.mark.parametrize("free_fraction", [0.0, 0.5, 3.0], ids=["at-once", "mid-partial", "final-copy"])
def test_faults_full_disk_leaves_records_whole_then_rerun_completes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], free_fraction: float
) -> None:
    folder, out = tmp_path / "in", tmp_path / "out"
    expected = make_inputs(folder, 3)
    run_batch([folder], out, workers=1)
    before = (out / "records.jsonl").read_bytes()
    expected |= make_inputs(folder, 3, start=10)
    disk = Disk(int(len(before) * free_fraction))
    real = outdir_module._fdopen
    monkeypatch.setattr(outdir_module, "_fdopen", lambda fd, mode: disk.wrap(Wrapped(real(fd, mode))))
    rc = main(["extract", "-q", str(folder), "-o", str(out), "--workers", "1"])
    err = capsys.readouterr().err
    assert rc == 2 and "No space left on device" in err and err.count("\n") == 1, err
    assert (out / "records.jsonl").read_bytes() == before  # whole, as it was
    assert not list(out.glob(".*.tmp"))
    monkeypatch.undo()
    s = run_batch([folder], out, workers=1)
    assert s.unchanged >= 3
    check_complete(out, expected)


def test_faults_size_limited_files_exit_2_then_rerun_completes(tmp_path: Path) -> None:
    """A real limit (RLIMIT_FSIZE): writing beyond it fails with EFBIG, as a quota would."""
    folder, out = tmp_path / "in", tmp_path / "out"
    expected = make_inputs(folder, 2)
    assert cli([str(folder), "-o", str(out), "--workers", "1"]).wait(timeout=300) == 0
    before = (out / "records.jsonl").read_bytes()
    expected |= make_inputs(folder, 8, start=10)
    limit = len(before) + 2000

    def small_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    proc = cli([str(folder), "-o", str(out), "--workers", "1"], preexec_fn=small_files)
    rc = proc.wait(timeout=300)
    err = proc.stderr.read().decode() if proc.stderr else ""
    assert rc == 2 and "cannot write the outputs" in err and "Traceback" not in err, err
    assert (out / "records.jsonl").read_bytes() == before
    done = cli([str(folder), "-o", str(out), "--workers", "1"])
    assert done.wait(timeout=300) == 0
    check_complete(out, expected)


# the parent dies or is terminated: no worker outlives it ---------------------------------------------------

def _descendants_when_workers_busy(proc: subprocess.Popen[bytes], out: Path) -> list[psutil.Process]:
    assert wait_for(lambda: partial_lines(out) >= 2, 300, proc), "the run never got going"
    kids = psutil.Process(proc.pid).children(recursive=True)
    assert len(kids) >= 3  # forkserver, resource tracker, workers
    return kids


def _gone(procs: list[psutil.Process], timeout: float) -> list[psutil.Process]:
    _, alive = psutil.wait_procs(procs, timeout=timeout)
    for p in alive:  # do not leave them to the rest of the suite
        p.kill()
    return alive


def test_faults_kill9_of_parent_leaves_no_worker(tmp_path: Path) -> None:
    folder, out = tmp_path / "in", tmp_path / "out"
    make_inputs(folder, 24)
    proc = cli([str(folder), "-o", str(out), "--workers", "2", "--batch-size", "1"])
    kids = _descendants_when_workers_busy(proc, out)
    proc.kill()
    proc.wait(timeout=30)
    alive = _gone(kids, 30)
    assert not alive, f"left running after the parent was killed: {[p.pid for p in alive]}"


def test_faults_term_is_handled_like_ctrl_c(tmp_path: Path) -> None:
    folder, out = tmp_path / "in", tmp_path / "out"
    expected = make_inputs(folder, 2)
    assert cli([str(folder), "-o", str(out), "--workers", "1"]).wait(timeout=300) == 0
    before = (out / "records.jsonl").read_bytes()
    expected |= make_inputs(folder, 24, start=10)
    proc = cli([str(folder), "-o", str(out), "--workers", "2", "--batch-size", "1"])
    kids = _descendants_when_workers_busy(proc, out)
    proc.terminate()
    rc = proc.wait(timeout=60)
    alive = _gone(kids, 30)  # first: a leftover worker would hold stderr open, and reading it would hang
    err = proc.stderr.read().decode() if proc.stderr else ""
    assert rc == 128 + signal.SIGTERM and "interrupted (SIGTERM)" in err and "Traceback" not in err, err
    assert not alive, f"left running after TERM: {[p.pid for p in alive]}"
    assert (out / "records.jsonl").read_bytes() == before and not list(out.glob(".*.tmp"))
    done = cli([str(folder), "-o", str(out), "--workers", "1"])
    assert done.wait(timeout=600) == 0
    assert check_complete(out, expected)["unchanged"] >= 4  # the first run's and the stopped run's records


def test_faults_planted_fifos_never_block_the_run(tmp_path: Path) -> None:
    folder, out = tmp_path / "in", tmp_path / "out"
    expected = make_inputs(folder, 2)
    out.mkdir()
    os.mkfifo(out / ".records.PLANTED.partial")
    os.mkfifo(out / "records.jsonl")
    s = run_batch([folder], out, workers=1)  # opening either for reading would wait for a writer for ever
    assert (s.records, s.errors) == (len(expected), 0)
    check_complete(out, expected)
