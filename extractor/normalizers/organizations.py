"""Organisation lexicons and role cues, loaded once per process from `patterns/organizations/`.

Four data files: `known.csv` (canonical names, acronyms, kinds and variants of organisations the
project knows), `triggers.jsonl` (spaCy Matcher patterns for the heads of names it does not know),
`grammar.jsonl` (stop words, foreign-body words, equivalences, regex macros) and `roles.jsonl`
(regex role cues read around each mention). This module validates them and compiles what the
component needs; it holds no word list of its own.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Literal

from ..errors import PatternError
from ..patterns import NEVER, Rule, load_csv, load_jsonl, resolve, union
from ..records import OrgKind, Role
from ..text import fold
from .states import STATES_FILE, StateNames, state_names

KNOWN_FILE = "organizations/known.csv"
TRIGGERS_FILE = "organizations/triggers.jsonl"
GRAMMAR_FILE = "organizations/grammar.jsonl"
ROLES_FILE = "organizations/roles.jsonl"

KNOWN_COLUMNS = ("id", "name", "kind")
KNOWN_OPTIONAL = ("acronym", "variants", "default_role", "as_written", "acts_for")
_GRAMMAR_LABELS = {"STOP", "FOREIGN", "EQUIV", "MACRO", "ACRONYM", "NOT_ACRONYM", "VERB_FORM", "PURPOSE", "MEMBERS",
                   "NOT_ACTOR", "WORD_ACRONYM", "ACRONYM_SKIP", "FRAMING"}


class TriggerRule(Rule):
    """A generic organisation head: Matcher token pattern plus how to read the name after it."""

    label: OrgKind  # type: ignore[assignment]
    pattern: list[dict[str, Any]]  # type: ignore[assignment]
    require_name: bool = False
    actor_only: bool = False
    role_gated: bool = False
    branch: bool = False
    descriptor: bool = False
    allow_pour: bool = False
    allow_comma: bool = False
    anaphor: bool = False
    linked_only: bool = False
    proper_complement: bool = False
    descriptive_name: bool = False
    """With `require_name`: after a definite article, a `de` + common-noun complement is a name as written
    (`l'association des parents d'élèves`, `l'association de bienfaisance islamique`); `une association de
    quartier` stays generic."""
    state: bool = False
    """The name is a state or its government (`le gouvernement du Japon`, `le Japon a attribué`, `la
    République de Corée`): the ones that hold one foreign country are one organisation per document."""
    home_state: bool = False
    """The head names Morocco's own state (`l'État`, `l'État marocain`, `le Maroc` as an actor): every
    organisation it gives in a document, but one naming a foreign state, is one body (spec §2.1)."""
    bare_ok: bool = False
    """The head alone names a body (`le Gouvernement`, `l'État`, `le Conseil provincial`): with no
    antecedent it stands for itself, kept only where a role cue attaches to it."""
    regex: str | None = None
    """A regex over the text whose group `name` is the name, instead of `pattern`: a proper name that is
    the subject of a giving verb (`Danish Relief Group a offert`), with no head word to trigger on."""
    whole: bool = False
    """The pattern is the whole name (`Maroc`): no complement follows and it is no bare head."""
    gazetteer: str | None = None
    """A place type whose gazetteer names (and variants) are the heads, instead of `pattern`
    (`country`: `le Portugal a accordé`, a state used as an actor)."""
    distribute: str | None = None
    """A plural head whose complement lists several bodies (`les ministères de l'Intérieur, de la Santé et
    de l'Éducation`): each item is one organisation, named this singular head + the item."""
    exclude_codes: tuple[str, ...] = ()
    actor_cues: tuple[str, ...] = ()
    """Role cues (ids) that make this head an organisation whatever `actor_roles` says (a state that
    signs: `le Maroc et la MCC ont signé`)."""
    actor_roles: tuple[Role, ...] | None = None
    """The only roles that make this head an organisation (a state is one where it pays, not where
    a diplomat praises `le partenariat entre la France et le Maroc`); None: every role."""
    """Gazetteer codes left out of a `gazetteer` trigger (another trigger reads them)."""


class GrammarRule(Rule):
    """A word list or regex piece steering how names are read (label in `_GRAMMAR_LABELS`)."""

    pattern: str


class RoleRule(Rule):
    """A role cue: a regex read before or after a mention."""

    label: Role  # type: ignore[assignment]
    pattern: str
    side: Literal["before", "after"]
    scope: Literal["adjacent", "list", "sentence", "amount", "bracket"]
    kinds: list[OrgKind] | None = None
    territories: bool = True
    needs_amount: bool = False
    apposition: bool = False
    """An after-cue that qualifies the name right before it (`de l'association X chargée de la gestion`):
    read even where the mention is no subject (after a preposition, in an official's title)."""


@dataclass(frozen=True, slots=True)
class KnownOrg:
    """One organisation of `known.csv`."""

    id: str
    name: str
    acronym: str | None
    kind: str
    variants: tuple[str, ...]
    default_role: str | None
    as_written: bool = False
    """Named as the text writes its longest long form, not by `name` (one body, many spellings)."""
    acts_for: str | None = None
    """The canonical name of the body this one is an organ of (an INDH committee approves what the INDH
    pays): where the text names that body too, a sum credited to this one is paid by it."""


@dataclass(frozen=True, slots=True)
class CompiledRole:
    rule: RoleRule
    regex: re.Pattern[str]


@dataclass(frozen=True)
class OrgLexicon:
    """Everything the organisations component reads, validated and compiled."""

    known: tuple[KnownOrg, ...]
    triggers: dict[str, TriggerRule]
    stop: re.Pattern[str]
    foreign: re.Pattern[str]
    equiv: tuple[tuple[str, str], ...]
    acronym: re.Pattern[str]
    not_acronym: re.Pattern[str]
    verb_form: re.Pattern[str]
    roles: tuple[CompiledRole, ...]
    macros: dict[str, str]
    purpose: re.Pattern[str] = re.compile(NEVER)
    """Nouns of a concrete operation: after `pour` they say what money is for, so the name ends."""
    not_actor: re.Pattern[str] = re.compile(NEVER)
    """Words that make a proper-name actor a person, not a body (`M.`, `Sa Majesté`)."""
    members: re.Pattern[str] = re.compile(NEVER)
    """`les membres du Conseil ont approuvé`: people who act as the body, before its name."""
    word_acronym: re.Pattern[str] = re.compile(NEVER)
    """An acronym written as a word (`Fades`, `Feder`): one only where it spells its long form's initials."""
    acronym_skip: re.Pattern[str] = re.compile(NEVER)
    """Grammar words an acronym may leave out (`de`, `la`, `et`)."""
    framing: re.Pattern[str] = re.compile(NEVER)
    """`la stratégie de l'`: a noun whose complement is a programme named as a frame, not as an actor."""
    states: StateNames | None = None
    """Foreign states' names and adjectives by country (`states.csv`): one organisation per state."""

    def spells(self, short: str, long: str) -> bool:
        """`short` is a word acronym of `long`: each content word of `long`, in order, gives the next one or
        more letters of `short` (`Fades` = Fonds arabe de développement économique et social; `Anapec` =
        Agence nationale de promotion de l'emploi et des compétences); grammar words may give letters or none."""
        return bool(self.word_acronym.fullmatch(short)) and self.abbreviates(short, long)

    def abbreviates(self, short: str, long: str) -> bool:
        """`short`, an acronym of any shape (`GIZ`, `KfW`), spells the initials of `long`'s words in order."""
        return initials_match(fold(short).replace(" ", ""), _WORD.findall(fold(long)), self.acronym_skip)


_WORD = re.compile(r"[a-z0-9]+")


def initials_match(short: str, words: list[str], skip: re.Pattern[str]) -> bool:
    """Can `short` be cut into word prefixes, one per content word of `words` in order (grammar words
    matching `skip` may give a prefix or none)? Linear in len(short) x len(words) by memoised positions."""
    seen: set[tuple[int, int]] = set()
    stack = [(0, 0)]
    while stack:
        i, w = stack.pop()
        if (i, w) in seen:
            continue
        seen.add((i, w))
        if w == len(words):
            if i == len(short):
                return True
            continue
        word = words[w]
        if skip.fullmatch(word):
            stack.append((i, w + 1))
        k = 0
        while k < len(word) and i + k < len(short) and word[k] == short[i + k]:
            k += 1
            stack.append((i + k, w + 1))
    return False


def _known(path: str) -> tuple[KnownOrg, ...]:
    rows = load_csv(path, KNOWN_COLUMNS, KNOWN_OPTIONAL)
    out: list[KnownOrg] = []
    seen: set[str] = set()
    for lineno, row in enumerate(rows, start=2):
        if row["id"] in seen:
            raise PatternError(resolve(path), f"duplicate id {row['id']!r}", lineno)
        seen.add(row["id"])
        if row["kind"] not in OrgKind.__members__:
            raise PatternError(resolve(path), f"unknown kind {row['kind']!r}", lineno)
        role = row.get("default_role") or None
        if role is not None and role not in Role.__members__:
            raise PatternError(resolve(path), f"unknown default_role {role!r}", lineno)
        variants = tuple(v.strip() for v in (row.get("variants") or "").split("|") if v.strip())
        as_written = (row.get("as_written") or "").strip()
        if as_written not in ("", "yes"):
            raise PatternError(resolve(path), f"as_written must be 'yes' or empty, not {as_written!r}", lineno)
        out.append(KnownOrg(row["id"], row["name"], row.get("acronym") or None, row["kind"], variants, role,
                            as_written == "yes", (row.get("acts_for") or "").strip() or None))
    names = {k.id: k.name for k in out}
    for lineno, k in enumerate(out, start=2):
        if k.acts_for is not None:
            if k.acts_for not in names:
                raise PatternError(resolve(path), f"acts_for {k.acts_for!r} is no known id", lineno)
    return tuple(k if k.acts_for is None else replace(k, acts_for=names[k.acts_for]) for k in out)


def _compile(source: str, rid: str, pattern: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    try:
        return re.compile(pattern, flags)
    except re.error as e:
        raise PatternError(resolve(source), f"rule {rid!r}: bad regex: {e}") from None


_V1 = re.compile(r"\{V1:([^{}]+)\}")


def _conjugate(pattern: str, endings: str) -> str:
    """Expand `{V1:stem|stem}` into every form of those first-group verbs (stem + an ending)."""
    return _V1.sub(lambda m: f"(?:(?:{m.group(1)})(?:{endings}))", pattern)


FOREIGN_ADJECTIVES = "@foreign_adjectives"
"""In a trigger's `IN` list, stands for every foreign state's adjective of `states.csv` (listed once)."""


def _with_adjectives(r: TriggerRule, adjectives: tuple[str, ...]) -> TriggerRule:
    """`r` with `@foreign_adjectives` in its token pattern's `IN` lists replaced by the adjectives."""
    def expand(spec: Any) -> Any:
        if isinstance(spec, dict):
            return {k: expand(v) for k, v in spec.items()}
        if isinstance(spec, list) and FOREIGN_ADJECTIVES in spec:
            return [x for x in spec if x != FOREIGN_ADJECTIVES] + [a.lower() for a in adjectives]
        return spec

    if FOREIGN_ADJECTIVES not in json.dumps(r.pattern):
        return r
    return r.model_copy(update={"pattern": [expand(tok) for tok in r.pattern]})


@lru_cache(maxsize=4)
def lexicon(known: str = KNOWN_FILE, triggers: str = TRIGGERS_FILE, grammar: str = GRAMMAR_FILE,
            roles: str = ROLES_FILE, states: str = STATES_FILE) -> OrgLexicon:
    """Load, validate and compile the five organisation files (once per process)."""
    adjectives = state_names(states).adjectives
    trig = {r.id: _with_adjectives(r, adjectives) for r in load_jsonl(triggers, TriggerRule)}
    by: dict[str, list[GrammarRule]] = {label: [] for label in _GRAMMAR_LABELS}
    for g in load_jsonl(grammar, GrammarRule):
        if g.label not in _GRAMMAR_LABELS:
            raise PatternError(resolve(grammar), f"rule {g.id!r}: unknown label {g.label!r}")
        by[g.label].append(g)
    stop = _compile(grammar, "STOP", r"^(?:" + union(by["STOP"]) + r")$")
    foreign_words = [g.pattern for g in by["FOREIGN"]] + [re.escape(a) for a in state_names(states).adjectives]
    foreign = _compile(grammar, "FOREIGN", r"(?<!\w)(?:" + "|".join(foreign_words) + r")(?!\w)")
    acronym = _compile(grammar, "ACRONYM", r"^(?:" + union(by["ACRONYM"]) + r")$", 0)
    not_acronym = _compile(grammar, "NOT_ACRONYM",
                           r"^(?:" + union(by["NOT_ACRONYM"]) + r")$")
    verb_forms = union(by["VERB_FORM"])
    verb_form = _compile(grammar, "VERB_FORM", r"^(?:" + verb_forms + r")$")
    purposes = union(by["PURPOSE"])
    purpose = _compile(grammar, "PURPOSE", r"^(?:" + purposes + r")$")
    members = _compile(grammar, "MEMBERS", r"(?<!\w)(?:" + union(by["MEMBERS"])
                       + r")\s+(?:du|des|de\s+la|de\s+l['’]|de|d['’])\s*$")
    not_actor = _compile(grammar, "NOT_ACTOR", union(by["NOT_ACTOR"]), 0)
    word_acronym = _compile(grammar, "WORD_ACRONYM", union(by["WORD_ACRONYM"]), 0)
    framing = _compile(grammar, "FRAMING", r"(?<!\w)(?:" + union(by["FRAMING"])
                       + r")\s+(?:de\s+la\s+|de\s+l['’]\s*|du\s+|des\s+|de\s+|d['’]\s*)$")
    acronym_skip = _compile(grammar, "ACRONYM_SKIP", union(by["ACRONYM_SKIP"]))
    equiv: list[tuple[str, str]] = []
    for g in by["EQUIV"]:
        left, sep, right = g.pattern.partition("=>")
        if not sep:
            raise PatternError(resolve(grammar), f"rule {g.id!r}: an EQUIV pattern reads 'from => to'")
        equiv.append((fold(left), fold(right)))
    macros = {g.id.split(".", 1)[-1].upper(): g.pattern for g in by["MACRO"]}
    compiled: list[CompiledRole] = []
    for r in load_jsonl(roles, RoleRule):
        pat = _conjugate(r.pattern, macros.get("V1_ENDINGS", "e"))
        for name, piece in macros.items():
            pat = pat.replace("{" + name + "}", piece)
        if r.side == "before" and r.scope != "amount":
            # whole words only (an elided article or de may come before: `l'accord`, `d'accorder`); the
            # cue ends on an apostrophe or before a non-word character
            pat = rf"(?<!\w)(?:(?<!['’])|(?<=\b[ldsncjLDSNCJ]['’])|(?<=\b[qQ]u['’]))(?:{pat})(?:(?<=['’])|(?!\w))"
        compiled.append(CompiledRole(r, _compile(roles, r.id, pat)))
    return OrgLexicon(_known(known), trig, stop, foreign, tuple(equiv), acronym, not_acronym, verb_form,
                      tuple(compiled), macros, purpose, members=members, not_actor=not_actor,
                      word_acronym=word_acronym, acronym_skip=acronym_skip, framing=framing,
                      states=state_names(states))
