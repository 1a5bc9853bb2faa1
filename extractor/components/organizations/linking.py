"""Linking: mentions to organisations (known ones by id, others by folded name), short references to
the organisation whose name they begin, branches to their ministry, glosses to their long form."""

from __future__ import annotations

import re

from ...normalizers.organizations import OrgLexicon
from ...normalizers.words import FunctionWords
from ...text import fold
from .model import _Mention, _Org

_QUOTES = re.compile(r"[«»\"“”]")
"""Quotes around a name (`l'Association "Nos Fils T21"`): no part of it."""
_TO = re.compile(r"\s+(?:à|au|aux)\s+")
"""Where a name may have read on into a recipient (`X aux collectivités`)."""


class Linking:
    """Mixin of the component: mentions grouped into organisations."""

    lex: OrgLexicon
    w: FunctionWords

    def _equiv(self, f: str) -> str:
        for left, right in self.lex.equiv:
            if f == left or f.startswith(left + " "):
                return right + f[len(left):]
        return f

    def _link(self, text: str, mentions: list[_Mention], glosses: list[tuple[_Mention, _Mention]]) -> list[_Org]:
        """Organisations in order of first mention, each with its mentions."""
        orgs: list[_Org] = []
        by_key: dict[str, int] = {}
        by_mention: dict[int, int] = {}
        deferred: list[_Mention] = []
        for m in mentions:
            if m.alias_of is not None:
                continue  # linked below, once its long form has an organisation
            idx = self._link_known(text, m, orgs, by_key) if m.known is not None \
                else self._link_generic(text, m, orgs, by_key)
            if idx is None:
                deferred.append(m)  # may refer forward (`Conseil régional` in a letterhead)
                continue
            by_mention[id(m)] = idx
        for m in mentions:
            idx = by_mention.get(id(m.alias_of)) if m.alias_of is not None else None
            if idx is not None:
                self._attach(orgs[idx], m, text[m.start:m.end])
                by_mention[id(m)] = idx
                orgs[idx].acronym = orgs[idx].acronym or text[m.start:m.end]
        for m in deferred:
            idx = self._antecedent(orgs, self._equiv(fold(text[m.start:m.end])))
            if idx is None and m.trigger is not None and m.trigger.bare_ok:
                idx = self._bare_org(orgs, by_key, m, text[m.start:m.end])
            if idx is not None:
                self._attach(orgs[idx], m, text[m.start:m.end])
                by_mention[id(m)] = idx
        return self._merge_glosses(text, orgs, by_mention, glosses)

    def _link_known(self, text: str, m: _Mention, orgs: list[_Org], by_key: dict[str, int]) -> int:
        """A known organisation's mention joins its organisation (made at its first mention)."""
        assert m.known is not None
        mtext = text[m.start:m.end]
        key = "known:" + m.known.id
        if key not in by_key:
            by_key[key] = len(orgs)
            orgs.append(_Org(key, m.known.name, m.known.kind, m.rule, known=m.known, folds={fold(m.known.name)}))
        idx = by_key[key]
        o = orgs[idx]
        if m.known.acronym and re.search(rf"(?<![\w-]){re.escape(m.known.acronym)}(?![\w-])", mtext):
            o.acronym = m.known.acronym
        if m.defines:
            o.acronym = o.acronym or m.defines
        self._attach(o, m, mtext)
        return idx

    def _link_generic(self, text: str, m: _Mention, orgs: list[_Org], by_key: dict[str, int]) -> int | None:
        """Another mention joins the organisation whose name it begins, or one of its own wording; None
        for a bare or linked-only head with no organisation before it (tried again at the end)."""
        mtext = m.prefix + text[m.start:m.end]
        mtext = " ".join(_QUOTES.sub(" ", self._cut_at_named(orgs, m, mtext)).split())
        f = self._equiv(fold(mtext))
        idx = self._antecedent(orgs, f)
        if idx is None:
            if m.bare or (m.trigger is not None and m.trigger.linked_only):
                return None
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
        return idx

    def _bare_org(self, orgs: list[_Org], by_key: dict[str, int], m: _Mention, mtext: str) -> int:
        """A head that names a body on its own (`le Gouvernement`, `le Conseil provincial`): one
        organisation per wording, kept only where a role cue attaches to one of its mentions when its
        trigger is role-gated or it is written in lower case (`le conseil provincial (100 000 DH)` in a list
        of co-financers is a body; `le conseil communal` merely mentioned is none)."""
        key = "generic:" + self._equiv(fold(mtext))
        if key not in by_key:
            by_key[key] = len(orgs)
            kind = str(m.trigger.label) if m.trigger else "other"
            gated = m.trigger is None or m.trigger.role_gated or not mtext[:1].isupper()
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

    def _cut_at_named(self, orgs: list[_Org], m: _Mention, mtext: str) -> str:
        """A name read on through `à`/`aux` past an organisation the text named (`le Fonds d'équipement
        communal aux collectivités`: the recipient follows): the mention ends with that name."""
        if m.prefix:
            return mtext
        for cut in _TO.finditer(mtext):
            head = self._equiv(fold(mtext[:cut.start()]))
            if any(head in o.folds for o in orgs):
                m.end = m.start + cut.start()
                return mtext[:cut.start()]
        return mtext

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
        ministries = [o for o in orgs if " " in fold(o.name) and fold(o.name).split(" ", 1)[0] in self.w.ministry]
        keep: list[_Org] = []
        for o in orgs:
            branch = o.known is None and o.mentions and o.mentions[0].trigger is not None \
                and o.mentions[0].trigger.branch
            target = None
            if branch:
                comp = fold(o.mentions[0].complement)
                comp = self.w.folded_de_lead.sub("", comp)
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

