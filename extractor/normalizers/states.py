"""Foreign states as actors: which country a government or a state's name holds.

`patterns/organizations/states.csv` gives, per gazetteer country code, the adjectives and other
names French texts use for the state (`le gouvernement italien`, `la République de Corée`); the
gazetteer gives the country names. `StateNames.code_of` reads a body's name and returns the one
country it holds, so that `le gouvernement du Japon` and `le Japon a attribué` make one
organisation (spec §2.1: a state or government that pays is an organisation).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ..errors import PatternError
from ..gazetteer import names_of_type
from ..patterns import load_csv, resolve
from ..text import fold

STATES_FILE = "organizations/states.csv"


@dataclass(frozen=True)
class StateNames:
    """Folded forms (country names, other names, adjectives) to country codes, as one regex."""

    adjectives: tuple[str, ...]
    """Every adjective as written (masculine and feminine): a body's name holding one is foreign."""
    codes: dict[str, str]
    pattern: re.Pattern[str]

    def code_of(self, name: str) -> str | None:
        """The country a name holds (`Gouvernement du Japon` -> JP), None for none or several."""
        found = {self.codes[m.group(0)] for m in self.pattern.finditer(fold(name))}
        return found.pop() if len(found) == 1 else None


def _line_of(path: str, code: str) -> int | None:
    with open(path, encoding="utf-8") as fh:
        return next((n for n, line in enumerate(fh, start=1) if line.startswith(code + ",")), None)


@cache
def state_names(name: str = STATES_FILE) -> StateNames:
    """The lexicon of one states file, checked against the gazetteer's country codes."""
    countries: dict[str, str] = {}
    for country, code in names_of_type("country"):
        if code:
            countries[fold(country)] = code
    known_codes = set(countries.values())
    codes = dict(countries)
    adjectives: list[str] = []
    for row in load_csv(name, ("code",), ("adjectives", "names")):
        code = row["code"]
        if code not in known_codes:
            path = str(resolve(name))
            raise PatternError(path, f"unknown country code {code!r} (not in places/gazetteer.csv)",
                               _line_of(path, code))
        forms = [a for a in row.get("adjectives", "").split("|") if a.strip()]
        adjectives += forms
        for form in forms + [n for n in row.get("names", "").split("|") if n.strip()]:
            codes[fold(form)] = code
    keys = sorted(codes, key=len, reverse=True)  # the longest form first (`coree du sud` before `coree`)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(k) for k in keys) + r")(?!\w)")
    return StateNames(tuple(adjectives), codes, pattern)
