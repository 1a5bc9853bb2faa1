"""The sources of place mentions: trigger phrases, the dateline, gazetteer names, the model's LOC entities.

Each source returns candidates (`PlaceMention`); the component keeps the strongest where they overlap.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from typing import Any

import numpy as np
from spacy.tokens import Doc

from ...gazetteer import GazEntry, match_key
from ...normalizers.places import PlaceGrammar
from ...normalizers.words import FunctionWords
from ...text import fold
from .model import (
    _CAPITAL,
    _END_VERBS,
    _HYPHEN_TAIL,
    _PROVINCIAL,
    BARE_PRIORITY,
    WEAK_PRIORITY,
    PlaceMention,
)

_NEXT_WORDS = tuple(re.compile(r"(?:(?:[ \t]+|-)[\w'’]+){" + str(k) + "}") for k in (1, 2))  # one or two more words

# a compound point of the compass in lower case, named as a part of the country (not `au sud-est de Fès`)
_COMPASS_AREA = re.compile(r"(?<![\w-])((?:sud|nord)-(?:est|ouest))\s+(?=du\s+(?:pays|Maroc|Royaume)\b|marocain\b)")

class PlaceSources:
    """Mixin of the component: candidate place mentions from each source."""

    grammar: PlaceGrammar
    w: FunctionWords
    gaz: dict[str, tuple[GazEntry, ...]]
    spellings: dict[str, str]
    first_words: dict[str, int]
    lower_areas: re.Pattern[str] | None
    stop: Any
    loc_stop: Any

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


    def _from_triggers(self, doc: Doc, text: str, starts: Any) -> tuple[list[PlaceMention], list[tuple[int, int]]]:
        """Trigger mentions, and the stretches where a territory is an actor (no place there)."""
        out, actors = [], []
        for c in self.grammar.find(text):
            c = self._known_extension(text, self._known_prefix(c))
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
            elif (t in ("district", "douar") and self.w.of_before.search(text, max(0, c.start - 4), c.start)
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

    def _known_extension(self, text: str, c: Any) -> Any:
        """A province, prefecture or region name the text writes with a lower-case or spaced part
        (`la préfecture d'Inezgane Ait melloul`) reads on to the longest gazetteer name it spells."""
        if c.type not in (*_PROVINCIAL, "region"):
            return c
        best = c
        for rx in _NEXT_WORDS:
            m = rx.match(text, c.end)
            if m is not None and self.gaz.get(match_key(text[c.start:m.end()], self.spellings)):
                best = replace(c, text=text[c.start:m.end()], end=m.end())
        return best

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
            if entry is None and dl.rule == "dateline.place_dash":
                continue  # `Solidarité – Fondation X : ...` is a headline; a bare `Town —` line names a known town
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
        for m in _COMPASS_AREA.finditer(text):  # `le sud-est du pays`: that part of the country
            entry = self._entry(m.group(1), ("other",))
            if entry is not None:
                out.append(self._mention(text, m.start(1), m.end(1), "other", "gazetteer.area", "gazetteer", entry))
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

    def _locative_list(self, doc: Doc, text: str, found: list[PlaceMention], starts: Any) -> list[PlaceMention]:
        """Towns coordinated with a known town after `à` (`à Tiznit, à Tafraout et à Anzi`, `à X et Y`).

        The first town is a city the gazetteer or the dateline knows; each `, à Y` / `et à Y` / `et Y`
        after it names a town too, whether or not the gazetteer has it, unless a verb follows a bare
        `et Y` (`à Rabat et Mohammed X a salué`: Y is the subject of a new clause, a person).
        """
        out = []
        for m in found:
            if m.type != "city" or not self.w.at_before.search(text, max(0, m.start - 3), m.start):
                continue
            pos = m.end
            while (nxt := self.grammar.locative_follow.match(text, pos)) is not None:
                name = nxt.group("name")
                if fold(name) in self.stop or ("à" not in nxt.group(0)[: nxt.start("name") - nxt.start()]
                                               and _verb_after(doc, starts, nxt.end("name"))):
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



def _verb_after(doc: Doc, starts: Any, end: int) -> bool:
    """The first token at or after character `end` is a verb or an auxiliary."""
    i = int(np.searchsorted(starts, end))
    while i < len(doc) and doc[i].is_space:
        i += 1
    return i < len(doc) and doc[i].pos_ in ("VERB", "AUX")


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

