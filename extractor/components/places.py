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
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..gazetteer import GAZETTEER_FILE, GazEntry, load_gazetteer, match_key, spellings_table, stop_names
from ..intervals import IntervalSet, RangeIndex
from ..normalizers.dates import grammar as date_grammar
from ..normalizers.places import TRIGGERS_FILE, PlaceGrammar, grammar
from ..text import doc_text, fold
from .keys import span_group
from .serialize import InstalledRules

SPAN_KEY = "places"
ORG_SPAN_KEY = "organizations"
MAX_GAZ_TOKENS = 8
MAX_NAME_TOKENS = 12
"""How far an organisation or facility name may run after its head noun."""
BARE_PRIORITY = ("city", "region", "prefecture", "province", "country", "commune", "district", "douar", "other")
WEAK_PRIORITY = ("region", "prefecture", "province", "city")
_PROVINCIAL = ("province", "prefecture")
_DETERMINERS = frozenset({"la", "le", "l'", "l’", "les", "un", "une", "son", "sa", "ses", "leur", "leurs"})
_END_VERBS = frozenset({"VERB", "AUX"})
_CAPITAL = re.compile(r"(?<!\w)[A-ZÀ-ÖØ-Þ]")
_HYPHEN_TAIL = re.compile(r"-([A-ZÀ-ÖØ-Þ][\w'’]*(?:[ -](?:El|Al|Ben|Beni|Béni|Sidi|Moulay|[A-ZÀ-ÖØ-Þ][\w'’]*))?)")
"""The name after a hyphen (`Tétouan-Jebha`, `Taza-Al Hoceïma`): a second place where the gazetteer knows it."""
_OF_BEFORE = re.compile(r"(?:\bde |d['’])$")
_AT_BEFORE = re.compile(r"\bà\s+$")
_OF = frozenset({"de", "du", "des", "d'", "d’"})
_PRIORITY = {"trigger": 0, "header": 1, "gazetteer": 2, "model": 3}


@dataclass(frozen=True, slots=True)
class PlaceMention:
    """One place mention: exact offsets plus the normalised place it names (`span._.place`)."""

    text: str
    start: int
    end: int
    name: str
    type: str
    code: str | None
    latitude: float | None
    longitude: float | None
    rule: str
    source: str


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
    """`orgs_key`, `amounts_key`, `dates_key`: the span groups whose text is no place (read, not written)."""
    return PlacesComponent(nlp, name, patterns=patterns, gazetteer=gazetteer, span_key=span_key,
                           use_model_loc=use_model_loc, read_keys=(orgs_key, amounts_key, dates_key))


