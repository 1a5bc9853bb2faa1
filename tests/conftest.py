"""Shared fixtures: one pipeline per test session, paths to the shared gold folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_DEV = ROOT.parent / "shared" / "gold" / "dev"
SEED = SHARED_DEV / "khouribga-indh-covid.txt"


@pytest.fixture(scope="session")
def nlp():
    from extractor.pipeline import load_pipeline

    return load_pipeline()


@pytest.fixture(scope="session")
def shared_dev() -> Path:
    if not SHARED_DEV.is_dir():
        pytest.skip("../shared/gold/dev is not beside the project")
    return SHARED_DEV


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    """A LocalCluster of 2 one-thread worker processes and its client, one per test module that asks."""
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as c:
        yield c
