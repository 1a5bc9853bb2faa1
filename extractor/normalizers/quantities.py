"""Find counted numbers in French text and tell counts from measures, identifiers and phones.

Everything here works on the raw text (exact offsets); the component adds the parse to find the
counted noun. The regexes are composed from `patterns/quantities.jsonl`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from ..patterns import Rule, by_label, load_jsonl, resolve, union
from .numbers import DIGITS_PATTERN, parse_number

QUANTITIES_FILE = "quantities.jsonl"
_WS = r"[\s\u00a0\u202f]"
_LABELS = {"NUMBER_WORD", "SCALE", "EXCLUDED_UNIT", "BLOCK_BEFORE", "PHONE", "BRIDGE", "TOTAL_AFTER", "ELLIPSIS",
           "NOT_UNIT"}
_ONE = {"un", "une"}


class QuantityRule(Rule):
    """A line of `quantities.jsonl`: the common rule keys plus a scale for SCALE lines."""

    pattern: str
    scale: float | None = None


@dataclass(frozen=True, slots=True)
class NumberMatch:
    """A number as written, with its scale word (`1,5 million`), exact offsets and value."""

    start: int
    end: int
    value: float
    rule: str
    words: bool


def _inside(ranges: list[tuple[int, int]], starts: list[int], pos: int) -> bool:
    """Whether `pos` lies in one of the non-overlapping `ranges` (sorted; `starts` their starts)."""
    i = bisect_right(starts, pos) - 1
    return i >= 0 and pos < ranges[i][1]


class QuantityGrammar:
    """Compiled regexes for one quantities lexicon."""

    def __init__(self, rules: tuple[QuantityRule, ...], source: str = QUANTITIES_FILE) -> None:
        by = by_label(rules, _LABELS, source, required={"SCALE": "scale"})
        self.by = by
        word = rf"(?:{union(by['NUMBER_WORD'], wrap=True)})"
        words = rf"(?<![\w-]){word}(?:(?:{_WS}+|-)(?:et(?:{_WS}+|-))?{word})*(?![\w-])"
        digits = rf"(?<![-/]){DIGITS_PATTERN}(?![^\W\d_])"
        self.scales = by["SCALE"]
        scale = union(f"(?P<s{i}>{r.pattern})" for i, r in enumerate(self.scales))
        self.number = re.compile(
            rf"(?P<num>{digits}|{words})(?:{_WS}+(?:{scale})(?![\w])(?:{_WS}*(?:de|d['’]))?)?", re.IGNORECASE)
        self.bare_number = rf"(?:{DIGITS_PATTERN}|{words})"
        units = union(by["EXCLUDED_UNIT"], wrap=True)
        self.excluded = re.compile(
            rf"{_WS}*(?:(?:à|a|et|ou|-|–){_WS}*{self.bare_number}{_WS}*)?(?:{units})", re.IGNORECASE)
        block_before = union(by["BLOCK_BEFORE"], wrap=True)
        self.block_before = re.compile(rf"(?:{block_before})", re.IGNORECASE)
        self.phone = re.compile(union(by["PHONE"], wrap=True), re.IGNORECASE)
        self.bridge = re.compile(union(by["BRIDGE"], wrap=True), re.IGNORECASE)
        self.total_after = re.compile(union(by["TOTAL_AFTER"], wrap=True), re.IGNORECASE)
        self.ellipsis = re.compile(rf"(?:{union(by['ELLIPSIS'], wrap=True)})", re.IGNORECASE)
        self.not_unit = {w.lower() for r in by["NOT_UNIT"] for w in r.pattern.split("|")}
        self.coordination = re.compile(rf"{_WS}*(?:et|ou|,){_WS}*", re.IGNORECASE)

    def numbers(self, text: str) -> list[NumberMatch]:
        """Every number that could be a count: digits from 1, words from `deux`, `un` before a scale."""
        out: list[NumberMatch] = []
        phones = [(m.start(), m.end()) for m in self.phone.finditer(text)]
        phone_starts = [s for s, _e in phones]  # sorted, the matches never overlap: bisect, not a scan per number
        for m in self.number.finditer(text):
            num = m.group("num")
            scale_rule = next((r for i, r in enumerate(self.scales) if m.group(f"s{i}")), None)
            if num.lower() in _ONE and scale_rule is None:
                continue
            if _inside(phones, phone_starts, m.start()):
                continue
            try:
                value = parse_number(num)
            except (ValueError, KeyError, ArithmeticError):
                continue
            if scale_rule is not None and scale_rule.scale:
                value *= scale_rule.scale
            if value <= 0:
                continue
            words = not any(c.isdigit() for c in num)
            rule = "number.words" if words else "number.digits"
            if scale_rule is not None:
                rule += "+" + scale_rule.id
            out.append(NumberMatch(m.start(), m.end(), round(value, 3), rule, words))
        return out

    def is_excluded(self, text: str, end: int) -> bool:
        """A measure, duration, age, share or currency follows the number (maybe after `à 45`)."""
        return self.excluded.match(text, end) is not None

    def is_blocked(self, text: str, start: int) -> bool:
        """The number is an identifier: `article 3`, `programme 4`, `n° 12`."""
        return self.block_before.search(text[max(0, start - 40) : start]) is not None


@lru_cache(maxsize=8)
def grammar(path: str = QUANTITIES_FILE) -> QuantityGrammar:
    """The compiled grammar for a lexicon file, built once per process."""
    return QuantityGrammar(load_jsonl(path, QuantityRule), str(resolve(path)))
