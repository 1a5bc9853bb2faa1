"""What the organisations component works on: candidates, mentions, organisations, and the words it reads.

`OrgMention` is what `span._.org` holds for the components after this one; the underscored classes
are the component's working state, from candidate token spans to linked organisations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...normalizers.organizations import KnownOrg, TriggerRule

SPAN_KEY = "organizations"
_NAME_POS = {"NOUN", "PROPN", "ADJ", "X"}
_CLOSE_PUNCT = {",", ".", ";", ":", "(", ")", "«", "»", '"', "“", "”", "!", "?", "•", "–", "—"}
_SENTENCE_END = re.compile(r"[.!?;](?=\s|$)|\n")
_LINE = re.compile(r"[^\n]+")
_LOWER_WORD = re.compile(r"(?<![\w'’-])[a-zà-ÿ]{3,}")
_PAREN_LONG = re.compile(r"\s*\(\s*([^()\n]{1,240}?)\s*\)")
_ACRONYM_BEFORE = re.compile(r"(?<![\w-])([A-Z][\w&-]{1,15})\s*\(\s*$")
_CLOSE_PAREN = re.compile(r"\s*\)")
# `(ACR)`, or `(ACR: 10 MDH)` where a list gives each body its sum inside the acronym's bracket
_PAREN = re.compile(r"\s*\(\s*([^()\n]{1,60}?)\s*(?:\)|:\s*[^()\n:]{1,80}\))")


@dataclass(frozen=True)
class Windows:
    """How far the component reads around a name (characters unless said): factory settings, same names."""

    max_name_tokens: int = 25
    """Tokens a generic name may run to after its head (`Association ... de ... pour ...`)."""
    after_cue_chars: int = 280
    """Text after an enumeration's last member that an after-cue (`X a financé`) may span."""
    before_cue_gap_chars: int = 200
    """Most characters between a before-cue (`financé par`) and the mention it names."""
    left_context_chars: int = 40
    """Text before a mention read for a locative or genitive word (`au profit de X`: X receives)."""
    amount_after_chars: int = 90
    """Most characters from a mention to a sum of money after it (`X contribue à hauteur de 2 MDH`)."""
    amount_before_chars: int = 60
    """Most characters from a sum of money to a mention after it (`2 MDH apportés par X`)."""
    sum_follows_chars: int = 150
    """Most characters from a cue that pays only with a sum (`mobilise`) to that sum."""
    acronym_after_chars: int = 70
    """Text after a name read for a bracketed acronym (`Agence ... (ANAPEC)`)."""
    acronym_before_chars: int = 30
    """Text before a bracketed name read for its acronym (`ANAPEC (Agence ...)`)."""
    gloss_chars: int = 250
    """Text after a name read for a bracketed long form of it (`l'ANAPEC (Agence nationale ...)`)."""
    descriptor_gap_tokens: int = 4
    """Most tokens from a class noun to the known name it describes (`le groupe minier Managem`)."""


WINDOWS = Windows()
"""The defaults."""


@dataclass(frozen=True, slots=True)
class OrgMention:
    """What `span._.org` holds: the organisation a mention refers to and the role cues found there."""

    name: str
    acronym: str | None
    kind: str
    roles: tuple[str, ...]
    rule: str
    index: int
    acts_for: str | None = None
    """The canonical name of the body this one is an organ of (`known.csv` acts_for)."""

    @property
    def role(self) -> tuple[str, ...]:
        return self.roles


@dataclass
class _Cand:
    start: int  # token offsets
    end: int
    rule: str
    known: KnownOrg | None = None
    trigger: TriggerRule | None = None
    bare: bool = False
    head_end: int = 0  # token end of the trigger itself
    priority: int = 0
    prefix: str = ""  # an item of a plural head's list is named `prefix` + its text (`Ministère ` + `de la Santé`)


@dataclass
class _Mention:
    start: int  # char offsets
    end: int
    rule: str
    known: KnownOrg | None
    trigger: TriggerRule | None
    bare: bool
    complement: str = ""
    roles: dict[str, str] = field(default_factory=dict)  # role -> rule id
    latent: dict[str, str] = field(default_factory=dict)  # roles an actor-only head takes once it acts elsewhere
    defines: str | None = None  # the bracketed acronym right after this mention
    alias_of: _Mention | None = None  # the long form whose acronym this mention is
    definition: bool = False  # the bracketed acronym right after its long form
    foreign: bool = False  # the name holds a foreign state (`gouvernement du Japon`)
    prefix: str = ""  # the singular head an item of a plural head's list is named with


@dataclass
class _Org:
    key: str
    name: str
    kind: str
    rule: str
    known: KnownOrg | None = None
    acronym: str | None = None
    actor_only: bool = False
    role_gated: bool = False
    folds: set[str] = field(default_factory=set)
    mentions: list[_Mention] = field(default_factory=list)

