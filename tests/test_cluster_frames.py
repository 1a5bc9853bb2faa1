"""The cluster's notebook API: a Dask bag of records, Dask DataFrames of the `to_frames` tables, and
Parquet partitioned by year or input folder, read back by pandas and pyarrow (and DuckDB if present).

One LocalCluster (processes, 2 one-thread workers) serves the module; inputs are corpus/web/.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import dask.bag as db
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pytest
from distributed import Client

from extractor import extract, to_frames
from extractor.api import TABLES
from extractor.cluster import extract_dask, read_records, to_dask_frames, write_parquet
from extractor.io import list_inputs
from extractor.runner import Options, fingerprint, iter_results

ROOT = Path(__file__).resolve().parent.parent
WEB = ROOT / "corpus" / "web"


@pytest.fixture(scope="module")
def bag(client: Client) -> db.Bag:
    return extract_dask([WEB], client=client, partition_size=4).persist()


@pytest.fixture(scope="module")
def records(bag: db.Bag) -> list[dict[str, Any]]:
    return bag.compute()


def _plain(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows with every missing value as None (dtypes aside: the values must be equal)."""
    rows = df.astype(object).where(df.notna(), None).to_dict("records")
    return sorted(rows, key=lambda r: json.dumps(r, sort_keys=True, default=str))


def test_extract_dask_gives_the_records_of_the_local_path(records):
    opts = Options(fingerprint=fingerprint())
    local = [json.loads(r.record_json) for r in iter_results(list_inputs([WEB])[0], opts) if r.record_json]
    assert len(local) == 14
    assert sorted(records, key=lambda r: r["id"]) == sorted(local, key=lambda r: r["id"])


def test_extract_dask_takes_a_bag_of_id_text_pairs_and_skips_what_cannot_be_a_record(client):
    texts = {"a": "RABAT, 4 mars 2024 (MAP) - L'INDH a mobilisé 6,2 millions de dirhams à Tiznit.",
             "b": "Settat, 2 mai 2023 (MAP) - Une enveloppe de 800.000 DH est allouée aux coopératives."}
    pairs = db.from_sequence([*texts.items(), ("vide", "   ")], npartitions=2)
    got = {r["id"]: r for r in extract_dask(pairs, client=client, on_error="skip").compute()}
    assert sorted(got) == ["a", "b"]
    for rid, text in texts.items():
        assert [a["value"] for a in got[rid]["amounts"]] == [a.value for a in extract(text, id=rid).amounts]
    with pytest.raises(Exception, match=r"vide|empty"):
        extract_dask(pairs, client=client).compute()


def test_to_dask_frames_are_the_to_frames_tables(bag, records):
    frames = to_dask_frames(bag)
    expected = to_frames(records)
    assert set(frames) == set(TABLES)
    for name in TABLES:
        got = frames[name].compute()
        assert list(got.columns) == list(expected[name].columns), name
        assert _plain(got) == _plain(expected[name]), name


def test_parquet_is_partitioned_by_year_and_read_back_by_pandas_and_pyarrow(bag, records, tmp_path):
    write_parquet(bag, tmp_path, by="year")
    years = {r["id"]: (r["date"] or "")[:4] or "unknown" for r in records}
    assert {p.name for p in (tmp_path / "documents").iterdir()} == {f"year={y}" for y in years.values()}
    expected = to_frames(records)
    for name in TABLES:
        back = pd.read_parquet(tmp_path / name)
        assert len(back) == len(expected[name]), name
        assert (back["doc_id"].map(years) == back["year"].astype(str)).all(), name
    alloc = ds.dataset(tmp_path / "allocations", partitioning="hive")
    assert alloc.schema.field("flags").type == pa.list_(pa.string())
    assert alloc.schema.field("part_of").type == pa.int64()
    assert alloc.to_table().num_rows == len(expected["allocations"])


def test_parquet_by_folder_from_a_records_file(client, records, tmp_path):
    path = tmp_path / "records.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    write_parquet(read_records(path), tmp_path / "tables", by="folder")
    back = pd.read_parquet(tmp_path / "tables" / "amounts")
    assert len(back) == sum(len(r["amounts"]) for r in records)
    assert set(back["folder"].astype(str)) == {str(WEB)}  # the folder name, decoded from the partition path


def test_duckdb_reads_the_partitioned_parquet(bag, records, tmp_path):
    import duckdb  # a test dependency: the Parquet output must read in DuckDB, never skipped
    write_parquet(bag, tmp_path, by="year")
    n = duckdb.sql(f"select count(*) from read_parquet('{tmp_path}/documents/*/*.parquet', hive_partitioning=1)")
    assert n.fetchall()[0][0] == len(records)
