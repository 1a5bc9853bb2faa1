"""Amounts component: every sum of money, with value, currency, qualifier and range."""

from __future__ import annotations

from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..normalizers.amounts import AmountGrammar, AmountMatch, grammar
from ..text import doc_text
from .serialize import InstalledRules, Later
from .spans import value_spans

SPAN_KEY = "amounts"


@Language.factory(
    "communique_amounts",
    assigns=["doc.spans", "span._.amount"],
    default_config={"patterns": "amounts.jsonl", "span_key": SPAN_KEY},
)
def make_amounts(nlp: Language, name: str, *, patterns: str = "amounts.jsonl", span_key: str = SPAN_KEY
                 ) -> AmountsComponent:
    return AmountsComponent(nlp, name, patterns=patterns, span_key=span_key)


class AmountsComponent(InstalledRules):
    """Finds amounts on the raw text; spans are token-aligned, `span._.amount` keeps exact offsets.

    Overlap policy: the grammar never returns overlapping amounts (a range swallows its bounds,
    a qualifier belongs to the amount after it), so the span group holds disjoint spans.
    """

    def __init__(self, nlp: Language, name: str, *, patterns: str, span_key: str) -> None:
        self.name = name
        self.span_key = span_key
        self.grammar: AmountGrammar = grammar(patterns)
        Span.set_extension("amount", default=None, force=True)

    def __call__(self, doc: Doc) -> Doc:
        doc.spans[self.span_key] = value_spans(doc, self.grammar.find_all(doc_text(doc)), "amount")
        return doc

    def export(self, doc: Doc) -> dict[str, Any]:
        return self.detach(doc)()

    def detach(self, doc: Doc) -> Later:
        """`export` as a function of the values read off `doc` now."""
        found = [s._.amount for s in doc.spans.get(self.span_key, [])]
        return lambda: {"amounts": [amount_dict(m) for m in found]}


def amount_dict(m: AmountMatch) -> dict[str, Any]:
    return {"text": m.text, "start": m.start, "end": m.end, "value": m.value, "value_max": m.value_max,
            "currency": m.currency, "qualifier": m.qualifier, "rule": m.rule}
