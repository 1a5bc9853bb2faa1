"""doccano and Label Studio interop: span annotations <-> gold files, records -> pre-annotations.

A span's label names what it is and, after `|`, carries the normalised values
(`AMOUNT|3500000|MAD|more_than`, `PLACE|province|Khouribga`, `ORG|funder|INDH`): positional
parts in the order of `LABEL_FIELDS`, or `key=value` parts in any order. Label Studio may carry
the same suffix in the region's `meta.text` or in a per-region text area instead. The exact
format is documented in docs/annotations.md.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .records import Granularity, OrgKind, PlaceType, Qualifier, Role
from .text import fold

Json = dict[str, Any]

LABEL_FIELDS: dict[str, tuple[str, ...]] = {
    "AMOUNT": ("value", "currency", "qualifier", "value_max"),
    "PLACE": ("type", "name", "code"),
    "ORG": ("roles", "name", "acronym", "kind"),
    "BENEFICIARY": ("category",),
    "DATE": ("value", "granularity"),
    "QUANTITY": ("value", "unit"),
    "ALLOCATION": ("value", "currency", "qualifier", "value_max", "funder", "beneficiaries", "places",
                   "partners", "purpose", "programme"),
    "TITLE": (),
}
"""Span labels and the order of their positional values."""

POSITIONAL = {"ALLOCATION": 4}
"""Labels whose later values are written as `key=value` (optional slots); the others are all positional."""

LABEL_ALIASES = {"ORGANIZATION": "ORG", "ORGANISATION": "ORG", "MONTANT": "AMOUNT", "LIEU": "PLACE",
                 "BENEFICIAIRE": "BENEFICIARY", "QUANTITE": "QUANTITY"}

GOLD_FIELD = {"AMOUNT": "amounts", "PLACE": "places", "ORG": "organizations", "BENEFICIARY": "beneficiaries",
              "DATE": "dates", "QUANTITY": "quantities", "ALLOCATION": "allocations", "TITLE": "title"}
"""Which gold field a label fills."""

GOLD_ORDER = ("id", "title", "date", "dates", "amounts", "places", "beneficiaries", "organizations",
              "quantities", "allocations")
LIST_FIELDS = ("dates", "amounts", "places", "beneficiaries", "organizations", "quantities", "allocations")
DOC_KEYS = ("date", "title", "fields")
"""Document-level keys read from a doccano line (or its `meta`) and a Label Studio task's `data`."""

LIST_SEP = re.compile(r"\s*;\s*")
CODE_SEP = re.compile(r"\s*[;,+]\s*")
UNSAFE_NAME = re.compile(r"[^\w.-]+")
TOOLS = ("doccano", "labelstudio")


class AnnotationError(ValueError):
    """A span whose label cannot be read."""


@dataclass
class Span:
    """One labelled stretch of text with its values."""

    start: int
    end: int
    label: str
    values: dict[str, str] = field(default_factory=dict)


@dataclass
class Transfer:
    """What an import or export did: files or documents written, documents dropped, warnings."""

    written: int = 0
    failed: int = 0
    warnings: list[str] = field(default_factory=list)
    action: str = "wrote"

    def line(self) -> str:
        return f"{self.action} {self.written} documents, {self.failed} dropped, {len(self.warnings)} warnings"


# --- labels -------------------------------------------------------------------------------------

def parse_label(label: str, extra: str | None = None) -> tuple[str, dict[str, str]]:
    """`AMOUNT|3500000|MAD|more_than` (+ an optional suffix held elsewhere) -> kind and named values."""
    parts = [p.strip() for p in label.split("|")]
    kind = LABEL_ALIASES.get(parts[0].upper(), parts[0].upper())
    if kind not in LABEL_FIELDS:
        raise AnnotationError(f"unknown label {parts[0]!r} (known: {', '.join(LABEL_FIELDS)})")
    rest = parts[1:]
    if extra:
        rest += [p.strip() for p in extra.strip().removeprefix(parts[0]).strip("|").split("|")]
    names = LABEL_FIELDS[kind]
    values: dict[str, str] = {}
    position = 0
    for part in rest:
        key, eq, value = part.partition("=")
        if eq and key.strip() in names:
            values[key.strip()] = value.strip()
            continue
        if position >= len(names):
            raise AnnotationError(f"{kind}: too many values in {label!r}")
        if part:
            values[names[position]] = part
        position += 1
    return kind, values


def format_label(kind: str, values: Mapping[str, Any]) -> str:
    """The inverse of `parse_label`: positional values (trailing empties dropped), then `key=value` slots."""
    names = LABEL_FIELDS[kind]
    npos = POSITIONAL.get(kind, len(names))
    positional = [_value_text(values.get(n)) for n in names[:npos]]
    while positional and not positional[-1]:
        positional.pop()
    slots = [f"{n}={text}" for n in names[npos:] if (text := _value_text(values.get(n)))]
    return "|".join([kind, *positional, *slots])


