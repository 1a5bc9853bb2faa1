"""Issue 10, finding 5 (second part): the allocations and organisations components, the place
post-triggers and hostile statements grow linearly with the text, and every index they now use
answers exactly as the scan it replaced.

Timings are ratios with generous bounds, as in test_longtext.py: 4x the text must cost under 10x
(16x being quadratic); absolute figures are in bench/longtext.py and bench/README.md.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import pytest
from timing import ratio

from extractor.components.linking_index import DraftStarts, PlacesByType, Stops, group_by_unit
from extractor.components.organizations import _first_amount_after, _last_amount_before
from extractor.intervals import SortedRanges, StartIndex
from extractor.normalizers.allocations import MAX_UNIT_CHARS, bounded, cues, line_units, sentences
from extractor.pieces import analyse_long

REPORT = ("L'Agence de développement social (ADS) a débloqué 3,5 MDH pour 42 coopératives de femmes à Tiznit. "
          "La province de Tiznit et l'INDH apportent 2 MDH au profit des jeunes de la commune de Tafraout, "
          "dont 1 MDH pour 12 écoles financées par l'Office national de l'électricité et de l'eau potable (ONEE).\n"
          "Le Conseil régional a mobilisé, en partenariat avec l'Entraide nationale, 800.000 DH :\n"
          "- 500.000 DH pour les enfants de la province d'Agadir ;\n"
          "- 300.000 DH pour les personnes âgées à Guelmim.\n")
CONTROLS = "".join(chr(c) for c in (*range(0, 9), *range(11, 32), 127)) + " 3 MDH \x00"


@pytest.fixture(scope="module")
def fast_nlp():
    from extractor.pipeline import load_pipeline

    return load_pipeline(fast=True)


def _docs_before(nlp: Any, name: str, unit: str, counts: tuple[int, ...]) -> dict[int, Any]:
    """`unit * k` for each k, run through every pipe before component `name` (model and our own)."""
    own = [n for n, _ in nlp.pipeline if n.startswith("communique_")]
    before = own[: own.index(name)]
    out = {}
    for k in counts:
        with nlp.select_pipes(enable=[n for n, _ in nlp.pipeline if n not in own or n in before]):
            out[k] = analyse_long(nlp, unit * k, limit=50_000)
    return out


# -- time: 4x the text, < 10x the time -------------------------------------------------------------

@pytest.mark.parametrize(("name", "n"), [("communique_allocations", 100), ("communique_organizations", 100)])
def test_linking_components_time_grows_linearly_on_a_long_report(fast_nlp, name: str, n: int) -> None:
    """Allocations: 12.9x here before (27x from 200 KB to 800 KB of corpus text: per sum, scans of every
    sum, organisation, place and cue). Organisations: 9.4x from 200 KB to 800 KB before (per candidate,
    every known name; per enumeration, a copy of every later mention), under the bound at this size:
    a guard against a quadratic return, not a test that failed."""
    docs = _docs_before(fast_nlp, name, REPORT, (n, 4 * n))
    proc = fast_nlp.get_pipe(name)
    assert ratio(lambda k: proc(docs[k].copy()), n) < 10


def test_allocations_time_grows_linearly_without_any_sentence_end(fast_nlp) -> None:
    """Sums in control characters with no sentence end: one statement of the whole text, read again for
    every sum (quadratic), was the hostile 1 MB text's > 4 GB; now statements are bounded."""
    n = 150
    docs = _docs_before(fast_nlp, "communique_allocations", CONTROLS, (n, 4 * n))
    proc = fast_nlp.get_pipe("communique_allocations")
    assert ratio(lambda k: proc(docs[k].copy()), n) < 10
    records = proc(docs[4 * n].copy())._.allocations
    assert len(records) >= 4 * n
    assert max(len(r["evidence"]["text"]) for r in records) <= MAX_UNIT_CHARS


def test_place_post_triggers_read_a_run_of_newlines_once(fast_nlp) -> None:
    """`post.bracketed_territory` opened on `\\s*`: a run of n newlines cost n^2 (5 s for 50 000)."""
    finder = fast_nlp.get_pipe("communique_places").grammar
    assert ratio(lambda k: finder.find("Tiznit" + "\n" * k + "x (province de Tiznit)"), 20_000) < 10
    [c] = [c for c in finder.find("à Ouetaya  (province de Tan-Tan)") if c.text == "Ouetaya"]
    assert c.rule == "post.bracketed_territory"


