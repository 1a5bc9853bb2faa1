"""Dates in French communiqués: candidate spans by pattern, values through dateparser.

Candidates come from regexes composed of small pieces (months, weekdays, agencies) read from
`patterns/dates.jsonl`; dateparser only ever sees a candidate span, never a whole text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from ..intervals import IntervalSet
from ..patterns import Rule, by_label, load_jsonl, resolve, union

DATES_FILE = "dates.jsonl"
_LABELS = {"MONTH", "WEEKDAY", "AGENCY", "YEAR_BLOCKER", "TITLE_LABEL", "LETTERHEAD", "WEB_PREFIX", "STORE_PREFIX",
           "MONTH_LEAD", "SPAN_LEAD", "SPAN_JOIN"}
_WS = r"[ \t\u00a0\u202f]"
YEAR_MIN, YEAR_MAX = 1900, 2100


class DateRule(Rule):
    pattern: str
    month: int | None = None


@dataclass(frozen=True, slots=True)
class DateMatch:
    text: str
    start: int
    end: int
    value: dt.date
    granularity: str
    rule: str


@dataclass(frozen=True, slots=True)
class DatelineMatch:
    text: str
    start: int
    end: int
    place: str | None
    place_start: int | None
    date: dt.date | None
    date_start: int | None
    date_end: int | None
    agency: str | None
    rule: str


class DateGrammar:
    """Compiled date regexes for one lexicon."""

    def __init__(self, rules: tuple[DateRule, ...], source: str = DATES_FILE) -> None:
        by = by_label(rules, _LABELS, source, required={"MONTH": "month"})
        self.by = by
        self.months = [(re.compile(rf"(?:{r.pattern})$", re.I), r.month or 0) for r in by["MONTH"]]
        month = union(by["MONTH"], wrap=True)
        weekday = self._words("WEEKDAY")
        self._day_patterns(month, weekday)
        self._header_patterns()
        self._line_patterns(weekday)

    def _day_patterns(self, month: str, weekday: str) -> None:
        """Dates in running text: day month year, first of the month, spans of days, month year, years."""
        day = r"(?P<day>[0-3]?\d)(?:er|e)?"
        year = r"(?P<year>(?:19|20)\d{2})(?![\d])"
        # `jeudi 7 avril 2022`, and the news-site form `jeudi, 7 avril, 2022`
        self.dmy = rf"(?:(?:{weekday}),?{_WS}+)?(?:le{_WS}+)?{day}{_WS}+(?P<month>{month}),?{_WS}+{year}"
        self.day_month_year = re.compile(rf"(?<![\w]){self.dmy}", re.I)
        self.first_day = re.compile(
            rf"(?<![\w])(?:(?:{weekday}){_WS}+)?(?P<day>premier|1er){_WS}+(?P<month>{month})"
            rf"(?:{_WS}+(?P<year>(?:19|20)\d{{2}})(?!\d))?",
            re.I,
        )
        self.day_span = re.compile(
            rf"(?<![\w])(?:{self._words('SPAN_LEAD')})?{_WS}*(?P<day1>[0-3]?\d)(?:er)?{_WS}*"
            rf"(?:{self._words('SPAN_JOIN')}){_WS}*"
            rf"(?:(?:{weekday}){_WS}+)?{day}{_WS}+(?P<month>{month})(?:{_WS}+{year})?(?![\w])",
            re.I)
        self.day_month = re.compile(
            rf"(?<![\w]){day}{_WS}+(?P<month>{month})(?![\w])(?!{_WS}+\d)", re.I)
        self.month_year = re.compile(
            rf"(?<![\w])(?:(?:{self._words('MONTH_LEAD')})"
            rf"[\s-]+)?(?P<month>{month}){_WS}+{year}", re.I)
        self.numeric = re.compile(
            r"(?<![\w/.-])(?P<day>[0-3]?\d)[/.-](?P<month>[01]?\d)[/.-](?P<year>(?:19|20)\d{2})(?![\w/.-])")
        self.year = re.compile(r"(?<![\w°])(?<![\d][.,/])(?P<year>(?:19|20)\d{2})(?![\w]|[.,/]\d)")
        self.year_pair = re.compile(
            r"(?<![\w/.,])(?P<y1>(?:19|20)\d{2})/(?P<y2>(?:19|20)\d{2})(?![\w/]|[.,]\d)")
        blockers = self._words("YEAR_BLOCKER")
        self.year_blocker = re.compile(rf"(?<![\w])(?:{blockers}){_WS}*[:°]?{_WS}*$", re.I)

    def _header_patterns(self) -> None:
        """The dateline, the issue line and a news site's date line (built on `self.dmy`)."""
        by = self.by
        agency = union(by["AGENCY"], wrap=True)
        place = r"(?P<place>[A-ZÀ-Ý][\w'’\- .À-ÿ]{1,60}?)"
        self.dateline = re.compile(
            rf"^{_WS}*{place}{_WS}*[,/]{_WS}*(?P<date>{self.dmy}){_WS}*"
            rf"\({_WS}*(?P<agency>{agency}){_WS}*\){_WS}*[-–—:]+",
            re.M,
        )
        self.dateline_noagency = re.compile(
            rf"^{_WS}*{place}{_WS}*,{_WS}*(?P<date>{self.dmy}){_WS}*[-–—]+{_WS}*(?=\w)", re.M)
        self.dateline_nodate = re.compile(
            rf"^{_WS}*{place}{_WS}*\({_WS}*(?P<agency>{agency}){_WS}*\){_WS}*[-–—:]+", re.M)
        # `Agadir — Le coup d'envoi ...`: a wire's bare place line, the text's first words and a long dash
        self.dateline_dash = re.compile(
            rf"\A{_WS}*(?P<place>[A-ZÀ-Ý][\w'’\-À-ÿ]{{1,30}}(?:[ \t][A-ZÀ-Ý][\w'’\-À-ÿ]{{1,30}}){{0,3}})"
            rf"[ \t]+[–—][ \t]+(?=[A-ZÀ-Ý])")
        self.issue_line = re.compile(
            rf"^{_WS}*(?:fait{_WS}+(?:à|a){_WS}+)?{place}{_WS}*,?{_WS}*(?:le{_WS}+)?"
            rf"(?P<date>{self.dmy}){_WS}*\.?{_WS}*$",
            re.M | re.I,
        )
        # a news site's own date line under the headline: `jeudi, 11 juillet, 2024 à 19:24`,
        # `Publié le 07/04/2022 à 10h15`, `7 juillet 2019 - 08h40 - Maroc - Ecrit par : X`
        pub = union((r.pattern for r in by["WEB_PREFIX"] if r.id.startswith("web_prefix.published")), wrap=True)
        self.byline = re.compile(rf"(?:{pub})", re.I)
        news_head = rf"^{_WS}*(?:(?:{pub}){_WS}*)?"
        news_tail = (rf"(?:{_WS}*(?:à|-|–|,)?{_WS}*\d{{1,2}}{_WS}*[:hH]{_WS}*\d{{2}})?"
                     rf"(?:{_WS}*[-–|][^\n]{{0,120}})?{_WS}*$")
        self.news_line = re.compile(rf"{news_head}(?P<date>{self.dmy}){news_tail}", re.M | re.I)
        self.news_line_numeric = re.compile(
            rf"{news_head}(?P<date>(?P<day>[0-3]?\d)[/.-](?P<month>[01]?\d)[/.-](?P<year>(?:19|20)\d{{2}})){news_tail}",
            re.M | re.I)

    def _line_patterns(self, weekday: str) -> None:
        """Weekdays, times of day, and the lines that hold no date of the text (labels, web and store
        prefixes, letterheads)."""
        self.weekday = re.compile(weekday, re.I)
        self.time_of_day = re.compile(r"(?<![\w:])[0-2]?\d[\s\u00a0]*[:hH][\s\u00a0]*[0-5]\d(?![\w:])")
        self.title_label = re.compile(self._words("TITLE_LABEL"), re.I)
        web = self._words("WEB_PREFIX")
        self.web_prefix_line = re.compile(rf"^{_WS}*(?:{web}).*$", re.M | re.I)
        store = self._words("STORE_PREFIX")
        self.store_prefix = re.compile(rf"^{_WS}*(?:{store})", re.M | re.I)
        self.letterhead = re.compile(self._words("LETTERHEAD"), re.I)

    def _words(self, label: str) -> str:
        """The alternation of a label's patterns (a never-matching one where the label has none)."""
        return union(self.by[label], wrap=True)

    def month_number(self, name: str) -> int:
        for rx, n in self.months:
            if rx.match(name):
                return n
        raise ValueError(f"unknown month {name!r}")


