"""French function words the components share, read once from `patterns/words.jsonl`.

Determiners, prepositions and the small locative and relative cues made of them were lists in
several components (the organisations component's `de` words were the places component's too);
they are data now, one list once, validated on load like every rule file: a known label, each label
exactly once, words in lower case without blanks, regexes that compile.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..errors import PatternError
from ..patterns import Rule, by_label, load_jsonl, resolve

WORDS_FILE = "words.jsonl"
WORD_LABELS = ("DE", "DET", "A", "DET_OTHER", "GAP_STOP", "TERRITORY_NOUN", "MINISTRY")
REGEX_LABELS = ("LOCATIVE", "GENITIVE", "RELATIVE", "WHO", "LIST_CLOSE", "OF_BEFORE", "AT_BEFORE",
                "FOLDED_DE_LEAD")


class WordRule(Rule):
    """A line of `words.jsonl`: words separated by `|`, or a regex."""

    pattern: str
    ignore_case: bool = False


@dataclass(frozen=True)
class FunctionWords:
    """The shared words (sets of lower-case forms) and cues (compiled), by the label's lower-case name."""

    de: frozenset[str]
    det: frozenset[str]
    a: frozenset[str]
    det_other: frozenset[str]
    gap_stop: frozenset[str]
    territory_noun: frozenset[str]
    ministry: frozenset[str]
    locative: re.Pattern[str]
    genitive: re.Pattern[str]
    relative: re.Pattern[str]
    who: re.Pattern[str]
    list_close: re.Pattern[str]
    of_before: re.Pattern[str]
    at_before: re.Pattern[str]
    folded_de_lead: re.Pattern[str]
    gap_stop_pattern: str
    """GAP_STOP as written: a regex alternation of its words, in the file's order."""


def _one(source: str, label: str, rules: list[WordRule]) -> WordRule:
    if len(rules) != 1:
        raise PatternError(source, f"{label}: needs exactly one line, found {len(rules)}")
    return rules[0]


def _word_set(source: str, r: WordRule) -> frozenset[str]:
    words = r.pattern.split("|")
    bad = [w for w in words if not w or w != w.lower() or any(c.isspace() for c in w)]
    if bad or len(set(words)) != len(words):
        raise PatternError(source, f"rule {r.id!r}: words must be distinct, lower case, without blanks "
                                   f"(got {bad or 'a repeated word'})")
    return frozenset(words)


@lru_cache(maxsize=4)
def function_words(path: str = WORDS_FILE) -> FunctionWords:
    """Load and check the shared words (once per process and file)."""
    source = str(resolve(path))
    by = by_label(load_jsonl(path, WordRule), (*WORD_LABELS, *REGEX_LABELS), source)
    lines = {label: _one(source, label, rules) for label, rules in by.items()}
    sets = {label.lower(): _word_set(source, lines[label]) for label in WORD_LABELS}
    cues = {label.lower(): re.compile(lines[label].pattern, re.IGNORECASE if lines[label].ignore_case else 0)
            for label in REGEX_LABELS}
    return FunctionWords(**sets, **cues, gap_stop_pattern=lines["GAP_STOP"].pattern)
