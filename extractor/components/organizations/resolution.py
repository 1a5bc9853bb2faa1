"""Overlaps: the longest candidate wins; a branch naming a known parent becomes the parent; a class noun
before a known name (`le groupe minier Managem`) gives way to the known name."""

from __future__ import annotations

from spacy.tokens import Doc

from ...intervals import StartIndex
from ...normalizers.organizations import KnownOrg
from ...normalizers.words import FunctionWords
from ...text import doc_text
from .model import _Cand, _Mention


class Resolution:
    """Mixin of the component: candidates to non-overlapping mentions."""

    w: FunctionWords

    def _resolve(self, doc: Doc, cands: list[_Cand]) -> list[_Mention]:
        """Non-overlapping mentions in text order, each with the known organisation it names if any."""
        knowns = StartIndex(c for c in cands if c.known is not None)
        readings = [r for c in cands if (r := self._reading(doc, c, knowns)) is not None]
        # longest first, then known before generic, then leftmost, then a self-standing name before a
        # reference back (`Commission interministérielle` is a name, `la commission` a reference)
        readings.sort(key=lambda m: (-(m[0].end - m[0].start), -m[0].priority - (m[1] is not None),
                                     -(m[0].head_end - m[0].start), m[0].start,
                                     bool(m[0].trigger and m[0].trigger.linked_only)))
        states = StartIndex(c for c in cands if c.trigger is not None and c.trigger.gazetteer is not None
                            and c.trigger.label == "international")
        return _claim(doc, readings, states)

    def _reading(self, doc: Doc, c: _Cand, knowns: StartIndex) -> tuple[_Cand, KnownOrg | None, str] | None:
        """How a candidate reads beside the known names inside it: (candidate, known organisation, rule),
        or None when a known candidate stands for it."""
        if c.trigger is None:
            return c, c.known, c.rule
        within = knowns.inside(c.start, c.end)
        inner = [k for k in within if (k.start, k.end) != (c.start, c.end)]
        if any((k.start, k.end) == (c.start, c.end) for k in within):
            return None  # the known candidate covers it
        if inner and c.trigger.branch and any(k.start >= c.head_end for k in inner):
            k = max((k for k in inner if k.start >= c.head_end), key=lambda k: k.end - k.start)
            return c, k.known, f"{c.rule}>parent"
        early = [k for k in inner if k.start <= c.head_end + 2] if c.trigger.descriptor else []
        if early and not any(k.end == c.end for k in inner):  # `le groupe OCP en ...`: cut at the known name
            k = max(early, key=lambda k: k.end)
            c = _Cand(c.start, k.end, c.rule, trigger=c.trigger, head_end=c.head_end, priority=1)
        if inner and c.trigger.descriptor and any(k.end == c.end for k in inner):
            k = next(k for k in inner if k.end == c.end)  # `le groupe minier Managem`: the known name
            return c, k.known, f"{c.rule}>{k.rule}"
        if any(k.start == c.start and doc[k.end].lower_ not in self.w.de | self.w.a | {"et", ",", "pour", "en"}
               for k in inner):
            return None  # a complete known name followed by words that do not continue it
        lead = [k for k in inner if k.start == c.start]
        if lead and c.trigger.linked_only:  # `Comité préfectoral de développement humain de Salé`
            k = max(lead, key=lambda k: k.end)
            return c, k.known, f"{c.rule}>{k.rule}"
        return c, None, c.rule


def _claim(doc: Doc, readings: list[tuple[_Cand, KnownOrg | None, str]], states: StartIndex) -> list[_Mention]:
    """Each token to the first reading (in `readings` order) that covers it; mentions in text order."""
    taken = [False] * len(doc)
    text = doc_text(doc)
    out: list[_Mention] = []
    for c, known, rule in readings:
        if any(taken[c.start:c.end]):
            continue
        for i in range(c.start, c.end):
            taken[i] = True
        span = doc[c.start:c.end]
        # the complement's text sliced from the text (`Span.text` joins a Python object per token)
        comp = text[doc[c.head_end].idx:span.end_char] if c.trigger is not None and c.head_end < c.end else ""
        out.append(_Mention(span.start_char, span.end_char, rule, known, c.trigger if known is None else None,
                            c.bare and known is None, comp,
                            foreign=bool(states.inside(c.start, c.end)), prefix=c.prefix))
    out.sort(key=lambda m: m.start)
    return out