@lru_cache(maxsize=8)
def grammar(path: str = DATES_FILE) -> DateGrammar:
    return DateGrammar(load_jsonl(path, DateRule), str(resolve(path)))


@lru_cache(maxsize=1)
def _dateparser():  # type: ignore[no-untyped-def]
    from dateparser.date import DateDataParser

    return DateDataParser(languages=["fr"], settings={"PREFER_DAY_OF_MONTH": "first",
                                                       "RETURN_TIME_AS_PERIOD": False})


@lru_cache(maxsize=4096)
def parse_date(day: int | None, month: int, year: int) -> dt.date | None:
    """A calendar date through dateparser; None when it does not exist (31 février)."""
    from dateparser.conf import Settings  # noqa: F401  (imported for its side effect on settings)

    text = f"{day} {_FR_MONTHS[month - 1]} {year}" if day else f"{_FR_MONTHS[month - 1]} {year}"
    data = _dateparser().get_date_data(text)
    if data is None or data.date_obj is None:
        return None
    d = data.date_obj.date()
    if d.year != year or d.month != month or (day and d.day != day):
        return None
    return d if day else d.replace(day=1)


_FR_MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
              "octobre", "novembre", "décembre"]


def _day(s: str) -> int:
    s = s.lower()
    return 1 if s in ("premier", "1er") else int(s)


