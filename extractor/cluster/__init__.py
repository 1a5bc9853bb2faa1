"""The batch on a Dask cluster: the same records, guarantees and outputs as the local path.

`communique extract ... --scheduler tcp://HOST:8786` (an existing cluster) or `--scheduler local:N`
(a LocalCluster of N one-thread worker processes) sends the local path's chunks of documents
(`runner.iter_results`) to Dask workers instead of a process pool (`executor.ClusterExecutor`);
everything else, skips of unchanged documents, the sorted merge into `records.jsonl`, `errors.jsonl`
and the OUTDIR lock, is `batch.run_batch`'s own code, so `records.jsonl` is byte-identical.
Notebooks get a Dask bag of records and Dask DataFrames of the `to_frames` tables (`frames`).
"""

from __future__ import annotations

from .connect import PipelinePlugin, SchedulerError, open_client, parse_scheduler
from .executor import ClusterExecutor
from .frames import extract_dask, read_records, to_dask_frames, write_parquet

__all__ = [
    "ClusterExecutor",
    "PipelinePlugin",
    "SchedulerError",
    "extract_dask",
    "open_client",
    "parse_scheduler",
    "read_records",
    "to_dask_frames",
    "write_parquet",
]
