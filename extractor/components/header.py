"""Header component: title, dateline and issue line of a communiqué."""

from __future__ import annotations

import re
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from ..normalizers.dates import DateGrammar, DatelineMatch, find_dateline, find_issue_line, grammar
from ..text import doc_text
from .serialize import InstalledRules, Later

MAX_TITLE_CHARS = 220
_MD_HEADING = re.compile(r"#{1,6}[ \t]+")


@Language.factory(
    "communique_header",
    assigns=["doc._.title", "doc._.dateline", "doc._.issue_line"],
    default_config={"patterns": "dates.jsonl", "head_chars": 600},
)
def make_header(nlp: Language, name: str, *, patterns: str = "dates.jsonl", head_chars: int = 600
                ) -> HeaderComponent:
    return HeaderComponent(nlp, name, patterns=patterns, head_chars=head_chars)


class HeaderComponent(InstalledRules):
    """Finds the headline, the agency dateline and the issue line near the top of the text."""

    def __init__(self, nlp: Language, name: str, *, patterns: str, head_chars: int) -> None:
        self.name = name
        self.grammar: DateGrammar = grammar(patterns)
        self.head_chars = head_chars
        for attr in ("title", "dateline", "issue_line"):
            Doc.set_extension(attr, default=None, force=True)

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        doc._.dateline = find_dateline(text, self.grammar, self.head_chars)
        doc._.issue_line = find_issue_line(text[: max(self.head_chars, 1500)], self.grammar)
        doc._.title = find_title(text, self.grammar)
        return doc

    def export(self, doc: Doc) -> dict[str, Any]:
        return self.detach(doc)()

    def detach(self, doc: Doc) -> Later:
        """`export` as a function: the title and dateline are small, read now."""
        out = self._fields(doc)
        return lambda: out

    def _fields(self, doc: Doc) -> dict[str, Any]:
        dl: DatelineMatch | None = doc._.dateline or doc._.issue_line
        title = doc._.title
        out: dict[str, Any] = {"title": title[0] if title else None, "dateline": None}
        if dl is not None:
            out["dateline"] = {"place": dl.place, "date": dl.date, "agency": dl.agency,
                               "text": doc_text(doc)[dl.start : dl.end], "start": dl.start, "end": dl.end}
        return out


def find_title(text: str, g: DateGrammar) -> tuple[str, int, int] | None:
    """The headline: a short line near the top that is no label, letterhead, issue line or body."""
    pos = 0
    lines = text.split("\n")
    for i, raw in enumerate(lines[:8]):
        start = pos
        pos += len(raw) + 1
        line = raw.strip()
        if not line:
            continue
        if g.dateline.match(raw) or g.dateline_nodate.match(raw):
            return None
        if len(line) > MAX_TITLE_CHARS:
            return None
        if g.web_prefix_line.match(line) or (line.lower().startswith("par ") and len(line) <= 40):
            continue  # `Publié le … | Mis à jour …`, `Lire aussi :`, a byline
        if g.issue_line.fullmatch(raw):
            continue
        if len(line) <= 100 and g.title_label.match(line) and (
            g.title_label.fullmatch(line) or line.lower().startswith(("communiqué de", "communique de",
                                                                      "communiqué du", "communiqué conjoint"))):
            continue
        if ":" not in line and len(line) <= 140 and g.letterhead.fullmatch(line):
            continue
        if len(line) > 1 and line.endswith(".") and not line.endswith("..."):
            return None
        if not any(ln.strip() for ln in lines[i + 1 :]):
            return None
        lead = len(raw) - len(raw.lstrip())
        heading = _MD_HEADING.match(line)  # a Markdown heading: `# Titre` is the title `Titre`
        if heading:
            lead += heading.end()
            line = line[heading.end():]
        return line, start + lead, start + lead + len(line)
    return None
