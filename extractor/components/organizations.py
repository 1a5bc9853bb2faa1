"""Organisations component: unique organisations and programmes, with their mentions and roles.

How it reads a text (every word list is data under `patterns/organizations/`):
1. candidates: known names and acronyms (PhraseMatcher over `known.csv`), and generic heads
   (Matcher over `triggers.jsonl`) extended with the name's complement;
2. overlaps: the longest candidate wins; a branch naming a known parent becomes the parent; a
   class noun before a known name (`le groupe minier Managem`) gives way to the known name;
3. acronyms: a bracketed short form after a name (`Division de l'action sociale (DAS)`) links every
   later use of it to that organisation;
4. linking: a short or bare reference (`le Conseil`, `la Fondation Mohammed VI`, `notre
   association`) joins the organisation whose name it begins; a bare head with none is dropped;
5. roles: regex cues before and after each mention (`roles.jsonl`), spread over enumerations
   (`convention signée entre X, Y et Z`), sums of money next to a name, and letterheads;
   a territory used as an actor (`la Province de X`) stays an organisation only where a cue
   gives it a role.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Any

import numpy
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

from ..errors import PatternError
from ..gazetteer import load_gazetteer, match_key, names_of_type
from ..intervals import StartIndex
from ..normalizers.organizations import (
    GRAMMAR_FILE,
    KNOWN_FILE,
    ROLES_FILE,
    TRIGGERS_FILE,
    CompiledRole,
    KnownOrg,
    OrgLexicon,
    TriggerRule,
    lexicon,
)
from ..text import doc_text, fold, strip_accents
from .keys import span_group
from .linking_index import Stops as _Stops
from .org_aliases import resolve_aliases
from .serialize import InstalledRules

SPAN_KEY = "organizations"
_DE = {"de", "du", "des", "d'", "d’"}
_DET = {"la", "l'", "l’", "le", "les"}
_A = {"à", "au", "aux"}
_NAME_POS = {"NOUN", "PROPN", "ADJ", "X"}
_CLOSE_PUNCT = {",", ".", ";", ":", "(", ")", "«", "»", '"', "“", "”", "!", "?", "•", "–", "—"}
_MAX_NAME_TOKENS = 25
_WINDOW = 280
_LIST_CLOSE = re.compile(r"\s*(?:\([^()]{1,240}\)\s*)?,?\s*(?:et|ainsi\s+que)\s")
_SENTENCE_END = re.compile(r"[.!?;](?=\s|$)|\n")
_RELATIVE = re.compile(r"\s*(?:\([^()]{1,240}\)\s*)?,\s*qui\s")
"""`..., qui finance`: a relative clause makes even a complement the subject of its verb."""
_WHO = re.compile(r"\s*(?:\([^()]{1,240}\)\s*)?,?\s*qui\s")
_LINE = re.compile(r"[^\n]+")
_LOWER_WORD = re.compile(r"(?<![\w'’-])[a-zà-ÿ]{3,}")
_PAREN_LONG = re.compile(r"\s*\(\s*([^()\n]{1,240}?)\s*\)")
_ACRONYM_BEFORE = re.compile(r"(?<![\w-])([A-Z][\w&-]{1,15})\s*\(\s*$")
_CLOSE_PAREN = re.compile(r"\s*\)")
_PAREN = re.compile(r"\s*\(\s*([^()\n]{1,60}?)\s*\)")
_GENITIVE = re.compile(r"(?:\b(?:de|du|des)\s+(?:la\s+|l['’]\s*|les\s+)?|\bd['’]\s*)$", re.IGNORECASE)
_LOCATIVE = re.compile(
    r"\b(?:dans|sur|vers|chez|envers|auprès\s+d(?:e|u|es)|au\s+profit\s+d(?:e|u|es)|à\s+travers)"
    r"\s+(?:la\s+|l['’]\s*|les\s+|le\s+)?$", re.IGNORECASE)
"""Words before a mention that make it a complement, never the subject of the verb after it (a genitive
one can still be the subject of a relative clause: `l'engagement de la société X, qui financera`)."""


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
    defines: str | None = None  # the bracketed acronym right after this mention
    alias_of: _Mention | None = None  # the long form whose acronym this mention is
    definition: bool = False  # the bracketed acronym right after its long form
    foreign: bool = False  # the name holds a foreign state (`gouvernement du Japon`)


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


@Language.factory(
    "communique_organizations",
    assigns=["doc.spans", "span._.org"],
    requires=["doc.spans", "span._.amount"],
    default_config={"span_key": SPAN_KEY, "known": KNOWN_FILE, "triggers": TRIGGERS_FILE,
                    "grammar": GRAMMAR_FILE, "roles": ROLES_FILE, "amounts_key": "amounts"},
)
def make_organizations(nlp: Language, name: str, *, span_key: str = SPAN_KEY, known: str = KNOWN_FILE,
                       triggers: str = TRIGGERS_FILE, grammar: str = GRAMMAR_FILE, roles: str = ROLES_FILE,
                       amounts_key: str = "amounts") -> OrganizationsComponent:
    return OrganizationsComponent(nlp, name, span_key=span_key, known=known, triggers=triggers,
                                  grammar=grammar, roles=roles, amounts_key=amounts_key)


def _is_acronym_like(s: str) -> bool:
    """A variant matched on exact spelling: one word with a capital after its first letter (INDH, KfW, UM6P)."""
    return len(s.split()) == 1 and any(c.isupper() for c in s[1:])


class OrganizationsComponent(InstalledRules):
    """Finds organisations; one span per mention in `doc.spans[span_key]`, `span._.org` on each."""

    def __init__(self, nlp: Language, name: str, *, span_key: str, known: str, triggers: str,
                 grammar: str, roles: str, amounts_key: str) -> None:
        self.name = name
        self.span_key = span_key
        self.amounts_key = amounts_key
        self.lex: OrgLexicon = lexicon(known, triggers, grammar, roles)
        self.known_by_key: dict[str, KnownOrg] = {}
        self.phrase_lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.phrase_orth = PhraseMatcher(nlp.vocab, attr="ORTH")
        for k in self.lex.known:
            self.known_by_key[k.id] = k
            forms = [k.name, *k.variants] + ([k.acronym] if k.acronym else [])
            forms += [f.replace("'", "’") for f in forms if "'" in f]  # typographic apostrophes too
            lower = [f for f in forms if not _is_acronym_like(f)]
            orth = [f for f in forms if _is_acronym_like(f)]
            if lower:
                self.phrase_lower.add(k.id, list(nlp.tokenizer.pipe(lower)))
            if orth:
                self.phrase_orth.add(k.id, list(nlp.tokenizer.pipe(orth)))
        det = self.lex.macros.get("DET", "")
        # gaps between a role cue and the first mention of a list, and between list members
        self.first_gap = re.compile(
            rf"\s*(?:{det}[\wÀ-ÿ'’-]+(?:\s+[\wÀ-ÿ'’-]+){{0,2}}\s*(?:,|\bet\b)\s*){{0,2}}{det}(?:(?!(?:que|qui|dont|dans|sur|pour|par|avec|au|aux|à|en|chez|de|des|du)\s)[a-zà-ÿœ-]+\s+){{0,4}}")
        self.adjacent_gap = re.compile(rf"\s*{det}")
        # up to two items that name no known body may sit between two members (`l'État, les trois
        # régions, l'ONCF, la BXY et la CDG`)
        self.list_gap = re.compile(rf"\s*(?:\([^()]{{1,240}}\)\s*)?"
                                   rf"(?:,\s*{det}(?:[\wÀ-ÿœ'’&-]+\s*){{1,4}}(?=,|\s+et\s)){{0,2}}\s*"
                                   rf"(?:,\s*(?:et\s+)?|et\s+|ainsi\s+qu(?:e\s+|['’]\s*)|ou\s+)"
                                   rf"(?:de\s+|d['’]\s*|par\s+)?{det}(?:[a-zà-ÿœ-]+\s+){{0,3}}")
        self.rule_by_id = {cr.rule.id: cr.rule for cr in self.lex.roles}
        self.before_cues = [cr for cr in self.lex.roles if cr.rule.side == "before" and cr.rule.scope != "amount"]
        self.before_amount = [cr for cr in self.lex.roles if cr.rule.side == "before" and cr.rule.scope == "amount"]
        self.after_adjacent = [cr for cr in self.lex.roles if cr.rule.side == "after" and cr.rule.scope != "amount"]
        self.after_amount = [cr for cr in self.lex.roles if cr.rule.side == "after" and cr.rule.scope == "amount"]
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
        Span.set_extension("org", default=None, force=True)

    # ------------------------------------------------------------------ candidates
    def _candidates(self, doc: Doc) -> list[_Cand]:
        vocab = doc.vocab.strings
        cands: list[_Cand] = []
        for matcher in (self.phrase_lower, self.phrase_orth):
            for mid, s, e in matcher(doc):
                k = self.known_by_key[vocab[mid]]
                cands.append(_Cand(s, e, f"known.{k.id}", known=k, head_end=e, priority=2))
        known_starts = {c.start for c in cands}
        lowers = doc.to_array("LOWER")
        matches = []
        for i in numpy.flatnonzero(numpy.isin(lowers, self.head_ids)).tolist():
            matches.extend((mid, i + s, i + e) for mid, s, e in self.matcher(doc[i:i + self.window]) if s == 0)
        for mid, s, e in self.gazetteer_heads(doc):
            t = self.lex.triggers[vocab[mid]]
            cands.append(_Cand(s, e, t.id, trigger=t, head_end=e, priority=1))
        for mid, s, e in matches:
            t = self.lex.triggers[vocab[mid]]
            if t.require_name and not self._has_name(doc, s, e) \
                    and not (t.descriptive_name and self._descriptive(doc, s, e)) \
                    and not (t.descriptor and any(e <= k <= e + 4 and not any(x.is_punct for x in doc[e:k])
                                                  for k in known_starts)):
                if t.anaphor:  # `cette association`: a reference back, kept only with an antecedent
                    cands.append(_Cand(s, e, t.id, trigger=t, bare=True, head_end=e, priority=1))
                continue
            if t.whole or t.regex:
                cands.append(_Cand(s, e, t.id, trigger=t, head_end=e, priority=1))
                continue
            head_end = e - 1 if doc[e - 1].lower_ in _DE | _A | {"pour"} else e
            end = self._extend(doc, head_end, t)
            if end <= head_end:
                end = head_end
            cands.append(_Cand(s, end, t.id, trigger=t, bare=end <= head_end, head_end=head_end, priority=1))
        # a named actor gives way to any other candidate but a state it holds (`Orange Maroc a fait don`)
        taken = [(c.start, c.end) for c in cands if not (c.trigger and (c.trigger.whole or c.trigger.gazetteer))]
        cands += [c for c in self._named_actors(doc) if not any(c.start < e and s < c.end for s, e in taken)]
        return cands

    def _named_actors(self, doc: Doc) -> list[_Cand]:
        """Proper names a regex trigger finds (the subject of a giving verb), places and people aside."""
        out: list[_Cand] = []
        if not self.regex_triggers:
            return out
        text = doc.text
        for t, rx in self.regex_triggers:
            for m in rx.finditer(text):
                name = m.group("name")
                if self.lex.not_actor.search(name) or self.places_index.get(match_key(name)):
                    continue
                span = doc.char_span(m.start("name"), m.end("name"), alignment_mode="contract")
                if span is not None and len(span):
                    out.append(_Cand(span.start, span.end, t.id, trigger=t, head_end=span.end, priority=1))
        return out

    def _has_name(self, doc: Doc, s: int, e: int) -> bool:
        """A capitalised trigger, or a capitalised word right after it (articles skipped)."""
        if doc[s].text[:1].isupper():
            return True
        j = e
        while j < len(doc) and doc[j].lower_ in _DE | _DET | _A:
            j += 1
        return j < len(doc) and doc[j].text[:1].isupper() and j - e <= 2

    @staticmethod
    def _descriptive(doc: Doc, s: int, e: int) -> bool:
        """`l'association des parents d'élèves`: a definite article, the head, `de` and a common noun."""
        if s == 0 or doc[s - 1].lower_ not in _DET or e + 1 >= len(doc) or doc[e].lower_ not in _DE:
            return False
        nxt = doc[e + 1]
        return nxt.is_alpha and nxt.is_lower and nxt.pos_ == "NOUN"

    def _is_stop(self, tok: Any) -> bool:
        return bool(self.lex.stop.match(tok.lower_))

    def _name_word(self, tok: Any) -> bool:
        if tok.is_punct or tok.like_num or self._is_stop(tok):
            return False
        if tok.text[:1].isupper():
            return True
        # a lower-case word the tagger calls an adjective may be a verb (`... des Habous financent`)
        if tok.dep_ == "ROOT" or (tok.pos_ == "ADJ" and self.lex.verb_form.match(tok.lower_)):
            return False
        return tok.is_alpha and tok.pos_ in _NAME_POS

    def _extend(self, doc: Doc, j: int, t: TriggerRule) -> int:
        """Token end of the name that starts with a trigger ending at `j` (the complement grammar)."""
        n = len(doc)
        end = j
        head_end = j
        limit = min(n, j + _MAX_NAME_TOKENS)
        while j < limit:
            tok = doc[j]
            low = tok.lower_
            prev = doc[j - 1]
            if j > 0 and prev.whitespace_ == "" and tok.text not in _CLOSE_PUNCT and j == end \
                    and prev.text not in _CLOSE_PUNCT and not tok.is_space:
                j += 1
                end = j
                continue
            if low in _DE or (low in _A) or (low == "en") or (low == "pour" and t.allow_pour) \
                    or (low == "contre" and t.allow_pour):
                k = j + 1
                if k < n and doc[k].lower_ in _DET and (low in _DE or low in ("pour", "contre")
                                                         or (low == "à" and t.allow_comma)):
                    k += 1
                if k >= n:
                    break
                nxt = doc[k]
                if low in _DE and t.proper_complement:  # `Conseil de la région de X`: X is a proper name
                    ok = nxt.text[:1].isupper() or nxt.lower_ in ("région", "province", "préfecture", "commune")
                elif low in _DE or (low in ("pour", "contre") and t.allow_pour):
                    # `Agence de l'Oriental pour l'équipement du centre`: an operation noun after
                    # `pour` says what the money is for, not whom the name designates
                    ok = self._name_word(nxt) and not (low == "pour" and self.lex.purpose.match(nxt.lower_))
                elif t.proper_complement:  # `Conseil régional au renforcement de ...` is no name
                    ok = False
                else:  # à / au / aux / en: only before a common noun (`mise en valeur`, `soutien aux malades`)
                    ok = nxt.is_lower and nxt.pos_ == "NOUN" and not self._is_stop(nxt)
                    ok = ok or (t.allow_comma and low in _A and nxt.is_title and nxt.is_alpha)  # `aux Eaux et Forêts`
                    if ok and low == "en":  # `mise en valeur agricole`, never `en finance les`
                        after = doc[k + 1] if k + 1 < n else None
                        ok = after is not None and (after.lower_ in _DE or (after.pos_ == "ADJ" and after.is_lower))
                if not ok:
                    break
                j = k + 1
                end = j
                continue
            if low == "et" and j + 1 < n:
                nxt = doc[j + 1]
                after = doc[j + 3] if j + 3 < n and doc[j + 2].lower_ in _DET else doc[j + 2] if j + 2 < n else nxt
                purpose = any(x.lower_ == "pour" for x in doc[end - 6 if end > 6 else 0:end])
                if (nxt.lower_ in _DE and (t.allow_comma or after.is_lower)) or (nxt.lower_ in _A and t.allow_comma) \
                        or (nxt.pos_ == "ADJ" and nxt.is_lower and prev.pos_ == "ADJ") \
                        or (t.allow_comma and nxt.text[:1].isupper() and nxt.is_alpha) \
                        or (purpose and nxt.lower_ in _DET and after.is_lower and after.pos_ == "NOUN"):
                    j += 2 if nxt.lower_ in _DET else 1  # `pour la promotion et le développement`
                    continue
                break
            if tok.text == "," and t.allow_comma and j + 1 < n and doc[j + 1].lower_ in _DE:
                j += 1
                continue
            prenominal = prev.pos_ == "ADJ" and prev.is_lower and doc[j - 2].lower_ in _DE | _DET | _A
            # `Régie autonome multiservices d'Agadir`: head, adjective, noun, then a complement
            after_adj = j == head_end + 1 and prev.pos_ == "ADJ" and tok.pos_ == "NOUN" \
                and j + 1 < n and doc[j + 1].lower_ in _DE
            if t.proper_complement and j == head_end and tok.pos_ == "PROPN" and prev.text[:1].isupper():
                break  # `la présidente du Conseil Mbarka X`: a person's name, not the body's
            if self._name_word(tok) and (tok.text[:1].isupper() or tok.pos_ in ("ADJ", "PROPN") or prenominal
                                         or after_adj
                                         or doc[j - 1].lower_ in _DE | _DET | _A | {"en"}):
                j += 1
                end = j
                continue
            break
        return end

    # ------------------------------------------------------------------ overlaps
    def _resolve(self, doc: Doc, cands: list[_Cand]) -> list[_Mention]:
        knowns = StartIndex(c for c in cands if c.known is not None)
        mentions: list[tuple[_Cand, KnownOrg | None, str]] = []
        for c in cands:
            if c.trigger is None:
                mentions.append((c, c.known, c.rule))
                continue
            within = knowns.inside(c.start, c.end)
            inner = [k for k in within if (k.start, k.end) != (c.start, c.end)]
            same = [k for k in within if (k.start, k.end) == (c.start, c.end)]
            if same:
                continue  # the known candidate covers it
            if inner and c.trigger.branch and any(k.start >= c.head_end for k in inner):
                k = max((k for k in inner if k.start >= c.head_end), key=lambda k: k.end - k.start)
                mentions.append((c, k.known, f"{c.rule}>parent"))
                continue
            early = [k for k in inner if k.start <= c.head_end + 2] if c.trigger.descriptor else []
            if early and not any(k.end == c.end for k in inner):  # `le groupe OCP en ...`: cut at the known name
                k = max(early, key=lambda k: k.end)
                c = _Cand(c.start, k.end, c.rule, trigger=c.trigger, head_end=c.head_end, priority=1)
            if inner and c.trigger.descriptor and any(k.end == c.end for k in inner):
                k = next(k for k in inner if k.end == c.end)  # `le groupe minier Managem`: the known name
                mentions.append((c, k.known, f"{c.rule}>{k.rule}"))
                continue
            if any(k.start == c.start and doc[k.end].lower_ not in _DE | _A | {"et", ",", "pour", "en"}
                   for k in inner):
                continue  # a complete known name followed by words that do not continue it
            lead = [k for k in inner if k.start == c.start]
            if lead and c.trigger.linked_only:  # `Comité préfectoral de développement humain de Salé`
                k = max(lead, key=lambda k: k.end)
                mentions.append((c, k.known, f"{c.rule}>{k.rule}"))
                continue
            mentions.append((c, None, c.rule))
        # longest first, then known before generic, then leftmost, then a self-standing name before a
        # reference back (`Commission interministérielle` is a name, `la commission` a reference)
        mentions.sort(key=lambda m: (-(m[0].end - m[0].start), -m[0].priority - (m[1] is not None),
                                     -(m[0].head_end - m[0].start), m[0].start,
                                     bool(m[0].trigger and m[0].trigger.linked_only)))
        states = StartIndex(c for c in cands if c.trigger is not None and c.trigger.gazetteer is not None
                            and c.trigger.label == "international")
        taken = [False] * len(doc)
        out: list[_Mention] = []
        for c, known, rule in mentions:
            if any(taken[c.start:c.end]):
                continue
            for i in range(c.start, c.end):
                taken[i] = True
            span = doc[c.start:c.end]
            comp = doc[c.head_end:c.end].text if c.trigger is not None else ""
            out.append(_Mention(span.start_char, span.end_char, rule, known, c.trigger if known is None else None,
                                c.bare and known is None, comp,
                                foreign=bool(states.inside(c.start, c.end))))
        out.sort(key=lambda m: m.start)
        return out

    # ------------------------------------------------------------------ acronyms
    def _aliases(self, text: str, mentions: list[_Mention]) -> list[tuple[_Mention, str, int, int, bool]]:
        """Acronyms given by the text: `Long form (ACR)` and `ACR (Long form)`.

        Returns (long-form mention, acronym, acronym start, acronym end, long form is in brackets)."""
        out = []
        for m in mentions:
            pm = _PAREN.match(text, m.end, min(len(text), m.end + 70))
            if pm is not None:
                alias = pm.group(1)
                if self._is_acronym(alias, text[m.start:m.end]):
                    out.append((m, alias, pm.start(1), pm.end(1), False))
                    continue
            bm = _ACRONYM_BEFORE.search(text, max(0, m.start - 30), m.start)
            if bm is not None and _CLOSE_PAREN.match(text, m.end) \
                    and self._is_acronym(bm.group(1), text[m.start:m.end]):
                out.append((m, bm.group(1), bm.start(1), bm.end(1), True))
        return out

    def _is_acronym(self, short: str, long: str) -> bool:
        """An acronym by its shape (`ONEE`, `ORMVA-TF`), or a word that spells the long form's initials (`Fades`)."""
        if self.lex.not_acronym.match(short):
            return False
        return bool(self.lex.acronym.match(short)) or self.lex.spells(short, long)

    def _glosses(self, text: str, mentions: list[_Mention]) -> list[tuple[_Mention, _Mention]]:
        """`l'ANAPEC (Agence nationale de ...)`: a name in brackets right after another one is the same
        organisation; the bracketed one is marked as a definition (it takes no role cue of its own)."""
        by_start = {m.start: m for m in mentions}
        out = []
        for m in mentions:
            pm = _PAREN_LONG.match(text, m.end, min(len(text), m.end + 250))
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

    # ------------------------------------------------------------------ linking
    def _equiv(self, f: str) -> str:
        for left, right in self.lex.equiv:
            if f == left or f.startswith(left + " "):
                return right + f[len(left):]
        return f

    def _link(self, text: str, mentions: list[_Mention], glosses: list[tuple[_Mention, _Mention]]) -> list[_Org]:
        orgs: list[_Org] = []
        by_key: dict[str, int] = {}
        by_mention: dict[int, int] = {}
        deferred: list[_Mention] = []
        for m in mentions:
            mtext = text[m.start:m.end]
            if m.alias_of is not None:
                continue  # linked below, once its long form has an organisation
            if m.known is not None:
                key = "known:" + m.known.id
                if key not in by_key:
                    by_key[key] = len(orgs)
                    orgs.append(_Org(key, m.known.name, m.known.kind, m.rule, known=m.known,
                                     folds={fold(m.known.name)}))
                idx = by_key[key]
                o = orgs[idx]
                if m.known.acronym and re.search(rf"(?<![\w-]){re.escape(m.known.acronym)}(?![\w-])", mtext):
                    o.acronym = m.known.acronym
                if m.defines:
                    o.acronym = o.acronym or m.defines
                self._attach(o, m, mtext)
                by_mention[id(m)] = idx
                continue
            f = self._equiv(fold(mtext))
            idx = self._antecedent(orgs, f)
            if idx is None:
                if m.bare or (m.trigger is not None and m.trigger.linked_only):
                    deferred.append(m)  # may refer forward (`Conseil régional` in a letterhead)
                    continue
                key = "generic:" + f
                idx = by_key.get(key)
                if idx is None:
                    idx = len(orgs)
                    by_key[key] = idx
                    t = m.trigger
                    kind = str(t.label) if t else "other"
                    if kind != "association" and (m.foreign or self.lex.foreign.search(mtext.lower())):
                        kind = "international"
                    orgs.append(_Org(key, mtext[:1].upper() + mtext[1:], kind, m.rule,
                                     actor_only=bool(t and t.actor_only), folds={f},
                                     role_gated=bool(t and t.role_gated)))
            o = orgs[idx]
            if m.defines and o.acronym is None:
                o.acronym = m.defines
            self._attach(o, m, mtext)
            by_mention[id(m)] = idx
        for m in mentions:
            idx = by_mention.get(id(m.alias_of)) if m.alias_of is not None else None
            if idx is not None:
                self._attach(orgs[idx], m, text[m.start:m.end])
                by_mention[id(m)] = idx
                orgs[idx].acronym = orgs[idx].acronym or text[m.start:m.end]
        for m in deferred:
            idx = self._antecedent(orgs, self._equiv(fold(text[m.start:m.end])))
            if idx is None and m.trigger is not None and m.trigger.bare_ok \
                    and (text[m.start].isupper() or m.trigger.role_gated):
                idx = self._bare_org(orgs, by_key, m, text[m.start:m.end])
            if idx is not None:
                self._attach(orgs[idx], m, text[m.start:m.end])
                by_mention[id(m)] = idx
        return self._merge_glosses(text, orgs, by_mention, glosses)

    def _bare_org(self, orgs: list[_Org], by_key: dict[str, int], m: _Mention, mtext: str) -> int:
        """A head that names a body on its own (`le Gouvernement`, `le Conseil provincial`): one
        organisation per wording, kept only where a role cue attaches to one of its mentions when its
        trigger is role-gated (a lower-case head, `le conseil communal`, is a body only where its trigger
        says so)."""
        key = "generic:" + self._equiv(fold(mtext))
        if key not in by_key:
            by_key[key] = len(orgs)
            kind = str(m.trigger.label) if m.trigger else "other"
            gated = m.trigger is None or m.trigger.role_gated
            orgs.append(_Org(key, mtext[:1].upper() + mtext[1:], kind, m.rule, role_gated=gated))
        return by_key[key]

    def _merge_glosses(self, text: str, orgs: list[_Org], by_mention: dict[int, int],
                       glosses: list[tuple[_Mention, _Mention]]) -> list[_Org]:
        """One organisation for `ACRONYM (Long form)`: the long form names it, the acronym abbreviates it."""
        alias: dict[int, int] = {}

        def root(i: int) -> int:
            while i in alias:
                i = alias[i]
            return i

        for outer, inner in glosses:
            a, b = by_mention.get(id(outer)), by_mention.get(id(inner))
            if a is None or b is None or root(a) == root(b):
                continue
            a, b = root(a), root(b)
            keep, drop = (a, b) if orgs[a].known is not None or (orgs[b].known is None and
                                                                 len(orgs[a].name) >= len(orgs[b].name)) else (b, a)
            k, d = orgs[keep], orgs[drop]
            k.mentions.extend(d.mentions)
            k.folds |= d.folds
            short = text[outer.start:outer.end]
            if k.acronym is None and self.lex.acronym.match(short) and len(short) < len(k.name):
                k.acronym = short
            k.acronym = k.acronym or d.acronym
            alias[drop] = keep
        return [o for i, o in enumerate(orgs) if i not in alias]

    def _attach(self, o: _Org, m: _Mention, mtext: str) -> None:
        f = self._equiv(fold(mtext))
        if f and not m.bare:
            o.folds.add(f)
            as_written = o.known is not None and o.known.as_written and len(mtext) > len(o.known.acronym or "")
            if as_written and (o.name == o.known.name or len(mtext) > len(o.name)):
                o.name = mtext[:1].upper() + mtext[1:]
            elif o.known is None and not o.actor_only and len(mtext) > len(o.name) and not m.rule.startswith("alias"):
                o.name = mtext[:1].upper() + mtext[1:]
        o.mentions.append(m)

    def _antecedent(self, orgs: list[_Org], f: str) -> int | None:
        """The latest organisation whose name begins with (or equals) the folded mention `f`."""
        if not f:
            return None
        for idx in range(len(orgs) - 1, -1, -1):
            for g in orgs[idx].folds:
                if g == f or g.startswith(f + " "):
                    return idx
        return None

    def _merge_branches(self, orgs: list[_Org]) -> list[_Org]:
        """A branch named after a portfolio (`délégation provinciale de la Santé`) joins the ministry
        of that portfolio where the text names it."""
        ministries = [o for o in orgs if fold(o.name).startswith("ministere ")]
        keep: list[_Org] = []
        for o in orgs:
            branch = o.known is None and o.mentions and o.mentions[0].trigger is not None \
                and o.mentions[0].trigger.branch
            target = None
            if branch:
                comp = fold(o.mentions[0].complement)
                comp = re.sub(r"^(?:de la|de l|du|des|de|d)\s+", "", comp)
                core = comp.split(" de ")[0].strip()
                for mo in ministries:
                    if core and re.search(rf"\b{re.escape(core)}\b", fold(mo.name)):
                        target = mo
                        break
            if target is not None:
                target.mentions.extend(o.mentions)
                target.mentions.sort(key=lambda m: m.start)
            else:
                keep.append(o)
        return keep

    @staticmethod
    def _merge_prefixes(orgs: list[_Org]) -> list[_Org]:
        """A short name that begins a known organisation's name (`la Fondation Mohammed V` in a headline,
        `Fondation Mohammed V pour la solidarité` below) is that organisation, wherever it stands."""
        known = [o for o in orgs if o.known is not None]
        keep: list[_Org] = []
        for o in orgs:
            target = None
            if o.known is None and not o.actor_only:
                target = next((k for k in known for f in o.folds for g in k.folds if g.startswith(f + " ")), None)
            if target is None:
                keep.append(o)
                continue
            target.mentions = sorted(target.mentions + o.mentions, key=lambda m: m.start)
        return keep

    # ------------------------------------------------------------------ roles
    def _groups(self, text: str, mentions: list[_Mention]) -> list[list[int]]:
        """Enumerations: runs of mentions joined by `,` / `et` / `ainsi que`; a run joined by commas
        only is no enumeration (`Dans la commune de X, l'association Y ...`)."""
        runs: list[list[int]] = []
        joints: list[bool] = []
        for i, m in enumerate(mentions):
            gap = text[mentions[i - 1].end:m.start] if i else ""
            if i and self.list_gap.fullmatch(gap):
                runs[-1].append(i)
                bare_gap = re.sub(r"\([^()]*\)", "", gap).strip()
                joints[-1] = joints[-1] or not bare_gap.startswith(",") or " et " in f" {bare_gap} "
            else:
                runs.append([i])
                joints.append(False)
        out: list[list[int]] = []
        for run, joined in zip(runs, joints, strict=True):
            closed = bool(_LIST_CLOSE.match(text, mentions[run[-1]].end))
            out.extend([run] if joined or closed or len(run) == 1 else [[i] for i in run])
        return out

    def _roles(self, doc: Doc, text: str, all_mentions: list[_Mention], kinds: dict[int, str],
               territories: set[int]) -> None:
        n = len(text)
        # a bracketed acronym right after its long form shares the long form's roles (via its organisation)
        mentions = sorted((m for m in all_mentions if not m.definition), key=lambda m: m.start)
        groups = self._groups(text, mentions)
        group_of = {i: g for g in groups for i in g}
        starts = [m.start for m in mentions]
        # before-cues: (mention index, role, rule, cue start, cue end)
        hits: list[tuple[int, str, str, int, int]] = []
        stops = _Stops(text, _SENTENCE_END)
        for cr in self.before_cues:
            r = cr.rule
            for cm in cr.regex.finditer(text):
                i = _first_at_or_after(starts, cm.end())
                if i is None:
                    continue
                if mentions[i].start - cm.end() > 200:
                    continue  # (tested before the gap is copied: it may run to the end of a long text)
                gap = text[cm.end():mentions[i].start]
                if r.scope == "adjacent":
                    targets = [i] if self.adjacent_gap.fullmatch(gap) else []
                elif r.scope == "bracket":  # `les partenaires (X, Y, associations locales)`
                    close = text.find(")", cm.end())
                    limit = close if close >= 0 else n
                    targets = [x for x in range(i, bisect_right(starts, limit)) if mentions[x].end <= limit] \
                        if gap.strip() in ("(", "") else []
                elif r.scope == "sentence":
                    limit = stops.next_at_or_after(cm.end(), n)
                    targets = list(range(i, bisect_left(starts, limit)))
                else:
                    targets = [x for x in group_of[i] if x >= i] if self.first_gap.fullmatch(gap) else []
                for x in targets:
                    hits.append((x, str(r.label), r.id, cm.start(), cm.end()))
        best: dict[tuple[int, int], int] = {}
        for x, _role, _rid, cs, ce in hits:
            best[(x, ce)] = max(best.get((x, ce), 0), ce - cs)
        for x, role, rid, cs, ce in hits:
            if ce - cs == best[(x, ce)]:
                self._give(mentions[x], role, rid, kinds, territories)
        # after-cues (read once per enumeration, after its last member) and sums of money
        amounts = self._amount_offsets(doc)
        after_cache: dict[int, list[CompiledRole]] = {}
        for i, m in enumerate(mentions):
            g = group_of[i]
            first, last = mentions[g[0]], mentions[g[-1]]
            if g[-1] not in after_cache:
                before = text[max(0, first.start - 40):first.start]
                # a relative clause after a territory in a genitive is the head noun's (`le programme de
                # la province de X, qui mobilisera`), after a body it may be the body's
                relative = bool(_RELATIVE.match(text, last.end)) and id(last) not in territories
                subject = not _LOCATIVE.search(before) and (not _GENITIVE.search(before)
                                                            or bool(self.lex.members.search(before)) or relative)
                # the cue must end before the next organisation (a territory named as a place does not count)
                nxt_m = next((mentions[x].start for x in range(g[-1] + 1, len(mentions))
                              if id(mentions[x]) not in territories), n)
                found: list[CompiledRole] = []
                if subject:
                    for cr in self.after_adjacent:
                        am = cr.regex.match(text, last.end, min(n, last.end + _WINDOW))
                        if am is not None and am.end() <= nxt_m and (not cr.rule.needs_amount
                                                                     or self._sum_follows(text, amounts, am.end())):
                            found.append(cr)
                after_cache[g[-1]] = found
            # a relative clause (`le Maroc et le Fonds X, qui a financé`) is the last member's alone
            if i == g[-1] or not _WHO.match(text, last.end):
                for cr in after_cache[g[-1]]:
                    self._give(m, str(cr.rule.label), cr.rule.id, kinds, territories)
            nxt_m1 = mentions[i + 1].start if i + 1 < len(mentions) else n
            a = _first_amount_after(amounts, m.end)
            received = bool(_LOCATIVE.search(text, max(0, m.start - 40), m.start))  # `au profit de X pour 2 MDH`
            if a is not None and a - m.end <= 90 and a < nxt_m1 and not received:
                for cr in self.after_amount:
                    if cr.regex.fullmatch(text[m.end:a]):
                        self._give(m, str(cr.rule.label), cr.rule.id, kinds, territories)
            prv_m = mentions[i - 1].end if i else 0
            b = _last_amount_before(amounts, m.start)
            if b is not None and m.start - b <= 60 and b > prv_m:
                for cr in self.before_amount:
                    if cr.regex.fullmatch(text[b:m.start]):
                        self._give(m, str(cr.rule.label), cr.rule.id, kinds, territories)
        # letterhead and signature lines: a line that opens with the name and holds no lower-case word
        lines = [(mm.start(), mm.end()) for mm in _LINE.finditer(text) if mm.group().strip()]
        edge = lines[:4] + lines[-2:]
        for m in mentions:
            for ls, le in edge:
                if ls <= m.start and m.end <= le and not text[ls:m.start].strip() \
                        and not _LOWER_WORD.search(text[m.end:le]):
                    self._give(m, "issuer", "issuer.letterhead", kinds, territories)

    @staticmethod
    def _sum_follows(text: str, amounts: list[tuple[int, int]], pos: int) -> bool:
        """A sum of money after `pos` in the same sentence (a verb like `mobilise` pays only with one)."""
        a = _first_amount_after(amounts, pos)
        if a is None or a - pos > 150:
            return False
        return _SENTENCE_END.search(text, pos, a) is None

    def _give(self, m: _Mention, role: str, rid: str, kinds: dict[int, str], territories: set[int]) -> None:
        if m.trigger is not None and m.trigger.actor_roles is not None and role not in m.trigger.actor_roles \
                and rid not in m.trigger.actor_cues:
            return
        rule = self.rule_by_id.get(rid)
        if rule is not None and rule.kinds and kinds.get(id(m)) not in {str(k) for k in rule.kinds}:
            return
        if rule is not None and not rule.territories and id(m) in territories:
            return
        m.roles.setdefault(role, rid)

    def _amount_offsets(self, doc: Doc) -> list[tuple[int, int]]:
        out = []
        for s in span_group(doc, self.amounts_key, self.name, "amounts_key"):
            a = getattr(s._, "amount", None)
            out.append((a.start, a.end) if a is not None else (s.start_char, s.end_char))
        return sorted(out)

    # ------------------------------------------------------------------ main
    def __call__(self, doc: Doc) -> Doc:
        mentions = self._resolve(doc, self._candidates(doc))
        text = doc_text(doc)  # built from the tokens on each access: read it once
        mentions = self._with_aliases(doc, text, mentions)
        glosses = self._glosses(text, mentions)
        orgs = self._link(text, mentions, glosses)
        orgs = self._merge_prefixes(self._merge_branches(orgs))
        kinds = {id(m): o.kind for o in orgs for m in o.mentions}
        territories = {id(m) for o in orgs if o.actor_only for m in o.mentions}
        self._roles(doc, text, [m for o in orgs for m in o.mentions], kinds, territories)
        final: list[_Org] = []
        for o in orgs:
            if o.role_gated and not any(m.roles for m in o.mentions):
                continue
            if o.actor_only:
                o.mentions = [m for m in o.mentions if m.roles]
                if not o.mentions:
                    continue
            final.append(o)
        final.sort(key=lambda o: min(m.start for m in o.mentions))
        _organs_do_not_pay(final)
        spans: list[Span] = []
        records: list[dict[str, Any]] = []
        for idx, o in enumerate(final):
            roles: dict[str, None] = {}
            default = o.known.default_role if o.known is not None else None
            if o.known is not None and o.known.default_role:
                roles[o.known.default_role] = None
            for m in sorted(o.mentions, key=lambda m: m.start):
                for r in m.roles:
                    roles[r] = None
            role_list = [r for r in ("funder", "partner", "issuer", "implementer") if r in roles] or ["mentioned"]
            mentions_out = []
            for m in sorted(o.mentions, key=lambda m: m.start):
                span = doc.char_span(m.start, m.end, alignment_mode="expand")
                if span is None:
                    continue
                # a role the body has by its function (known.csv default_role) holds at every mention
                own = (*m.roles, *(r for r in roles if r == default and r not in m.roles))
                span._.org = OrgMention(o.name, o.acronym, o.kind, tuple(own), m.rule, idx,
                                        o.known.acts_for if o.known is not None else None)
                spans.append(span)
                mentions_out.append({"text": text[m.start:m.end], "start": m.start, "end": m.end})
            records.append({"name": o.name, "acronym": o.acronym, "kind": o.kind, "roles": role_list,
                            "mentions": mentions_out, "rule": o.rule})
        doc.spans[self.span_key] = spans
        doc.user_data["communique_organizations"] = records
        return doc

    def export(self, doc: Doc) -> dict[str, Any]:
        return {"organizations": list(doc.user_data.get("communique_organizations", []))}


