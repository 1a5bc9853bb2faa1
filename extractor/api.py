"""The notebook API: `extract`, `extract_many`, `to_frames`."""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Iterable, Iterator
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .build import make_record
from .errors import ExtractorError, InputError
from .io import Document, list_inputs, suffixes
from .pieces import analyse_fields
from .pipeline import DEFAULT_MODEL, load_pipeline
from .records import Communique
from .runner import Options, iter_results

if TYPE_CHECKING:
    import pandas as pd


def extract(text: str, id: str | None = None, *, model: str = DEFAULT_MODEL, fast: bool = False,
            ner: bool = False, source: str | None = None) -> Communique:
    """One text into one validated record (the pipeline is built once per process).

    `ner=True` adds the model's statistical NER (LOC entities fill place gaps); slower. Long or
    hostile texts take the CLI's path (`pieces.analyse_fields`): the model runs over bounded pieces.
    """
    nlp = load_pipeline(model, fast, ner)
    fields = analyse_fields(nlp, text)  # the Doc goes before the record is validated
    rid = id or "doc"
    return make_record(fields, nlp, text, id=rid, source=source or rid)


def looks_like_path(s: str) -> bool:
    """A string taken for a path, not a text: no whitespace, and a suffix we read or a trailing slash.

    `extract_many(["autre.txt"])` with no such file raises FileNotFoundError instead of extracting
    the 9-character text `autre.txt`; `"corpus/"` is a folder, `"Bonjour"` is a text.
    """
    if not s or len(s) > 4096 or any(c.isspace() for c in s):
        return False
    return s.endswith(("/", os.sep)) or Path(s).suffix.lower() in suffixes()


def _as_items(texts_or_paths: Iterable[Any]) -> Iterator[Document | Path]:
    n = 0
    for x in texts_or_paths:
        if isinstance(x, Document):
            yield x
        elif isinstance(x, Path):
            if x.is_dir():
                yield from list_inputs([x])[0]
            else:
                yield x
        elif isinstance(x, tuple) and len(x) == 2:
            yield Document(str(x[0]), str(x[0]), str(x[1]))
        elif isinstance(x, str):
            if "\n" not in x and len(x) < 4096 and os.path.exists(x):
                p = Path(x)
                yield from (list_inputs([p])[0] if p.is_dir() else [p])
            elif looks_like_path(x):
                raise FileNotFoundError(errno.ENOENT, "no such file or folder (a string that looks like a path "
                                        "is read as one, not as a text)", x)
            else:
                yield Document(f"doc-{n}", f"<text {n}>", x)
        else:
            raise ExtractorError(f"extract_many takes texts, paths, (id, text) pairs or Documents, not {type(x)}")
        n += 1


def extract_many(texts_or_paths: Iterable[Any], batch_size: int = 16, n_process: int = 1, *,
                 model: str = DEFAULT_MODEL, fast: bool = False, on_error: str = "raise"
                 ) -> Iterator[Communique]:
    """Stream records for texts, paths (folders read recursively) or `(id, text)` pairs.

    Documents go through `nlp.pipe` in batches, in `n_process` worker processes when above 1: a
    script doing so needs an `if __name__ == "__main__":` guard (workers import it). A string that
    looks like a path (see `looks_like_path`) and does not exist raises FileNotFoundError.
    `on_error="raise"` raises InputError on the first unreadable input; `"skip"` passes over it.
    """
    if on_error not in ("raise", "skip"):
        raise ValueError("on_error must be 'raise' or 'skip'")
    try:
        yield from _records(texts_or_paths, batch_size, n_process, model, fast, on_error)
    except BrokenProcessPool:
        raise ExtractorError(WORKERS_DIED) from None


WORKERS_DIED = (
    "the worker processes of extract_many(n_process > 1) died. In a script, call it under "
    "`if __name__ == \"__main__\":` (each worker imports the script, and an unguarded call starts workers "
    "again); otherwise a worker was killed (memory?): try a smaller n_process or batch_size")


def _records(texts_or_paths: Iterable[Any], batch_size: int, n_process: int, model: str, fast: bool,
             on_error: str) -> Iterator[Communique]:
    opts = Options(model=model, fast=fast, batch_size=batch_size, store_text=True)
    for r in iter_results(_as_items(texts_or_paths), opts, workers=n_process):
        if r.failure is not None:
            if on_error == "raise":
                raise InputError(r.failure.source, r.failure.message, kind=r.failure.error)
            continue
        if r.record_json is not None:
            data = json.loads(r.record_json)
            text = data["metadata"].pop("text", None)  # kept for the notebook view, not in the record
            rec = Communique.model_validate(data)
            rec._text = text
            yield rec


TABLES = ("documents", "amounts", "places", "beneficiaries", "organizations", "dates", "quantities",
          "allocations")


