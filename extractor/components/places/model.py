"""What the places component passes on: `PlaceMention` (`span._.place`), and its type orders and words."""

from __future__ import annotations

import re
from dataclasses import dataclass

SPAN_KEY = "places"
ORG_SPAN_KEY = "organizations"
MAX_GAZ_TOKENS = 8
MAX_NAME_TOKENS = 12
"""How far an organisation or facility name may run after its head noun."""
BARE_PRIORITY = ("city", "region", "prefecture", "province", "country", "commune", "district", "douar", "other")
WEAK_PRIORITY = ("region", "prefecture", "province", "city")
_PROVINCIAL = ("province", "prefecture")
_END_VERBS = frozenset({"VERB", "AUX"})
_CAPITAL = re.compile(r"(?<!\w)[A-ZÀ-ÖØ-Þ]")
_HYPHEN_TAIL = re.compile(r"-([A-ZÀ-ÖØ-Þ][\w'’]*(?:[ -](?:El|Al|Ben|Beni|Béni|Sidi|Moulay|[A-ZÀ-ÖØ-Þ][\w'’]*))?)")
"""The name after a hyphen (`Tétouan-Jebha`, `Taza-Al Hoceïma`): a second place where the gazetteer knows it."""
_PRIORITY = {"trigger": 0, "header": 1, "gazetteer": 2, "model": 3}



@dataclass(frozen=True, slots=True)
class PlaceMention:
    """One place mention: exact offsets plus the normalised place it names (`span._.place`)."""

    text: str
    start: int
    end: int
    name: str
    type: str
    code: str | None
    latitude: float | None
    longitude: float | None
    rule: str
    source: str
