"""Beneficiaries component: the groups a communiqué says are served, one entry per category.

The category list and every phrase live in `patterns/beneficiaries.jsonl`. A phrase is written
once (`femmes enceintes`); each of its words matches its plural and feminine forms, by the token's
form or by its lemma (the French lemmatizer is not reliable on `nouveau-nés`, `démunies` or
`coopératives`, so both are tried). Overlapping phrases resolve longest-first, so a specific
group (`enfants abandonnés`) hides its head noun (`enfants`), while coordinated phrases
(`enfants et jeunes en situation de handicap`) give every group they name.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy
from pydantic import Field
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from ..categories import beneficiary_categories, rule_line
from ..errors import PatternError
from ..patterns import Rule, load_jsonl, resolve, union
from ..text import doc_text
from .columns import tokens_with
from .keys import span_group
from .sentences import after_name_word, sentence_bounds, sentence_of
from .serialize import InstalledRules, Later

SPAN_KEY = "beneficiaries"
PATTERNS_FILE = "beneficiaries.jsonl"
ORG_SPAN_KEY = "organizations"

_SPECIAL = {"CATEGORY", "NOT_GROUP", "CUE", "EQUIV", "PROGRAMME_HEAD", "SHARE_BEFORE", "SHARE_AFTER"}
_REGEX_LABELS = ("PROGRAMME_HEAD", "SHARE_BEFORE", "SHARE_AFTER")
_STRING_LABELS = ("CATEGORY", "EQUIV", *_REGEX_LABELS)
_FEMININES = (("al", ("aux", "ale", "ales")), ("eau", ("eaux",)), ("eur", ("eurs", "euse", "euses", "rice", "rices")),
              ("if", ("ifs", "ive", "ives")), ("en", ("ens", "enne", "ennes")), ("el", ("els", "elle", "elles")),
              ("er", ("ers", "ère", "ères")), ("on", ("ons", "onne", "onnes")), ("eux", ("euse", "euses")))
"""French inflection endings: masculine singular ending -> plural and feminine endings."""
_WINDOW = 16
"""Longest stretch of tokens a token pattern may cover (the Matcher runs on such windows only)."""
_MAX_VARIANTS = 3000
"""Inflected variants one string phrase may expand to (beyond, the written words and base forms)."""


class BeneficiaryRule(Rule):
    """A line of `beneficiaries.jsonl`: the common rule keys plus the group attributes."""

    also: list[str] = Field(default_factory=list)
    cue: bool = False
    plural: bool = True
    overlay: bool = False


@dataclass(slots=True)
class BeneficiaryMatch:
    """What one mention names: its categories and the rule that found it (`span._.beneficiary`).
    Slotted: a long report holds one per mention (80 000 at 20 MB)."""

    categories: list[str]
    rule: str
    start: int = 0
    end: int = 0
    text: str = ""


@dataclass(slots=True)
class _Candidate:
    start: int
    end: int
    rule: BeneficiaryRule
    blocking: bool = True


def inflections(word: str) -> set[str]:
    """The plural and feminine forms of a French word, from any of its forms (`veuves` -> `veuve`...)."""
    w = word.lower()
    bases = {w}
    for suffix, repl in (("s", ""), ("x", ""), ("es", ""), ("aux", "al"), ("eaux", "eau"), ("euses", "eur"),
                         ("euse", "eur"), ("rices", "eur"), ("rice", "eur"), ("ives", "if"), ("ive", "if"),
                         ("ennes", "en"), ("enne", "en"), ("elles", "el"), ("elle", "el"), ("ères", "er"),
                         ("ère", "er"), ("onnes", "on"), ("onne", "on")):
        if w.endswith(suffix) and len(w) > len(suffix) + 1:
            bases.add(w[: len(w) - len(suffix)] + repl)
    forms: set[str] = set()
    for b in bases:
        forms.update({b, b + "s", b + "e", b + "es"})
        for masc, fems in _FEMININES:
            if b.endswith(masc):
                forms.update(b[: len(b) - len(masc)] + f for f in fems)
    if word.lower() != word and word.upper() == word:  # an acronym (SDF): itself only
        return {w}
    return forms


class BeneficiaryLexicon:
    """The compiled matcher and filters for one beneficiaries file."""

    def __init__(self, vocab: Vocab, make_doc: Any, rules: tuple[BeneficiaryRule, ...], source: str) -> None:
        self.categories: list[str] = list(beneficiary_categories(source))
        self.rules: dict[str, BeneficiaryRule] = {}
        self.equiv: dict[str, list[str]] = {}
        heads = self._string_rules(rules, source)
        self.programme_head = re.compile(rf"^(?:{union(heads['PROGRAMME_HEAD'])})\b", re.IGNORECASE)
        self.share_before = re.compile(union(heads["SHARE_BEFORE"], wrap=True), re.IGNORECASE)
        self.share_after = re.compile(union(heads["SHARE_AFTER"], wrap=True), re.IGNORECASE)
        self._matchers(vocab, make_doc, rules, source)

    def _string_rules(self, rules: tuple[BeneficiaryRule, ...], source: str) -> dict[str, list[str]]:
        """Checks every rule's category and pattern type; reads the equivalences (into `self.equiv`) and
        returns the regex pieces by label (PROGRAMME_HEAD, SHARE_BEFORE, SHARE_AFTER)."""
        known = set(self.categories)
        pieces: dict[str, list[str]] = {"PROGRAMME_HEAD": [], "SHARE_BEFORE": [], "SHARE_AFTER": []}
        for r in rules:
            if r.label not in _SPECIAL and r.label not in known:
                raise PatternError(source, f"rule {r.id!r}: unknown category {r.label!r} (neither a CATEGORY "
                                           f"nor one of {sorted(_SPECIAL)})", rule_line(source, r.id))
            for c in r.also:
                if c not in known:
                    raise PatternError(source, f"rule {r.id!r}: unknown category {c!r} in 'also'",
                                       rule_line(source, r.id))
            if r.label in _STRING_LABELS and not isinstance(r.pattern, str):
                raise PatternError(source, f"rule {r.id!r}: a {r.label} rule needs a string pattern")
            if r.label == "EQUIV":
                words = str(r.pattern).split("|")
                for w in words:
                    self.equiv[w.lower()] = [x.lower() for x in words]
            elif r.label in _REGEX_LABELS:
                try:
                    re.compile(str(r.pattern))
                except re.error as e:
                    raise PatternError(source, f"rule {r.id!r}: bad regex: {e}") from None
                pieces[str(r.label)].append(str(r.pattern))
        return pieces

    def _matchers(self, vocab: Vocab, make_doc: Any, rules: tuple[BeneficiaryRule, ...], source: str) -> None:
        """The Matcher over token patterns (run only near their first words) and the PhraseMatchers over
        phrases (by form and by lemma)."""
        self.matcher = Matcher(vocab, validate=True)
        self.gate_values: dict[str, set[str]] = {"LOWER": set(), "LEMMA": set()}
        self.always_run = False
        self.by_form = PhraseMatcher(vocab, attr="LOWER")
        self.by_lemma = PhraseMatcher(vocab, attr="LEMMA")
        for r in rules:
            if r.label in _STRING_LABELS:
                continue
            self.rules[r.id] = r
            if isinstance(r.pattern, str):
                variants = [Doc(vocab, words=w, lemmas=w) for w in self._variants(r, make_doc)]
                self.by_form.add(r.id, variants)
                self.by_lemma.add(r.id, variants)
                continue
            try:
                self.matcher.add(r.id, [r.pattern])
            except Exception as e:  # spaCy's pattern validation: name the rule
                raise PatternError(source, f"rule {r.id!r}: bad token pattern: {e}") from None
            self._gate(r.pattern[0] if r.pattern else {})
        self.gate_ids = {attr: numpy.array(sorted(vocab.strings.add(v) for v in values), dtype="uint64")
                         for attr, values in self.gate_values.items()}

    def _gate(self, first: dict[str, Any]) -> None:
        """Note the words a token pattern can start with, so the Matcher runs only near them."""
        attrs = [k for k in first if k in self.gate_values]
        if "OP" in first or len(attrs) != 1:
            self.always_run = True
            return
        value = first[attrs[0]]
        values = [value] if isinstance(value, str) else value.get("IN") if isinstance(value, dict) else None
        if not values:
            self.always_run = True
            return
        self.gate_values[attrs[0]].update(str(v) if attrs[0] == "LEMMA" else str(v).lower() for v in values)

    def token_matches(self, doc: Doc) -> list[tuple[int, int, int]]:
        """Matcher matches, running the Matcher only on windows that start with a possible first word."""
        if self.always_run or len(doc) == 0:
            return list(self.matcher(doc))
        hits = tokens_with(doc, {"LOWER": self.gate_ids["LOWER"], "LEMMA": self.gate_ids["LEMMA"]})
        out: list[tuple[int, int, int]] = []
        start = end = -1
        for i in [*hits, None]:
            if i is not None and i <= end:
                end = min(len(doc), i + _WINDOW)
                continue
            if start >= 0:
                out += [(m, start + a, start + b) for m, a, b in self.matcher(doc[start:end])]
            if i is not None:
                start, end = i, min(len(doc), i + _WINDOW)
        return out

    def _variants(self, rule: BeneficiaryRule, make_doc: Any) -> list[list[str]]:
        """A string phrase as word sequences: grammar words by their equivalents, others by their inflections.

        The same sequences are matched on token forms and on lemmas, through two PhraseMatchers.
        """
        words = [t.text for t in make_doc(str(rule.pattern))]
        slots = [self.equiv.get(w.lower()) or sorted(inflections(w)) for w in words]
        total = 1
        for slot in slots:
            total *= len(slot)
        if total > _MAX_VARIANTS:  # too many mixes: the words as written
            slots = [self.equiv.get(w.lower()) or [w.lower()] for w in words]
        return [list(p) for p in itertools.product(*slots)]

    def categories_of(self, rule: BeneficiaryRule) -> list[str]:
        return [rule.label, *[c for c in rule.also if c != rule.label]]


@lru_cache(maxsize=8)
def _lexicon(vocab: Vocab, make_doc: Any, path: str) -> BeneficiaryLexicon:
    return BeneficiaryLexicon(vocab, make_doc, load_jsonl(path, BeneficiaryRule), str(resolve(path)))


@Language.factory(
    "communique_beneficiaries",
    assigns=["doc.spans", "span._.beneficiary"],
    requires=["doc.spans", "token.is_sent_start"],
    default_config={"patterns": PATTERNS_FILE, "span_key": SPAN_KEY, "cue_window": 5, "skip_org_names": True,
                    "orgs_key": ORG_SPAN_KEY},
)
def make_beneficiaries(nlp: Language, name: str, *, patterns: str = PATTERNS_FILE, span_key: str = SPAN_KEY,
                       cue_window: int = 5, skip_org_names: bool = True, orgs_key: str = ORG_SPAN_KEY
                       ) -> BeneficiariesComponent:
    """`orgs_key`: the organisations' span group, whose names hold no group (read when `skip_org_names`)."""
    return BeneficiariesComponent(nlp, name, patterns=patterns, span_key=span_key, cue_window=cue_window,
                                  skip_org_names=skip_org_names, orgs_key=orgs_key)


