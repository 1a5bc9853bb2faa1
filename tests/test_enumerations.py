"""The pure pairing functions of `extractor.components.enumerations`, without spaCy."""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.components.enumerations import own_givers, recipients_after


@dataclass
class Body:
    start: int
    end: int
    key: str


def _bodies(text: str, *names: str) -> list[Body]:
    return [Body(m.start(), m.end(), n) for n in names for m in re.finditer(re.escape(n), text)]


def _sums(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"\d+ MDH", text)]


_BODY_SUM = re.compile(r"\s+(?:à\s+hauteur\s+de|de)\s+")
_SUM_BODY = re.compile(r"\s+(?:de\s+l'|du\s+)")
_ELLIPSIS = re.compile(r",\s*(?:la\s+|l')?|\s+et\s+(?:la\s+|l')?")


def _givers(text: str, *names: str) -> dict[str, str]:
    found = own_givers(text, _bodies(text, *names), _sums(text), lambda g: bool(_BODY_SUM.fullmatch(g)),
                       lambda g: bool(_SUM_BODY.fullmatch(g)), lambda g: bool(_ELLIPSIS.fullmatch(g)))
    return {text[s:s + 5]: o.key for s, o in found.items()}


def test_sums_written_before_their_givers_pair_with_the_body_after_each() -> None:
    assert _givers("mobilise 3 MDH de l'INDH, 2 MDH du Conseil et 1 MDH de l'ONEE", "INDH", "Conseil", "ONEE") == {
        "3 MDH": "INDH", "2 MDH": "Conseil", "1 MDH": "ONEE"}


def test_givers_written_before_their_sums_pair_with_the_sum_after_each() -> None:
    assert _givers("l'INDH à hauteur de 3 MDH et le Conseil à hauteur de 2 MDH", "INDH", "Conseil") == {
        "3 MDH": "INDH", "2 MDH": "Conseil"}


def test_a_body_right_before_its_sum_pairs_only_after_an_explicit_pair() -> None:
    assert _givers("l'INDH à hauteur de 3 MDH, la commune 2 MDH", "INDH", "commune") == {
        "3 MDH": "INDH", "2 MDH": "commune"}
    assert _givers("la commune 2 MDH, l'INDH 3 MDH", "INDH", "commune") == {}


def test_one_pair_or_one_body_is_no_list_of_givers() -> None:
    assert _givers("3 MDH de l'INDH pour ce projet", "INDH") == {}
    assert _givers("3 MDH de l'INDH et 2 MDH de l'INDH", "INDH") == {}


_TO = re.compile(r"\s+(?:à|au)\s+(?:l'|la\s+)?")


def _recipients(text: str, *names: str, payers: frozenset[str] = frozenset()) -> dict[str, str]:
    found = recipients_after(text, _bodies(text, *names), _sums(text), lambda g: bool(_TO.fullmatch(g)), set(payers))
    return {text[s:s + 5]: o.key for s, o in found.items()}


def test_sums_each_followed_by_its_recipient_go_to_that_body() -> None:
    assert _recipients("la BEI prête 5 MDH à l'ONEE, 3 MDH à la SNTL et 2 MDH à l'ADM", "BEI", "ONEE", "SNTL", "ADM") == {
        "5 MDH": "ONEE", "3 MDH": "SNTL", "2 MDH": "ADM"}


def test_one_sum_to_one_body_is_no_enumeration() -> None:
    assert _recipients("la BEI prête 5 MDH à l'ONEE pour 10 ans", "BEI", "ONEE") == {}


def test_a_payer_after_a_sum_is_no_recipient() -> None:
    assert _recipients("5 MDH à l'ONEE et 3 MDH au FEC", "ONEE", "FEC", payers=frozenset({"FEC"})) == {}
