"""Token columns of a Doc, looked up slice by slice so a long document makes no big temporary arrays."""

from __future__ import annotations

import numpy
from spacy.tokens import Doc

CHUNK_TOKENS = 1 << 16
"""Tokens per `numpy.isin` call. Over a whole column (about 4 million tokens at 20 MB of text) the
call makes several sorted copies of it at once, 0.1-0.2 GB; per slice they stay under 3 MB."""


def isin_by_chunks(values: numpy.ndarray, ids: numpy.ndarray, chunk: int = CHUNK_TOKENS) -> numpy.ndarray:
    """`numpy.isin(values, ids)`, the same booleans, computed one slice of `values` at a time."""
    out = numpy.empty(len(values), dtype=bool)
    for s in range(0, len(values), chunk):
        out[s:s + chunk] = numpy.isin(values[s:s + chunk], ids)
    return out


def tokens_with(doc: Doc, ids_by_attr: dict[str, numpy.ndarray]) -> list[int]:
    """Indices of the tokens whose attribute (`"LOWER"`, `"LEMMA"`...) is one of the given ids, for
    any of the attributes; one column of the Doc at a time."""
    hit = numpy.zeros(len(doc), dtype=bool)
    for attr, ids in ids_by_attr.items():
        column = doc.to_array(attr)
        hit |= isin_by_chunks(column, ids)
        del column
    return numpy.flatnonzero(hit).tolist()
