"""Find and normalise sums of money in French text.

The regular expressions are composed from small named pieces read from `patterns/amounts.jsonl`
(number words, scales, currencies, qualifiers, range openers), in the manner of edsnlp's atomic
date patterns. Matching runs on the raw text, so offsets are exact character offsets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..intervals import IntervalSet
from ..patterns import Rule, by_label, load_jsonl, resolve, union
from ..records import Qualifier
from .numbers import DIGITS_PATTERN, parse_number

AMOUNTS_FILE = "amounts.jsonl"
_LABELS = {"NUMBER_WORD", "SCALE", "CURRENCY", "GLOSS", "QUALIFIER", "QUALIFIER_AFTER", "BRIDGE", "RANGE", "NOT_RANGE",
           "TABLE_SEPARATOR"}
_WS = r"[\s\u00a0\u202f]"


class AmountRule(Rule):
    """A line of `amounts.jsonl`: the common rule keys plus the money attributes."""

    pattern: str
    currency: str | None = None
    scale: float | None = None
    qualifier: Qualifier | None = None
    conjunction: str | None = None


@dataclass(frozen=True, slots=True)
class AmountMatch:
    """One sum of money: exact offsets, normalised value, and the rules that fired."""

    text: str
    start: int
    end: int
    value: float
    currency: str
    qualifier: str
    value_max: float | None
    rule: str


def _alt(rules: list[AmountRule], group_prefix: str) -> str:
    return union(f"(?P<{group_prefix}{i}>{r.pattern})" for i, r in enumerate(rules))


class AmountGrammar:
    """Compiled regexes for one amounts lexicon."""

    def __init__(self, rules: tuple[AmountRule, ...], source: str = AMOUNTS_FILE) -> None:
        by = by_label(rules, _LABELS, source, required={"CURRENCY": "currency", "QUALIFIER": "qualifier",
                                                       "QUALIFIER_AFTER": "qualifier", "RANGE": "conjunction"})
        self.by = by
        words = union(by["NUMBER_WORD"])
        word = rf"(?:{words})"
        number_words = rf"(?<![\w-]){word}(?:(?:{_WS}+|-)(?:et(?:{_WS}+|-))?{word})*(?![\w-])"
        self.number = rf"(?:{DIGITS_PATTERN}|{number_words})"
        scale = _alt(by["SCALE"], "s")
        cur = _alt(by["CURRENCY"], "c")
        gloss = union(by["GLOSS"])
        # number [scale] [et demi] [de|d'] currency [(gloss)]
        self.core = re.compile(
            rf"(?P<num>{self.number})"
            rf"(?:{_WS}*(?P<scale>{scale}))?"
            rf"(?P<demi>{_WS}+et{_WS}+demie?)?"
            rf"{_WS}*(?:(?:de|d['’]){_WS}*)?"
            rf"(?P<cur>{cur})(?!\w)"
            rf"(?P<gloss>{_WS}*(?:{gloss}))?",
            re.IGNORECASE,
        )
        self._qualifiers_and_ranges(scale, cur)
        self._tables_and_bare_sums(scale, cur)
        self.clause_end = re.compile(r"[.;!?\n](?!\d)")

    def _qualifiers_and_ranges(self, scale: str, cur: str) -> None:
        """Qualifiers before and after a sum (`plus de`, `environ`), range openers (`entre X et`), and
        the words that make a `X à Y` no range."""
        by = self.by
        qual = _alt(by["QUALIFIER"], "q")
        # a participle may stand between cue and number: `approximativement évalué à 38 MDH`
        participles = union(by["BRIDGE"])
        bridge = rf"(?:{_WS}+(?:{participles})e?s?{_WS}+à)?"
        self.qual_before = re.compile(rf"(?<!\w)(?:{qual}){bridge}{_WS}*$", re.IGNORECASE)
        qual_after = _alt(by["QUALIFIER_AFTER"], "q")
        self.qual_after = re.compile(rf"^{_WS}*(?:{qual_after})(?!\w)", re.IGNORECASE)
        self.ranges = []
        for r in by["RANGE"]:
            left = re.compile(
                rf"(?<![\w'’])(?P<kw>{r.pattern}){_WS}*(?P<num>{self.number})"
                rf"(?:{_WS}*(?P<scale>{scale}))?"
                rf"(?:{_WS}*(?:(?:de|d['’]){_WS}*)?(?P<cur>{cur})(?!\w))?"
                rf"{_WS}+(?:{r.conjunction}){_WS}+$",
                re.IGNORECASE,
            )
            self.ranges.append((r, left))
        not_range = union(by["NOT_RANGE"])
        self.not_range = re.compile(rf"(?<!\w)(?:{not_range}){_WS}*$", re.IGNORECASE)

    def _tables_and_bare_sums(self, scale: str, cur: str) -> None:
        """Table cells (a header naming the currency of its column, numbers, separators) and bare sums."""
        # a table header cell that names the currency of its column: `Coût (DH)`, `Montant (en MDH)`
        self.unit_header = re.compile(
            rf"(?:\(|(?<!\w)en(?!\w)){_WS}*(?:en{_WS}+)?(?:(?P<scale>{scale}){_WS}*(?:(?:de|d['’]){_WS}*)?)?"
            rf"(?P<cur>{cur})(?!\w){_WS}*\)?[\s:.]*$",
            re.IGNORECASE,
        )
        self.cell_number = re.compile(rf"{_WS}*(?P<num>{DIGITS_PATTERN}){_WS}*")
        self.separators = [(r, re.compile(r.pattern)) for r in self.by["TABLE_SEPARATOR"]]
        # bare sums that take the currency of a sum next to them (spec §1 Amount):
        # after it, a scaled number with no noun of its own (`1,15 milliard de dirhams, dont 125,24 millions
        # pour ...`); before it, a number joined to it (`200.000 et 100.000 dirhams`)
        self.bare_after = re.compile(
            rf"(?<![\w.,])(?P<num>{DIGITS_PATTERN}){_WS}*(?P<scale>{scale})(?!\w)(?!{_WS}*(?:de|d['’]|\())",
            re.IGNORECASE)
        self.bare_before = re.compile(
            rf"(?<![\w.,])(?P<num>{DIGITS_PATTERN})(?:{_WS}*(?P<scale>{scale}))?{_WS}+(?:et|ou){_WS}+$", re.IGNORECASE)

    def _which(self, m: re.Match[str], prefix: str, label: str) -> AmountRule | None:
        for i, r in enumerate(self.by[label]):
            if m.group(f"{prefix}{i}") is not None:
                return r
        return None

    def _value(self, m: re.Match[str]) -> tuple[float, AmountRule, AmountRule | None]:
        num = parse_number(m.group("num"))
        cur = self._which(m, "c", "CURRENCY")
        assert cur is not None
        scale_rule = self._which(m, "s", "SCALE") if m.group("scale") else None
        scale = scale_rule.scale if scale_rule and scale_rule.scale else 1.0
        value = num * scale
        if m.groupdict().get("demi"):
            value += 0.5 * scale
        value *= cur.scale or 1.0
        return round(value, 2), cur, scale_rule

    def find(self, text: str) -> list[AmountMatch]:
        """Every sum of money in `text`, in text order, with qualifier and range resolved."""
        out: list[AmountMatch] = []
        factors: dict[int, float] = {}  # amount start -> value of one unit of its number (scale x currency)
        cores = list(self.core.finditer(text))
        consumed_until = -1
        for m in cores:
            if m.start() < consumed_until:
                continue
            try:
                value, cur, scale_rule = self._value(m)
            except (ValueError, KeyError, ArithmeticError):
                continue
            if value <= 0:
                continue
            start, end = m.start(), m.end()
            rule_parts = [cur.id] + ([scale_rule.id] if scale_rule else [])
            qualifier = Qualifier.exact.value
            value_max: float | None = None
            window_start = max(0, start - 120)
            before = text[window_start:start]
            rng = self._range(before, m, cur, scale_rule)
            if rng is not None:
                low, rstart, rrule = rng
                if low < value:
                    value_max, value = value, low
                    start = window_start + rstart
                    qualifier = Qualifier.range.value
                    rule_parts.insert(0, rrule.id)
                    out = [a for a in out if a.end <= start]
            if qualifier == Qualifier.exact.value:
                q = self.qual_before.search(text, max(0, start - 40), start)
                if q is not None:
                    qr = self._which(q, "q", "QUALIFIER")
                    if qr is not None and qr.qualifier:
                        qualifier = str(qr.qualifier)
                        start = q.start()
                        rule_parts.insert(0, qr.id)
                qa = self.qual_after.search(text[end : end + 30])
                if qa is not None and qualifier == Qualifier.exact.value:
                    qr = self._which(qa, "q", "QUALIFIER_AFTER")
                    if qr is not None and qr.qualifier:
                        qualifier = str(qr.qualifier)
                        end = end + qa.end()
                        rule_parts.append(qr.id)
            consumed_until = end
            out.append(AmountMatch(text[start:end], start, end, value, cur.currency or "", qualifier,
                                   value_max, "+".join(rule_parts)))
            factors[start] = value / parse_number(m.group("num")) if value_max is None else 0.0
        return self._with_bare(text, out, factors)

    def _scaled(self, m: re.Match[str]) -> float:
        """The number of a bare-sum match times its own scale word."""
        scale_rule = self._which(m, "s", "SCALE") if m.group("scale") else None
        return parse_number(m.group("num")) * (scale_rule.scale if scale_rule and scale_rule.scale else 1.0)

    def _with_bare(self, text: str, found: list[AmountMatch], factors: dict[int, float]) -> list[AmountMatch]:
        """`found` plus the bare sums that share a neighbour's currency, in text order."""
        extra: list[AmountMatch] = []
        spans = [(a.start, a.end) for a in found]
        for i, a in enumerate(found):
            factor = factors.get(a.start, 0.0)
            b = self.bare_before.search(text, max(0, a.start - 40), a.start)
            if b is not None and factor > 0 and not re.fullmatch(r"(?:19|20)\d\d", b.group("num")) \
                    and not any(s <= b.start() < e for s, e in spans):
                value = self._scaled(b) * (1.0 if b.group("scale") else factor)
                end = b.end("scale") if b.group("scale") else b.end("num")
                extra.append(AmountMatch(text[b.start():end], b.start(), end, round(value, 2), a.currency,
                                         Qualifier.exact.value, None, "bare.before"))
            nxt = found[i + 1].start if i + 1 < len(found) else len(text)
            stop = self.clause_end.search(text, a.end, nxt)  # bounded by the next sum: linear in the text
            limit = stop.start() if stop else nxt
            for m in self.bare_after.finditer(text, a.end, limit):
                extra.append(AmountMatch(m.group(0), m.start(), m.end(), round(self._scaled(m), 2), a.currency,
                                         Qualifier.exact.value, None, "bare.after"))
        if not extra:
            return found
        out = sorted(found + extra, key=lambda x: x.start)
        return [x for k, x in enumerate(out) if not any(y.start <= x.start < y.end for y in out[:k])]

    def find_all(self, text: str) -> list[AmountMatch]:
        """Running-text amounts, then the amounts of table columns, in text order."""
        found = self.find(text)
        if any(sep in text for sep in ("|", "\t", ";")):
            found += self.find_in_tables(text, [(a.start, a.end) for a in found])
            found.sort(key=lambda a: a.start)
        return found

    def find_in_tables(self, text: str, taken: list[tuple[int, int]] | None = None) -> list[AmountMatch]:
        """Numbers in the column of a flattened table whose header names a currency (`Coût (DH)`)."""
        blocked = IntervalSet(taken or [])  # O(log n) a cell: a scan of every amount per cell was quadratic
        out: list[AmountMatch] = []
        pos = 0
        column: tuple[re.Pattern[str], int, float, AmountRule, AmountRule | None, str] | None = None
        for line in text.split("\n"):
            start = pos
            pos += len(line) + 1
            if column is not None:
                sep_rx, idx, mult, cur, scale_rule, sep_id = column
                cells = _cells(line, start, sep_rx)
                if len(cells) < 2:
                    column = None
                elif idx < len(cells):
                    cell, cstart = cells[idx]
                    m = self.cell_number.fullmatch(cell)
                    if m is not None:
                        s, e = cstart + m.start("num"), cstart + m.end("num")
                        if not blocked.overlaps(s, e):
                            value = round(parse_number(m.group("num")) * mult, 2)
                            if value > 0:
                                rule = "+".join([sep_id, cur.id] + ([scale_rule.id] if scale_rule else []))
                                out.append(AmountMatch(text[s:e], s, e, value, cur.currency or "",
                                                       Qualifier.exact.value, None, rule))
                    continue
            for sep_rule, sep_rx in self.separators:
                cells = _cells(line, start, sep_rx)
                if len(cells) < 2:
                    continue
                for i, (cell, _cs) in enumerate(cells):
                    h = self.unit_header.search(cell)
                    if h is None:
                        continue
                    cur = self._which(h, "c", "CURRENCY")
                    scale_rule = self._which(h, "s", "SCALE") if h.group("scale") else None
                    if cur is None:
                        continue
                    mult = (scale_rule.scale if scale_rule and scale_rule.scale else 1.0) * (cur.scale or 1.0)
                    column = (sep_rx, i, mult, cur, scale_rule, sep_rule.id)
                    break
                if column is not None:
                    break
        return out

    def _range(self, before: str, m: re.Match[str], cur: AmountRule, scale_rule: AmountRule | None
               ) -> tuple[float, int, AmountRule] | None:
        for rule, left in self.ranges:
            lm = left.search(before)
            if lm is None:
                continue
            if rule.id == "range.de" and self.not_range.search(before, 0, lm.start()):
                return None
            try:
                low = parse_number(lm.group("num"))
            except (ValueError, KeyError, ArithmeticError):
                continue
            if lm.group("cur"):
                lcur = self._which(lm, "c", "CURRENCY")
                if lcur is None or lcur.currency != cur.currency:
                    continue
                lscale = self._which(lm, "s", "SCALE") if lm.group("scale") else None
                low *= (lscale.scale if lscale and lscale.scale else 1.0) * (lcur.scale or 1.0)
            else:
                lscale = self._which(lm, "s", "SCALE") if lm.group("scale") else scale_rule
                low *= (lscale.scale if lscale and lscale.scale else 1.0) * (cur.scale or 1.0)
            kw_start = lm.start("kw")
            return round(low, 2), kw_start, rule
        return None


def _cells(line: str, start: int, sep: re.Pattern[str]) -> list[tuple[str, int]]:
    """The cells of a table line with their offsets (one cell when the separator is absent)."""
    cells: list[tuple[str, int]] = []
    last = 0
    for m in sep.finditer(line):
        cells.append((line[last : m.start()], start + last))
        last = m.end()
    cells.append((line[last:], start + last))
    return cells


@lru_cache(maxsize=8)
def grammar(path: str = AMOUNTS_FILE) -> AmountGrammar:
    """The compiled grammar for a lexicon file, built once per process."""
    return AmountGrammar(load_jsonl(path, AmountRule), str(resolve(path)))


def find_amounts(text: str, path: str = AMOUNTS_FILE) -> list[AmountMatch]:
    """Every sum of money in `text`, in text order: running text, then table columns (pure function)."""
    return grammar(path).find_all(text)
