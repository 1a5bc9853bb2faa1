"""Long and hostile texts (issue 10, findings 4-6): bounded memory, linear components, one safe path.

Timings here are ratios with generous bounds (4x the text must cost under 10x, 16x being the quadratic
figure) or one loose ceiling that only a hang would pass; absolute figures are in bench/longtext.py.
"""

from __future__ import annotations

import random
import re
import time
import weakref
from collections.abc import Callable
from typing import Any

import pytest
from timing import ratio

from extractor import extract
from extractor.components.org_aliases import alias_occurrences, resolve_aliases
from extractor.components.organizations import _Mention
from extractor.intervals import IntervalSet, RangeIndex
from extractor.io import Document
from extractor.pieces import MAX_RUN_CHARS, _Columns, analyse_long, split_text
from extractor.runner import Options, process_chunk

DISPATCH = ("Tiznit, 12 mai 2021 (MAP) - L'Agence de développement social (ADS) a débloqué 3,5 MDH pour "
            "42 coopératives de femmes à Tiznit, le 3 juin 2021. L'ADS et l'INDH financent aussi 12 écoles.\n")


# -- finding 4: memory of long texts -----------------------------------------------------------------

def test_longtext_pieces_are_not_kept_while_the_model_runs(nlp, monkeypatch) -> None:
    """Each piece's Doc is dropped once its attributes are copied: at most one piece is alive at a time
    (all of them stayed alive, tensors included, and went through the model at once: 11.7 GB at 2 MB)."""
    alive: list[weakref.ref[Any]] = []
    most = 0
    add = _Columns.add

    def watched(self: _Columns, part: Any, *piece: str) -> None:
        nonlocal most
        alive.append(weakref.ref(part))
        most = max(most, sum(r() is not None for r in alive))
        add(self, part, *piece)

    monkeypatch.setattr(_Columns, "add", watched)
    text = DISPATCH * 60
    doc = analyse_long(nlp, text, limit=1500)
    assert len(alive) >= 6
    assert most <= 2
    assert doc.text == text
    assert doc.tensor.size == 0  # the model's tensor (384 bytes a token) is not carried over


def test_longtext_joined_doc_keeps_what_components_read(nlp) -> None:
    """The joined Doc has the model's tags, lemmas, parse and sentences, as the text parsed in one go."""
    text = DISPATCH * 3
    whole, joined = nlp(text), analyse_long(nlp, text, limit=len(DISPATCH) + 5)
    assert [t.text for t in joined] == [t.text for t in whole]
    for attr in ("pos_", "lemma_", "dep_", "is_sent_start"):
        assert [getattr(t, attr) for t in joined[:40]] == [getattr(t, attr) for t in whole[:40]], attr
    assert str(joined[5].morph) == str(whole[5].morph)
    assert [s.text for s in joined.sents][:2] == [s.text for s in whole.sents][:2]


# -- finding 5: components linear in text length -----------------------------------------------------

@pytest.fixture(scope="module")
def fast_nlp():
    from extractor.pipeline import load_pipeline

    return load_pipeline(fast=True)


def _componentratio(nlp: Any, name: str, unit: str, n_units: int) -> float:
    own = [n for n, _ in nlp.pipeline if n.startswith("communique_")]
    before = own[: own.index(name)]
    docs: dict[int, Any] = {}
    for k in (n_units, 4 * n_units):
        with nlp.select_pipes(enable=[n for n, _ in nlp.pipeline if n not in own or n in before]):
            docs[k] = analyse_long(nlp, unit * k, limit=50_000)
    proc = nlp.get_pipe(name)
    return ratio(lambda k: proc(docs[k]), n_units)


DATED = "Le 12 mai 2021, puis le 3 juin 2022 et en mars 2023, 1,5 MDH pour 42 coopératives (2.000 personnes).\n"
ALIASED = ("La Division de l'action sociale (DAS) et l'Agence de développement social (ADS) ont signé. "
           "La DAS a reçu 2 MDH de l'ADS à Tiznit; la DAS et l'ADS suivent 12 projets.\n")
