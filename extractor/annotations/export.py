"""Records into pre-annotations: every mention of a record as a labelled span, for doccano or Label Studio.

The text is read again like `extract` reads it and checked against the record's `text_sha256`,
so the spans' offsets fall where the extractor saw them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .labels import LABEL_FIELDS, AnnotationError, Json, format_label
from .readers import TOOLS, Transfer

EXPORT_FIELDS = ["title", "date", "dates", "amounts", "places", "beneficiaries", "organizations", "quantities",
                 "allocations"]


def _amount_values(a: Mapping[str, Any]) -> Json:
    return {"value": a["value"], "currency": a["currency"], "qualifier": a.get("qualifier"),
            "value_max": a.get("value_max")}


def record_spans(record: Mapping[str, Any], warnings: list[str]) -> list[tuple[int, int, str]]:
    """`(start, end, LABEL|values)` for every mention of a record, in text order."""
    out: list[tuple[int, int, str]] = []
    rid = record.get("id")
    for a in record.get("amounts") or []:
        out.append((a["start"], a["end"], format_label("AMOUNT", _amount_values(a))))
    for d in record.get("dates") or []:
        out.append((d["start"], d["end"], format_label("DATE", d)))
    for q in record.get("quantities") or []:
        out.append((q["start"], q["end"], format_label("QUANTITY", q)))
    entities = [("PLACE", "places", lambda p: p), ("BENEFICIARY", "beneficiaries", lambda b: b),
                ("ORG", "organizations", lambda o: o)]
    for kind, key, values in entities:
        for e in record.get(key) or []:
            if not e.get("mentions"):
                warnings.append(f"{rid}: {kind} {e.get('name') or e.get('category')!r} has no mention to label")
            for m in e.get("mentions") or []:
                out.append((m["start"], m["end"], format_label(kind, values(e))))
    for al in record.get("allocations") or []:
        ev = al.get("evidence") or {}
        if "start" not in ev:
            warnings.append(f"{rid}: allocation without evidence")
            continue
        vals = {**_amount_values(al["amount"]), **{k: al.get(k) for k in LABEL_FIELDS["ALLOCATION"][4:]}}
        out.append((ev["start"], ev["end"], format_label("ALLOCATION", vals)))
    return sorted(out, key=lambda x: (x[0], x[1]))


def record_text(record: Mapping[str, Any], texts_dir: str | Path | None, records_dir: Path) -> str:
    """The analysed text of a record, read like `extract` reads it, checked against `text_sha256`."""
    from ..build import text_sha256
    from ..io import Document, read_path

    rid = str(record.get("id"))
    if texts_dir is not None:
        candidates = [Path(texts_dir) / f"{rid}.txt", Path(texts_dir) / f"{rid}.md"]
    else:
        src = Path(str(record.get("source", "")))
        candidates = [src] if src.is_absolute() else [src, records_dir / src]
    path = next((c for c in candidates if c.is_file()), None)
    if path is None:
        raise AnnotationError(f"{rid}: no text at {', '.join(map(str, candidates))}")
    for doc in read_path(path):
        if isinstance(doc, Document) and doc.id == rid:
            text = doc.text
            if record.get("text_sha256") and text_sha256(text) != record["text_sha256"]:
                raise AnnotationError(f"{rid}: {path} changed since extraction (text_sha256 differs)")
            return text
    raise AnnotationError(f"{rid}: {path} holds no readable document with this id")


def _doc_data(record: Mapping[str, Any]) -> Json:
    return {"title": record.get("title"), "date": record.get("date"), "fields": EXPORT_FIELDS}


def export_file(records_path: str | Path, tool: str, output: str | Path, *,
                texts_dir: str | Path | None = None) -> Transfer:
    """Records into pre-annotations: doccano JSONL, or a Label Studio JSON task list (as predictions)."""
    from .. import __version__
    from ..scoring import load_records

    if tool not in TOOLS:
        raise ValueError(f"unknown annotation tool {tool!r}; choose from {', '.join(TOOLS)}")
    result = Transfer(action="exported")
    records_dir = Path(records_path).resolve().parent
    items: list[Json] = []
    for rid, record in load_records(records_path).items():
        try:
            text = record_text(record, texts_dir, records_dir)
        except AnnotationError as e:
            result.warnings.append(str(e))
            result.failed += 1
            continue
        spans = record_spans(record, result.warnings)
        if tool == "doccano":
            items.append({"name": rid, "text": text, "label": [list(s) for s in spans], **_doc_data(record)})
        else:
            regions = []
            for n, (start, end, label) in enumerate(spans, 1):
                kind, _, suffix = label.partition("|")
                region: Json = {"id": f"r{n}", "from_name": "label", "to_name": "text", "type": "labels",
                                "value": {"start": start, "end": end, "text": text[start:end], "labels": [kind]}}
                if suffix:
                    region["meta"] = {"text": [suffix]}
                regions.append(region)
            items.append({"data": {"name": rid, "text": text, **_doc_data(record)},
                          "predictions": [{"model_version": f"communique-extractor {__version__}",
                                           "result": regions}]})
        result.written += 1
    out = Path(output)
    out.parent.mkdir(parents=True, exist_ok=True)
    if tool == "doccano":
        out.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8")
    else:
        out.write_text(json.dumps(items, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return result
