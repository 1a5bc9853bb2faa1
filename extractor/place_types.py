"""The place types of the record contract, listed once (`records.PlaceType`), and their groups.

Rule files, components and reports name place types; they take them from here, so a type added
to the contract is known everywhere and a misspelt one fails where the data is loaded.
"""

from __future__ import annotations

from .records import PlaceType

PLACE_TYPES: tuple[str, ...] = tuple(t.value for t in PlaceType)
"""Every place type, in the contract's order."""

PROVINCIAL: tuple[str, ...] = (PlaceType.province.value, PlaceType.prefecture.value)
"""One level of the territory under two names (a prefecture is an urban province): a text's `la
province` may stand for a prefecture named earlier, and the other way round."""


def provincial_alike(typ: str | None) -> tuple[str | None, ...]:
    """The types a place named as `typ` may be: itself first, then the other provincial type."""
    if typ in PROVINCIAL:
        return (typ, *(t for t in PROVINCIAL if t != typ))
    return (typ,)
