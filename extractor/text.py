"""Small text helpers shared by components: folding for comparison."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc

_APOS_HYPHEN = re.compile(r"[’'`\-‐–—]")
_WS = re.compile(r"\s+")


CACHED_CHARS = 120
"""Strings up to this length (names, words, mentions) are folded once per process and kept in a
bounded cache: a long report folds the same few thousand names tens of thousands of times."""


def strip_accents(s: str) -> str:
    """The text with its accents removed (`États-Unis` -> `Etats-Unis`), case kept."""
    return _strip_cached(s) if len(s) <= CACHED_CHARS else _strip(s)


def _strip(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


_strip_cached = lru_cache(maxsize=1 << 15)(_strip)


def fold(s: str | None) -> str:
    """Lower case, accents removed, apostrophes and hyphens as spaces, white space collapsed.

    The contract's folding (spec section 3): two names are the same when their folds are equal.
    """
    if not s:
        return ""
    s = str(s)
    return _fold_cached(s) if len(s) <= CACHED_CHARS else _fold(s)


def _fold(s: str) -> str:
    s = _strip(s).lower()
    s = _APOS_HYPHEN.sub(" ", s)
    return _WS.sub(" ", s).strip()


_fold_cached = lru_cache(maxsize=1 << 15)(_fold)


TEXT_KEY = "communique.text"
"""`doc.user_data` key of the cached text (set by whoever already holds it)."""


def doc_text(doc: Doc) -> str:
    """`doc.text`, computed once per Doc: spaCy rebuilds it from every token on each access."""
    cached = doc.user_data.get(TEXT_KEY)
    if cached is None:
        cached = doc.text
        doc.user_data[TEXT_KEY] = cached
    return cached
