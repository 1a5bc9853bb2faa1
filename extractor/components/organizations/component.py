"""Organisations component: unique organisations and programmes, with their mentions and roles.

How it reads a text (every word list is data under `patterns/organizations/`, and the shared
French function words in `patterns/words.jsonl`):
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

from dataclasses import asdict
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from ...normalizers.organizations import GRAMMAR_FILE, KNOWN_FILE, ROLES_FILE, TRIGGERS_FILE, OrgLexicon, lexicon
from ...normalizers.states import STATES_FILE
from ...normalizers.words import function_words
from ...text import doc_text
from ..serialize import InstalledRules, Later
from .aliases import Aliases
from .candidates import Candidates
from .linking import Linking
from .model import SPAN_KEY, WINDOWS, OrgMention, Windows, _Org
from .resolution import Resolution
from .roles import Roles
from .states import merge_home_state, merge_states


@Language.factory(
    "communique_organizations",
    assigns=["doc.spans", "span._.org"],
    requires=["doc.spans", "span._.amount"],
    default_config={"span_key": SPAN_KEY, "known": KNOWN_FILE, "triggers": TRIGGERS_FILE,
                    "grammar": GRAMMAR_FILE, "roles": ROLES_FILE, "states": STATES_FILE, "amounts_key": "amounts",
                    **asdict(WINDOWS)},
)
def make_organizations(nlp: Language, name: str, *, span_key: str = SPAN_KEY, known: str = KNOWN_FILE,
                       triggers: str = TRIGGERS_FILE, grammar: str = GRAMMAR_FILE, roles: str = ROLES_FILE,
                       states: str = STATES_FILE, amounts_key: str = "amounts",
                       max_name_tokens: int = WINDOWS.max_name_tokens,
                       after_cue_chars: int = WINDOWS.after_cue_chars,
                       before_cue_gap_chars: int = WINDOWS.before_cue_gap_chars,
                       left_context_chars: int = WINDOWS.left_context_chars,
                       amount_after_chars: int = WINDOWS.amount_after_chars,
                       amount_before_chars: int = WINDOWS.amount_before_chars,
                       sum_follows_chars: int = WINDOWS.sum_follows_chars,
                       acronym_after_chars: int = WINDOWS.acronym_after_chars,
                       acronym_before_chars: int = WINDOWS.acronym_before_chars,
                       gloss_chars: int = WINDOWS.gloss_chars,
                       descriptor_gap_tokens: int = WINDOWS.descriptor_gap_tokens) -> OrganizationsComponent:
    """The organisations pipe.

    `span_key` (default `organizations`): the span group written; `amounts_key` (default `amounts`): the
    span group of sums of money read; `known`, `triggers`, `grammar`, `roles`, `states`: the rule files under
    the patterns folder (defaults `organizations/known.csv`, `triggers.jsonl`, `grammar.jsonl`, `roles.jsonl`,
    `states.csv`).
    The other settings are how far the pipe reads around a name, each documented on `model.Windows`
    with its default: `max_name_tokens` (25), `after_cue_chars` (280), `before_cue_gap_chars` (200),
    `left_context_chars` (40), `amount_after_chars` (90), `amount_before_chars` (60), `sum_follows_chars`
    (150), `acronym_after_chars` (70), `acronym_before_chars` (30), `gloss_chars` (250),
    `descriptor_gap_tokens` (4).
    """
    windows = Windows(max_name_tokens, after_cue_chars, before_cue_gap_chars, left_context_chars,
                      amount_after_chars, amount_before_chars, sum_follows_chars, acronym_after_chars,
                      acronym_before_chars, gloss_chars, descriptor_gap_tokens)
    return OrganizationsComponent(nlp, name, span_key=span_key, known=known, triggers=triggers,
                                  grammar=grammar, roles=roles, states=states, amounts_key=amounts_key,
                                  windows=windows)


class OrganizationsComponent(Candidates, Resolution, Aliases, Linking, Roles, InstalledRules):
    """Finds organisations; one span per mention in `doc.spans[span_key]`, `span._.org` on each."""

    def __init__(self, nlp: Language, name: str, *, span_key: str = SPAN_KEY, known: str = KNOWN_FILE,
                 triggers: str = TRIGGERS_FILE, grammar: str = GRAMMAR_FILE, roles: str = ROLES_FILE,
                 states: str = STATES_FILE, amounts_key: str = "amounts", windows: Windows = WINDOWS) -> None:
        self.name = name
        self.span_key = span_key
        self.amounts_key = amounts_key
        self.windows = windows
        self.lex: OrgLexicon = lexicon(known, triggers, grammar, roles, states)
        self.w = function_words()
        self._known_matchers(nlp)
        self._compile_roles()
        self._trigger_matchers(nlp)
        Span.set_extension("org", default=None, force=True)

    def _framed_only(self, text: str, o: _Org) -> bool:
        """A programme named only as the frame of an action (`la stratégie de l'INDH`), with no role: no
        organisation (spec §2.1: a programme is one where the text has it finance or run something)."""
        if o.kind != "programme" or any(m.roles for m in o.mentions):
            return False
        w = self.windows.left_context_chars
        return all(self.lex.framing.search(text[max(0, m.start - w):m.start]) for m in o.mentions)

    # ------------------------------------------------------------------ main
    def _kept(self, text: str, o: _Org) -> bool:
        """An organisation stays where a cue gives a gated head a role and it is more than a framing
        reference; a head that is one only as an actor keeps the mentions that act (and, once it acts
        somewhere, those where it receives: `le Maroc et l'UE ont signé ... fournir au Maroc une aide`)."""
        if (o.role_gated and not any(m.roles for m in o.mentions)) or self._framed_only(text, o):
            return False
        if o.actor_only:
            if any(m.roles for m in o.mentions):
                for m in o.mentions:
                    m.roles = m.roles or dict(m.latent)
            o.mentions = [m for m in o.mentions if m.roles]
        return bool(o.mentions)

    def __call__(self, doc: Doc) -> Doc:
        mentions = self._resolve(doc, self._candidates(doc))
        text = doc_text(doc)  # built from the tokens on each access: read it once
        mentions = self._with_aliases(doc, text, self._long_forms(text, mentions))
        glosses = self._glosses(text, mentions)
        orgs = self._link(text, mentions, glosses)
        orgs = self._merge_prefixes(self._merge_branches(orgs))
        kinds = {id(m): o.kind for o in orgs for m in o.mentions}
        territories = {id(m) for o in orgs if o.actor_only for m in o.mentions}
        self._roles(doc, text, [m for o in orgs for m in o.mentions], kinds, territories)
        final = [o for o in orgs if self._kept(text, o)]
        final.sort(key=lambda o: min(m.start for m in o.mentions))
        if self.lex.states is not None:
            final = merge_home_state(merge_states(final, self.lex.states), self.lex.states)
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
        return self.detach(doc)()

    def detach(self, doc: Doc) -> Later:
        """`export` as a function of the records left on `doc` (read when called: later components,
        the allocations, give roles back to them)."""
        records = doc.user_data.get("communique_organizations", [])
        return lambda: {"organizations": list(records)}


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


