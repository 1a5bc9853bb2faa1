"""Find place-name candidates in French text: trigger phrases, coordinated lists, guards.

Everything is read from `patterns/places/triggers.jsonl`: the words that announce a place and
give its type (`province de`, `des communes de X, de Y et de Z`), the shape of a name, and the
head nouns of organisation and facility names (a place inside those is no place). Matching runs
on the raw text, so offsets are exact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..errors import PatternError
from ..patterns import NEVER, Rule, by_label, load_jsonl, union
from ..records import PlaceType

TRIGGERS_FILE = "places/triggers.jsonl"
LABELS = {"NAME_WORD", "NAME_JOINER", "LIST_SEP", "LIST_ASIDE", "TRIGGER", "POST_TRIGGER", "ACTOR_BEFORE",
          "ACTOR_AFTER", "ACTOR_SUBJECT", "LOCATIVE", "ORG_HEAD", "FACILITY_HEAD", "NAME_STOP", "TABLE_COLUMN",
          "PLACE_VERB", "LOCATIVE_SEP"}
_SINGLE = {"NAME_WORD", "NAME_JOINER", "LIST_SEP", "NAME_STOP"}
MAX_NAME_WORDS = 6
ACTOR_CUE_CHARS = 80
"""How far before a territorial trigger an ACTOR_BEFORE/ACTOR_SUBJECT cue may start
(`une contribution de 16 millions de dirhams de la région X` is 45 characters)."""
_QUOTE_CLOSE = re.compile(r"^\s*[»\"”]")

_OPEN_BRACKET_BEFORE = re.compile(r"\(\s*$")
_CLOSE_BRACKET = re.compile(r"\s*\)")


class PlaceRule(Rule):
    """A line of `places/triggers.jsonl`: the common rule keys plus what a trigger says."""

    pattern: str
    type: PlaceType | None = None
    list: bool = False
    weak: bool = False
    not_after: str | None = None
    """POST_TRIGGER only: a regex that, ending right before the names, cancels the rule
    (`dont ceux de X (province de Y)`: a pronoun that points back at a dam or a project)."""
    closed: bool = False
    """The names this trigger takes form a closed set (regions): a name the gazetteer does not hold is
    no place (`le wali de la région Mohamed X`), a known one keeps its own type (`région d'Al Haouz`)."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """A place name found in the text: exact offsets, the type its context gives, the rule."""

    text: str
    start: int
    end: int
    type: str
    rule: str
    weak: bool = False
    actor: bool = False
    closed: bool = False
    subject: bool = False
    """The trigger opens a clause (`La province de X ...`): an actor if a verb follows the name."""


class PlaceGrammar:
    """Compiled regexes for one places rule file."""

    def __init__(self, rules: tuple[PlaceRule, ...], source: str = TRIGGERS_FILE) -> None:
        by = by_label(rules, LABELS, source,
                      required={label: "type" for label in ("TRIGGER", "POST_TRIGGER", "LOCATIVE", "TABLE_COLUMN")})
        for label in _SINGLE:
            if len(by[label]) != 1:
                raise PatternError(source, f"exactly one {label} rule is needed, found {len(by[label])}")
        if len(by["LOCATIVE_SEP"]) > 1:
            raise PatternError(source, "at most one LOCATIVE_SEP rule")
        if len(by["PLACE_VERB"]) > 1:
            raise PatternError(source, "at most one PLACE_VERB rule")
        if len(by["LIST_ASIDE"]) > 1:
            raise PatternError(source, "at most one LIST_ASIDE rule")
        self.by = by
        word = by["NAME_WORD"][0].pattern
        joiner = by["NAME_JOINER"][0].pattern
        ws = r"[ \u00a0]"
        self.name = (rf"(?:{word})(?:(?:{ws}+|-)(?:{joiner}(?:{ws}+|-|(?<=['’])))?(?:{word})){{0,{MAX_NAME_WORDS - 1}}}"
                     rf"(?![\w-])")
        self.name_re = re.compile(self.name)
        self.list_sep = re.compile(by["LIST_SEP"][0].pattern, re.IGNORECASE)
        self.triggers = [(r, re.compile(rf"(?:{r.pattern})(?={self.name})", re.IGNORECASE))
                         for r in by["TRIGGER"]]
        self.posts = [(r, re.compile(r.pattern, re.IGNORECASE)) for r in by["POST_TRIGGER"]]
        self.post_not_after = {r.id: re.compile(rf"(?:{r.not_after})\s*$", re.IGNORECASE)
                               for r in by["POST_TRIGGER"] if r.not_after}
        self.columns = [(r, re.compile(r.pattern, re.IGNORECASE)) for r in by["TABLE_COLUMN"]]
        self.org_heads = _union(by["ORG_HEAD"])
        self.facility_heads = _union(by["FACILITY_HEAD"])
        self.stop_words = frozenset(by["NAME_STOP"][0].pattern.lower().split("|"))
        self.place_verbs = frozenset(w.strip() for r in by["PLACE_VERB"] for w in r.pattern.lower().split("|"))
        self.actor_before = _union(by["ACTOR_BEFORE"])
        self.actor_subject = _union(by["ACTOR_SUBJECT"])
        self.actor_after = re.compile(union(by["ACTOR_AFTER"]), re.IGNORECASE)
        self.locatives = [(r, re.compile(r.pattern, re.IGNORECASE)) for r in by["LOCATIVE"]]
        sep = by["LOCATIVE_SEP"][0].pattern if by["LOCATIVE_SEP"] else NEVER
        self.locative_follow = re.compile(rf"(?:{sep})(?P<name>{self.name})", re.IGNORECASE)
        aside = by["LIST_ASIDE"][0].pattern if by["LIST_ASIDE"] else NEVER
        self.list_aside = re.compile(rf"(?:{aside})(?:{self.name})", re.IGNORECASE)
        self.list_follow = re.compile(rf"(?:{by['LIST_SEP'][0].pattern})(?P<name>{self.name})", re.IGNORECASE)
        self.name_list_before = re.compile(
            rf"(?P<names>(?:{self.name})(?:(?:\s*,\s*|\s+et\s+)(?:à\s+|de\s+|d['’]\s*)?(?:{self.name}))*)$")

    def _share_after(self, text: str, before: str, end: int) -> bool:
        """An ACTOR_AFTER cue follows the name (`la province de X à hauteur de`), no locative before it."""
        return bool(self.actor_after.match(text, end)) and not any(rx.search(before) for _r, rx in self.locatives)

    def _name_at(self, text: str, pos: int) -> re.Match[str] | None:
        return self.name_re.match(text, pos)

    def find(self, text: str) -> list[Candidate]:
        """Every name a trigger announces, with the trigger's type, in text order (no overlaps).

        A territory named as an actor (`signée entre la province de X`) comes back with `actor=True`
        and spans trigger + name: it is an organisation there, and no place.
        """
        out: list[Candidate] = []
        for rule, rx in self.triggers:
            actor = rule.type in ("province", "prefecture", "region", "commune")
            for m in rx.finditer(text):
                nm = self._name_at(text, m.end())
                if nm is None or _broken(m.group(0)):
                    continue
                before = text[max(0, m.start() - ACTOR_CUE_CHARS) : m.start()]
                if actor and (self.actor_before.search(before) or self._share_after(text, before, nm.end())):
                    out.append(Candidate(nm.group(0), m.start(), nm.end(), str(rule.type), rule.id, actor=True))
                    continue
                subject = actor and bool(self.actor_subject.search(before))
                out.append(Candidate(nm.group(0), nm.start(), nm.end(), str(rule.type), rule.id, rule.weak,
                                     closed=rule.closed, subject=subject and not rule.list))
                out.extend(self._list_after(text, m.start(), nm.end(), rule))
        out.extend(self._post(text))
        out.extend(self._table(text))
        return _disjoint(out)

    def _list_after(self, text: str, start: int, end: int, rule: PlaceRule) -> list[Candidate]:
        """The names coordinated after a trigger's first one: a plural trigger's list (`douars X, Y et Z`),
        or a singular one's that a bracket encloses whole (`(Commune rurale d'X, Y, Z)`)."""
        out: list[Candidate] = []
        pos = end
        while True:
            aside = self.list_aside.match(text, pos) if rule.list else None
            if aside is not None:
                pos = aside.end()
            nxt = self.list_follow.match(text, pos)
            if nxt is None:
                break
            out.append(Candidate(nxt.group("name"), nxt.start("name"), nxt.end("name"), str(rule.type),
                                 rule.id, rule.weak, closed=rule.closed))
            pos = nxt.end()
        if rule.list or (_OPEN_BRACKET_BEFORE.search(text, max(0, start - 3), start)
                         and _CLOSE_BRACKET.match(text, pos)):
            return out
        return []

    def _table(self, text: str) -> list[Candidate]:
        """Names in a `|` table column whose header says what they are (`Projet | Commune | Coût`).

        A header cell matching a TABLE_COLUMN rule types every name cell under it, down to the
        first line that is no row of the same table (fewer cells, or no `|`).
        """
        if "|" not in text or not self.columns:
            return []
        out: list[Candidate] = []
        typed: dict[int, PlaceRule] = {}
        width = 0
        pos = 0
        for line in text.split("\n"):
            start, pos = pos, pos + len(line) + 1
            if "|" not in line:
                typed = {}
                continue
            cells = _cells(line, start)
            if typed and len(cells) == width:
                for i, rule in typed.items():
                    c_start, c_end = cells[i]
                    if text[c_start:c_end].strip("-: ") == "":
                        continue  # a separator row (`---|---`)
                    nm = self.name_re.fullmatch(text, c_start, c_end)
                    if nm is not None:
                        out.append(Candidate(nm.group(0), c_start, c_end, str(rule.type), rule.id))
                continue
            typed = {}
            for i, (c_start, c_end) in enumerate(cells):
                rule = next((r for r, rx in self.columns if rx.fullmatch(text, c_start, c_end)), None)
                if rule is not None:
                    typed[i] = rule
            width = len(cells)
        return out

    def _post(self, text: str) -> list[Candidate]:
        """Names typed by what follows them (`À Tisa et à Tala, deux douars de ...`)."""
        out: list[Candidate] = []
        for rule, rx in self.posts:
            for m in rx.finditer(text):
                before = text[max(0, m.start() - 200) : m.start()]
                lm = self.name_list_before.search(before)
                if lm is None:
                    continue
                base = m.start() - len(before) + lm.start("names")
                veto = self.post_not_after.get(rule.id)
                if veto is not None and veto.search(text, max(0, base - 40), base):
                    continue
                for nm in self.name_re.finditer(lm.group("names")):
                    if self.org_heads.search(nm.group(0)) or self.facility_heads.search(nm.group(0)):
                        continue  # `L'association Amal dans la province de X`: a name, not a place
                    out.append(Candidate(nm.group(0), base + nm.start(), base + nm.end(), str(rule.type), rule.id))
        return out