# -- statements are bounded ------------------------------------------------------------------------

def test_statements_are_cut_past_the_limit_at_a_clause_mark() -> None:
    c = cues()
    clause = "la commune a reçu 1 MDH pour les écoles, "
    text = "Intro.\n" + clause * 200 + "fin.\nRépartition :\n- " + clause * 120 + "\nSuite."
    units = sentences(text, c)
    items, intro_of = line_units(text, c)
    for s, e in units + items:
        assert e - s <= MAX_UNIT_CHARS
        assert text[s:e] == text[s:e].strip()
    assert text[units[0][0]:units[0][1]] == "Intro."
    assert len(units) > 6 and all(text[s:e].endswith(",") for s, e in units[1:5])  # cut after a clause mark
    intro = text.index("Répartition")
    assert len(items) == 3 and {intro_of[s] for s, _e in items} == {(intro, intro + len("Répartition :"))}
    assert items[0][0] == text.index("- ") and items[-1][1] == text.index("\nSuite") - 1
    short = "Une phrase courte, avec 3 MDH. Une autre."
    assert sentences(short, c) == [(0, 30), (31, 41)]


def test_bounded_pieces_cover_the_statement_in_order() -> None:
    r = random.Random(7)
    for _ in range(300):
        text = "".join(r.choice(["mot ", "x", ", ", "; ", "\t", "é", "  "]) for _ in range(r.randint(0, 900)))
        limit = r.randint(8, 120)
        pieces = bounded(text, 0, len(text), limit)
        assert all(0 <= s < e <= len(text) and e - s <= limit for s, e in pieces)
        assert all(b <= c for (_a, b), (c, _d) in pairwise(pieces))
        covered = {i for s, e in pieces for i in range(s, e)}
        assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())


# -- indexes answer exactly as the scans they replace --------------------------------------------------

@dataclass(frozen=True)
class _R:
    start: int
    end: int
    type: str = "a"


def _ranges(r: random.Random, k: int, sort: bool = True) -> list[_R]:
    out = [_R(a, a + r.randint(0, 9), r.choice("abc")) for a in (r.randint(0, 60) for _ in range(k))]
    return sorted(out, key=lambda x: (x.start, -x.end)) if sort else out


def test_sorted_ranges_answer_as_a_scan() -> None:
    for seed in range(2000):
        r = random.Random(seed)
        items = _ranges(r, r.randint(0, 15))
        ix, anyorder = SortedRanges(items), _ranges(r, r.randint(0, 15), sort=False)
        six = StartIndex(anyorder)
        for _ in range(8):
            s = r.randint(-2, 65)
            e = s + r.randint(0, 12)
            assert ix.inside(s, e) == [x for x in items if x.start >= s and x.end <= e]
            assert ix.holding(s) == [x for x in items if x.start <= s < x.end]
            assert ix.overlaps(s, e) == any(x.start < e and s < x.end for x in items)
            assert six.inside(s, e) == [x for x in anyorder if s <= x.start and x.end <= e]
    with pytest.raises(ValueError):
        SortedRanges([_R(5, 6), _R(1, 2)])


def test_places_by_type_answer_as_a_scan() -> None:
    def most(ps: list[_R], _w: Any) -> _R | None:
        return ps[0] if ps else None

    for seed in range(2000):
        r = random.Random(seed)
        places = _ranges(r, r.randint(0, 15))
        ix = PlacesByType(places)
        for _ in range(6):
            pos, types = r.randint(-2, 70), tuple(r.sample("abcd", r.randint(1, 2)))
            before = [p for p in places if p.end <= pos and p.type in types]
            assert ix.last_ending_by(pos, types) == (before[-1] if before else None)
            assert ix.most_mentioned(types, most) == most([p for p in places if p.type in types], None)


@dataclass
class _Amount:
    start: int


@dataclass
class _Unit:
    start: int


@dataclass
class _Draft:
    amount: _Amount
    unit: _Unit