PLACES = "À Tiznit, Agadir et Guelmim, la commune de Tafraout et la province d'Azilal reçoivent 4 MDH.\n"


@pytest.mark.parametrize(("name", "unit", "n"), [
    ("communique_dates", DATED, 500),
    ("communique_quantities", DATED, 500),
    ("communique_places", PLACES, 600),
])
def test_longtext_component_time_grows_linearly(fast_nlp, name: str, unit: str, n: int) -> None:
    """4x the text costs < 10x the time, 16x being quadratic (before: dates 25x, quantities 34x, places 17x)."""
    assert _componentratio(fast_nlp, name, unit, n) < 10


def test_longtext_acronym_pass_time_grows_linearly(fast_nlp) -> None:
    """The organisations' acronym pass grew ~n^2.8 (300 + 1 200 units: not done in 10 min): now < 10x for 4x."""
    comp = fast_nlp.get_pipe("communique_organizations")
    own = [n for n, _ in fast_nlp.pipeline if n.startswith("communique_")]
    cases = {}
    for k in (300, 1200):
        with fast_nlp.select_pipes(enable=[n for n, _ in fast_nlp.pipeline if n not in own]):
            doc = analyse_long(fast_nlp, ALIASED * k, limit=50_000)
        cases[k] = (doc, doc.text, comp._resolve(doc, comp._candidates(doc)))
        assert len(comp._with_aliases(*cases[k])) > 2 * k  # every DAS and ADS is a mention
    assert ratio(lambda k: comp._with_aliases(*cases[k]), 300) < 10


def _literal_aliases(text: str, mentions: list[Any], found: list[Any], usable: Callable[[int, int], bool],
                     make: Callable[..., Any]) -> list[Any]:
    """The acronym rule as first written (quadratic and worse): the oracle for `resolve_aliases`."""
    out = list(mentions)
    for pair in found:
        m, alias = pair[0], pair[1]
        for am in re.finditer(rf"(?<![\w-]){re.escape(alias)}(?![\w-])", text):
            s, e = am.start(), am.end()
            if not usable(s, e):
                continue
            clash = [x for x in out if x.start < e and s < x.end]
            if any(x.start <= s and e <= x.end and (x.end - x.start) > (e - s) for x in clash) or m in clash:
                continue
            out = [x for x in out if x not in clash]
            out.append(make(pair, s, e))
    return sorted(out, key=lambda x: x.start)


def _random_case(r: random.Random) -> tuple[str, list[_Mention], list[Any], set[int]]:
    words = ["AB", "CD", "AB-CD", "x", "(", ")", "AB&C", "Ag", "ABC", "é"]
    text, bounds = "", []
    for _ in range(r.randint(1, 60)):
        w = r.choice(words)
        bounds.append((len(text), len(text) + len(w)))
        text += w + r.choice([" ", " ", "", "\n"])
    mentions, i = [], 0
    while i < len(bounds):
        j = min(len(bounds), i + r.randint(1, 4)) if r.random() < 0.35 else i
        if j > i:
            mentions.append(_Mention(bounds[i][0], bounds[j - 1][1], f"r{i}", None, None, False))
        i = max(j, i + 1)
    found = []
    for _ in range(r.randint(0, 12) if mentions else 0):
        a, s0 = r.choice(["AB", "CD", "AB CD", "AB&C", "Ag AB", "ABC", "AB-CD", "x"]), r.randint(0, len(text))
        found.append((r.choice(mentions), a, s0, s0 + len(a), r.random() < 0.3))
    return text, mentions, found, set(r.sample(range(len(text) + 1), k=min(3, len(text))))