class PlacesComponent(InstalledRules):
    """Finds place mentions; `doc.spans[span_key]` holds disjoint spans with `span._.place` set."""

    def __init__(self, nlp: Language, name: str, *, patterns: str, gazetteer: str, span_key: str,
                 use_model_loc: bool, read_keys: tuple[str, str, str] = (ORG_SPAN_KEY, "amounts", "dates")) -> None:
        self.name = name
        self.span_key = span_key
        self.orgs_key, self.amounts_key, self.dates_key = read_keys
        self.use_model_loc = use_model_loc
        self.grammar: PlaceGrammar = grammar(patterns)
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

    # -- resolving a name against the gazetteer ------------------------------------------------
    def _entry(self, surface: str, types: tuple[str, ...]) -> GazEntry | None:
        entries = self.gaz.get(match_key(surface, self.spellings), ())
        for t in types:
            for e in entries:
                if e.type == t:
                    return e
        return None

    def _mention(self, text: str, start: int, end: int, type_: str, rule: str, source: str,
                 entry: GazEntry | None) -> PlaceMention:
        surface = " ".join(text[start:end].split())
        spelled = entry or next(iter(self.gaz.get(match_key(surface, self.spellings), ())), None)
        name = spelled.name if spelled is not None and fold(spelled.name) == fold(surface) else surface
        code = entry.code if entry is not None and entry.type == type_ and type_ in (*_PROVINCIAL, "region",
                                                                                      "country") else None
        lat = lon = None
        if entry is not None and entry.latitude is not None:
            lat, lon = entry.latitude, entry.longitude
        else:
            town = self._entry(surface, ("city",))
            if town is not None:
                lat, lon = town.latitude, town.longitude
        return PlaceMention(text[start:end], start, end, name, type_, code, lat, lon, rule, source)

    @lru_cache(maxsize=65536)  # noqa: B019  (one component per process; words repeat across documents)
    def _first_key(self, word: str) -> str:
        """The lookup key of a token's first word (`M'` -> `m`, `Ouled` -> `oulad`)."""
        words = fold(word).split()
        return self.spellings.get(words[0], words[0]) if words else ""

    # -- the four sources ----------------------------------------------------------------------
    def _from_triggers(self, doc: Doc, text: str, starts: Any) -> tuple[list[PlaceMention], list[tuple[int, int]]]:
        """Trigger mentions, and the stretches where a territory is an actor (no place there)."""
        out, actors = [], []
        for c in self.grammar.find(text):
            c = self._known_prefix(c)
            if c.subject:
                i = int(starts.searchsorted(c.end))
                if i < len(doc) and doc[i].pos_ in _END_VERBS and not self._undergoes(doc, i):
                    actors.append((c.start, c.end))  # `La Province de X a mis sur pied ...`
                    continue
            if c.actor:
                actors.append((c.start, c.end))
                continue
            t = c.type
            entry = self._entry(c.text, ("country",))
            if c.closed and entry is None:
                entry = self._entry(c.text, (t, *WEAK_PRIORITY, "commune", "other"))
                if entry is None:
                    continue  # no such region: a person's name after an official's title
                t = entry.type
                out.append(self._mention(text, c.start, c.end, t, c.rule, "trigger", entry))
                continue
            if entry is not None:
                t = "country"  # `les 12 régions du Maroc`: the country, whatever the trigger
            elif c.weak:
                entry = self._entry(c.text, WEAK_PRIORITY)
                t = entry.type if entry is not None else t
            elif (t in ("district", "douar") and _OF_BEFORE.search(text, max(0, c.start - 4), c.start)
                  and (entry := self._entry(c.text, ("city", *_PROVINCIAL, "region"))) is not None):
                t = entry.type  # `les quartiers de Fès`, `douars de la région X`: the town or territory
            elif t == "prefecture":
                entry = self._entry(c.text, (t, "province"))
            elif t in _PROVINCIAL:
                entry = self._entry(c.text, (t, *_PROVINCIAL))
                t = entry.type if entry is not None else t
            else:
                entry = self._entry(c.text, (t,))
            out.append(self._mention(text, c.start, c.end, t, c.rule, "trigger", entry))
        return out, actors

    def _known_prefix(self, c: Any) -> Any:
        """A province, prefecture or region (closed sets) whose unknown name begins with a known place ends
        there: `la province de Taza Mustapha X` (a governor's name after his province) is Taza."""
        words = list(re.finditer(r"\S+", c.text))
        if c.type not in (*_PROVINCIAL, "region") or len(words) < 2 or self.gaz.get(match_key(c.text, self.spellings)):
            return c
        for k in range(len(words) - 1, 0, -1):
            head = c.text[: words[k - 1].end()]
            if self.gaz.get(match_key(head, self.spellings)) and words[k].group()[:1].isupper():
                return replace(c, text=head, end=c.start + len(head))
        return c

    def _undergoes(self, doc: Doc, i: int) -> bool:
        """The verb group at token i is one a place is the subject of (`la commune de X a bénéficié`).

        Auxiliaries and adverbs are passed over to the main verb; its lemma (or its form, when the
        lemmatizer leaves it) is looked up among the PLACE_VERB words.
        """
        for j in range(i, min(i + 4, len(doc))):
            t = doc[j]
            if t.pos_ == "VERB" or j == i + 3:
                return t.lemma_.lower() in self.grammar.place_verbs or t.lower_ in self.grammar.place_verbs
            if t.pos_ not in ("AUX", "ADV", "PRON"):
                return False
        return doc[i].lemma_.lower() in self.grammar.place_verbs

    def _from_header(self, doc: Doc, text: str) -> list[PlaceMention]:
        out = []
        for dl in (doc._.dateline, doc._.issue_line):
            if dl is None or not dl.place or dl.place_start is None:
                continue
            start = dl.place_start
            end = start + len(dl.place)
            if text[start:end] != dl.place:
                continue
            entry = self._entry(dl.place, ("city",))
            out.append(self._mention(text, start, end, "city", dl.rule, "header", entry))
        return out

    def _from_gazetteer(self, doc: Doc, text: str, starts: Any) -> list[PlaceMention]:
        """Gazetteer names standing alone: longest match from each capitalised token, no overlap."""
        out: list[PlaceMention] = []
        n = len(doc)
        done = 0  # first token index not yet covered by a hit
        for cap in _CAPITAL.finditer(text):
            i = int(starts.searchsorted(cap.start()))
            if i >= n or i < done or starts[i] != cap.start():
                continue
            tok = doc[i]
            longest = self.first_words.get(self._first_key(tok.text), 0)
            for k in range(min(longest, n - i), 0, -1):
                last = doc[i + k - 1]
                if last.is_punct or last.is_space:
                    continue
                start, end = tok.idx, last.idx + len(last.text)
                if text[end : end + 1] == "-" and text[end + 1 : end + 2].isupper() \
                        and not self._hyphen_pair(text, end):
                    continue  # part of a longer hyphenated name
                if _name_word(doc, i - 1) or _name_word(doc, i + k):
                    continue  # part of a longer name the gazetteer lacks (Zaouiat Sidi X, Tanger Med)
                entry = self._entry(text[start:end], BARE_PRIORITY)
                if entry is not None:
                    out.append(self._mention(text, start, end, entry.type, "gazetteer.bare", "gazetteer", entry))
                    done = i + k
                    break
        return out + self._lower_areas(text)

    def _lower_areas(self, text: str) -> list[PlaceMention]:
        """`les provinces du Sud`: an area the gazetteer names, written from a lower-case common noun."""
        if self.lower_areas is None:
            return []
        out = []
        for m in self.lower_areas.finditer(text):
            entry = self._entry(m.group(0), ("other",)) if m.group(0)[:1].islower() else None
            if entry is not None:
                out.append(self._mention(text, m.start(), m.end(), "other", "gazetteer.area", "gazetteer", entry))
        return out

    def _hyphen_pair(self, text: str, end: int) -> bool:
        """`Tétouan-Jebha`, `l'axe Taza-Guercif`: two known places joined by a hyphen (a road, a link)
        are two places; a hyphenated name of one place (`Fès-Meknès`) was matched whole before."""
        m = _HYPHEN_TAIL.match(text, end)
        if m is None:
            return False
        tail = m.group(1)
        return any(self._entry(name, BARE_PRIORITY) is not None
                   for name in (tail, tail.split(" ")[0].split("-")[0]))

    def _propagated(self, text: str, triggered: list[PlaceMention]) -> list[PlaceMention]:
        """Later bare mentions of a name a trigger introduced (`douars X et Y` ... `menant à X`).

        Only names the gazetteer lacks (it finds its own names anywhere); the mention takes the
        type of the name's first triggered mention, so it joins that place.
        """
        first: dict[str, PlaceMention] = {}
        for m in triggered:
            if m.text[:1].isupper() and not self.gaz.get(match_key(m.text, self.spellings)):
                first.setdefault(m.text, m)
        if not first:
            return []
        names = "|".join(re.escape(n) for n in sorted(first, key=len, reverse=True))
        out = []
        for hit in re.finditer(rf"(?<![\w'’-])(?:{names})(?![\w-])", text):
            m = first[hit.group(0)]
            if hit.start() != m.start:
                out.append(PlaceMention(hit.group(0), hit.start(), hit.end(), m.name, m.type, m.code, m.latitude,
                                        m.longitude, "propagated." + m.rule, "gazetteer"))
        return out

    def _locative_list(self, text: str, found: list[PlaceMention]) -> list[PlaceMention]:
        """Towns coordinated with a known town after `à` (`à Tiznit, à Tafraout et à Anzi`).

        The first town is a city the gazetteer or the dateline knows; each `, à Y` / `et à Y` after it
        names a town too, whether or not the gazetteer has it.
        """
        out = []
        for m in found:
            if m.type != "city" or not _AT_BEFORE.search(text, max(0, m.start - 3), m.start):
                continue
            pos = m.end
            while (nxt := self.grammar.locative_follow.match(text, pos)) is not None:
                name = nxt.group("name")
                if fold(name) in self.stop:
                    break
                out.append(self._mention(text, nxt.start("name"), nxt.end("name"), "city", "locative.list",
                                         "gazetteer", self._entry(name, ("city",))))
                pos = nxt.end()
        return out

    def _from_model(self, doc: Doc, text: str) -> list[PlaceMention]:
        """The model's LOC entities that look like a place name after a locative (`à X` is a town)."""
        out = []
        for ent in doc.ents:
            if ent.label_ != "LOC":
                continue
            surface = ent.text.strip(" «»\"“”'’()")
            if not surface or self.grammar.name_re.fullmatch(surface) is None:
                continue  # not a capitalised name: lower-case words, acronyms in brackets, digits
            if surface.isupper() or fold(surface) in self.stop or fold(surface) in self.loc_stop:
                continue
            start = ent.start_char + ent.text.index(surface)
            before = text[max(0, start - 30) : start]
            type_ = next((str(r.type) for r, rx in self.grammar.locatives if rx.search(before)), None)
            if type_ is None:
                continue
            out.append(self._mention(text, start, start + len(surface), type_, "model.loc", "model", None))
        return out

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
                if low == "et" and j + 1 < len(doc) and doc[j + 1].lower_ in _DETERMINERS:
                    break
                if low == "à" and j + 1 < len(doc) and doc[j + 1].text[:1].isupper():
                    break  # `l'association X à Tiznit`: the town where the body is, outside its name
                if j > i and doc[j - 1].text == ")" and low not in _OF:
                    break  # `(INDH) pour la province de X`: after the acronym only `de ...` continues
                if j == i and acronym and low not in _OF and low != ")" and not t.text[:1].isupper():
                    break  # an acronym head takes `de X` or a name right after it, nothing else
                end = t.idx + len(t.text)
                if "\n" in t.whitespace_:
                    break
            out.append((m.start(), end))
        return out

    def _letterhead_lines(self, doc: Doc, text: str) -> list[tuple[int, int]]:
        """Letterhead lines at the top (before the dateline or issue line): they give no place."""
        limit = min(d.start for d in (doc._.dateline, doc._.issue_line) if d is not None) \
            if (doc._.dateline or doc._.issue_line) else 400
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
        orgs = [(s.start_char, s.end_char) for s in span_group(doc, self.orgs_key, self.name, "orgs_key")]
        actor_names = set(orgs)
        starts = doc.to_array("IDX").astype("int64")  # int64: searchsorted(int) on uint64 casts the whole array
        org_ext = self._extents(doc, text, starts, self.grammar.org_heads)
        fac_ext = self._extents(doc, text, starts, self.grammar.facility_heads)
        heads = self._letterhead_lines(doc, text)

        blocked = [(s.start_char, s.end_char) for key, setting in ((self.amounts_key, "amounts_key"),
                                                                   (self.dates_key, "dates_key"))
                   for s in span_group(doc, key, self.name, setting)]
        for dl in (doc._.dateline, doc._.issue_line):
            if dl is not None and dl.place_start is not None:
                blocked.append((dl.place_start + len(dl.place or ""), dl.end))

        # range indexes: a scan of every range per candidate was quadratic on long texts
        org_ix, org_ext_ix, fac_ext_ix = RangeIndex(orgs), RangeIndex(org_ext), RangeIndex(fac_ext)
        heads_ix, blocked_ix = RangeIndex(heads), RangeIndex(blocked)

        triggered, actors = self._from_triggers(doc, text, starts)
        actors_ix = RangeIndex(actors)
        cands = triggered + self._from_header(doc, text) + self._from_gazetteer(doc, text, starts)
        cands += self._propagated(text, triggered)
        cands += self._locative_list(text, cands)
        if self.use_model_loc:
            cands += self._from_model(doc, text)
        kept: list[PlaceMention] = []
        taken = IntervalSet()
        for m in sorted(cands, key=lambda m: (_PRIORITY[m.source], m.start)):
            if fold(m.name) in self.stop or heads_ix.contains(m.start, m.end):
                continue
            if (m.start, m.end) in actor_names:
                continue  # the name itself used as an actor (`le Portugal a accordé`): an organisation
            if any(not self._territory(text, s, m) for s, _e in org_ix.containing(m.start, m.end)):
                continue
            if org_ext_ix.contains(m.start, m.end, strict=True) or actors_ix.contains(m.start, m.end):
                continue
            if m.source in ("gazetteer", "model") and fac_ext_ix.contains(m.start, m.end, strict=True):
                continue
            if m.source == "model" and (org_ext_ix.overlaps(m.start, m.end) or fac_ext_ix.overlaps(m.start, m.end)
                                        or blocked_ix.overlaps(m.start, m.end)):
                continue
            if taken.overlaps(m.start, m.end):
                continue
            kept.append(m)
            taken.add(m.start, m.end)
        kept.sort(key=lambda m: m.start)
        spans = []
        for m in kept:
            span = doc.char_span(m.start, m.end, alignment_mode="expand")
            if span is None:
                continue
            span._.place = m
            spans.append(span)
        doc.spans[self.span_key] = spans
        return doc

    def export(self, doc: Doc) -> dict[str, Any]:
        return {"places": group_places([s._.place for s in doc.spans.get(self.span_key, [])])}


def _name_word(doc: Doc, i: int) -> bool:
    """Token i is a capitalised name word glued (by a space) to its neighbour, not a sentence opener."""
    if i < 0 or i >= len(doc):
        return False
    t = doc[i]
    if not t.text[:1].isupper() or t.is_stop or t.is_punct or len(t.text) < 2:
        return False
    if i == 0 or doc[i - 1].is_space or doc[i - 1].text in (".", ":", "!", "?", "-", "«", "\"", "(") \
            or "\n" in doc[i - 1].whitespace_:
        return False  # a capitalised sentence or line opener is no part of a name
    return not t.text.isupper()


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
