"""Roles: regex cues before and after each mention (`roles.jsonl`), spread over enumerations, sums of
money next to a name, and letterheads."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from spacy.tokens import Doc

from ...normalizers.organizations import CompiledRole, OrgLexicon, RoleRule
from ...normalizers.words import FunctionWords
from ..keys import span_group
from ..linking_index import Stops as _Stops
from .model import (
    _LINE,
    _LOWER_WORD,
    _SENTENCE_END,
    Windows,
    _Mention,
)


class Roles:
    """Mixin of the component: the role cues that attach to each mention."""

    lex: OrgLexicon
    windows: Windows
    w: FunctionWords
    name: str
    amounts_key: str

    def _compile_roles(self) -> None:
        """The role cues by side and scope, and the gaps allowed between a cue and the mentions it names."""
        det = self.lex.macros.get("DET", "")
        # gaps between a role cue and the first mention of a list, and between list members
        self.first_gap = re.compile(
            rf"\s*(?:{det}[\wÀ-ÿ'’-]+(?:\s+[\wÀ-ÿ'’-]+){{0,2}}\s*(?:,|\bet\b)\s*){{0,2}}{det}(?:(?!(?:{self.w.gap_stop_pattern})\s)[a-zà-ÿœ-]+\s+){{0,4}}")
        self.adjacent_gap = re.compile(rf"\s*{det}")
        # up to two items that name no known body may sit between two members (`l'État, les trois
        # régions, l'ONCF, la BXY et la CDG`)
        self.list_gap = re.compile(rf"\s*(?:\([^()]{{1,240}}\)\s*)?"
                                   rf"(?:,\s*{det}(?:[\wÀ-ÿœ'’&-]+\s*){{1,4}}(?:\([^()]{{1,80}}\)\s*)?(?=,|\s+et\s)){{0,2}}\s*"
                                   rf"(?:,\s*(?:et\s+)?|et\s+|ainsi\s+qu(?:e\s+|['’]\s*)|ou\s+)"
                                   rf"(?:de\s+|d['’]\s*|par\s+)?{det}(?:[a-zà-ÿœ-]+\s+){{0,3}}")
        self.rule_by_id = {cr.rule.id: cr.rule for cr in self.lex.roles}
        self.before_cues = [cr for cr in self.lex.roles if cr.rule.side == "before" and cr.rule.scope != "amount"]
        self.before_amount = [cr for cr in self.lex.roles if cr.rule.side == "before" and cr.rule.scope == "amount"]
        self.after_adjacent = [cr for cr in self.lex.roles if cr.rule.side == "after" and cr.rule.scope != "amount"]
        self.after_amount = [cr for cr in self.lex.roles if cr.rule.side == "after" and cr.rule.scope == "amount"]

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
            closed = bool(self.w.list_close.match(text, mentions[run[-1]].end))
            out.extend([run] if joined or closed or len(run) == 1 else [[i] for i in run])
        return out

    def _roles(self, doc: Doc, text: str, all_mentions: list[_Mention], kinds: dict[int, str],
               territories: set[int]) -> None:
        """Sets each mention's roles (`_Mention.roles`) from the cues around it, first cue kept per role."""
        # a bracketed acronym right after its long form shares the long form's roles (via its organisation)
        mentions = sorted((m for m in all_mentions if not m.definition), key=lambda m: m.start)
        group_of = {i: g for g in self._groups(text, mentions) for i in g}
        for x, role, rid in self._before_hits(text, mentions, group_of):
            self._give(mentions[x], role, rid, kinds, territories)
        # after-cues (read once per enumeration, after its last member) and sums of money
        amounts = self._amount_offsets(doc)
        after_cache: dict[int, list[CompiledRole]] = {}
        for i, m in enumerate(mentions):
            g = group_of[i]
            if g[-1] not in after_cache:
                after_cache[g[-1]] = self._after_cues(text, mentions, g, amounts, territories)
            # a relative clause (`le Maroc et le Fonds X, qui a financé`) is the last member's alone
            if i == g[-1] or not self.w.who.match(text, mentions[g[-1]].end):
                for cr in after_cache[g[-1]]:
                    self._give(m, str(cr.rule.label), cr.rule.id, kinds, territories)
            self._amount_roles(text, mentions, i, amounts, kinds, territories)
        self._letterheads(text, mentions, kinds, territories)

    def _before_hits(self, text: str, mentions: list[_Mention],
                     group_of: dict[int, list[int]]) -> list[tuple[int, str, str]]:
        """(mention index, role, rule id) of every before-cue; of the cues ending at one place, the longest."""
        starts = [m.start for m in mentions]
        hits: list[tuple[int, str, str, int, int]] = []  # (mention index, role, rule, cue start, cue end)
        stops = _Stops(text, _SENTENCE_END)
        for cr in self.before_cues:
            for cm in cr.regex.finditer(text):
                i = _first_at_or_after(starts, cm.end())
                if i is None:
                    continue
                if mentions[i].start - cm.end() > self.windows.before_cue_gap_chars:
                    continue  # (tested before the gap is copied: it may run to the end of a long text)
                for x in self._cue_targets(cr.rule, cm, i, text, mentions, starts, group_of, stops):
                    hits.append((x, str(cr.rule.label), cr.rule.id, cm.start(), cm.end()))
        best: dict[tuple[int, int], int] = {}
        for x, _role, _rid, cs, ce in hits:
            best[(x, ce)] = max(best.get((x, ce), 0), ce - cs)
        return [(x, role, rid) for x, role, rid, cs, ce in hits if ce - cs == best[(x, ce)]]

    def _cue_targets(self, r: RoleRule, cm: re.Match[str], i: int, text: str, mentions: list[_Mention],
                     starts: list[int], group_of: dict[int, list[int]], stops: _Stops) -> list[int]:
        """The mentions a before-cue `cm` names, `i` the first after it, by the cue's scope."""
        n = len(text)
        gap = text[cm.end():mentions[i].start]
        if r.scope == "adjacent":
            return [i] if self.adjacent_gap.fullmatch(gap) else []
        if r.scope == "bracket":  # `les partenaires (X, Y, associations locales)`
            close = text.find(")", cm.end())
            limit = close if close >= 0 else n
            return [x for x in range(i, bisect_right(starts, limit)) if mentions[x].end <= limit] \
                if gap.strip() in ("(", "") else []
        if r.scope == "sentence":
            limit = stops.next_at_or_after(cm.end(), n)
            return list(range(i, bisect_left(starts, limit)))
        return [x for x in group_of[i] if x >= i] if self.first_gap.fullmatch(gap) else []

    def _after_cues(self, text: str, mentions: list[_Mention], g: list[int], amounts: list[tuple[int, int]],
                    territories: set[int]) -> list[CompiledRole]:
        """The after-cues right after enumeration `g` (mention indices) when its members are the subject."""
        n = len(text)
        first, last = mentions[g[0]], mentions[g[-1]]
        before = text[max(0, first.start - self.windows.left_context_chars):first.start]
        # a relative clause after a territory in a genitive is the head noun's (`le programme de
        # la province de X, qui mobilisera`), after a body it may be the body's
        relative = bool(self.w.relative.match(text, last.end)) and id(last) not in territories
        subject = not self.w.locative.search(before) and (not self.w.genitive.search(before)
                                                    or bool(self.lex.members.search(before)) or relative)
        # the cue must end before the next organisation (a territory named as a place does not count)
        nxt_m = next((mentions[x].start for x in range(g[-1] + 1, len(mentions))
                      if id(mentions[x]) not in territories), n)
        found: list[CompiledRole] = []
        for cr in self.after_adjacent:
            if not subject and not cr.rule.apposition:
                continue
            am = cr.regex.match(text, last.end, min(n, last.end + self.windows.after_cue_chars))
            if am is not None and am.end() <= nxt_m and (not cr.rule.needs_amount
                                                         or self._sum_follows(text, amounts, am.end())):
                found.append(cr)
        return found

    def _amount_roles(self, text: str, mentions: list[_Mention], i: int, amounts: list[tuple[int, int]],
                      kinds: dict[int, str], territories: set[int]) -> None:
        """Roles from a sum of money right after mention `i` (`X contribue 2 MDH`) or right before it."""
        m = mentions[i]
        nxt_m1 = mentions[i + 1].start if i + 1 < len(mentions) else len(text)
        a = _first_amount_after(amounts, m.end)
        # `au profit de X pour 2 MDH`
        received = bool(self.w.locative.search(text, max(0, m.start - self.windows.left_context_chars), m.start))
        if a is not None and a - m.end <= self.windows.amount_after_chars and a < nxt_m1 and not received:
            for cr in self.after_amount:
                if cr.regex.fullmatch(text[m.end:a]):
                    self._give(m, str(cr.rule.label), cr.rule.id, kinds, territories)
        prv_m = mentions[i - 1].end if i else 0
        b = _last_amount_before(amounts, m.start)
        if b is not None and m.start - b <= self.windows.amount_before_chars and b > prv_m:
            for cr in self.before_amount:
                if cr.regex.fullmatch(text[b:m.start]):
                    self._give(m, str(cr.rule.label), cr.rule.id, kinds, territories)

    def _letterheads(self, text: str, mentions: list[_Mention], kinds: dict[int, str], territories: set[int]) -> None:
        """Letterhead and signature lines: a line that opens with the name and holds no lower-case word."""
        lines = [(mm.start(), mm.end()) for mm in _LINE.finditer(text) if mm.group().strip()]
        edge = lines[:4] + lines[-2:]
        for m in mentions:
            for ls, le in edge:
                if ls <= m.start and m.end <= le and not text[ls:m.start].strip() \
                        and not _LOWER_WORD.search(text[m.end:le]):
                    self._give(m, "issuer", "issuer.letterhead", kinds, territories)

    def _sum_follows(self, text: str, amounts: list[tuple[int, int]], pos: int) -> bool:
        """A sum of money after `pos` in the same sentence (a verb like `mobilise` pays only with one)."""
        a = _first_amount_after(amounts, pos)
        if a is None or a - pos > self.windows.sum_follows_chars:
            return False
        return _SENTENCE_END.search(text, pos, a) is None

    def _give(self, m: _Mention, role: str, rid: str, kinds: dict[int, str], territories: set[int]) -> None:
        rule = self.rule_by_id.get(rid)
        if rule is not None and rule.kinds and kinds.get(id(m)) not in {str(k) for k in rule.kinds}:
            return
        listed = m.trigger is not None and rid in m.trigger.actor_cues  # a cue that makes this head a body
        if rule is not None and not rule.territories and id(m) in territories and not listed:
            return
        if m.trigger is not None and m.trigger.actor_roles is not None and role not in m.trigger.actor_roles \
                and not listed:
            # `fournir au Maroc une aide`: a state that only receives is no body, but one that signs or
            # pays elsewhere in the document is its sum's partner here
            m.latent.setdefault(role, rid)
            return
        m.roles.setdefault(role, rid)

    def _amount_offsets(self, doc: Doc) -> list[tuple[int, int]]:
        out = []
        for s in span_group(doc, self.amounts_key, self.name, "amounts_key"):
            a = getattr(s._, "amount", None)
            out.append((a.start, a.end) if a is not None else (s.start_char, s.end_char))
        return sorted(out)



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