def test_draft_look_ups_answer_as_a_scan() -> None:
    for seed in range(1000):
        r = random.Random(seed)
        starts = sorted(r.randint(0, 50) for _ in range(r.randint(0, 12)))
        if r.random() < 0.2:
            r.shuffle(starts)
        drafts = [_Draft(_Amount(s), _Unit(s // 10)) for s in starts]
        ix = DraftStarts(drafts)
        for k in range(len(drafts) + 1):
            s = r.randint(0, 50)
            e = s + r.randint(0, 15)
            assert ix.last_in(k, s, e) is next((x for x in reversed(drafts[:k]) if s <= x.amount.start < e), None)
        groups = group_by_unit(drafts)
        assert {u: [id(d) for d in ds] for u, ds in groups.items()} == \
            {u: [id(d) for d in drafts if d.unit.start == u] for u in {d.unit.start for d in drafts}}


def test_sum_and_sentence_end_look_ups_answer_as_a_scan() -> None:
    pattern = re.compile(r"[.!?;](?=\s|$)|\n")
    for seed in range(1000):
        r = random.Random(seed)
        amounts = sorted((a, a + r.randint(1, 6)) for a in (r.randint(0, 60) for _ in range(r.randint(0, 10))))
        text = "".join(r.choice("ab .;\n!") for _ in range(r.randint(0, 60)))
        stops = Stops(text, pattern)
        for pos in range(-1, 66, 3):
            assert _first_amount_after(amounts, pos) == next((s for s, _e in amounts if s >= pos), None)
            ends = [e for _s, e in amounts if e <= pos]
            assert _last_amount_before(amounts, pos) == (ends[-1] if ends else None)
            m = pattern.search(text, max(0, pos))
            assert stops.next_at_or_after(max(0, pos), -1) == (m.start() if m else -1)



# -- quantities: numbers inside phone numbers, found by bisect ----------------------------------------

PHONES = "Contact : 05 28 86 12 34, 42 coopératives et 3 écoles ; tél. 06 61 22 33 44. "


def test_quantities_number_inside_a_phone_answers_as_the_scan_of_every_phone() -> None:
    """`_inside` (bisect over the sorted phone matches) agrees with the scan of every phone it replaced."""
    from extractor.normalizers.quantities import _inside

    rng = random.Random(10)
    cuts = sorted(rng.sample(range(2000), 400))
    ranges = [(a, b) for a, b in zip(cuts[::2], cuts[1::2], strict=True)]
    starts = [a for a, _b in ranges]
    for pos in range(-2, 2002):
        assert _inside(ranges, starts, pos) == any(a <= pos < b for a, b in ranges), pos


def test_quantities_numbers_time_grows_linearly_with_phone_numbers() -> None:
    """Each number was tested against every phone number of the text: 4x a text dense in both took
    ~16x (quadratic; 2.7 million tests at 1 MB of corpus text). Now a bisect per number."""
    from extractor.normalizers.quantities import grammar

    g = grammar()
    found = g.numbers(PHONES)
    assert [m.value for m in found] == [42.0, 3.0]
    assert ratio(lambda k: g.numbers(PHONES * k), 800) < 10


# -- amounts in table columns, organisation heads named by a known body: no scan per cell / per head --

def _table(rows: int) -> str:
    return "Projet | Commune | Coût (DH)\n" + "".join(f"École {i} | Tiznit | 12{i % 10}.000\n" for i in range(rows))


def test_amounts_table_cells_time_grows_linearly_with_the_amounts_found_before() -> None:
    """Each table cell was tested against every amount found before it (quadratic in a long report of
    tables); now an interval index. The cells read and the ones an earlier amount holds stay the same."""
    from extractor.normalizers.amounts import grammar

    g = grammar()
    text = _table(3)
    assert [a.value for a in g.find_in_tables(text)] == [120000.0, 121000.0, 122000.0]
    held = text.index("121.000")
    assert [a.value for a in g.find_in_tables(text, [(held + 2, held + 3)])] == [120000.0, 122000.0]

    def run(k: int) -> None:
        t = _table(k)
        g.find_in_tables(t, [(i, i + 1) for i in range(0, len(t), 40)])
    assert ratio(run, 1500) < 10


HEADS = "Le groupe a signé avec l'INDH et l'ONEE. La coopérative a reçu l'appui de l'ADS. "


def test_organizations_heads_needing_a_name_time_grows_linearly_with_known_names(fast_nlp) -> None:
    """A head that needs a name (`groupe`, `coopérative`) looked at every known name of the text for one
    within a few tokens after it: quadratic when both grow with the text. Now a bisect over their starts."""
    n = 400
    docs = _docs_before(fast_nlp, "communique_organizations", HEADS, (n, 4 * n))
    proc = fast_nlp.get_pipe("communique_organizations")
    assert ratio(lambda k: proc(docs[k].copy()), n) < 10
