"""Places component: Moroccan territorial units, towns, districts, douars and the country.

Sources of a mention, strongest first: a trigger phrase (`province de X`, `des communes de X, de Y
et de Z`), the dateline / issue-line town, a gazetteer name standing alone (folded: case, accents,
hyphens), and last the model's LOC entities for what nothing else covers. A candidate inside an
organisation's name (the organisations component's spans, or an organisation head noun from
`places/triggers.jsonl`) is no place; a bare name inside a facility's name is no mention; a
letterhead line gives no place. One Place per (folded name, type), with all its mentions.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from spacy.language import Language
from spacy.tokens import Doc, Span

from ...gazetteer import GAZETTEER_FILE, GazEntry, load_gazetteer, spellings_table, stop_names
from ...intervals import IntervalSet, RangeIndex
from ...normalizers.dates import grammar as date_grammar
from ...normalizers.places import TRIGGERS_FILE, PlaceGrammar, grammar
from ...normalizers.words import function_words
from ...text import doc_text, fold
from ..keys import span_group
from ..serialize import InstalledRules, Later
from ..spans import value_spans
from .model import (
    _END_VERBS,
    _PRIORITY,
    _PROVINCIAL,
    MAX_GAZ_TOKENS,
    MAX_NAME_TOKENS,
    ORG_SPAN_KEY,
    SPAN_KEY,
    PlaceMention,
)
from .sources import PlaceSources


@Language.factory(
    "communique_places",
    assigns=["doc.spans", "span._.place"],
    requires=["doc._.dateline", "doc._.issue_line", "doc.spans"],
    default_config={"patterns": TRIGGERS_FILE, "gazetteer": GAZETTEER_FILE, "span_key": SPAN_KEY,
                    "use_model_loc": True, "orgs_key": "organizations", "amounts_key": "amounts",
                    "dates_key": "dates"},
)
def make_places(nlp: Language, name: str, *, patterns: str = TRIGGERS_FILE, gazetteer: str = GAZETTEER_FILE,
                span_key: str = SPAN_KEY, use_model_loc: bool = True, orgs_key: str = "organizations",
                amounts_key: str = "amounts", dates_key: str = "dates") -> PlacesComponent:
    """The places pipe. Settings (the defaults in brackets):

    - `patterns` (`places/triggers.jsonl`), `gazetteer` (`places/gazetteer.csv`): the trigger phrases and
      the gazetteer, files of the rules folder.
    - `span_key` (`places`): the span group written, one span per place mention (`span._.place`).
    - `use_model_loc` (true): also take the model's LOC entities after a locative, where nothing else
      found a place (there are some only where the pipeline keeps its NER: `load_pipeline(ner=True)`).
    - `orgs_key`, `amounts_key`, `dates_key` (`organizations`, `amounts`, `dates`): the span groups whose
      text is no place (read, not written).
    """
    return PlacesComponent(nlp, name, patterns=patterns, gazetteer=gazetteer, span_key=span_key,
                           use_model_loc=use_model_loc, read_keys=(orgs_key, amounts_key, dates_key))


_LOCATED = re.compile(r"\b(?:de|du|d['’])\s*$", re.IGNORECASE)  # a facility's complement of place
_NAMED_AFTER = re.compile(  # heads whose `de X` names the thing after a town, not where it is
    r"\b(?:rue|avenue|boulevard|bd|route|autoroute|rocade|place|esplanade|barrage)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:de|du|d['’])\s*$", re.IGNORECASE)

class _Guards(NamedTuple):
    """Range indexes of where a candidate is no place (a scan of every range per candidate was quadratic)."""

    actor_names: set[tuple[int, int]]
    orgs: RangeIndex
    org_ext: RangeIndex
    fac_ext: RangeIndex
    heads: RangeIndex
    blocked: RangeIndex
    actors: RangeIndex


class PlacesComponent(PlaceSources, InstalledRules):
    """Finds place mentions; `doc.spans[span_key]` holds disjoint spans with `span._.place` set."""

    def __init__(self, nlp: Language, name: str, *, patterns: str, gazetteer: str, span_key: str,
                 use_model_loc: bool, read_keys: tuple[str, str, str] = (ORG_SPAN_KEY, "amounts", "dates")) -> None:
        self.name = name
        self.span_key = span_key
        self.orgs_key, self.amounts_key, self.dates_key = read_keys
        self.use_model_loc = use_model_loc
        self.grammar: PlaceGrammar = grammar(patterns)
        self.w = function_words()
        self.determiners = self.w.det | self.w.det_other
        self.gaz: dict[str, tuple[GazEntry, ...]] = load_gazetteer(gazetteer)
        self.spellings = spellings_table()
        # first word of every gazetteer key -> most tokens a name starting with it can take
        self.first_words: dict[str, int] = {}
        for key in self.gaz:
            words = key.split()
            self.first_words[words[0]] = max(self.first_words.get(words[0], 0), min(2 * len(words) + 1,
                                                                                     MAX_GAZ_TOKENS))
        # areas named by a common-noun phrase (`les provinces du Sud`) are written in lower case too
        areas = sorted({e.name for es in self.gaz.values() for e in es if e.type == "other" and " " in e.name},
                       key=len, reverse=True)
        self.lower_areas = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(a).replace(r"\ ", r"\s+") for a in areas)
                                      + r")(?![\w-])", re.IGNORECASE) if areas else None
        self.stop = stop_names("")
        self.loc_stop = stop_names("loc")
        self.letterhead = date_grammar().letterhead
        Span.set_extension("place", default=None, force=True)

    def _territory(self, text: str, org_start: int, m: PlaceMention) -> bool:
        """The organisation span is the territory itself (`commune de X`): its trigger decides, not the span.

        The organisations component may take a territory for an actor; a place mention is only
        dropped for a span that holds it as the complement of another name (`Conseil de la région de X`).
        """
        if org_start == m.start:
            return True
        for _rule, rx in self.grammar.triggers:
            t = rx.match(text, org_start)
            if t is not None and t.end() == m.start:
                return True
        return False

    # -- guards --------------------------------------------------------------------------------
    def _extents(self, doc: Doc, text: str, starts: Any, rx: Any) -> list[tuple[int, int]]:
        """Stretches an organisation or facility name covers: head noun + name tokens after it."""
        out = []
        for m in rx.finditer(text):
            i = int(starts.searchsorted(m.end()))
            end = m.end()
            acronym = m.group(0).isupper()
            for j in range(i, min(i + MAX_NAME_TOKENS, len(doc))):
                t = doc[j]
                low = t.lower_
                if t.is_space or "\n" in t.text_with_ws[: len(t.text)]:
                    break
                if t.is_punct and t.text not in ("(", ")", "'", "’", "-"):
                    break
                if t.pos_ in _END_VERBS or low in self.grammar.stop_words:
                    break
                if low == "et" and j + 1 < len(doc) and doc[j + 1].lower_ in self.determiners:
                    break
                if low == "à" and j + 1 < len(doc) and doc[j + 1].text[:1].isupper():
                    break  # `l'association X à Tiznit`: the town where the body is, outside its name
                if j > i and doc[j - 1].text == ")" and low not in self.w.de:
                    break  # `(INDH) pour la province de X`: after the acronym only `de ...` continues
                if j == i and acronym and low not in self.w.de and low != ")" and not t.text[:1].isupper():
                    break  # an acronym head takes `de X` or a name right after it, nothing else
                end = t.idx + len(t.text)
                if "\n" in t.whitespace_:
                    break
            out.append((m.start(), end))
        return out

    def _letterhead_lines(self, doc: Doc, text: str) -> list[tuple[int, int]]:
        """Letterhead lines at the top (before the dateline or issue line): they give no place."""
        heads = [d.start for d in (doc._.dateline, doc._.issue_line)
                 if d is not None and d.rule != "dateline.news_line"]  # a site's date line may sit above its labels
        limit = min(heads) if heads else 400
        out, pos = [], 0
        for raw in text[:2000].split("\n")[:8]:
            line = raw.strip()
            start = pos
            pos += len(raw) + 1
            if start >= limit:
                break
            if line and ":" not in line and len(line) <= 140 and self.letterhead.fullmatch(line):
                out.append((start, start + len(raw)))
        return out

    # -- the component -------------------------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        starts = doc.to_array("IDX").astype("int64")  # int64: searchsorted(int) on uint64 casts the whole array
        triggered, actors = self._from_triggers(doc, text, starts)
        guards = self._guards(doc, text, starts, actors)
        cands = triggered + self._from_header(doc, text) + self._from_gazetteer(doc, text, starts)
        cands += self._propagated(text, triggered)
        cands += self._locative_list(doc, text, cands, starts)
        if self.use_model_loc:
            cands += self._from_model(doc, text)
        doc.spans[self.span_key] = value_spans(doc, self._kept(text, cands, guards), "place")
        return doc

    def _guards(self, doc: Doc, text: str, starts: Any, actors: list[tuple[int, int]]) -> _Guards:
        """Where a candidate is no place: organisation and facility names, letterheads, amounts and dates."""
        orgs = [(s.start_char, s.end_char) for s in span_group(doc, self.orgs_key, self.name, "orgs_key")]
        org_ext = self._extents(doc, text, starts, self.grammar.org_heads)
        fac_ext = self._extents(doc, text, starts, self.grammar.facility_heads)
        heads = self._letterhead_lines(doc, text)
        blocked = [(s.start_char, s.end_char) for key, setting in ((self.amounts_key, "amounts_key"),
                                                                   (self.dates_key, "dates_key"))
                   for s in span_group(doc, key, self.name, setting)]
        for dl in (doc._.dateline, doc._.issue_line):
            if dl is not None and dl.place_start is not None:
                blocked.append((dl.place_start + len(dl.place or ""), dl.end))
        return _Guards(set(orgs), RangeIndex(orgs), RangeIndex(org_ext), RangeIndex(fac_ext), RangeIndex(heads),
                       RangeIndex(blocked), RangeIndex(actors))

    def _kept(self, text: str, cands: list[PlaceMention], g: _Guards) -> list[PlaceMention]:
        """The candidates no guard blocks, strongest source first, none overlapping; in text order."""
        kept: list[PlaceMention] = []
        taken = IntervalSet()
        for m in sorted(cands, key=lambda m: (_PRIORITY[m.source], m.start)):
            if self._blocked(text, m, g) or taken.overlaps(m.start, m.end):
                continue
            kept.append(m)
            taken.add(m.start, m.end)
        # `l'hôpital provincial de Berkane` where `la province de Berkane` is named: that place, no town
        territories = {fold(m.name) for m in kept if m.type in (*_PROVINCIAL, "region")}
        kept = [m for m in kept if not (m.source in ("gazetteer", "model") and fold(m.name) in territories
                                        and g.fac_ext.contains(m.start, m.end, strict=True))]
        kept.sort(key=lambda m: m.start)
        return kept

    def _blocked(self, text: str, m: PlaceMention, g: _Guards) -> bool:
        """A candidate that is no place: a stop name, in a letterhead, an actor, inside a name."""
        if fold(m.name) in self.stop or g.heads.contains(m.start, m.end):
            return True
        if (m.start, m.end) in g.actor_names:
            return True  # the name itself used as an actor (`le Portugal a accordé`): an organisation
        if any(not self._territory(text, s, m) for s, _e in g.orgs.containing(m.start, m.end)):
            return True
        if g.org_ext.contains(m.start, m.end, strict=True) or g.actors.contains(m.start, m.end):
            return True
        if m.source in ("gazetteer", "model") and g.fac_ext.contains(m.start, m.end, strict=True) \
                and not self._located(text, m.start):
            return True
        return m.source == "model" and (g.org_ext.overlaps(m.start, m.end) or g.fac_ext.overlaps(m.start, m.end)
                                        or g.blocked.overlaps(m.start, m.end))

    @staticmethod
    def _located(text: str, start: int) -> bool:
        """`l'hôpital de proximité de Demnate` is in Demnate: a facility's `de` + town locates it, but
        `la prison Toulal 2` names it, and a street or a dam is named after a town (`rue de Fès`)."""
        if not _LOCATED.search(text, max(0, start - 8), start):
            return False
        return not _NAMED_AFTER.search(text, max(0, start - 60), start)

    def export(self, doc: Doc) -> dict[str, Any]:
        return self.detach(doc)()

    def detach(self, doc: Doc) -> Later:
        """`export` as a function of the values read off `doc` now."""
        found = [s._.place for s in doc.spans.get(self.span_key, [])]
        return lambda: {"places": group_places(found)}



def group_places(mentions: list[PlaceMention]) -> list[dict[str, Any]]:
    """One Place dict per (folded name, type), in order of first mention, with all its mentions."""
    places: dict[tuple[str, str], dict[str, Any]] = {}
    for m in sorted(mentions, key=lambda m: m.start):
        key = (fold(m.name), m.type)
        p = places.get(key)
        if p is None:
            p = places[key] = {"name": m.name, "type": m.type, "code": m.code, "latitude": m.latitude,
                               "longitude": m.longitude, "mentions": [], "rule": m.rule}
        p["code"] = p["code"] or m.code
        if p["latitude"] is None and m.latitude is not None:
            p["latitude"], p["longitude"] = m.latitude, m.longitude
        p["mentions"].append({"text": m.text, "start": m.start, "end": m.end})
    return list(places.values())
