"""Quantities component: counted things and people (`5.200 lots`, `deux ambulances`), not money.

Numbers are found on the raw text (normalizers.quantities); the counted noun is read from the
tokens after the number (skipping one adjective: `15 nouveaux projets`), with its adjectives,
one `de` complement and one coordinated noun as the unit. A number with no noun after it takes
one in three cases only: coordination (`122 et 118 familles`), a bridge (`98 le nombre de bus`,
`neuf au total`) or an ellipsis after a count in the same sentence (`dont 1.105 dans ...`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ..intervals import IntervalSet
from ..normalizers.dates import date_like
from ..normalizers.quantities import QUANTITIES_FILE, NumberMatch, QuantityGrammar, grammar
from ..normalizers.words import function_words
from ..text import doc_text
from .keys import span_group
from .sentences import after_name_word, sentence_bounds, sentence_of
from .serialize import InstalledRules, Later
from .spans import value_spans

SPAN_KEY = "quantities"

_NOT_HEAD_POS = {"ADP", "DET", "CCONJ", "SCONJ", "PRON", "PUNCT", "AUX", "NUM", "SYM", "ADV", "PART", "SPACE"}
"""Parts of speech that cannot be a counted noun."""
_MAX_UNIT_TOKENS = 8
_NON_SPACE = re.compile(r"\S")


@dataclass(frozen=True, slots=True)
class QuantityMatch:
    """One count: exact offsets of number (and noun where adjacent), value, unit and rule."""

    text: str
    start: int
    end: int
    value: float
    unit: str
    rule: str


@Language.factory(
    "communique_quantities",
    assigns=["doc.spans", "span._.quantity"],
    requires=["doc.spans", "token.is_sent_start"],
    default_config={"patterns": QUANTITIES_FILE, "span_key": SPAN_KEY, "amounts_key": "amounts",
                    "dates_key": "dates"},
)
def make_quantities(nlp: Language, name: str, *, patterns: str = QUANTITIES_FILE, span_key: str = SPAN_KEY,
                    amounts_key: str = "amounts", dates_key: str = "dates") -> QuantitiesComponent:
    """`amounts_key`, `dates_key`: span groups whose numbers are no counts (read, not written)."""
    return QuantitiesComponent(nlp, name, patterns=patterns, span_key=span_key, amounts_key=amounts_key,
                               dates_key=dates_key)


class QuantitiesComponent(InstalledRules):
    """Finds counts; `span._.quantity` holds a QuantityMatch with exact character offsets."""

    def __init__(self, nlp: Language, name: str, *, patterns: str, span_key: str, amounts_key: str = "amounts",
                 dates_key: str = "dates") -> None:
        self.name = name
        self.span_key = span_key
        self.skip_keys = {amounts_key: "amounts_key", dates_key: "dates_key"}
        self.grammar: QuantityGrammar = grammar(patterns)
        self.de = function_words().de  # the `de` words a unit's complement opens with (`de`, `du`, `d'`...)
        Span.set_extension("quantity", default=None, force=True)

    def __call__(self, doc: Doc) -> Doc:
        doc.spans[self.span_key] = self._spans(doc)
        return doc

    def _spans(self, doc: Doc) -> list[Span]:
        text = doc_text(doc)
        g = self.grammar
        # `les 26 et 27 août` with no year is no date mention, and no count either
        taken = IntervalSet([(s.start_char, s.end_char) for key, setting in self.skip_keys.items()
                             for s in span_group(doc, key, self.name, setting)]
                            + date_like(text))
        found: list[tuple[NumberMatch, QuantityMatch | None]] = []
        for n in g.numbers(text):
            if taken.overlaps(n.start, n.end):
                continue
            if g.is_excluded(text, n.end) or g.is_blocked(text, n.start) or self._in_name(doc, n):
                continue
            found.append((n, self._counted(doc, text, n)))
        results: list[QuantityMatch | None] = [q for _, q in found]
        sents = sentence_bounds(doc) if any(q is None for q in results) else []
        for i, (n, q) in enumerate(found):
            if q is None:
                results[i] = self._borrowed(doc, text, n, found, results, i, sents)
        return value_spans(doc, (q for q in results if q is not None), "quantity")

    @staticmethod
    def _in_name(doc: Doc, n: NumberMatch) -> bool:
        """Digits right after a capitalised word mid-sentence belong to a name (`Ramadan 1444`, `Toulal 2`)."""
        if n.words:
            return False
        span = doc.char_span(n.start, n.end, alignment_mode="expand")
        return span is not None and after_name_word(doc, span.start)

    def _token_at(self, doc: Doc, text: str, char: int) -> Token | None:
        """The first token starting at or after `char` (skipping white space)."""
        m = _NON_SPACE.search(text, char)
        if m is None:
            return None
        span = doc.char_span(m.start(), m.start() + 1, alignment_mode="expand")
        if span is None or len(span) == 0 or span[0].idx < char:
            return None
        return span[0]

    def _head(self, tok: Token | None) -> Token | None:
        """The counted noun starting at `tok`: one adjective may come first (`nouveaux projets`)."""
        if tok is None:
            return None
        doc = tok.doc
        if tok.pos_ == "ADV" and tok.i + 2 < len(doc) and doc[tok.i + 1].pos_ == "ADJ":
            tok = doc[tok.i + 1]  # très petites entreprises
        if tok.pos_ in ("ADJ", "DET") and tok.i + 1 < len(doc) and self._is_noun(doc[tok.i + 1]):
            tok = doc[tok.i + 1]
        return tok if self._is_noun(tok, head=True) else None

    def _is_noun(self, tok: Token, head: bool = False) -> bool:
        """Could `tok` be a counted noun? A capitalised one only as the head (`9 Dar Talib`), not a clause opener."""
        first = tok.text[:1]
        if not first.isalpha() or tok.pos_ in _NOT_HEAD_POS:
            return False
        if not first.islower() and (not head or tok.is_sent_start or not tok.is_title):
            return False
        if tok.pos_ == "VERB" and "Part" not in tok.morph.get("VerbForm"):
            return False
        return tok.lemma_.lower() not in self.grammar.not_unit and tok.lower_ not in self.grammar.not_unit

    def _unit_end(self, head: Token) -> Token:
        """Last token of the unit: adjectives, one `de` complement, one coordinated noun."""
        doc = head.doc
        last = head
        complements = conj = 0
        i = head.i + 1
        while i < len(doc) and i - head.i < _MAX_UNIT_TOKENS:
            t = doc[i]
            if t.pos_ == "ADJ" and t.text[:1].islower():
                last, i = t, i + 1
                continue
            if t.lower_ in self.de and complements < 2 and i + 1 < len(doc):
                j = i + 1
                if doc[j].pos_ == "DET" and j + 1 < len(doc):
                    j += 1
                if self._is_noun(doc[j]) and doc[j].pos_ == "NOUN":
                    last, i, complements = doc[j], j + 1, complements + 1
                    continue
            if t.lower_ == "et" and conj < 1 and i + 1 < len(doc):
                j = i + 1
                if doc[j].lower_ in ("de", "d'", "d’") and j + 1 < len(doc):
                    j += 1
                if doc[j].pos_ == "NOUN" and self._is_noun(doc[j]):
                    last, i, conj = doc[j], j + 1, conj + 1
                    continue
            break
        return last

    def _counted(self, doc: Doc, text: str, n: NumberMatch) -> QuantityMatch | None:
        """The number with the noun written right after it (or after a bridge `le nombre de`)."""
        pos, rule = n.end, n.rule
        bridge = self.grammar.bridge.match(text, pos)
        if bridge is not None:
            pos, rule = bridge.end(), rule + "+bridge"
        head = self._head(self._token_at(doc, text, pos))
        if head is None:
            return None
        last = self._unit_end(head)
        unit = text[head.idx : last.idx + len(last.text)]
        end = last.idx + len(last.text)
        return QuantityMatch(text[n.start : end], n.start, end, n.value, unit, rule + "+noun")

    def _borrowed(self, doc: Doc, text: str, n: NumberMatch, found: list[tuple[NumberMatch, QuantityMatch | None]],
                  results: list[QuantityMatch | None], i: int, sents: list[tuple[int, int, int, int]]
                  ) -> QuantityMatch | None:
        """A bare number that takes its unit from a neighbouring count or the sentence's noun."""
        g = self.grammar
        span = doc.char_span(n.start, n.end, alignment_mode="expand")
        if span is None:
            return None
        s_start_char, _, s_start, _ = sentence_of(sents, span.start)
        coord = g.coordination.match(text, n.end)
        if coord is not None and i + 1 < len(found):
            nxt_n, nxt_q = found[i + 1]
            if nxt_q is not None and nxt_n.start == coord.end():
                return _bare(text, n, nxt_q.unit, n.rule + "+coordinated")
        after = doc[span.end] if span.end < len(doc) else None
        if g.total_after.match(text, n.end):
            for t in reversed(list(doc[s_start : span.start])):
                if t.pos_ == "NOUN" and self._is_noun(t):
                    return _bare(text, n, t.text, n.rule + "+total")
            return None
        if after is None or after.pos_ not in ("AUX", "VERB", "ADP") or after.lower_ in ("à", "de", "d'", "d’"):
            return None
        if not g.ellipsis.search(text[max(s_start_char, n.start - 12) : n.start]):
            return None
        for j in range(i - 1, -1, -1):
            q = results[j]
            if found[j][0].start < s_start_char:
                break
            if q is not None:
                return _bare(text, n, q.unit, n.rule + "+ellipsis")
        return None

    def export(self, doc: Doc) -> dict[str, Any]:
        return self.detach(doc)()

    def detach(self, doc: Doc) -> Later:
        """`export` as a function of the values read off `doc` now."""
        found = [s._.quantity for s in doc.spans.get(self.span_key, [])]
        return lambda: {"quantities": [quantity_dict(q) for q in found]}


def _bare(text: str, n: NumberMatch, unit: str, rule: str) -> QuantityMatch:
    return QuantityMatch(text[n.start : n.end], n.start, n.end, n.value, unit, rule)


def quantity_dict(q: QuantityMatch) -> dict[str, Any]:
    return {"text": q.text, "start": q.start, "end": q.end, "value": q.value, "unit": q.unit, "rule": q.rule}