def find_dateline(text: str, g: DateGrammar | None = None, head_chars: int = 600) -> DatelineMatch | None:
    """The news-agency opening (`Tiznit, 12 mai 2021 (MAP) -`) or an issue line (`Rabat, le 3 mars 2022`)."""
    g = g or grammar()
    head = text[:head_chars]
    m = g.dateline.search(head)
    if m is not None:
        d = _dmy_value(m, g)
        return DatelineMatch(m.group(0).strip(), m.start() + len(m.group(0)) - len(m.group(0).lstrip()),
                             m.end(), m.group("place").strip(), m.start("place"), d, m.start("date"),
                             m.end("date"), m.group("agency"), "dateline.agency")
    m = g.dateline_noagency.search(head)
    if m is not None:
        return DatelineMatch(m.group(0).strip(), m.start("place"), m.end("date"), m.group("place").strip(),
                             m.start("place"), _dmy_value(m, g), m.start("date"), m.end("date"), None,
                             "dateline.no_agency")
    m = g.dateline_nodate.search(head)
    if m is not None and m.start() < 300:
        return DatelineMatch(m.group(0).strip(), m.start("place"), m.end(), m.group("place").strip(),
                             m.start("place"), None, None, None, m.group("agency"), "dateline.agency_nodate")
    m = g.dateline_dash.match(head)
    if m is not None:
        return DatelineMatch(m.group(0).strip(), m.start("place"), m.end(), m.group("place"),
                             m.start("place"), None, None, None, None, "dateline.place_dash")
    return None


def find_issue_line(text: str, g: DateGrammar | None = None) -> DatelineMatch | None:
    """A line that is only `Place, le D mois YYYY`: the date the text says it was issued."""
    g = g or grammar()
    for m in g.issue_line.finditer(text):
        place = m.group("place").strip()
        if g.title_label.fullmatch(place) or g.weekday.fullmatch(place) or g.byline.match(m.group(0).strip() + " "):
            continue  # `Samedi 9 avril 2016` is a news date line, not a place and a date
        d = _dmy_value(m, g)
        if d is None:
            continue
        return DatelineMatch(m.group(0).strip(), m.start("place"), m.end("date"), place, m.start("place"), d,
                             m.start("date"), m.end("date"), None, "dateline.issue_line")
    return find_news_date_line(text, g)


def find_news_date_line(text: str, g: DateGrammar | None = None) -> DatelineMatch | None:
    """A news site's date line near the top (`jeudi, 11 juillet, 2024 à 19:24`, `Publié le 07/04/2022`):
    the document's date where it has no dateline nor issue line."""
    g = g or grammar()
    found: list[tuple[int, re.Match[str], dt.date]] = []
    for rx, numeric in ((g.news_line, False), (g.news_line_numeric, True)):
        for m in rx.finditer(text):
            try:
                d = dt.date(int(m.group("year")), int(m.group("month")), int(m.group("day"))) if numeric \
                    else _dmy_value(m, g)
            except ValueError:
                d = None
            if d is not None:
                found.append((m.start(), m, d))
                break
    if not found:
        return None
    _pos, m, d = min(found, key=lambda x: x[0])
    return DatelineMatch(m.group(0).strip(), m.start("date"), m.end("date"), None, None, d,
                         m.start("date"), m.end("date"), None, "dateline.news_line")


def _dmy_value(m: re.Match[str], g: DateGrammar) -> dt.date | None:
    try:
        return parse_date(_day(m.group("day")), g.month_number(m.group("month")), int(m.group("year")))
    except ValueError:
        return None


def date_like(text: str, g: DateGrammar | None = None) -> list[tuple[int, int]]:
    """Stretches that read as a day and month, a span of days or a time of day, with or without a year
    (`les 26 et 27 août`, `le 8 septembre dernier`, `à 19:24`): their numbers count nothing."""
    g = g or grammar()
    return [(m.start(), m.end()) for rx in (g.day_span, g.day_month_year, g.day_month, g.first_day, g.time_of_day)
            for m in rx.finditer(text)]


