"""Acronyms and glosses the text gives: `Long form (ACR)`, `ACR (Long form)`, `l'ANAPEC (Agence ...)`."""

from __future__ import annotations

import re
from bisect import bisect_right

from spacy.tokens import Doc

from ...normalizers.organizations import OrgLexicon
from ..org_aliases import resolve_aliases
from .model import _ACRONYM_BEFORE, _CLOSE_PAREN, _PAREN, _PAREN_LONG, Windows, _Mention

_OPEN_BEFORE = re.compile(r"\(\s*$")
_CAPITAL_WORD = re.compile(r"(?<![\w'’-])[A-ZÀ-Ý][\w'’&-]*")
# a run of capitalised words, grammar words between them, ending right before a bracket (a closing quote allowed)
# (grammar words: any lower-case word of up to four letters, `für`, `of`, `de la`, `y`)
_CAPITALISED_RUN = re.compile(r"[A-ZÀ-Ý][\w'’&-]*(?:\s+(?:[a-zà-ÿ]{1,4}['’]?\s*){0,3}[A-ZÀ-Ý][\w'’&-]*)*"
                              r"\s*(?:[»”\"]\s*)?")
_AND_TAIL = re.compile(r"\s+et\s+(?:[a-zà-ÿ'’-]+\s+){0,2}?[a-zà-ÿ'’-]+(?=\s*\()")  # ` et interurbain` before `(`
_AND_NAME_TAIL = re.compile(r"\s+et\s+(?:[\wÀ-ÿ'’-]+\s+){0,3}?[\wÀ-ÿ'’-]+(?=\s*\()")  # ` et de la Chaouia` before `(`
_ADJACENT = re.compile(r"[A-ZÀ-Ý][\w'’&-]*\s+")  # a capitalised word right before the next one


