"""Found values to spaCy spans: the one way the components turn character offsets into `doc.spans` entries."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from spacy.tokens import Doc, Span


class Located(Protocol):
    """A found value with character offsets into the document's text."""

    start: int
    end: int


def value_spans(doc: Doc, found: Iterable[Located], extension: str) -> list[Span]:
    """One span per value, widened to whole tokens, with the value on `span._.<extension>`; a value whose
    offsets fall on no token is left out (it cannot be a span, and its record comes from the span)."""
    spans: list[Span] = []
    for m in found:
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None:
            continue
        span._.set(extension, m)
        spans.append(span)
    return spans

