"""Dates component: every explicit date with granularity, and the document date."""

from __future__ import annotations

from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..normalizers.dates import DateGrammar, find_dates, grammar
from ..text import doc_text
from .keys import span_group
from .serialize import InstalledRules, Later
from .spans import value_spans

SPAN_KEY = "dates"


@Language.factory(
    "communique_dates",
    assigns=["doc.spans", "span._.date", "doc._.doc_date"],
    requires=["doc._.dateline", "doc._.issue_line", "doc.spans", "span._.amount"],
    default_config={"patterns": "dates.jsonl", "span_key": SPAN_KEY, "amounts_key": "amounts"},
)
def make_dates(nlp: Language, name: str, *, patterns: str = "dates.jsonl", span_key: str = SPAN_KEY,
               amounts_key: str = "amounts") -> DatesComponent:
    return DatesComponent(nlp, name, patterns=patterns, span_key=span_key, amounts_key=amounts_key)


class DatesComponent(InstalledRules):
    """Finds dates by pattern, values through dateparser; the most specific reading wins.

    Overlap policy: a date never overlaps an amount or another date; `12 mai 2021` is one day,
    not a day plus a year.
    """

    def __init__(self, nlp: Language, name: str, *, patterns: str, span_key: str, amounts_key: str) -> None:
        self.name = name
        self.span_key = span_key
        self.amounts_key = amounts_key
        self.grammar: DateGrammar = grammar(patterns)
        Span.set_extension("date", default=None, force=True)
        Doc.set_extension("doc_date", default=None, force=True)
        for attr in ("dateline", "issue_line"):
            if not Doc.has_extension(attr):
                Doc.set_extension(attr, default=None)

    def __call__(self, doc: Doc) -> Doc:
        dl = doc._.dateline if doc._.dateline and doc._.dateline.date else None
        issue = doc._.issue_line
        doc._.doc_date = (dl or issue).date if (dl or issue) else None
        default_year = doc._.doc_date.year if doc._.doc_date else None
        amounts = span_group(doc, self.amounts_key, self.name, "amounts_key")
        blocked = [(s._.amount.start, s._.amount.end) for s in amounts if s._.amount is not None]
        found = find_dates(doc_text(doc), default_year, blocked, self.grammar)
        doc.spans[self.span_key] = value_spans(
            doc, (m for m in found if not self._counted(doc, m.start, m.end, m.granularity)), "date")
        return doc

    @staticmethod
    def _counted(doc: Doc, start: int, end: int, granularity: str) -> bool:
        """A bare 4-digit number followed by a plural noun is a count (`2000 familles`), not a year."""
        if granularity != "year":
            return False
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None or span.end >= len(doc):
            return False
        nxt = doc[span.end]
        return nxt.pos_ == "NOUN" and "Plur" in nxt.morph.get("Number") and nxt.lower_ not in {
            "ans", "années", "mois", "jours", "semaines"}

    def export(self, doc: Doc) -> dict[str, Any]:
        return self.detach(doc)()

    def detach(self, doc: Doc) -> Later:
        """`export` as a function of the values read off `doc` now."""
        found, doc_date = [s._.date for s in doc.spans.get(self.span_key, [])], doc._.doc_date

        def later() -> dict[str, Any]:
            seen: dict[Any, dict[str, Any]] = {}
            for m in found:
                if m.value not in seen:
                    seen[m.value] = {"text": m.text, "start": m.start, "end": m.end, "value": m.value,
                                     "granularity": m.granularity, "rule": m.rule}
            return {"dates": list(seen.values()), "date": doc_date}
        return later
