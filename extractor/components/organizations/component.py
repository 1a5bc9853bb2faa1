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
from typing import Any

import numpy
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

from ...gazetteer import load_gazetteer, names_of_type
from ...normalizers.organizations import (
    GRAMMAR_FILE,
    KNOWN_FILE,
    ROLES_FILE,
    TRIGGERS_FILE,
    KnownOrg,
    OrgLexicon,
    TriggerRule,
    lexicon,
)
from ...text import doc_text, strip_accents
from ..serialize import InstalledRules
from .aliases import Aliases
from .candidates import Candidates, _first_token_words
from .linking import Linking
from .model import SPAN_KEY, OrgMention, _Org
from .resolution import Resolution
from .roles import Roles


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


class OrganizationsComponent(Candidates, Resolution, Aliases, Linking, Roles, InstalledRules):
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


