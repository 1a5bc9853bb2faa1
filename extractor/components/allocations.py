"""Allocations component (placeholder until its issue lands: produces an empty field)."""

from __future__ import annotations

from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

SPAN_KEY = "allocations"


@Language.factory("communique_allocations", assigns=["doc.spans"], default_config={"span_key": SPAN_KEY})
def make_allocations(nlp: Language, name: str, *, span_key: str = SPAN_KEY) -> AllocationsComponent:
    return AllocationsComponent(nlp, name, span_key=span_key)


class AllocationsComponent:
    def __init__(self, nlp: Language, name: str, *, span_key: str) -> None:
        self.name = name
        self.span_key = span_key
        Span.set_extension("allocation", default=None, force=True)

    def __call__(self, doc: Doc) -> Doc:
        doc.spans[self.span_key] = []
        return doc

    def export(self, doc: Doc) -> dict[str, Any]:
        return {"allocations": []}