def _value_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ";".join(_value_text(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _number(text: str, what: str) -> int | float:
    try:
        x = float(text.replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", "."))
    except ValueError:
        raise AnnotationError(f"{what}: {text!r} is not a number") from None
    return int(x) if x.is_integer() else x


def _enum(value: str | None, allowed: type, default: str | None, what: str) -> str | None:
    if not value:
        return default
    choices = {m.value for m in allowed}  # type: ignore[attr-defined]
    if value not in choices:
        raise AnnotationError(f"{what} {value!r} is not one of {', '.join(sorted(choices))}")
    return value


# --- spans -> gold ------------------------------------------------------------------------------

def _amount(v: Mapping[str, str], what: str) -> Json:
    if "value" not in v:
        raise AnnotationError(f"{what} without a value")
    out: Json = {"value": _number(v["value"], what), "currency": (v.get("currency") or "MAD").upper()}
    value_max = _number(v["value_max"], what) if v.get("value_max") else None
    out["qualifier"] = _enum(v.get("qualifier"), Qualifier, "range" if value_max else "exact", f"{what} qualifier")
    if value_max is not None:
        out["value_max"] = value_max
    return out


def _date(v: Mapping[str, str]) -> Json:
    value = v.get("value", "")
    if re.fullmatch(r"\d{4}", value):
        value, default = value + "-01-01", "year"
    elif re.fullmatch(r"\d{4}-\d{2}", value):
        value, default = value + "-01", "month"
    elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        default = "day"
    else:
        raise AnnotationError(f"DATE value {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    return {"value": value, "granularity": _enum(v.get("granularity"), Granularity, default, "DATE granularity")}


def _merge_org(orgs: list[Json], new: Json) -> None:
    """Add an organisation mention: one organisation when a folded name or acronym is shared."""
    forms = {fold(new["name"]), fold(new.get("acronym"))} - {""}
    for org in orgs:
        if forms & ({fold(org["name"]), fold(org.get("acronym"))} - {""}):
            org["roles"] += [r for r in new["roles"] if r not in org["roles"]]
            if not org.get("acronym") and new.get("acronym"):
                org["acronym"] = new["acronym"]
            if fold(org["name"]) == fold(org.get("acronym")) and fold(new["name"]) != fold(new.get("acronym")):
                org["name"] = new["name"]
            if org["kind"] == "other":
                org["kind"] = new["kind"]
            return
    orgs.append(new)


def spans_to_gold(name: str, text: str, spans: Iterable[Span], doc: Mapping[str, Any],
                  fields: Iterable[str]) -> Json:
    """A gold file (spec section 2) from labelled spans and document-level keys."""
    fields = set(fields)
    gold: Json = {"id": name}
    lists: dict[str, list[Json]] = {f: [] for f in LIST_FIELDS}
    seen_places: set[tuple[str, str]] = set()
    seen_dates: set[str] = set()
    seen_categories: set[str] = set()
    title: str | None = None
    for s in sorted(spans, key=lambda s: (s.start, s.end)):
        v, mention = s.values, text[s.start:s.end].strip()
        if s.label == "AMOUNT":
            lists["amounts"].append(_amount(v, "AMOUNT"))
        elif s.label == "PLACE":
            place: Json = {"name": v.get("name") or mention,
                           "type": _enum(v.get("type"), PlaceType, None, "PLACE type")}
            if place["type"] is None:
                raise AnnotationError(f"PLACE {place['name']!r} without a type")
            if v.get("code"):
                place["code"] = v["code"]
            key = (fold(place["name"]), place["type"])
            if key not in seen_places:
                seen_places.add(key)
                lists["places"].append(place)
        elif s.label == "ORG":
            roles = [r for r in CODE_SEP.split(v.get("roles", "")) if r]
            for r in roles:
                _enum(r, Role, None, "ORG role")
            org: Json = {"name": v.get("name") or mention}
            if v.get("acronym"):
                org["acronym"] = v["acronym"]
            org["kind"] = _enum(v.get("kind"), OrgKind, "other", "ORG kind")
            org["roles"] = roles
            _merge_org(lists["organizations"], org)
        elif s.label == "BENEFICIARY":
            for category in (c for c in CODE_SEP.split(v.get("category", "")) if c):
                if category not in seen_categories:
                    seen_categories.add(category)
                    lists["beneficiaries"].append({"category": category})
        elif s.label == "DATE":
            d = _date(v)
            if d["value"] not in seen_dates:
                seen_dates.add(d["value"])
                lists["dates"].append(d)
        elif s.label == "QUANTITY":
            if "value" not in v:
                raise AnnotationError("QUANTITY without a value")
            lists["quantities"].append({"value": _number(v["value"], "QUANTITY"), "unit": v.get("unit") or mention})
        elif s.label == "ALLOCATION":
            alloc: Json = {"amount": _amount(v, "ALLOCATION"), "funder": v.get("funder") or None,
                           "beneficiaries": [c for c in CODE_SEP.split(v.get("beneficiaries", "")) if c],
                           "places": [p for p in LIST_SEP.split(v.get("places", "")) if p],
                           "partners": [p for p in LIST_SEP.split(v.get("partners", "")) if p]}
            for key in ("purpose", "programme"):
                if v.get(key):
                    alloc[key] = v[key]
            lists["allocations"].append(alloc)
        elif s.label == "TITLE" and title is None:
            title = mention
    if "title" in fields:
        gold["title"] = title if title is not None else doc.get("title")
    if "date" in fields:
        gold["date"] = doc.get("date") or None
    for f in LIST_FIELDS:
        if f in fields:
            gold[f] = lists[f]
    return {k: gold[k] for k in GOLD_ORDER if k in gold}


def dump_gold(gold: Mapping[str, Any]) -> str:
    """A gold file as people read and diff it: one key per line, one list item per line."""
    lines = []
    for key, value in gold.items():
        if isinstance(value, list) and value:
            items = ",\n".join("    " + json.dumps(v, ensure_ascii=False) for v in value)
            lines.append(f'  {json.dumps(key)}: [\n{items}\n  ]')
        else:
            lines.append(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def default_fields(docs: Sequence[tuple[Mapping[str, Any], Sequence[Span]]]) -> set[str]:
    """Gold fields of an import: the list fields whose label any document of the file uses.

    A label used somewhere in a project means the annotators looked for it everywhere, so a
    document without it has none (an empty list). `date` and `title` are written where the
    document carries them as keys.
    """
    return {GOLD_FIELD[s.label] for _, spans in docs for s in spans if s.label != "TITLE"}


# --- readers ------------------------------------------------------------------------------------

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


# --- records -> spans ---------------------------------------------------------------------------

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
    from .build import text_sha256
    from .io import Document, read_path

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
    from . import __version__
    from .scoring import load_records

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


def record_gold(record: Mapping[str, Any]) -> Json:
    """The gold fields a record stands for (spec section 2 shapes), as an annotator would start from."""
    gold: Json = {"id": record.get("id"), "title": record.get("title"), "date": record.get("date")}
    gold["dates"] = [{"value": d["value"], "granularity": d["granularity"]}
                     for d in _unique(_in_text_order(record.get("dates")), lambda d: d["value"])]
    gold["amounts"] = [_gold_amount(a) for a in _in_text_order(record.get("amounts"))]
    places = _unique(_in_text_order(record.get("places")), lambda p: (fold(p["name"]), p["type"]))
    gold["places"] = [{k: p[k] for k in ("name", "type", "code") if p.get(k)} for p in places]
    gold["beneficiaries"] = [{"category": b["category"]} for b in
                             _unique(_in_text_order(record.get("beneficiaries")), lambda b: b["category"])]
    gold["organizations"] = [{k: o[k] for k in ("name", "acronym", "kind", "roles") if o.get(k) or k == "roles"}
                             for o in _in_text_order(record.get("organizations"))]
    gold["quantities"] = [{"value": _int(q["value"]), "unit": q["unit"]}
                          for q in _in_text_order(record.get("quantities"))]
    allocs = []
    for al in sorted(record.get("allocations") or [], key=lambda a: (a["evidence"]["start"], a["evidence"]["end"])):
        g: Json = {"amount": _gold_amount(al["amount"]), "funder": al.get("funder"),
                   "beneficiaries": list(al.get("beneficiaries") or []), "places": list(al.get("places") or []),
                   "partners": list(al.get("partners") or [])}
        g.update({k: al[k] for k in ("purpose", "programme") if al.get(k)})
        allocs.append(g)
    gold["allocations"] = allocs
    return gold


def _in_text_order(items: Iterable[Json] | None) -> list[Json]:
    """Mentions by start, entities by their first mention (those without one last)."""
    def first(item: Json) -> tuple[int, int]:
        if "start" in item:
            return item["start"], item["end"]
        starts = [(m["start"], m["end"]) for m in item.get("mentions") or []]
        return min(starts) if starts else (1 << 62, 0)

    return sorted(items or [], key=first)


def _int(x: Any) -> Any:
    return int(x) if isinstance(x, float) and x.is_integer() else x


def _gold_amount(a: Mapping[str, Any]) -> Json:
    out: Json = {"value": _int(a["value"]), "currency": a["currency"], "qualifier": a.get("qualifier", "exact")}
    if a.get("value_max") is not None:
        out["value_max"] = _int(a["value_max"])
    return out


def _unique(items: Iterable[Json], key: Any) -> list[Json]:
    seen: set[Any] = set()
    out = []
    for item in items:
        k = key(item)
        if k not in seen:
            seen.add(k)
            out.append(item)
    return out