class Aliases:
    """Mixin of the component: every use of a bracketed acronym joins its long form."""

    lex: OrgLexicon
    windows: Windows

    def _aliases(self, text: str, mentions: list[_Mention]) -> list[tuple[_Mention, str, int, int, bool]]:
        """Acronyms given by the text: `Long form (ACR)` and `ACR (Long form)`.

        Returns (long-form mention, acronym, acronym start, acronym end, long form is in brackets)."""
        out = []
        for m in mentions:
            pm = _PAREN.match(text, m.end, min(len(text), m.end + self.windows.acronym_after_chars))
            pm = pm if pm is not None or m.known is not None else self._through_and(text, m)
            if pm is not None:
                alias = pm.group(1)
                if self._is_acronym(alias, text[m.start:m.end]):
                    out.append((m, alias, pm.start(1), pm.end(1), False))
                    continue
            bm = _ACRONYM_BEFORE.search(text, max(0, m.start - self.windows.acronym_before_chars), m.start)
            if bm is not None and _CLOSE_PAREN.match(text, m.end) \
                    and self._is_acronym(bm.group(1), text[m.start:m.end]):
                out.append((m, bm.group(1), bm.start(1), bm.end(1), True))
        return out

    def _through_and(self, text: str, m: _Mention) -> re.Match[str] | None:
        """`Fonds ... urbain et interurbain (FART)`: a name that stopped at `et` reads on to the acronym in
        brackets right after a few lower-case words (the mention is widened); None where none follows."""
        tail = _AND_TAIL.match(text, m.end)
        spelt = tail is None  # a longer tail (`et de la Chaouia (ABHBC)`) must be spelt by the acronym
        tail = tail or _AND_NAME_TAIL.match(text, m.end)
        if tail is None:
            return None
        pm = _PAREN.match(text, tail.end(), min(len(text), tail.end() + self.windows.acronym_after_chars))
        if pm is None or not self.lex.acronym.match(pm.group(1)) or self.lex.not_acronym.match(pm.group(1)):
            return None
        if spelt and not self.lex.abbreviates(pm.group(1), text[m.start:tail.end()]):
            return None
        m.end = tail.end()
        return pm

    def _is_acronym(self, short: str, long: str) -> bool:
        """An acronym by its shape (`ONEE`, `ORMVA-TF`), or a word that spells the long form's initials (`Fades`)."""
        if self.lex.not_acronym.match(short):
            return False
        return bool(self.lex.acronym.match(short)) or self.lex.spells(short, long)

    def _long_forms(self, text: str, mentions: list[_Mention]) -> list[_Mention]:
        """A known body's bracketed acronym after a long form the lexicon does not hold (`la Japan International
        Cooperation Agency (JICA)`, `Kreditanstalt für Wiederaufbau (KfW)`): that long form is a mention of the
        same body, when the acronym spells its words' initials (up to two capitalised words more before them)."""
        ends = sorted(m.end for m in mentions)
        added: list[_Mention] = []
        for m in mentions:
            if m.known is None or not _OPEN_BEFORE.search(text, max(0, m.start - 3), m.start) \
                    or not _CLOSE_PAREN.match(text, m.end):
                continue
            paren = text.rfind("(", 0, m.start)
            k = bisect_right(ends, paren)
            lo = max(paren - self.windows.gloss_chars, ends[k - 1] if k else 0)
            start = self._spelt_from(text, text[m.start:m.end], lo, paren)
            if start is not None:
                end = start + len(text[start:paren].rstrip(" \t«»“”\""))
                added.append(_Mention(start, end, f"long_form:{m.rule}", m.known, m.trigger, False))
        return sorted([*mentions, *added], key=lambda x: x.start)

    def _spelt_from(self, text: str, acronym: str, lo: int, paren: int) -> int | None:
        """Start of the nearest run of two capitalised words or more, ending at `paren`, whose initials
        `acronym` spells, widened over up to two capitalised words right before it (`Deutsche Gesellschaft
        für Internationale Zusammenarbeit (GIZ)`); None where the run breaks first."""
        words = [w.start() for w in _CAPITAL_WORD.finditer(text, lo, paren)]
        for i in range(len(words) - 2, -1, -1):
            if not _CAPITALISED_RUN.fullmatch(text, words[i], paren):
                return None
            if self.lex.abbreviates(acronym, text[words[i]:paren]):
                j = i
                while j > 0 and i - j < 2 and _ADJACENT.fullmatch(text, words[j - 1], words[j]):
                    j -= 1
                return words[j]
        return None

    def _glosses(self, text: str, mentions: list[_Mention]) -> list[tuple[_Mention, _Mention]]:
        """`l'ANAPEC (Agence nationale de ...)`: a name in brackets right after another one is the same
        organisation; the bracketed one is marked as a definition (it takes no role cue of its own)."""
        by_start = {m.start: m for m in mentions}
        out = []
        for m in mentions:
            pm = _PAREN_LONG.match(text, m.end, min(len(text), m.end + self.windows.gloss_chars))
            x = by_start.get(pm.start(1)) if pm else None
            if pm is not None and x is not None and x.end == pm.end(1) and x is not m:
                x.definition = True
                out.append((m, x))
        return out

    def _with_aliases(self, doc: Doc, text: str, mentions: list[_Mention]) -> list[_Mention]:
        """Add every use of a bracketed acronym as a mention of its long form's organisation
        (the rule and its n·log n resolution: `org_aliases`)."""
        found = self._aliases(text, mentions)
        for m, alias, _s, _e, inside in found:
            m.defines = alias
            m.definition = m.definition or inside

        def usable(s: int, e: int) -> bool:
            return doc.char_span(s, e, alignment_mode="expand") is not None

        def make(pair: tuple[_Mention, str, int, int, bool], s: int, e: int) -> _Mention:
            m, _alias, _s, _e, inside = pair
            return _Mention(s, e, f"alias:{m.rule}", m.known, m.trigger, False, alias_of=m,
                            definition=s == _s and not inside)

        return resolve_aliases(text, mentions, found, usable, make)

