"""The windows and weights of the allocations component: its factory settings, with their defaults.

Each is a key of the `communique_allocations` factory config (`nlp.add_pipe(..., config={...})`),
so a user tunes them in `config.cfg` as for any spaCy pipe; the defaults are the values the rules
were written and measured with (`communique eval` on the gold sets).
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True, slots=True)
class Settings:
    """Character windows (how much text around a sum or a name a cue is looked for in) and weights."""

    not_given_after_chars: int = 40
    """Text after a sum read for a NOT_GIVEN_AFTER cue (`2.000 dirhams bruts`, `le kilo`)."""
    part_before_chars: int = 40
    """Text before a sum read for a PART cue (`dont`) that makes it a share of the sum before it."""
    org_cue_before_chars: int = 60
    """Text before an organisation read for a cue casting it (`selon`, `en partenariat avec`, `financé par`)."""
    org_cue_after_chars: int = 160
    """Text after an organisation read for a cue casting it (`y consacre`, `a validé`, `recevra`)."""
    place_exclude_before_chars: int = 80
    """Text before a place read for a cue that makes it no place of spending (an official's title)."""
    phrase_chars: int = 160
    """Longest programme or purpose phrase taken after its cue (it also ends at a clause boundary)."""
    verb_hops: int = 8
    """Most steps up the dependency tree from a sum to the verb that governs it."""
    conj_hops: int = 3
    """Most coordinated verbs followed back to the one whose subject they share."""
    dateline_weight: float = 0.5
    """What a dateline or issue-line town counts as a mention when choosing the main place (it is
    where the text was signed, which is often but not always where the money goes)."""
    home_south: float = 20.7
    """Southern edge of the home country's bounding box (degrees of latitude): a town outside the box
    (`signée à Abidjan`, `Bruxelles allouera`) is no place of spending; Morocco with its Sahara."""
    home_north: float = 36.0
    """Northern edge of the home country's bounding box (latitude)."""
    home_west: float = -17.2
    """Western edge of the home country's bounding box (longitude)."""
    home_east: float = -0.9
    """Eastern edge of the home country's bounding box (longitude)."""

    @classmethod
    def defaults(cls) -> dict[str, int | float]:
        """The settings as factory config keys with their default values."""
        return {f.name: f.default for f in fields(cls)}  # type: ignore[misc]
