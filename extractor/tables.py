"""Writing the `to_frames()` tables beside records.jsonl as CSV and/or Parquet."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from .api import to_frames
from .io import atomic_writer

FORMATS = ("jsonl", "csv", "parquet")


def _records(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def write_tables(records_path: Path, outdir: Path, formats: Iterable[str]) -> list[Path]:
    """One file per table and format: list fields are lists in Parquet, `;`-joined in CSV."""
    frames = to_frames(_records(records_path))
    written: list[Path] = []
    for fmt in formats:
        for name, df in frames.items():
            target = outdir / f"{name}.{fmt}"
            if fmt == "csv":
                flat = df.copy()
                for col in flat.columns:
                    if flat[col].map(lambda v: isinstance(v, list)).any():
                        flat[col] = flat[col].map(
                            lambda v: ";".join(map(str, v)) if isinstance(v, list) else v)
                with atomic_writer(target) as fh:
                    flat.to_csv(fh, index=False)
            elif fmt == "parquet":
                with atomic_writer(target, "wb") as fh:
                    df.to_parquet(fh, index=False)
            else:
                raise ValueError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
            written.append(target)
    return written
