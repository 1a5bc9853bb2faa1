"""Shared fixtures: one pipeline per test session, paths to the shared gold folder."""

from __future__ import annotations

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