def test_longtext_alias_pass_gives_the_literal_rules_result() -> None:
    def make(pair: Any, s: int, e: int) -> _Mention:
        m, _a, _s, _e, inside = pair
        return _Mention(s, e, f"alias:{m.rule}", None, None, False, alias_of=m, definition=s == _s and not inside)

    def key(x: _Mention) -> tuple[Any, ...]:
        return x.start, x.end, x.rule, x.definition, None if x.alias_of is None else x.alias_of.start

    for seed in range(3000):
        text, mentions, found, bad = _random_case(random.Random(seed))
        usable = lambda s, e, bad=bad: s not in bad  # noqa: E731
        expected = [key(x) for x in _literal_aliases(text, mentions, found, usable, make)]
        assert [key(x) for x in resolve_aliases(text, mentions, found, usable, make)] == expected, seed
        for a, spans in alias_occurrences(text, {f[1] for f in found}).items():
            assert spans == [m.span() for m in re.finditer(rf"(?<![\w-]){re.escape(a)}(?![\w-])", text)]


def test_longtext_interval_indexes_answer_as_a_scan() -> None:
    for seed in range(3000):
        r = random.Random(seed)
        ranges = [(a, a + r.randint(-1, 9)) for a in (r.randint(0, 40) for _ in range(r.randint(0, 14)))]
        live, ix, fixed = [], IntervalSet(), RangeIndex(ranges)
        for a, b in ranges:
            ix.add(a, b)
            live.append((a, b))
            s = r.randint(0, 45)
            e = s + r.randint(0, 8)
            assert ix.overlaps(s, e) == (not all(e <= x or s >= y for x, y in live))
        for s in range(0, 45, 3):
            e = s + r.randint(0, 8)
            assert fixed.overlaps(s, e) == any(s < y and x < e for x, y in ranges)
            assert fixed.contains(s, e, strict=True) == any(x < s and e <= y for x, y in ranges)
            assert fixed.containing(s, e) == sorted((x, y) for x, y in ranges if x <= s and e <= y)


# -- finding 6: one safe path for the API, extract_many and the CLI ----------------------------------

def _check(text: str, **kw: Any) -> Any:
    rec = extract(text, **kw)
    rec.check_offsets(text)
    if rec.dateline is not None:
        assert text[rec.dateline.start:rec.dateline.end] == rec.dateline.text
    return rec


@pytest.mark.parametrize("name", ["brackets-100k", "word-1mb", "newlines-1m", "controls", "brackets-spaced"])
def test_longtext_extract_survives_hostile_text(name: str) -> None:
    text = {"brackets-100k": "(" * 100_000,
            "word-1mb": "x" * 1_000_000,
            "newlines-1m": "\n" * 1_000_000,
            "controls": "".join(map(chr, (*range(0, 9), *range(11, 32), 127))) * 3000 + " \x00 " * 20_000,
            "brackets-spaced": DISPATCH + "( " * 50_000 + ") " * 50_000 + DISPATCH}[name]
    t0 = time.perf_counter()
    _check(text)
    assert time.perf_counter() - t0 < 120  # `(` * 100 000 did not finish in 300 s


def test_longtext_extract_over_a_million_characters_works_like_the_cli() -> None:
    """spaCy refuses > 1 000 000 characters (E088): extract() now cuts pieces as the CLI does."""
    text = DISPATCH + "\n" * 1_050_000 + DISPATCH
    rec = _check(text, fast=True)
    assert [a.start for a in rec.amounts] == [m.start() for m in re.finditer("3,5 MDH", text)]
    [res] = process_chunk([Document("doc", "doc", text)], Options(fast=True, fingerprint="0"))
    cli = res.record_json
    assert cli is not None
    assert rec.amounts == extract_from_json(cli).amounts
    assert rec.organizations == extract_from_json(cli).organizations


def extract_from_json(line: str) -> Any:
    from extractor.records import Communique

    return Communique.model_validate_json(line)


def test_longtext_extract_many_takes_the_same_path() -> None:
    from extractor import extract_many

    text = "(" * 30_000 + " " + DISPATCH
    [rec] = list(extract_many([("x", text)], fast=True))
    assert rec.amounts == extract(text, fast=True).amounts
    assert split_text(text)[0] == "(" * MAX_RUN_CHARS


# -- finding 4: one long document in memory at a time, its Doc gone before its record is validated ------