def _organs_do_not_pay(orgs: list[_Org]) -> None:
    """An organ of a body the text names (an INDH committee, the INDH) does not pay: its `funder` cues
    credit that body."""
    by_name = {o.known.name: o for o in orgs if o.known is not None}
    for o in orgs:
        parent = by_name.get(o.known.acts_for) if o.known is not None and o.known.acts_for else None
        if parent is None:
            continue
        for m in o.mentions:
            rule = m.roles.pop("funder", None)
            if rule is not None:
                parent.mentions[0].roles.setdefault("funder", rule)


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


def _first_at_or_after(starts: list[int], pos: int) -> int | None:
    i = bisect_left(starts, pos)
    return i if i < len(starts) else None


def _first_amount_after(amounts: list[tuple[int, int]], pos: int) -> int | None:
    """The first start at or after `pos` (`amounts` sorted)."""
    i = bisect_left(amounts, pos, key=lambda a: a[0])
    return amounts[i][0] if i < len(amounts) else None


def _last_amount_before(amounts: list[tuple[int, int]], pos: int) -> int | None:
    """The end of the last sum (in list order) that ends by `pos` (`amounts` sorted by start; the sums
    still open at `pos`, skipped backwards, are few)."""
    j = bisect_right(amounts, pos, key=lambda a: a[0]) - 1
    while j >= 0 and amounts[j][1] > pos:
        j -= 1
    return amounts[j][1] if j >= 0 else None