_JOINED = re.compile(r"(?:\bd[eu]s?|d['’]|l['’])\s*$", re.IGNORECASE)


def _broken(trigger: str) -> bool:
    """A line break cuts the trigger from its name: a paragraph break, or one right after the head noun.

    A hard-wrapped `province de` / `Settat` still holds; a web menu `Régions` / `Mis à jour` does not.
    """
    return "\n\n" in trigger or ("\n" in trigger and _JOINED.search(trigger) is None)


def _cells(line: str, start: int) -> list[tuple[int, int]]:
    """The (start, end) offsets of each `|`-separated cell of a line, surrounding blanks left out."""
    out = []
    pos = start
    for raw in line.split("|"):
        lead = len(raw) - len(raw.lstrip())
        out.append((pos + lead, pos + len(raw.rstrip())) if raw.strip() else (pos, pos))
        pos += len(raw) + 1
    return out


def _union(rules: list[PlaceRule]) -> re.Pattern[str]:
    return re.compile(union(rules, wrap=True), re.IGNORECASE)


def _disjoint(cands: list[Candidate]) -> list[Candidate]:
    """Earliest, then longest, candidate wins where two overlap; result in text order."""
    out: list[Candidate] = []
    for c in sorted(cands, key=lambda c: (c.start, -(c.end - c.start))):
        if out and c.start < out[-1].end:
            continue
        out.append(c)
    return out


@lru_cache(maxsize=8)
def grammar(name: str = TRIGGERS_FILE) -> PlaceGrammar:
    """The compiled grammar for a rule file, built once per process."""
    return PlaceGrammar(load_jsonl(name, PlaceRule), name)
