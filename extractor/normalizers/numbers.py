"""French numbers as written in communiqués: `3,5`, `10.8`, `5.553.000`, `300 000`, `deux`."""

from __future__ import annotations

import math
import re

from text_to_num import text2num

SPACES = " \u00a0\u202f\u2009"
_THOUSANDS_DOT = re.compile(r"\d{1,4}(?:\.\d{3})+")
"""Dots that group thousands; a lead group of four digits is a typed slip (`1500.000 DH`, `5915.321,20`)."""
_WORD_SPLIT = re.compile(r"[\s\u00a0\u202f]+")

DIGITS_PATTERN = (
    r"(?<![\w.,])(?:\d{1,4}(?:\.\d{3})+(?:,\d+)?|\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+(?:,\d+)?"
    r"|\d+(?:[.,]\d+)?)(?![\d]|[.,]\d)"
)
"""Digits with French separators; never glued to a word or another number."""


def parse_digits(s: str) -> float:
    """`3,5` -> 3.5; `10.8` -> 10.8; `5.553.000` -> 5553000; `300 000` -> 300000; `1.200.000,00`."""
    s = s.strip()
    for ch in SPACES:
        s = s.replace(ch, "")
    if "," in s:
        s = s.replace(".", "").replace(",", ".")
    elif _THOUSANDS_DOT.fullmatch(s):
        s = s.replace(".", "")
    value = float(s)
    if not math.isfinite(value):  # hundreds of digits: no amount, and inf breaks round()/int()
        raise ValueError(f"number too large: {s[:12]}... ({len(s)} characters)")
    return value


def parse_words(s: str) -> float:
    """Spelled-out French numbers through text2num: `deux` -> 2, `cinq cent mille` -> 500000."""
    norm = _WORD_SPLIT.sub(" ", s.strip().lower())
    return float(text2num(norm, "fr"))


def parse_number(s: str) -> float:
    """Digits or words, whichever `s` is."""
    if any(c.isdigit() for c in s):
        return parse_digits(s)
    return parse_words(s)
