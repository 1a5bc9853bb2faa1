"""From a processed Doc to a validated `Communique` record."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import Any

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


def build_record(doc: Doc, nlp: Language, *, id: str, source: str, encoding: str | None = None,
                 metadata: dict[str, Any] | None = None, check: bool = True) -> Communique:
    """Merge every component's `export(doc)` into one record, validate it and set its review flags."""
    fields: dict[str, Any] = {}
    for _name, proc in nlp.pipeline:
        export = getattr(proc, "export", None)
        if export is not None:
            fields.update(export(doc))
    record = Communique(
        id=id,
        source=source,
        text_sha256=text_sha256(doc_text(doc)),
        encoding=encoding,
        metadata=metadata or {},
        extractor={"version": __version__, "model": model_name(nlp), "patterns_sha256": _patterns_digest()},
        **fields,
    )
    if check:
        record.check_offsets(doc_text(doc))
    return apply_flags(record)
