"""Sentence bounds and the proper-name check that the beneficiaries and quantities components share."""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Iterable, Sequence
from typing import overload

from spacy.tokens import Doc


class Sentences(Sequence[tuple[int, int, int, int]]):
    """Sentence bounds, each (start char, end char, first token, end token), held in four integer arrays
    (32 bytes a sentence; a tuple of four ints was about 220, 26 MB at 20 MB of text beside the Doc),
    with the first tokens (`starts`) for `sentence_of`'s bisect."""

    def __init__(self, bounds: Iterable[tuple[int, int, int, int]] = ()) -> None:
        self._cols = (array("q"), array("q"), array("q"), array("q"))
        for bound in bounds:
            for col, v in zip(self._cols, bound, strict=True):
                col.append(v)
        self.starts = self._cols[2]

    def __len__(self) -> int:
        return len(self.starts)

    @overload
    def __getitem__(self, k: int) -> tuple[int, int, int, int]: ...
    @overload
    def __getitem__(self, k: slice) -> list[tuple[int, int, int, int]]: ...

    def __getitem__(self, k: int | slice) -> tuple[int, int, int, int] | list[tuple[int, int, int, int]]:
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(len(self)))]
        a, b, c, d = self._cols
        return a[k], b[k], c[k], d[k]


def sentence_bounds(doc: Doc) -> Sentences:
    """(start_char, end_char, first token, end token) of each sentence; the whole text without sentences."""
    if not doc.has_annotation("SENT_START"):
        return Sentences([(0, doc[-1].idx + len(doc[-1].text_with_ws) if len(doc) else 0, 0, len(doc))])
    return Sentences((s.start_char, s.end_char, s.start, s.end) for s in doc.sents)


def sentence_of(bounds: Sequence[tuple[int, int, int, int]], token_i: int) -> tuple[int, int, int, int]:
    """The sentence bounds holding token `token_i` (bisect; the first tokens are listed once per `Sentences`,
    not on every call: a call per mention made long texts quadratic)."""
    starts = bounds.starts if isinstance(bounds, Sentences) else [b[2] for b in bounds]
    k = bisect.bisect_right(starts, token_i) - 1
    return bounds[max(k, 0)]


def after_name_word(doc: Doc, i: int) -> bool:
    """Token `i` follows a capitalised proper noun that does not open its clause (`Opération Ramadan` 1444)."""
    if i < 2:
        return False
    prev, before = doc[i - 1], doc[i - 2]
    return prev.is_title and prev.pos_ == "PROPN" and not prev.is_sent_start and not before.is_punct