def test_longtext_chunk_keeps_one_doc_alive_and_drops_it_before_the_record(fast_nlp, monkeypatch) -> None:
    """Several long documents in one chunk: each Doc is freed before the record is validated and before
    the next is analysed (all the chunk's Docs stayed alive until its last record, and each Doc stayed
    through validation and serialisation: at 20 MB, 0.5 GB of Doc beside the record being built)."""
    from extractor import pieces, runner

    docs: list[weakref.ref[Any]] = []
    alive_at: dict[str, int] = {"analyse": 0, "validate": 0}
    analyse, make = pieces.analyse_long, runner.make_record

    def watched_analyse(nlp: Any, text: str, **kw: Any) -> Any:
        alive_at["analyse"] = max(alive_at["analyse"], sum(r() is not None for r in docs))
        doc = analyse(nlp, text, limit=len(DISPATCH) * 4, **kw)
        docs.append(weakref.ref(doc))
        return doc

    def watched_make(*args: Any, **kw: Any) -> Any:
        alive_at["validate"] = max(alive_at["validate"], sum(r() is not None for r in docs))
        return make(*args, **kw)

    monkeypatch.setattr(runner, "needs_pieces", lambda text: True)
    monkeypatch.setattr(pieces, "needs_pieces", lambda text: True)
    monkeypatch.setattr(pieces, "analyse_long", watched_analyse)
    monkeypatch.setattr(runner, "make_record", watched_make)
    inputs = [Document(f"d{i}", f"d{i}", DISPATCH * (10 + i)) for i in range(4)]
    results = process_chunk(inputs, Options(fast=True, fingerprint="0"))
    assert [r.failure for r in results] == [None] * 4
    assert len(docs) == 4
    assert alive_at == {"analyse": 0, "validate": 0}


def test_longtext_doc_is_gone_before_the_sums_are_linked_and_the_fields_are_the_docs(nlp, monkeypatch) -> None:
    """A long text's allocations are linked from what their component captured of the Doc, once the Doc
    is gone (the Doc and the allocation records were the peak at 20 MB, together); every exported field,
    the organisations' roles the allocations give back included, is what the whole-Doc path gives."""
    from extractor import pieces
    from extractor.build import export_fields

    text = (DISPATCH + "Le Conseil régional a accordé 2 MDH à l'association Amal, qui a reçu 1 MDH de l'ADS.\n") * 40
    want = export_fields(analyse_long(nlp, text, limit=5000), nlp)
    linker = nlp.get_pipe(pieces.LINKER)
    docs: list[weakref.ref[Any]] = []
    alive_at_link: list[bool] = []
    analyse, link = pieces.analyse_long, type(linker).link_captured

    def watched_analyse(nlp: Any, text: str, **kw: Any) -> Any:
        doc = analyse(nlp, text, limit=5000, **kw)
        docs.append(weakref.ref(doc))
        return doc

    def watched_link(self: Any, cap: Any) -> Any:
        alive_at_link.append(any(r() is not None for r in docs))
        return link(self, cap)

    monkeypatch.setattr(pieces, "needs_pieces", lambda text: True)
    monkeypatch.setattr(pieces, "analyse_long", watched_analyse)
    monkeypatch.setattr(type(linker), "link_captured", watched_link)
    got = pieces.analyse_fields(nlp, text)
    assert alive_at_link == [False]
    assert want["allocations"] and any("funder" in o["roles"] for o in want["organizations"])
    assert got == want


def test_longtext_minhash_memory_does_not_grow_with_the_shingles() -> None:
    """The signature of a text of distinct words: datasketch's `update_batch` makes a (shingles x 64)
    array, 1.8 GB for a 20 MB text of distinct words; fed in slices, its peak stays flat."""
    import tracemalloc

    from extractor.dupes import NUM_PERM, signature

    def peak(n_words: int) -> int:
        text = " ".join(f"mot{i}" for i in range(n_words))
        tracemalloc.start()
        signature(text)
        got = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return got

    small, big = peak(20_000), peak(320_000)
    assert big < 320_000 * NUM_PERM * 8  # one slot array of the whole text (160 MB) would reach it
    assert big < 8 * small  # 16x the words; the word list itself grows, not the permutation arrays