class BeneficiariesComponent(InstalledRules):
    """Finds group mentions; `span._.beneficiary` holds their categories and rule.

    Filters, in order: overlaps (longest wins, NOT_GROUP phrases win and give nothing), names of
    organisations that are not programmes, share statistics (`48% des bénéficiaires`), and for
    `cue` rules the absence of a cue within `cue_window` tokens in the same sentence.
    """

    def __init__(self, nlp: Language, name: str, *, patterns: str, span_key: str, cue_window: int,
                 skip_org_names: bool, orgs_key: str = ORG_SPAN_KEY) -> None:
        self.name = name
        self.span_key = span_key
        self.orgs_key = orgs_key
        self.cue_window = cue_window
        self.skip_org_names = skip_org_names
        self.lexicon = _lexicon(nlp.vocab, nlp.make_doc, patterns)
        Span.set_extension("beneficiary", default=None, force=True)

    def __call__(self, doc: Doc) -> Doc:
        lex = self.lexicon
        cues: list[tuple[int, int]] = []
        candidates: list[_Candidate] = []
        # each (rule, start, end) once, in the order found (a rule's id and its hash go together)
        matches = dict.fromkeys(itertools.chain(lex.token_matches(doc), lex.by_form(doc), lex.by_lemma(doc)))
        sents = sentence_bounds(doc)
        text = doc_text(doc)  # a join over all tokens in spaCy: read once
        for match_id, start, end in matches:
            rule = lex.rules[doc.vocab.strings[match_id]]
            if rule.label == "CUE":
                cues.append((start, end))
            else:
                candidates.append(_Candidate(start, end, rule, blocking=not rule.overlay))
        kept = self._resolve(candidates)
        blocked = self._org_tokens(doc) if self.skip_org_names else bytearray(len(doc))
        spans: list[Span] = []
        for c in kept:
            if c.rule.label == "NOT_GROUP":
                continue
            span = doc[c.start : c.end]
            if any(blocked[c.start:c.end]) or _in_proper_name(span):
                continue
            if self._is_share(text, span, sents):
                continue
            if c.rule.cue and not self._has_cue(span, cues, c.rule.plural, sents):
                continue
            span._.beneficiary = BeneficiaryMatch(lex.categories_of(c.rule), c.rule.id, span.start_char,
                                                  span.end_char, span.text)
            spans.append(span)
        spans.sort(key=lambda s: (s.start, s.end))
        doc.spans[self.span_key] = spans
        return doc

    @staticmethod
    def _resolve(candidates: list[_Candidate]) -> list[_Candidate]:
        """Longest first among blocking matches; overlays pass unless a NOT_GROUP covers them."""
        taken: set[int] = set()
        kept: list[_Candidate] = []
        blocking = sorted((c for c in candidates if c.blocking), key=lambda c: (c.start - c.end, c.start))
        for c in blocking:
            toks = range(c.start, c.end)
            if any(i in taken for i in toks):
                continue
            taken.update(toks)
            kept.append(c)
        not_group = {i for c in kept if c.rule.label == "NOT_GROUP" for i in range(c.start, c.end)}
        kept += [c for c in candidates if not c.blocking and not any(i in not_group for i in range(c.start, c.end))]
        return kept

    def _org_tokens(self, doc: Doc) -> bytearray:
        """A flag per token, set inside an organisation's name that is not a programme (`Union nationale
        des femmes`): one byte a token, where a set of their indices took about 60 bytes a token inside
        names (tens of MB at 20 MB of text, beside the Doc)."""
        out = bytearray(len(doc))
        ents = [e for e in doc.ents if e.label_ == "ORG"]
        for s in itertools.chain(ents, span_group(doc, self.orgs_key, self.name, "orgs_key")):
            if self.lexicon.programme_head.search(s.text) or _org_kind(s) == "programme":
                continue
            out[s.start:s.end] = b"\x01" * (s.end - s.start)
        return out

    def _is_share(self, text: str, span: Span, sents: list[tuple[int, int, int, int]]) -> bool:
        s_start, s_end, _, _ = sentence_of(sents, span.start)
        before = text[max(s_start, span.start_char - 60) : span.start_char]
        after = text[span.end_char : min(s_end, span.end_char + 80)]
        return bool(self.lexicon.share_before.search(before) or self.lexicon.share_after.search(after))

    def _has_cue(self, span: Span, cues: list[tuple[int, int]], plural: bool,
                 sents: list[tuple[int, int, int, int]]) -> bool:
        doc = span.doc
        _, _, first, last = sentence_of(sents, span.start)
        if plural and not any(t.lower_.endswith(("s", "x")) or "Plur" in t.morph.get("Number") for t in span):
            return False  # a group is plural: `une éducatrice formée` is one person
        for cs, ce in cues:
            if cs < first or ce > last:
                continue
            if 0 <= span.start - ce <= self.cue_window:
                gap = doc[ce : span.start]
            elif 0 <= cs - span.end <= self.cue_window:
                gap = doc[span.end : cs]
            else:
                continue
            if not any(t.is_punct for t in gap):  # same clause
                return True
        return False

    def export(self, doc: Doc) -> dict[str, Any]:
        return self.detach(doc)()

    def detach(self, doc: Doc) -> Later:
        """`export` as a function of the values read off `doc` now."""
        found = [s._.beneficiary for s in doc.spans.get(self.span_key, [])]
        return lambda: {"beneficiaries": group_mentions(found)}


def _in_proper_name(span: Span) -> bool:
    """A capitalised mention right after a capitalised word, mid-sentence, is part of a name (`Tamwil El Fellah`)."""
    first = span[0]
    if not first.is_title or first.is_sent_start or first.i == 0:
        return False
    return after_name_word(span.doc, first.i)


def _org_kind(span: Span) -> str | None:
    org = span._.get("org") if span.has_extension("org") else None
    if org is None:
        return None
    kind = org.get("kind") if isinstance(org, dict) else getattr(org, "kind", None)
    return str(kind) if kind is not None else None


def group_mentions(found: Iterable[BeneficiaryMatch]) -> list[dict[str, Any]]:
    """One entry per category, in order of first mention, each with all its mentions."""
    out: dict[str, dict[str, Any]] = {}
    seen: set[tuple[str, str, int, int]] = set()  # a set, not a scan of the mentions: linear on long texts
    for m in found:
        for cat in m.categories:
            entry = out.setdefault(cat, {"category": cat, "mentions": [], "rule": m.rule})
            if (cat, m.text, m.start, m.end) not in seen:
                seen.add((cat, m.text, m.start, m.end))
                entry["mentions"].append({"text": m.text, "start": m.start, "end": m.end})
    return list(out.values())
