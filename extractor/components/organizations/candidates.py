"""Candidates: known names and acronyms, generic heads extended with their complement, named actors.

A known name is found by a PhraseMatcher over `known.csv`; a generic head by a Matcher over
`triggers.jsonl` run only on windows opening on a trigger head word; a head's name runs on while the
complement grammar (`_extend`) accepts the next token.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from typing import Any

import numpy
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from ...errors import PatternError
from ...gazetteer import load_gazetteer, match_key, names_of_type
from ...intervals import IntervalSet
from ...normalizers.organizations import KnownOrg, OrgLexicon, TriggerRule
from ...normalizers.words import FunctionWords
from ...text import doc_text, strip_accents
from ..columns import tokens_with
from .model import _CLOSE_PUNCT, _NAME_POS, Windows, _Cand

_PURPOSE_LOOKBACK = 6
"""Tokens before `et` searched for `pour` (`pour la promotion et le développement`: one purpose)."""


class Candidates:
    """Mixin of the component: token spans that may name an organisation."""

    lex: OrgLexicon
    windows: Windows
    w: FunctionWords

    def _known_matchers(self, nlp: Language) -> None:
        """PhraseMatchers over the known names: by lower case, acronyms and the like by exact spelling."""
        self.known_by_key: dict[str, KnownOrg] = {}
        self.phrase_lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.phrase_orth = PhraseMatcher(nlp.vocab, attr="ORTH")
        for k in self.lex.known:
            self.known_by_key[k.id] = k
            forms = [k.name, *k.variants] + ([k.acronym] if k.acronym else [])
            forms += [f.replace("'", "’") for f in forms if "'" in f]  # typographic apostrophes too
            lower = [f for f in forms if not _is_acronym_like(f)]
            orth = [f for f in forms if _is_acronym_like(f)]
            # a mixed-case acronym is written in capitals too (`KfW`, `La KFW accorde`), never in lower case
            orth += [f.upper() for f in orth if f != f.upper() and f.upper() not in orth]
            if lower:
                self.phrase_lower.add(k.id, list(nlp.tokenizer.pipe(lower)))
            if orth:
                self.phrase_orth.add(k.id, list(nlp.tokenizer.pipe(orth)))

    def _trigger_matchers(self, nlp: Language) -> None:
        """The Matcher over the generic heads, the gazetteer heads and the regex triggers."""
        self.matcher = Matcher(nlp.vocab)
        # a trigger read from the gazetteer (states used as actors): its heads are place names
        self.gazetteer_heads = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.regex_triggers: list[tuple[TriggerRule, re.Pattern[str]]] = []
        self.places_index = load_gazetteer()
        heads: set[str] = set()
        for t in self.lex.triggers.values():
            if t.regex is not None:
                self.regex_triggers.append((t, re.compile(t.regex, re.VERBOSE)))
                continue
            if t.gazetteer is not None:
                names = {n for n, code in names_of_type(t.gazetteer) if code not in t.exclude_codes}
                names = sorted(names | {strip_accents(n) for n in names})  # `Etats-Unis` as often as `États-Unis`
                self.gazetteer_heads.add(t.id, list(nlp.tokenizer.pipe(names)))
                continue
            self.matcher.add(t.id, [t.pattern])
            heads |= _first_token_words(t)
        # the Matcher only runs on short windows that open on a trigger head word (much faster
        # than running every pattern over every token)
        self.head_ids = numpy.array(sorted(nlp.vocab.strings.add(w) for w in heads), dtype="uint64")
        self.window = max(len(t.pattern) for t in self.lex.triggers.values() if t.gazetteer is None and not t.regex)

    def _candidates(self, doc: Doc) -> list[_Cand]:
        vocab = doc.vocab.strings
        cands: list[_Cand] = []
        for matcher in (self.phrase_lower, self.phrase_orth):
            for mid, s, e in matcher(doc):
                k = self.known_by_key[vocab[mid]]
                cands.append(_Cand(s, e, f"known.{k.id}", known=k, head_end=e, priority=2))
        known_starts = sorted({c.start for c in cands})
        matches = []
        for i in tokens_with(doc, {"LOWER": self.head_ids}):
            matches.extend((mid, i + s, i + e) for mid, s, e in self.matcher(doc[i:i + self.window]) if s == 0)
        for mid, s, e in self.gazetteer_heads(doc):
            t = self.lex.triggers[vocab[mid]]
            cands.append(_Cand(s, e, t.id, trigger=t, head_end=e, priority=1))
        for mid, s, e in matches:
            t = self.lex.triggers[vocab[mid]]
            if t.require_name and not self._named(doc, s, e, t, known_starts):
                if t.anaphor:  # `cette association`: a reference back, kept only with an antecedent
                    cands.append(_Cand(s, e, t.id, trigger=t, bare=True, head_end=e, priority=1))
                continue
            if t.whole or t.regex:
                cands.append(_Cand(s, e, t.id, trigger=t, head_end=e, priority=1))
                continue
            head_end = e - 1 if doc[e - 1].lower_ in self.w.de | self.w.a | {"pour"} else e
            end = self._extend(doc, head_end, t)
            if end <= head_end:
                end = head_end
            if t.distribute and end > head_end:
                cands += self._items(doc, head_end, end, t)
                continue
            cands.append(_Cand(s, end, t.id, trigger=t, bare=end <= head_end, head_end=head_end, priority=1))
        # a named actor gives way to any other candidate but a state it holds (`Orange Maroc a fait don`)
        taken = IntervalSet((c.start, c.end) for c in cands
                            if not (c.trigger and (c.trigger.whole or c.trigger.gazetteer)))
        cands += [c for c in self._named_actors(doc) if not taken.overlaps(c.start, c.end)]
        return cands

    def _items(self, doc: Doc, start: int, end: int, t: TriggerRule) -> list[_Cand]:
        """One candidate per item of a plural head's list (`de l'Intérieur, de l'Économie et des finances
        et de la Jeunesse`): an item opens at `de` after a comma, or after `et` when a capital follows."""
        cuts = [start]
        for j in range(start + 1, end - 1):
            tok, nxt = doc[j], doc[j + 1]
            if nxt.lower_ not in self.w.de:
                continue
            k = j + 2
            if k < end and doc[k].lower_ in self.w.det:
                k += 1
            if tok.text == "," or (tok.lower_ == "et" and k < end and doc[k].text[:1].isupper()):
                cuts.append(j + 1)
        out = []
        for a, b in zip(cuts, [*cuts[1:], end], strict=True):
            b -= 1 if b < end else 0  # the comma or `et` before the next item
            if b > a:
                out.append(_Cand(a, b, t.id, trigger=t, head_end=a, priority=1, prefix=f"{t.distribute} "))
        return out

    def _named_actors(self, doc: Doc) -> list[_Cand]:
        """Proper names a regex trigger finds (the subject of a giving verb), places and people aside."""
        out: list[_Cand] = []
        if not self.regex_triggers:
            return out
        text = doc_text(doc)  # doc.text joins every token again: 1 s at 200 KB
        for t, rx in self.regex_triggers:
            for m in rx.finditer(text):
                name = m.group("name")
                if self.lex.not_actor.search(name) or self.places_index.get(match_key(name)):
                    continue
                span = doc.char_span(m.start("name"), m.end("name"), alignment_mode="contract")
                if span is not None and len(span) == 1 and span[0].ent_type_ in ("PER", "LOC"):
                    continue  # one word: a person's or a place's name, as the language model reads it
                if span is not None and len(span):
                    out.append(_Cand(span.start, span.end, t.id, trigger=t, head_end=span.end, priority=1))
        return out

    def _named(self, doc: Doc, s: int, e: int, t: TriggerRule, known_starts: list[int]) -> bool:
        """A head that needs a name has one: a capitalised word, a descriptive complement, or a known
        name close after it (`le groupe minier Managem`). `known_starts` is sorted: the known names
        within the gap are found by bisect (a scan of all of them per head was quadratic)."""
        if self._has_name(doc, s, e) or (t.descriptive_name and self._descriptive(doc, s, e)):
            return True
        if not t.descriptor:
            return False
        gap = self.windows.descriptor_gap_tokens
        near = known_starts[bisect_left(known_starts, e):bisect_right(known_starts, e + gap)]
        return any(not any(x.is_punct for x in doc[e:k]) for k in near)

    def _has_name(self, doc: Doc, s: int, e: int) -> bool:
        """A capitalised trigger, or a capitalised word right after it (articles skipped)."""
        if doc[s].text[:1].isupper():
            return True
        j = e
        while j < len(doc) and (doc[j].lower_ in self.w.de | self.w.det | self.w.a or doc[j].text in _OPEN_QUOTES):
            j += 1
        return j < len(doc) and doc[j].text[:1].isupper() and j - e <= 2 + (doc[j - 1].text in _OPEN_QUOTES)

    def _descriptive(self, doc: Doc, s: int, e: int) -> bool:
        """`l'association des parents d'élèves`: a definite article, the head, `de` and a common noun."""
        if s == 0 or doc[s - 1].lower_ not in self.w.det or e + 1 >= len(doc) or doc[e].lower_ not in self.w.de:
            return False
        nxt = doc[e + 1]
        return nxt.is_alpha and nxt.is_lower and nxt.pos_ == "NOUN"

    def _is_stop(self, tok: Any) -> bool:
        return bool(self.lex.stop.match(tok.lower_))

    def _name_word(self, tok: Any) -> bool:
        if tok.is_punct or tok.like_num or self._is_stop(tok):
            return False
        if tok.text[:1].isupper() or self.lex.foreign.fullmatch(tok.lower_):
            return True  # a foreign adjective is a name word whatever its tag (`néerlandaise`: VERB)
        # a lower-case word the tagger calls an adjective may be a verb (`... des Habous financent`)
        if tok.dep_ == "ROOT" or (tok.pos_ == "ADJ" and self.lex.verb_form.match(tok.lower_)):
            return False
        # a hyphenated word is one word of the name (`sud-coréen`, `socio-économique`)
        alpha = tok.is_alpha or all(part.isalpha() for part in tok.text.split("-"))
        return alpha and tok.pos_ in _NAME_POS

    def _extend(self, doc: Doc, j: int, t: TriggerRule) -> int:
        """Token end of the name that starts with a trigger ending at `j` (the complement grammar)."""
        n = len(doc)
        end = j
        head_end = j
        limit = min(n, j + self.windows.max_name_tokens)
        quoted = False
        while j < limit:
            tok = doc[j]
            low = tok.lower_
            prev = doc[j - 1]
            if j == head_end and tok.text in _OPEN_QUOTES and j + 1 < n and doc[j + 1].text[:1].isupper():
                quoted, j = True, j + 1  # `l'Association "Nos Fils T21"`: the quoted name
                continue
            if quoted and tok.text in _CLOSE_QUOTES:
                return j + 1 if j > head_end + 1 else end
            if j > 0 and prev.whitespace_ == "" and tok.text not in _CLOSE_PUNCT and j == end \
                    and prev.text not in _CLOSE_PUNCT and not tok.is_space:
                j += 1
                end = j
                continue
            if low in self.w.de or (low in self.w.a) or (low == "en") or (low == "pour" and t.allow_pour) \
                    or (low == "contre" and t.allow_pour):
                after = self._complement_end(doc, j, t)
                if after is None:
                    break
                j = end = after
                continue
            if low == "et" and j + 1 < n:
                step = self._and_step(doc, j, end, t)
                if step is None:
                    break
                j += step
                continue
            if tok.text == "," and t.allow_comma and j + 1 < n and doc[j + 1].lower_ in self.w.de:
                j += 1
                continue
            if not self._word_continues(doc, j, head_end, t):
                break
            j += 1
            end = j
        return end

    def _complement_end(self, doc: Doc, j: int, t: TriggerRule) -> int | None:
        """After a preposition at `j` (`de`, `à`, `en`, `pour`...): the token end of its complement's first
        word when the name goes on through it, else None."""
        n = len(doc)
        low = doc[j].lower_
        k = j + 1
        if k < n and doc[k].lower_ in self.w.det and (low in self.w.de or low in ("pour", "contre")
                                                 or (low == "à" and t.allow_comma)):
            k += 1
        if k >= n:
            return None
        nxt = doc[k]
        if low in self.w.de and t.proper_complement:  # `Conseil de la région de X`: X is a proper name
            ok = nxt.text[:1].isupper() or nxt.lower_ in self.w.territory_noun
        elif low in self.w.de or (low in ("pour", "contre") and t.allow_pour):
            # `Agence de l'Oriental pour l'équipement du centre`: an operation noun after
            # `pour` says what the money is for, not whom the name designates
            ok = self._name_word(nxt) and not (low == "pour" and self.lex.purpose.match(nxt.lower_))
        elif t.proper_complement:  # `Conseil régional au renforcement de ...` is no name
            ok = False
        else:  # à / au / aux / en: only before a common noun (`mise en valeur`, `soutien aux malades`)
            ok = nxt.is_lower and nxt.pos_ == "NOUN" and not self._is_stop(nxt)
            ok = ok or (t.allow_comma and low in self.w.a and nxt.is_title and nxt.is_alpha)  # `aux Eaux et Forêts`
            if ok and low == "en":  # `mise en valeur agricole`, never `en finance les`
                after = doc[k + 1] if k + 1 < n else None
                ok = after is not None and (after.lower_ in self.w.de or (after.pos_ == "ADJ" and after.is_lower))
        return k + 1 if ok else None

    def _and_step(self, doc: Doc, j: int, end: int, t: TriggerRule) -> int | None:
        """Tokens to step over at `et` (at `j`) when the name goes on after it, else None (`pour la
        promotion et le développement`, `Ministère de l'Intérieur et des Collectivités`)."""
        n = len(doc)
        prev = doc[j - 1]
        nxt = doc[j + 1]
        after = doc[j + 3] if j + 3 < n and doc[j + 2].lower_ in self.w.det else doc[j + 2] if j + 2 < n else nxt
        purpose = any(x.lower_ == "pour" for x in doc[end - _PURPOSE_LOOKBACK if end > _PURPOSE_LOOKBACK else 0:end])
        if (nxt.lower_ in self.w.de and (t.allow_comma or after.is_lower)) \
                or (nxt.lower_ in self.w.a and t.allow_comma) \
                or (nxt.pos_ == "ADJ" and nxt.is_lower and prev.pos_ == "ADJ") \
                or (t.allow_comma and nxt.text[:1].isupper() and nxt.is_alpha) \
                or (purpose and nxt.lower_ in self.w.det and after.is_lower and after.pos_ == "NOUN"):
            return 2 if nxt.lower_ in self.w.det else 1
        return None

    def _word_continues(self, doc: Doc, j: int, head_end: int, t: TriggerRule) -> bool:
        """The word at `j` belongs to the name (a capitalised or name-like word in the right place)."""
        n = len(doc)
        tok = doc[j]
        prev = doc[j - 1]
        prenominal = prev.pos_ == "ADJ" and prev.is_lower and doc[j - 2].lower_ in self.w.de | self.w.det | self.w.a
        # `Régie autonome multiservices d'Agadir`: head, adjective, noun, then a complement
        after_adj = j == head_end + 1 and prev.pos_ == "ADJ" and tok.pos_ == "NOUN" \
            and j + 1 < n and doc[j + 1].lower_ in self.w.de
        if t.proper_complement and j == head_end and tok.pos_ == "PROPN" and prev.text[:1].isupper():
            return False  # `la présidente du Conseil Mbarka X`: a person's name, not the body's
        foreign = bool(self.lex.foreign.fullmatch(tok.lower_))  # `néerlandaise`, whatever its tag
        return self._name_word(tok) and (tok.text[:1].isupper() or tok.pos_ in ("ADJ", "PROPN") or prenominal
                                         or foreign or after_adj
                                         or doc[j - 1].lower_ in self.w.de | self.w.det | self.w.a | {"en"})


_OPEN_QUOTES = frozenset({"«", '"', "“"})
"""A quote that may open a body's name (`l'Association "Nos Fils T21"`)."""
_CLOSE_QUOTES = frozenset({"»", '"', "”"})


def _is_acronym_like(s: str) -> bool:
    """A variant matched on exact spelling: one word with a capital after its first letter (INDH, KfW, UM6P)."""
    return len(s.split()) == 1 and any(c.isupper() for c in s[1:])


def _first_token_words(t: TriggerRule) -> set[str]:
    """Lower-case words a trigger pattern can open on (from its first token's LOWER/ORTH spec)."""
    spec = t.pattern[0]
    out: set[str] = set()
    for key in ("LOWER", "ORTH", "TEXT"):
        v = spec.get(key)
        if isinstance(v, str):
            out.add(v.lower())
        elif isinstance(v, dict):
            out |= {w.lower() for w in v.get("IN", [])}
    if not out:
        raise PatternError(t.id, "a trigger pattern must open on a LOWER/ORTH word (or IN list)")
    return out