def test_longtext_sentence_lookup_answers_as_a_scan_without_rescanning() -> None:
    """`sentence_of` bisects first tokens listed once per `Sentences` (it listed them on every call, once
    per mention: beneficiaries and quantities grew quadratically, 12x and 32x for 4x the text at 1-4 MB)."""
    from extractor.components.sentences import Sentences, sentence_of

    for seed in range(500):
        r = random.Random(seed)
        starts = sorted(r.sample(range(1, 200), r.randint(0, 12)))
        bounds = Sentences((s, e, s, e) for s, e in zip([0, *starts], [*starts, 200], strict=True))
        assert list(bounds.starts) == [b[2] for b in bounds]
        for i in range(0, 200, 7):
            assert sentence_of(bounds, i) == sentence_of(list(bounds), i)
            first, end = sentence_of(bounds, i)[2:]
            assert first <= i < end


def test_longtext_piece_whose_tokens_do_not_give_its_text_back_is_an_error(nlp) -> None:
    """The joined Doc's text is checked piece by piece (no `doc.text` over the whole): a piece whose
    kept words and spaces differ from its text stops the analysis instead of shifting every offset."""
    cols = _Columns()
    part = nlp.make_doc("Le 12 mai 2021, 3 MDH.")
    cols.add(part, "Le 12 mai 2021, 3 MDH.")
    with pytest.raises(ValueError, match="give its text back"):
        cols.add(part, "Le 12 mai 2021,  3 MDH.")


def test_longtext_record_json_written_field_by_field_is_the_models_json(nlp) -> None:
    """`dump_json_dropping` gives `model_dump_json()`'s very characters, metadata keys named like list
    fields included, and empties the record's lists as it goes (their models go as their JSON comes)."""
    from extractor.build import dump_json_dropping, export_fields, make_record

    text = DISPATCH * 30
    rec = make_record(export_fields(nlp(text), nlp), nlp, text, id="x", source="s",
                      metadata={"amounts": [], "title": 'a "quoted" title'})
    want = rec.model_dump_json()
    assert rec.amounts and rec.allocations
    assert dump_json_dropping(rec) == want
    assert rec.amounts == [] and rec.allocations == [] and rec.places == []


def test_longtext_lists_validated_one_at_a_time_make_the_same_record(nlp) -> None:
    """Validating each list field alone (so its dicts go before the next list's models are made) gives
    the record a whole validation gives; a list that does not validate is still reported by its path."""
    from extractor.build import _validate_lists, export_fields, make_record
    from extractor.records import Communique

    text = DISPATCH * 5
    fields = export_fields(nlp(text), nlp)
    whole = Communique(id="x", source="s", text_sha256="0", extractor={"version": "v", "model": "m",
                                                                       "patterns_sha256": "p"}, **fields)
    assert make_record(fields, nlp, text, id="x", source="s").amounts == whole.amounts
    bad = {"amounts": [{"text": "3 MDH"}], "dates": []}
    _validate_lists(bad)
    assert bad["amounts"] == [{"text": "3 MDH"}] and bad["dates"] == []
    with pytest.raises(ValueError, match="amounts"):
        make_record(bad, nlp, text, id="x", source="s")


def test_longtext_isin_by_slices_gives_numpys_answer() -> None:
    """The slice-by-slice lookup the components use on long Docs answers as one `numpy.isin` call."""
    import numpy

    from extractor.components.columns import isin_by_chunks

    rng = numpy.random.default_rng(7)
    values = rng.integers(0, 50, size=10_001).astype("uint64")
    ids = numpy.array([3, 7, 49, 1000], dtype="uint64")
    for chunk in (1, 7, 4096, 1 << 16):
        assert numpy.array_equal(isin_by_chunks(values, ids, chunk), numpy.isin(values, ids))
    assert isin_by_chunks(values[:0], ids).shape == (0,)
