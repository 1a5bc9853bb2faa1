"""Cue lexicon and text helpers for linking amounts to who gives them, where and for what.

The cues (funding verbs and nouns, price and salary nouns, agent and partnership phrases, list
bullets, ...) live in `patterns/allocations.jsonl`; this module validates and compiles them once
per process and offers small pure functions over the raw text, so offsets stay exact.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from ..errors import PatternError
from ..patterns import Rule, by_label, load_jsonl
from ..place_types import PLACE_TYPES

ALLOCATIONS_FILE = "allocations.jsonl"

LABELS = frozenset({
    "GIVEN", "NOT_GIVEN", "NOT_GIVEN_AFTER", "RESTATEMENT", "PART", "AGENT_AFTER", "ISSUER_BEFORE",
    "PARTNER_BEFORE", "RECIPIENT_AFTER", "ARTICLE", "PLACE_EXCLUDE_BEFORE", "GENERIC_PLACE", "PURPOSE",
    "PROGRAMME", "BULLET", "LIST_INTRO", "SENTENCE_END", "PAYER_BEFORE", "PAYER_AFTER", "APPROVER_AFTER",
    "ISSUER_AFTER", "PART_NEXT", "LIST_JOINT", "RECIPIENT_SUM_GAP", "RESPECTIVELY", "CONTRIBUTORS", "HOME_STATE",
    "HOME_COUNTRY", "PLACE_LIST_GAP", "CLAUSE_END", "PEOPLE_SHARE", "COFINANCERS", "PARTIES_BEFORE", "GERUND_GIVING",
    "GIVER_SUM_GAP", "SUM_GIVER_GAP", "SUM_RECIPIENT_GAP", "GIVER_ELLIPSIS", "RECIPIENT_BEFORE", "REPORTER",
    "VENUE_BEFORE",
})
BEFORE_LABELS = ("ISSUER_BEFORE", "PARTNER_BEFORE", "PART", "PLACE_EXCLUDE_BEFORE", "PAYER_BEFORE", "PART_NEXT",
                 "PARTIES_BEFORE", "RECIPIENT_BEFORE", "VENUE_BEFORE")
"""Labels whose patterns are anchored at the end of the text before a word (an article may follow)."""

_FLAGS = re.IGNORECASE | re.MULTILINE


class AllocationRule(Rule):
    """A line of `allocations.jsonl`: the common rule keys plus the place type of a GENERIC_PLACE."""

    pattern: str
    type: str | None = None


@dataclass(frozen=True, slots=True)
class Cue:
    """A compiled rule: its id, label and regex."""

    id: str
    label: str
    regex: re.Pattern[str]
    type: str | None = None


@dataclass(frozen=True, slots=True)
class CueHit:
    """Where a cue fired in the text."""

    id: str
    start: int
    end: int
    type: str | None = None


class AllocationCues:
    """The compiled lexicon: one combined regex per label, each alternative named after its rule."""

    def __init__(self, rules: tuple[AllocationRule, ...], source: str = ALLOCATIONS_FILE) -> None:
        by = by_label(rules, LABELS, source)
        for r in by["GENERIC_PLACE"]:
            if r.type not in PLACE_TYPES:
                raise PatternError(source, f"rule {r.id!r}: a GENERIC_PLACE rule needs a place 'type'")
        self.rules = by
        self.cues: dict[str, tuple[Cue, ...]] = {
            label: tuple(Cue(r.id, label, re.compile(r.pattern, _FLAGS), r.type) for r in rs)
            for label, rs in by.items()
        }
        article = "|".join(f"(?:{r.pattern})" for r in by["ARTICLE"]) or ""
        self.article = f"(?:{article})?" if article else ""
        # cues read right before a mention: `<cue><article>` anchored at the end of the window
        self._before: dict[str, tuple[Cue, ...]] = {
            label: tuple(Cue(r.id, label, re.compile(rf"(?:{r.pattern})\s*{self.article}\s*$", _FLAGS))
                         for r in by[label])
            for label in BEFORE_LABELS
        }
        self._agent = tuple(Cue(r.id, "AGENT_AFTER", re.compile(rf"(?:{r.pattern})\s*{self.article}\s*", _FLAGS))
                            for r in by["AGENT_AFTER"])

    # -- single-purpose queries ------------------------------------------------------------------

    def first(self, label: str, text: str) -> CueHit | None:
        """The first hit of any rule of `label` in `text` (earliest start, then rule order)."""
        best: CueHit | None = None
        for c in self.cues[label]:
            m = c.regex.search(text)
            if m and (best is None or m.start() < best.start):
                best = CueHit(c.id, m.start(), m.end(), c.type)
        return best

    def last(self, label: str, text: str) -> CueHit | None:
        """The hit of `label` that ends last in `text`."""
        best: CueHit | None = None
        for c in self.cues[label]:
            for m in c.regex.finditer(text):
                if best is None or m.end() > best.end:
                    best = CueHit(c.id, m.start(), m.end(), c.type)
        return best

    def all(self, label: str, text: str) -> list[CueHit]:
        """Every hit of `label`, in text order."""
        hits = [CueHit(c.id, m.start(), m.end(), c.type) for c in self.cues[label] for m in c.regex.finditer(text)]
        return sorted(hits, key=lambda h: (h.start, -h.end))

    def ends_with(self, label: str, text: str) -> str | None:
        """Id of a rule of `label` (ISSUER_BEFORE, PARTNER_BEFORE, PART, ...) that ends `text`."""
        return _first_id(self._before[label], text, "search")

    def agent_before(self, text: str) -> str | None:
        """Id of the AGENT_AFTER rule when `text` (amount end .. organisation start) is an agent phrase."""
        return _first_id(self._agent, text, "fullmatch")

    def joint(self, gap: str) -> str | None:
        """Id of the LIST_JOINT rule when the whole gap between two organisations joins them in one
        enumeration (`X, Y et Z`): co-contributors, of whom the first named is the funder."""
        return self.fullmatch("LIST_JOINT", gap)

    def fullmatch(self, label: str, gap: str) -> str | None:
        """Id of a rule of `label` that matches the whole of `gap`."""
        return _first_id(self.cues[label], gap, "fullmatch")

    def restatement(self, gap: str) -> str | None:
        """Id of the RESTATEMENT rule when the whole gap between two amounts is a restatement."""
        return self.fullmatch("RESTATEMENT", gap)

    def starts_with(self, label: str, text: str) -> str | None:
        """Id of a rule of `label` (anchored with `^`) that matches at the start of `text`."""
        return _first_id(self.cues[label], text, "match")

    def phrase_after(self, text: str, start: int, limit: int, max_chars: int = 160) -> tuple[int, int] | None:
        """The phrase that starts at `start` and runs to the next clause boundary (a CLAUSE_END rule),
        at most `max_chars` long and never past `limit`."""
        end = min(limit, start + max_chars)
        hit = self.first("CLAUSE_END", text[start:end])
        stop = start + hit.start if hit else end
        while start < stop and text[start] in _TRIM:
            start += 1
        while stop > start and text[stop - 1] in _TRIM:
            stop -= 1
        return (start, stop) if stop - start >= 3 else None

    def given(self, before: str, after: str) -> tuple[bool, str | None]:
        """Is a sum money given? The nearest GIVEN/NOT_GIVEN cue before it decides; default yes."""
        rid = self.starts_with("NOT_GIVEN_AFTER", after)
        if rid:
            return False, rid
        neg = self.last("NOT_GIVEN", before)
        pos = self.last("GIVEN", before)
        if neg and (pos is None or neg.end > pos.end):
            return False, neg.id
        return True, pos.id if pos else None


def _first_id(cues: Iterable[Cue], text: str, how: str) -> str | None:
    """Id of the first cue whose regex matches `text` the way `how` says (`search`, `match`, `fullmatch`)."""
    for c in cues:
        if getattr(c.regex, how)(text):
            return c.id
    return None


@lru_cache(maxsize=8)
def cues(patterns: str = ALLOCATIONS_FILE) -> AllocationCues:
    """The compiled lexicon for one pattern file, built once per process."""
    return AllocationCues(load_jsonl(patterns, AllocationRule), patterns)


# -- text helpers ---------------------------------------------------------------------------------

_TRIM = " \t\n,;:.-–«»\"'’("
"""Blanks and marks stripped from both ends of a programme or purpose phrase."""


@dataclass(frozen=True, slots=True)
class Unit:
    """A statement an amount is read in: a sentence, or a list item with its introducing line."""

    start: int
    end: int
    intro: tuple[int, int] | None = None
    item: bool = False


def line_units(text: str, c: AllocationCues) -> tuple[list[tuple[int, int]], dict[int, tuple[int, int]]]:
    """Bullet items (start, end of each item line) and, per item start, its introducing line span."""
    items: list[tuple[int, int]] = []
    intro_of: dict[int, tuple[int, int]] = {}
    pos = 0
    current_intro: tuple[int, int] | None = None
    prev_line: tuple[int, int] | None = None
    for raw in text.split("\n"):
        s, e = pos, pos + len(raw)
        pos = e + 1
        if not raw.strip():
            continue
        if c.starts_with("BULLET", raw):
            if current_intro is None and prev_line is not None:
                ps, pe = prev_line
                if c.first("LIST_INTRO", text[ps:pe]):
                    current_intro = prev_line
            lead = len(raw) - len(raw.lstrip())
            for piece in bounded(text, s + lead, e):
                items.append(piece)
                if current_intro is not None:
                    intro_of[piece[0]] = current_intro
        else:
            current_intro = None
            prev_line = (s, e)
    return items, intro_of


def sentences(text: str, c: AllocationCues) -> list[tuple[int, int]]:
    """Sentence spans (start, end) that never cross a line break, cut by the SENTENCE_END rules."""
    out: list[tuple[int, int]] = []
    pos = 0
    for raw in text.split("\n"):
        s, e = pos, pos + len(raw)
        pos = e + 1
        cuts = sorted({m.end() for cue in c.cues["SENTENCE_END"] for m in cue.regex.finditer(text, s, e)})
        start = s
        for cut in [*cuts, e]:
            a, b = strip_span(text, start, cut)
            if b > a:
                out.extend(bounded(text, a, b))
            start = cut
    return out


MAX_UNIT_CHARS = 2000
"""Longest statement an amount is read in. Real sentences and list items stay far below it (the
longest in the corpus and dev set is about 700 characters); a text with no sentence end (a dump of
control characters and sums) would otherwise make one statement of the whole text, read again for
every sum in it (quadratic time) and copied into every allocation's evidence (quadratic memory)."""


def bounded(text: str, start: int, end: int, limit: int = MAX_UNIT_CHARS) -> list[tuple[int, int]]:
    """`[start, end)` itself when at most `limit` long, else consecutive pieces of at most `limit`
    characters, each cut after the last clause mark (`;`, `,`, `:`) of its second half, else after
    its last blank, else at the limit; blanks stripped from each piece."""
    if end - start <= limit:
        return [(start, end)]
    out: list[tuple[int, int]] = []
    pos = start
    while pos < end:
        stop = min(end, pos + limit)
        if stop < end:
            half = pos + limit // 2
            window = text[half:stop]
            cut = max(window.rfind("; "), window.rfind(", "), window.rfind(": "))
            if cut < 0:
                cut = max(window.rfind(" "), window.rfind("\t"))
            stop = half + cut + 1 if cut >= 0 else stop
        a, b = strip_span(text, pos, stop)
        if b > a:
            out.append((a, b))
        pos = stop
    return out


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """`start, end` without surrounding white space."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
