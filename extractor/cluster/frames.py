"""Notebook API on a Dask cluster: a bag of records, Dask DataFrames of the `to_frames` tables, and
Parquet partitioned by year or input folder (read back by pandas, pyarrow, DuckDB, Spark).

```python
from distributed import Client
from extractor.cluster import extract_dask, to_dask_frames, write_parquet
client = Client("tcp://127.0.0.1:8786")
records = extract_dask(["corpus/"], client=client).persist()   # a dask bag of record dicts
frames = to_dask_frames(records)        # {"documents": dask DataFrame, "amounts": ..., ...}
write_parquet(records, "tables/", by="year")   # tables/allocations/year=2021/part-0-0.parquet ...
```
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import dask
import dask.bag as db
import dask.dataframe as dd
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..api import COLUMNS, INTEGER_COLUMNS, TABLES, to_frames
from ..errors import InputError
from ..io import Document, Failure, list_inputs
from ..pipeline import DEFAULT_MODEL
from ..runner import Options, fingerprint, iter_results
from .connect import register_pipeline
from .tasks import check_worker, localize

PARTITION_SIZE = 64
"""Files per bag partition (a JSONL file is a partition of its own): a task's worth of documents."""
EXTRA_COLUMNS = {"amounts": ["flags"], "places": ["flags"], "organizations": ["flags"], "dates": ["flags"]}
"""Columns `to_frames` adds after `COLUMNS` (record fields of schema 1.1)."""
LIST_COLUMNS = {"flags", "mentions", "roles", "beneficiaries", "places", "partners"}
FLOAT_COLUMNS = {"amounts": {"value", "value_max"}, "places": {"latitude", "longitude"},
                 "quantities": {"value"}, "allocations": {"value", "value_max"}}
INT_COLUMNS = INTEGER_COLUMNS | {"duplicate_of_index"}
PARTITION_KEYS = ("year", "folder")


def extract_dask(paths_or_bag: Any, client: Any = None, *, model: str = DEFAULT_MODEL, fast: bool = False,
                 batch_size: int = 16, partition_size: int = PARTITION_SIZE, on_error: str = "raise") -> db.Bag:
    """A Dask bag of records (dicts, as in `records.jsonl`, without the batch's `duplicate_of` links).

    `paths_or_bag`: files and folders (listed here, read by the workers), or a bag of texts,
    `(id, text)` pairs or JSONL-like dicts (`text`, `id`, ...). `on_error="skip"` drops inputs that
    cannot become a record; `"raise"` raises InputError at compute time. With `client`, the
    pipeline is loaded once on each of its workers (`PipelinePlugin`).
    """
    if on_error not in ("raise", "skip"):
        raise ValueError("on_error must be 'raise' or 'skip'")
    options = Options(model=model, fast=fast, batch_size=batch_size, fingerprint=fingerprint(model, fast))
    if client is not None:
        register_pipeline(client, model, fast)
    if isinstance(paths_or_bag, db.Bag):
        return paths_or_bag.map_partitions(_bag_records, options, on_error)
    paths = [paths_or_bag] if isinstance(paths_or_bag, str | Path) else list(paths_or_bag)
    groups = list(_groups(list_inputs(paths)[0], partition_size))
    bag = db.from_sequence(groups, partition_size=1) if groups else db.from_sequence([[]], partition_size=1)
    return bag.map_partitions(_path_records, options, os.getcwd(), on_error)


def _groups(files: list[Any], size: int) -> Iterator[list[Any]]:
    """Files in groups of `size`; a JSONL file (many documents) alone in its group."""
    buf: list[Any] = []
    for f in files:
        if isinstance(f, Path) and f.suffix.lower() == ".jsonl":
            yield [f]
            continue
        buf.append(f)
        if len(buf) >= size:
            yield buf
            buf = []
    if buf:
        yield buf


def _path_records(groups: Iterable[list[Any]], options: Options, cwd: str, on_error: str) -> list[dict[str, Any]]:
    check_worker(options)
    items: list[Any] = []
    for f in (f for g in groups for f in g):
        items.extend(localize(f, cwd, options.max_bytes) if isinstance(f, Path) and not f.is_absolute() else [f])
    return _records(items, options, on_error)


def _bag_records(elements: Iterable[Any], options: Options, on_error: str) -> list[dict[str, Any]]:
    check_worker(options)
    items: list[Any] = []
    for n, x in enumerate(elements):
        if isinstance(x, Document):
            items.append(x)
        elif isinstance(x, tuple) and len(x) == 2:
            items.append(Document(str(x[0]), str(x[0]), str(x[1])))
        elif isinstance(x, dict):
            rid = str(x.get("id") or f"doc-{n}")
            meta = {k: v for k, v in x.items() if k not in ("text", "source")}
            items.append(Document(rid, str(x.get("source") or rid), str(x.get("text") or ""), "utf-8", meta))
        else:
            items.append(Document(f"doc-{n}", f"<text {n}>", str(x)))
    return _records([_nonempty(d) for d in items], options, on_error)


def _nonempty(d: Document) -> Document | Failure:
    """A text with nothing in it is an error, as an empty JSONL `text` is (never an empty record)."""
    return d if d.text.strip() else Failure(d.source, "EmptyDocument", "empty `text`", id=d.id)