class _Found:
    """One text's dates as they are found: the stretches already read (or blocked) and the dates."""

    def __init__(self, text: str, taken: IntervalSet) -> None:
        self.text = text
        self.taken = taken
        self.out: list[DateMatch] = []

    def free(self, s: int, e: int) -> bool:
        return not self.taken.overlaps(s, e)  # O(log n): a scan of every taken range was quadratic

    def add(self, m: re.Match[str], value: dt.date | None, gran: str, rule: str, s: int | None = None) -> None:
        start = m.start() if s is None else s
        if not self.free(start, m.end()):
            return
        if value is None:  # an impossible date (31 février) is no date, and no month or year either
            self.taken.add(start, m.end())
            return
        text_ = self.text[start : m.end()]
        lead = len(text_) - len(text_.lstrip())
        self.out.append(DateMatch(text_.strip(), start + lead, start + lead + len(text_.strip()), value, gran, rule))
        self.taken.add(start, m.end())


def find_dates(text: str, default_year: int | None = None, blocked: list[tuple[int, int]] | None = None,
               g: DateGrammar | None = None) -> list[DateMatch]:
    """Every explicit date, in text order; the most specific reading of each stretch wins.

    `blocked` are character ranges (amounts, phone numbers) where no date may start.
    A day and month without a year take `default_year` (the dateline's), or are skipped.
    """
    g = g or grammar()
    news = {m.start() for rx in (g.news_line, g.news_line_numeric) for m in rx.finditer(text)}
    found = _Found(text, IntervalSet([*(blocked or []), *((m.start(), m.end()) for m in g.web_prefix_line.finditer(text)
                                                          if m.start() not in news),
                                      *((m.start(), m.end()) for m in g.store_prefix.finditer(text))]))
    _day_spans(found, g, default_year)
    _days(found, g, default_year)
    _months_and_years(found, g, default_year)
    found.out.sort(key=lambda d: d.start)
    return found.out


def _day_spans(f: _Found, g: DateGrammar, default_year: int | None) -> None:
    """`du 3 au 5 mai`: the first day of a span (the last is read as a day below)."""
    for m in g.day_span.finditer(f.text):
        if m.group("year") is None and default_year is None:
            continue
        year = int(m.group("year") or default_year or 0)
        last = parse_date(_day(m.group("day")), g.month_number(m.group("month")), year)
        if last is None or not f.free(m.start("day1"), m.end()):
            continue
        try:
            first = parse_date(int(m.group("day1")), last.month, last.year)
        except ValueError:
            first = None
        if first is not None and first < last:
            s1 = m.start("day1")
            f.out.append(DateMatch(m.group("day1"), s1, m.end("day1"), first, "day", "date.day_span_first"))
            f.taken.add(s1, m.end("day1"))


def _days(f: _Found, g: DateGrammar, default_year: int | None) -> None:
    """Days with a year (written out, the first of a month, numeric)."""
    for m in g.day_month_year.finditer(f.text):
        f.add(m, _dmy_value(m, g), "day", "date.day_month_year")
    for m in g.first_day.finditer(f.text):
        year = int(m.group("year")) if m.group("year") else default_year
        if year:
            f.add(m, parse_date(1, g.month_number(m.group("month")), year), "day", "date.first_day")
    for m in g.numeric.finditer(f.text):
        try:
            f.add(m, dt.date(int(m.group("year")), int(m.group("month")), int(m.group("day"))), "day",
                  "date.numeric")
        except ValueError:
            continue


def _months_and_years(f: _Found, g: DateGrammar, default_year: int | None) -> None:
    """Months of a year, days with the dateline's year, pairs of years and lone years."""
    text = f.text
    for m in g.month_year.finditer(text):
        f.add(m, parse_date(None, g.month_number(m.group("month")), int(m.group("year"))), "month",
              "date.month_year", s=m.start("month") if not m.group(0)[:1].isalpha() else m.start())
    if default_year:
        for m in g.day_month.finditer(text):
            try:
                f.add(m, parse_date(_day(m.group("day")), g.month_number(m.group("month")), default_year),
                      "day", "date.day_month")
            except ValueError:
                continue
    for m in g.year_pair.finditer(text):  # `la saison 2022/2023`: two years
        if not f.free(m.start(), m.end()):
            continue
        for grp in ("y1", "y2"):
            f.out.append(DateMatch(m.group(grp), m.start(grp), m.end(grp), dt.date(int(m.group(grp)), 1, 1), "year",
                                   "date.year_pair"))
        f.taken.add(m.start(), m.end())
    for m in g.year.finditer(text):
        y = int(m.group("year"))
        if not (YEAR_MIN <= y <= YEAR_MAX):
            continue
        if g.year_blocker.search(text, max(0, m.start() - 25), m.start()):
            continue
        f.add(m, dt.date(y, 1, 1), "year", "date.year")
