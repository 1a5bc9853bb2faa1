"""From a processed Doc to a validated `Communique` record."""

from __future__ import annotations

import datetime as _dt
import hashlib
from collections.abc import Callable
from functools import cache, lru_cache, partial
from typing import Any

from pydantic import TypeAdapter, ValidationError
from spacy.language import Language
from spacy.tokens import Doc

from . import __version__
from .flags import apply_flags
from .patterns import patterns_sha256
from .pipeline import model_name
from .records import Communique
from .text import doc_text


@lru_cache(maxsize=1)
def _patterns_digest() -> str:
    return patterns_sha256()


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def metadata_fallbacks(fields: dict[str, Any], metadata: dict[str, Any]) -> dict[str, Any]:
    """The title and date an input gives beside its text (a JSONL line's `title`/`date`, an HTML
    `<title>`), for the record fields the text itself leaves empty."""
    out: dict[str, Any] = {}
    title = metadata.get("title")
    if not fields.get("title") and isinstance(title, str) and title.strip():
        out["title"] = " ".join(title.split())
    if fields.get("date") is None and isinstance(metadata.get("date"), str):
        out["date"] = _given_date(metadata["date"])
    return out


def _given_date(value: str) -> _dt.date | None:
    """An ISO date or datetime (`2024-05-02`, `2024-05-02T10:00:00Z`), else a day-first date dateparser reads."""
    try:
        return _dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        pass
    import dateparser

    got = dateparser.parse(value, languages=["fr", "en"],
                           settings={"DATE_ORDER": "DMY", "REQUIRE_PARTS": ["day", "month", "year"]})
    return got.date() if got else None


def build_record(doc: Doc, nlp: Language, *, id: str, source: str, encoding: str | None = None,
                 metadata: dict[str, Any] | None = None, check: bool = True) -> Communique:
    """Merge every component's `export(doc)` into one record, validate it and set its review flags."""
    return make_record(export_fields(doc, nlp), nlp, doc_text(doc), id=id, source=source, encoding=encoding,
                       metadata=metadata, check=check)


def export_fields(doc: Doc, nlp: Language) -> dict[str, Any]:
    """Every component's `export(doc)`, merged: plain values (no span), so the Doc can go once they are out."""
    return merged(detached_exports(doc, nlp))


def detached_exports(doc: Doc, nlp: Language) -> list[Callable[[], dict[str, Any]]]:
    """Every component's export as a function of what it reads off `doc` now (`detach`), in pipeline
    order: called once the Doc is gone, a long text's exported values are never beside its Doc."""
    out: list[Callable[[], dict[str, Any]]] = []
    for _name, proc in nlp.pipeline:
        detach, export = getattr(proc, "detach", None), getattr(proc, "export", None)
        if detach is not None:
            out.append(detach(doc))
        elif export is not None:  # a component without `detach`: its fields now
            out.append(partial(dict, export(doc)))
    return out


def merged(exports: list[Callable[[], dict[str, Any]]]) -> dict[str, Any]:
    """The fields of `detached_exports`, merged in order; each export is dropped once called."""
    fields: dict[str, Any] = {}
    while exports:
        fields.update(exports.pop(0)())
    return fields


def make_record(fields: dict[str, Any], nlp: Language, text: str, *, id: str, source: str,
                encoding: str | None = None, metadata: dict[str, Any] | None = None, check: bool = True
                ) -> Communique:
    """The validated record of exported `fields` over the analysed `text`, with its review flags.

    `fields` is emptied once validated: on a long text the exported values and the record are the
    two largest things left, and only one of them need stay (each list is validated alone, its plain
    values dropped as its models are made: `_validate_lists`).
    """
    fields.update(metadata_fallbacks(fields, metadata or {}))
    _validate_lists(fields)
    record = Communique(
        id=id,
        source=source,
        text_sha256=text_sha256(text),
        encoding=encoding,
        metadata=metadata or {},
        extractor={"version": __version__, "model": model_name(nlp), "patterns_sha256": _patterns_digest()},
        **fields,
    )
    fields.clear()
    if check:
        record.check_offsets(text)
    record._text = text
    return apply_flags(record)


_LIST_FIELDS = ("dates", "amounts", "places", "beneficiaries", "organizations", "quantities", "allocations")


@cache
def _list_adapter(name: str) -> TypeAdapter[Any]:
    return TypeAdapter(Communique.model_fields[name].annotation)


def _validate_lists(fields: dict[str, Any]) -> None:
    """Turn the list fields of `fields` into their models one list at a time, in place.

    Validating the whole record at once holds every exported dict and every model together (at 20 MB
    of text, about 0.1 GB more than either); a model instance passes the record's own validation as it
    is. A list that does not validate is left as it was, for `Communique` to report with its path."""
    for name in _LIST_FIELDS:
        if name in fields:
            try:
                fields[name] = _list_adapter(name).validate_python(fields[name])
            except ValidationError:
                continue


def dump_json_dropping(record: Communique) -> str:
    """`record.model_dump_json()`, the same characters, written one field at a time; each list field is
    emptied in `record` once written, so the record is spent.

    On a long text the record's models and its JSON are the two largest things in memory (0.5 and
    0.16 GB at 20 MB of text): this way the models of a list go as its JSON comes. The fields' JSON is
    kept as UTF-8 bytes (what pydantic makes; half the size of a str holding a character past U+00FF)
    and joined once, then decoded once: no str copy of each field, of their join and of the braced
    join (three copies of the whole JSON at once before)."""
    serializer = record.__pydantic_serializer__
    parts: list[bytes | memoryview] = [b"{"]
    for name in type(record).model_fields:
        if len(parts) > 1:
            parts.append(b",")
        # what `model_dump_json(include={name})` decodes: b'{"name":value}'; its inside, not copied
        parts.append(memoryview(serializer.to_json(record, include={name}))[1:-1])
        if name in _LIST_FIELDS:
            setattr(record, name, [])
    parts.append(b"}")
    joined = b"".join(parts)
    del parts
    return joined.decode()