def _records(items: list[Any], options: Options, on_error: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for r in iter_results(items, options, workers=1):
        if r.failure is not None:
            if on_error == "raise":
                raise InputError(r.failure.source, r.failure.message, kind=r.failure.error)
        elif r.record_json is not None:
            out.append(json.loads(r.record_json))
    return out


def read_records(path: str | Path, blocksize: str = "64MB") -> db.Bag:
    """A `records.jsonl` (of `communique extract`) as a bag of record dicts, one partition per block."""
    return db.read_text(str(path), blocksize=blocksize).filter(str.strip).map(json.loads)


def to_dask_frames(records: db.Bag | str | Path, by: str | None = None) -> dict[str, dd.DataFrame]:
    """The `to_frames` tables as Dask DataFrames, one pandas partition per bag partition.

    `records`: a bag of records (`extract_dask`, `read_records`) or a `records.jsonl` path. `by`
    ("year" or "folder") adds that column to every table (Parquet partitions). Each table is
    computed from the bag on its own: `persist()` the bag first to extract once.
    """
    if by is not None and by not in PARTITION_KEYS:
        raise ValueError(f"by must be one of {PARTITION_KEYS} or None")
    bag = records if isinstance(records, db.Bag) else read_records(records)
    parts = [dask.delayed(_part_frames)(p, by) for p in bag.to_delayed()]
    meta = _part_frames([], by)
    return {t: dd.from_delayed([dask.delayed(_table)(p, t) for p in parts], meta=meta[t], verify_meta=False)
            for t in TABLES}


def _table(frames: dict[str, pd.DataFrame], name: str) -> pd.DataFrame:
    return frames[name]


def _part_frames(records: list[dict[str, Any]], by: str | None) -> dict[str, pd.DataFrame]:
    """`to_frames` of one partition, with fixed columns and dtypes (so partitions and Parquet files agree)."""
    frames = to_frames(records)
    keys = {r["id"]: partition_value(r, by) for r in records} if by else {}
    out: dict[str, pd.DataFrame] = {}
    for t, df in frames.items():
        df = df.reindex(columns=COLUMNS[t] + EXTRA_COLUMNS.get(t, []))
        for c in df.columns:
            if c in INT_COLUMNS:
                df[c] = df[c].astype("Int64")
            elif c in FLOAT_COLUMNS.get(t, ()):
                df[c] = df[c].astype("float64")
        if by:
            df[by] = df["doc_id"].map(keys).astype(object)
        out[t] = df
    return out


def partition_value(record: dict[str, Any], by: str | None) -> str:
    """A record's partition: its year (`unknown` without a date) or its input folder (pyarrow URI-encodes it
    in the folder name and decodes it on reading)."""
    if by == "year":
        date = record.get("date") or ""
        return date[:4] if date[:4].isdigit() else "unknown"
    return os.path.dirname(str(record.get("source") or "")) or "."


def arrow_schema(table: str, by: str | None = None) -> pa.Schema:
    """The Parquet schema of a table: nullable int64, float64, list<string> and string columns."""
    fields = []
    for c in COLUMNS[table] + EXTRA_COLUMNS.get(table, []):
        if c in INT_COLUMNS:
            typ = pa.int64()
        elif c in FLOAT_COLUMNS.get(table, ()):
            typ = pa.float64()
        elif c in LIST_COLUMNS:
            typ = pa.list_(pa.string())
        else:
            typ = pa.string()
        fields.append(pa.field(c, typ))
    if by:
        fields.append(pa.field(by, pa.string()))
    return pa.schema(fields)


def write_parquet(records: db.Bag | str | Path, outdir: str | Path, by: str = "year") -> list[Path]:
    """Every table as a Parquet dataset `OUTDIR/TABLE/`, hive-partitioned by `by` (`year=2021/`,
    `folder=corpus%2Fweb/`), written by the workers in one pass over the records, one file per bag
    partition and partition value, every file with the table's `arrow_schema`. Replaces `OUTDIR/TABLE/`."""
    if by not in PARTITION_KEYS:
        raise ValueError(f"by must be one of {PARTITION_KEYS}")
    bag = records if isinstance(records, db.Bag) else read_records(records)
    root = Path(outdir)
    for t in TABLES:
        if (root / t).is_dir():
            shutil.rmtree(root / t)
    dask.compute(*[dask.delayed(_write_part)(p, i, str(root), by) for i, p in enumerate(bag.to_delayed())])
    for t in TABLES:  # a table with no row at all is still a readable dataset
        if not (root / t).is_dir():
            (root / t).mkdir(parents=True)
            pq.write_table(arrow_schema(t, by).empty_table(), root / t / "empty.parquet")
    return [root / t for t in TABLES]


def _write_part(records: list[dict[str, Any]], n: int, root: str, by: str) -> int:
    """One bag partition's rows of every table, under their partition folders; rows written."""
    rows = 0
    for t, df in _part_frames(records, by).items():
        if df.empty:
            continue
        table = pa.Table.from_pandas(df, schema=arrow_schema(t, by), preserve_index=False)
        pq.write_to_dataset(table, str(Path(root) / t), partition_cols=[by],
                            basename_template=f"part-{n}-{{i}}.parquet", existing_data_behavior="overwrite_or_ignore")
        rows += len(df)
    return rows