def _rows(records: Iterable[Communique | dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    rows: dict[str, list[dict[str, Any]]] = {t: [] for t in TABLES}
    for rec in records:
        r = rec.model_dump(mode="json") if isinstance(rec, Communique) else rec
        did = r["id"]
        dl = r.get("dateline") or {}
        rows["documents"].append({
            "doc_id": did, "source": r.get("source"), "title": r.get("title"), "date": r.get("date"),
            "dateline_place": dl.get("place"), "agency": dl.get("agency"),
            "n_amounts": len(r.get("amounts", [])), "n_allocations": len(r.get("allocations", [])),
            "text_sha256": r.get("text_sha256"), "extractor_version": (r.get("extractor") or {}).get("version"),
            "duplicate_of": r.get("duplicate_of"),
        })
        for i, a in enumerate(r.get("amounts", [])):
            rows["amounts"].append({"doc_id": did, "index": i, **a})
        for p in r.get("places", []):
            ms = p.get("mentions", [])
            rows["places"].append({"doc_id": did, **{k: v for k, v in p.items() if k != "mentions"},
                                   "n_mentions": len(ms), "first_start": ms[0]["start"] if ms else None})
        for b in r.get("beneficiaries", []):
            ms = b.get("mentions", [])
            rows["beneficiaries"].append({"doc_id": did, "category": b["category"], "n_mentions": len(ms),
                                          "mentions": [m["text"] for m in ms]})
        for o in r.get("organizations", []):
            ms = o.get("mentions", [])
            rows["organizations"].append({"doc_id": did, **{k: v for k, v in o.items() if k != "mentions"},
                                          "n_mentions": len(ms)})
        for d in r.get("dates", []):
            rows["dates"].append({"doc_id": did, **d})
        for q in r.get("quantities", []):
            rows["quantities"].append({"doc_id": did, **q})
        for i, al in enumerate(r.get("allocations", [])):
            a = al.get("amount") or {}
            ev = al.get("evidence") or {}
            rows["allocations"].append({
                "doc_id": did, "index": i, "amount_index": al.get("amount_index"),
                "value": a.get("value"), "value_max": a.get("value_max"), "currency": a.get("currency"),
                "qualifier": a.get("qualifier"), "amount_text": a.get("text"),
                "funder": al.get("funder"), "programme": al.get("programme"), "purpose": al.get("purpose"),
                "beneficiaries": list(al.get("beneficiaries") or []), "places": list(al.get("places") or []),
                "partners": list(al.get("partners") or []), "part_of": al.get("part_of"),
                "evidence": ev.get("text"), "evidence_start": ev.get("start"), "evidence_end": ev.get("end"),
                "flags": list(al.get("flags") or []), "duplicate_of_id": (al.get("duplicate_of") or {}).get("id"),
                "duplicate_of_index": (al.get("duplicate_of") or {}).get("index"),
            })
    return rows


COLUMNS: dict[str, list[str]] = {
    "documents": ["doc_id", "source", "title", "date", "dateline_place", "agency", "n_amounts",
                  "n_allocations", "text_sha256", "extractor_version", "duplicate_of"],
    "amounts": ["doc_id", "index", "text", "start", "end", "value", "value_max", "currency", "qualifier", "rule"],
    "places": ["doc_id", "name", "type", "code", "latitude", "longitude", "rule", "n_mentions", "first_start"],
    "beneficiaries": ["doc_id", "category", "n_mentions", "mentions"],
    "organizations": ["doc_id", "name", "acronym", "kind", "roles", "rule", "n_mentions"],
    "dates": ["doc_id", "text", "start", "end", "value", "granularity", "rule"],
    "quantities": ["doc_id", "text", "start", "end", "value", "unit", "rule"],
    "allocations": ["doc_id", "index", "amount_index", "value", "value_max", "currency", "qualifier",
                    "amount_text", "funder", "programme", "purpose", "beneficiaries", "places", "partners",
                    "part_of", "evidence", "evidence_start", "evidence_end", "flags", "duplicate_of_id",
                    "duplicate_of_index"],
}


INTEGER_COLUMNS = frozenset({"index", "start", "end", "n_amounts", "n_allocations", "n_mentions", "first_start",
                             "amount_index", "part_of", "evidence_start", "evidence_end"})
"""Columns of whole numbers: pandas' nullable `Int64`, so a missing `part_of` is <NA>, not a float NaN."""


def to_frames(records: Iterable[Communique | dict[str, Any]]) -> dict[str, pd.DataFrame]:
    """One tidy pandas table per kind, each keyed by `doc_id` (list fields stay Python lists).

    Integer columns (offsets, indexes, counts, `part_of`) are nullable `Int64`, never float.
    """
    import pandas as pd

    rows = _rows(records)
    frames: dict[str, pd.DataFrame] = {}
    for t in TABLES:
        df = pd.DataFrame(rows[t])
        cols = COLUMNS[t] + [c for c in df.columns if c not in COLUMNS[t]]
        df = df.reindex(columns=cols)
        frames[t] = df.astype({c: "Int64" for c in cols if c in INTEGER_COLUMNS})
    return frames
