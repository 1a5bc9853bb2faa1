"""The model's attribute ruler, same annotations, without a Matcher pass for its part-of-speech tags.

The French model's `attribute_ruler` starts with one pattern per part of speech that copies it to
the fine tag (`{"POS": "ADJ"}` -> `TAG: ADJ`, twenty of them), then a few patterns for white space.
Run through spaCy's Matcher and set one match at a time, the copy costs about 4% of the full
pipeline on a long text (0.2 s over 200 KB). Here the leading copy patterns become one lookup over
the Doc's POS column; the patterns after them run as before, in the same order, so every later
pattern still overrides them. The ruler itself (its patterns, `to_disk`) is left as it is.
"""

from __future__ import annotations

from typing import Any

import numpy
from spacy.attrs import POS, TAG
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc

_POS_IDS = 256
"""Universal part-of-speech ids are spaCy symbols below this."""


def copy_patterns(patterns: list[dict[str, Any]]) -> int:
    """How many patterns, from the first, only copy one part of speech to the fine tag."""
    n = 0
    for p in patterns:
        pats, attrs = p.get("patterns"), p.get("attrs")
        if not (p.get("index", 0) == 0 and isinstance(pats, list) and len(pats) == 1 and len(pats[0]) == 1
                and set(pats[0][0]) == {"POS"} and isinstance(pats[0][0]["POS"], str)
                and isinstance(attrs, dict) and set(attrs) == {"TAG"} and isinstance(attrs["TAG"], str)):
            break
        n += 1
    return n


class _TagCopy:
    """`AttributeRuler.match` for a ruler whose first patterns copy POS to TAG: the copy as one lookup,
    then the remaining patterns' matches (sorted as the ruler sorts them), for its `set_annotations`."""

    def __init__(self, ruler: AttributeRuler, n: int) -> None:
        strings = ruler.vocab.strings
        self.lut = numpy.zeros(_POS_IDS, dtype="uint64")
        self.hit = numpy.zeros(_POS_IDS, dtype=bool)
        for p in ruler.patterns[:n]:  # in order: a later pattern for the same POS wins, as in the ruler
            pos = strings.as_int(p["patterns"][0][0]["POS"])
            if not 0 < pos < _POS_IDS:
                raise ValueError(f"not a part of speech: {p['patterns'][0][0]['POS']!r}")
            self.lut[pos], self.hit[pos] = strings.add(p["attrs"]["TAG"]), True
        self.rest = AttributeRuler(ruler.vocab)
        self.rest.add_patterns(ruler.patterns[n:])

    def __call__(self, doc: Doc) -> list[tuple[int, Any, int, int]]:
        matches = self.rest.match(doc)  # on the POS the model gave, as the ruler matches all at once
        if len(doc):
            pos = doc.to_array([POS]).reshape(-1).astype("int64")
            hit = self.hit[pos]
            if hit.any():
                tags = doc.to_array([TAG]).reshape(-1).astype("uint64")
                tags[hit] = self.lut[pos[hit]]
                doc.from_array([TAG], tags.reshape(-1, 1))
        return matches


def speed_up_attribute_ruler(nlp: Any, name: str = "attribute_ruler") -> bool:
    """Make the pipeline's attribute ruler copy POS to TAG by lookup; whether it could (else unchanged)."""
    if name not in nlp.pipe_names:
        return False
    ruler = nlp.get_pipe(name)
    n = copy_patterns(ruler.patterns) if isinstance(ruler, AttributeRuler) else 0
    if n == 0:
        return False
    fast = _TagCopy(ruler, n)
    ruler.match = fast  # instance attributes: `__call__` reads them, the class and its patterns stay
    ruler.set_annotations = fast.rest.set_annotations
    return True
