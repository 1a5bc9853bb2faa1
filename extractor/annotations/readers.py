"""Reading doccano and Label Studio exports into annotated documents, and importing them as gold files.

`import_file` writes `NAME.txt` + `NAME.gold.json` pairs; a document whose spans cannot be read
is dropped with a warning naming it, never half-written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .gold import default_fields, dump_gold, spans_to_gold
from .labels import AnnotationError, Json, Span, parse_label

DOC_KEYS = ("date", "title", "fields")
"""Document-level keys read from a doccano line (or its `meta`) and a Label Studio task's `data`."""
UNSAFE_NAME = re.compile(r"[^\w.-]+")
TOOLS = ("doccano", "labelstudio")


@dataclass
class Transfer:
    """What an import or export did: files or documents written, documents dropped, warnings."""

    written: int = 0
    failed: int = 0
    warnings: list[str] = field(default_factory=list)
    action: str = "wrote"

    def line(self) -> str:
        return f"{self.action} {self.written} documents, {self.failed} dropped, {len(self.warnings)} warnings"


@dataclass
class Task:
    """One annotated document as read from an export."""

    name: str
    text: str
    spans: list[Span]
    doc: Json


def _span(text: str, start: Any, end: Any, label: str, extra: str | None, where: str) -> Span:
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
        raise AnnotationError(f"{where}: offsets [{start}, {end}) outside the text")
    kind, values = parse_label(label, extra)
    return Span(start, end, kind, values)


def _doc_keys(*sources: Mapping[str, Any] | None) -> Json:
    out: Json = {}
    for src in sources:
        for k in DOC_KEYS:
            if src and k in src and k not in out:
                out[k] = src[k]
    return out


def read_doccano(path: Path, warnings: list[str]) -> Iterator[Task]:
    """doccano sequence-labelling exports: JSONL lines with `label: [[s, e, LABEL], ...]` or `entities`."""
    raw = path.read_text(encoding="utf-8")
    items = json.loads(raw) if raw.lstrip().startswith("[") else [json.loads(x) for x in raw.splitlines() if x.strip()]
    for n, item in enumerate(items, 1):
        text = item.get("text") or item.get("data") or ""
        meta = item.get("meta") if isinstance(item.get("meta"), dict) else {}
        name = item.get("name") or meta.get("name") or (f"doccano-{item['id']}" if "id" in item else f"doc-{n:04d}")
        triples = [(e[0], e[1], e[2]) for e in item.get("label") or [] if isinstance(e, list | tuple) and len(e) >= 3]
        triples += [(e.get("start_offset"), e.get("end_offset"), e.get("label", ""))
                    for e in item.get("entities") or [] if isinstance(e, dict)]
        spans: list[Span] = []
        for start, end, label in triples:
            try:
                spans.append(_span(text, start, end, str(label), None, f"{name}"))
            except AnnotationError as e:
                warnings.append(f"{name}: {e}")
        yield Task(str(name), text, spans, _doc_keys(item, meta))


def _ls_text(data: Mapping[str, Any]) -> str:
    if isinstance(data.get("text"), str):
        return data["text"]
    return next((v for v in data.values() if isinstance(v, str) and len(v) > 40), "")


def _ls_result(task: Mapping[str, Any], use_predictions: bool) -> list[Json] | None:
    done = [a for a in task.get("annotations") or [] if not a.get("was_cancelled")]
    if done:
        return list(done[-1].get("result") or [])
    if use_predictions and task.get("predictions"):
        return list(task["predictions"][-1].get("result") or [])
    return None


def read_labelstudio(path: Path, warnings: list[str], use_predictions: bool = False) -> Iterator[Task]:
    """Label Studio JSON exports: tasks whose last annotation has `labels` results."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    tasks = raw if isinstance(raw, list) else [raw]
    for n, task in enumerate(tasks, 1):
        data = task.get("data") or {}
        text = _ls_text(data)
        fallback = f"labelstudio-{task['id']}" if "id" in task else f"doc-{n:04d}"
        name = str(data.get("name") or data.get("id") or fallback)
        result = _ls_result(task, use_predictions)
        if result is None:
            warnings.append(f"{name}: no annotation, skipped")
            continue
        texts: dict[str, str] = {}
        for r in result:
            if r.get("type") == "textarea" and r.get("id"):
                texts[r["id"]] = " | ".join(str(t) for t in (r.get("value") or {}).get("text") or [])
        spans: list[Span] = []
        for r in result:
            if r.get("type") != "labels":
                continue
            value = r.get("value") or {}
            meta = " | ".join(str(t) for t in (r.get("meta") or {}).get("text") or [])
            extra = " | ".join(x for x in (meta, texts.get(r.get("id", ""), "")) if x) or None
            for label in value.get("labels") or []:
                try:
                    spans.append(_span(text, value.get("start"), value.get("end"), str(label), extra, name))
                except AnnotationError as e:
                    warnings.append(f"{name}: {e}")
        yield Task(name, text, spans, _doc_keys(data))


def read_tasks(path: str | Path, tool: str, warnings: list[str], use_predictions: bool = False) -> list[Task]:
    if tool == "doccano":
        return list(read_doccano(Path(path), warnings))
    if tool == "labelstudio":
        return list(read_labelstudio(Path(path), warnings, use_predictions))
    raise ValueError(f"unknown annotation tool {tool!r}; choose from {', '.join(TOOLS)}")


def safe_name(name: str, n: int) -> str:
    return UNSAFE_NAME.sub("-", name).strip("-.") or f"doc-{n:04d}"


def import_file(path: str | Path, tool: str, outdir: str | Path, *, fields: Iterable[str] | None = None,
                use_predictions: bool = False) -> Transfer:
    """An annotation export into `NAME.txt` + `NAME.gold.json` pairs in `outdir`."""
    result = Transfer(action="imported")
    tasks = read_tasks(path, tool, result.warnings, use_predictions)
    chosen = set(fields) if fields else None
    file_fields = default_fields([(t.doc, t.spans) for t in tasks])
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    used: set[str] = set()
    for n, task in enumerate(tasks, 1):
        name = safe_name(task.name, n)
        if name in used:
            result.warnings.append(f"{task.name}: name used twice, second one dropped")
            result.failed += 1
            continue
        used.add(name)
        doc_keys = {k for k in ("date", "title") if k in task.doc}
        doc_fields = set(chosen or task.doc.get("fields") or file_fields | doc_keys)
        try:
            gold = spans_to_gold(name, task.text, task.spans, task.doc, doc_fields)
        except AnnotationError as e:
            result.warnings.append(f"{task.name}: {e}; dropped")
            result.failed += 1
            continue
        with (out / f"{name}.txt").open("w", encoding="utf-8", newline="") as fh:
            fh.write(task.text)
        (out / f"{name}.gold.json").write_text(dump_gold(gold), encoding="utf-8")
        result.written += 1
    return result
