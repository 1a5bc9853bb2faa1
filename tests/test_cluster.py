"""The batch on a Dask cluster (`--scheduler`): records identical to the local path, same guarantees.

One LocalCluster (processes, 2 one-thread workers) serves the whole module. Inputs: the shared dev
set, corpus/ and a folder of bad inputs given by a relative path (the workers run elsewhere).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from distributed import Client

from extractor.batch import PARTIAL_GLOB, run_batch

ROOT = Path(__file__).resolve().parent.parent
DISPATCH = ("RABAT, 4 mars 2024 (MAP) - L'INDH a mobilisé 6,2 millions de dirhams pour {what} dans la "
            "province de {where}, au profit de {n} jeunes.\n")


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A client folder holding bad/: an empty file, a binary one, a JSONL file with a malformed line."""
    root = tmp_path_factory.mktemp("client")
    bad = root / "bad"
    bad.mkdir()
    (bad / "vide.txt").write_text("  \n")
    (bad / "binaire.txt").write_bytes(b"\x00\x01\x02" * 100)
    lines = [json.dumps({"id": f"jl-{i}", "text": DISPATCH.format(what=w, where=p, n=n)}, ensure_ascii=False)
             for i, (w, p, n) in enumerate([("des ateliers", "Tiznit", 300), ("un centre", "Settat", 120)])]
    (bad / "lignes.jsonl").write_text("\n".join([lines[0], "{pas du json", lines[1]]) + "\n", encoding="utf-8")
    return root


@contextlib.contextmanager
def inside(folder: Path) -> Iterator[None]:
    old = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(old)


def inputs(shared_dev: Path) -> list[str]:
    return [str(shared_dev), str(ROOT / "corpus"), "bad"]


@pytest.fixture(scope="module")
def local_run(workdir: Path, shared_dev: Path) -> Path:
    """The local path's outputs (one worker process: the reference)."""
    out = workdir / "out-local"
    with inside(workdir):
        run_batch(inputs(shared_dev), out, workers=1)
    return out


def cluster_run(workdir: Path, shared_dev: Path, client: Client, out: Path, **kw: object):
    with inside(workdir):
        return run_batch(inputs(shared_dev), out, scheduler=client.scheduler.address, **kw)


def test_cluster_records_and_errors_are_byte_identical_to_the_local_path(workdir, shared_dev, client, local_run):
    out = workdir / "out-cluster"
    s = cluster_run(workdir, shared_dev, client, out)
    assert (out / "records.jsonl").read_bytes() == (local_run / "records.jsonl").read_bytes()
    assert (out / "errors.jsonl").read_bytes() == (local_run / "errors.jsonl").read_bytes()
    errors = [json.loads(x) for x in (out / "errors.jsonl").read_text().splitlines()]
    records = (out / "records.jsonl").read_text().splitlines()
    assert {e["error"] for e in errors} >= {"EmptyDocument", "MalformedLine"}
    assert s.inputs == len(records) + len(errors) == s.records + s.errors
    assert len(records) >= 75 and s.workers == 2
    sources = {json.loads(r)["source"] for r in records}
    assert "bad/lignes.jsonl" in sources  # relative to the client's folder, as in a local run


def test_a_cluster_rerun_skips_every_unchanged_document(workdir, shared_dev, client, local_run):
    out = workdir / "out-cluster"
    s = cluster_run(workdir, shared_dev, client, out)
    assert s.unchanged == s.records > 0
    assert (out / "records.jsonl").read_bytes() == (local_run / "records.jsonl").read_bytes()


def test_an_interrupted_cluster_run_resumes_where_it_stopped(workdir, shared_dev, client, local_run):
    out = workdir / "out-interrupted"

    def stop(done: int, total: int) -> None:
        if done == 30:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        cluster_run(workdir, shared_dev, client, out, progress=stop)
    assert not (out / "records.jsonl").exists() and list(out.glob(PARTIAL_GLOB))
    s = cluster_run(workdir, shared_dev, client, out)
    assert s.unchanged >= 20
    assert (out / "records.jsonl").read_bytes() == (local_run / "records.jsonl").read_bytes()
    assert not list(out.glob(PARTIAL_GLOB))


def _loads() -> int:
    from extractor.pipeline import _load_pipeline

    return _load_pipeline.cache_info().misses


def test_each_worker_loads_the_pipeline_once_however_many_tasks(client, workdir, shared_dev, local_run):
    out = workdir / "out-small-tasks"
    cluster_run(workdir, shared_dev, client, out, batch_size=2)  # dozens of tasks on two workers
    assert set(client.run(_loads).values()) == {1}


def test_a_worker_killed_mid_run_loses_no_document(workdir, shared_dev, client, local_run):
    out = workdir / "out-killed"
    pids = client.run(os.getpid)
    victim = sorted(pids.values())[0]

    def kill_once(done: int, total: int) -> None:
        if done == 1:
            os.kill(victim, signal.SIGKILL)

    s = cluster_run(workdir, shared_dev, client, out, batch_size=2, progress=kill_once)
    assert victim not in client.run(os.getpid).values()  # that process is gone (its nanny started another)
    assert (out / "records.jsonl").read_bytes() == (local_run / "records.jsonl").read_bytes()
    assert s.inputs == s.records + s.errors


def test_a_malformed_scheduler_is_a_usage_error_before_outdir_exists(tmp_path):
    out = tmp_path / "never"
    p = subprocess.run([sys.executable, "-m", "extractor", "extract", str(ROOT / "corpus"), "-o", str(out),
                        "--scheduler", "local:zero"], capture_output=True, text=True, timeout=120)
    assert p.returncode == 2
    assert "local:N" in p.stderr and not out.exists()


def test_an_unreachable_scheduler_is_one_clear_error(tmp_path, monkeypatch):
    from extractor.cluster import SchedulerError, connect

    monkeypatch.setattr(connect, "CONNECT_TIMEOUT", "2s")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(DISPATCH.format(what="une école", where="Taza", n=40))
    with pytest.raises(SchedulerError, match=r"cannot reach the Dask scheduler at tcp://127\.0\.0\.1:9"):
        run_batch([tmp_path / "in"], tmp_path / "out", scheduler="tcp://127.0.0.1:9")
    assert not (tmp_path / "out" / "records.jsonl").exists()
