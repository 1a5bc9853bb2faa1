"""Duplicate stories counted once: near-duplicate documents grouped, the same allocation linked across documents."""

from __future__ import annotations

import json
from pathlib import Path

from extractor.dupes import DocInfo, Plan, find_groups, link_allocations, signature

STORY = [
    "Taroudant, 3 mars 2022 (MAP) - Le Comité provincial de développement humain de Taroudant a approuvé "
    "une enveloppe de 4,2 MDH pour l'équipement de douze centres de santé ruraux de la province.",
    "Ces centres, situés dans les communes d'Igli, d'Ouled Berhil et de Tafingoult, accueilleront les femmes "
    "enceintes et les personnes âgées des douars voisins, qui devaient jusque-là parcourir de longues distances.",
    "Le programme prévoit aussi l'achat de trois ambulances et la formation de vingt sages-femmes, en partenariat "
    "avec la délégation provinciale de la santé et plusieurs associations locales actives dans la région.",
]
OTHER = [
    "Ouarzazate, 9 juin 2023 (MAP) - Une convention pour la réhabilitation des khettaras de la vallée du Drâa "
    "a été signée entre l'Agence du Sud et les coopératives d'irrigants, pour un coût de 7 MDH.",
    "Les travaux toucheront dix-huit kilomètres de galeries souterraines et bénéficieront à plus de 600 agriculteurs "
    "qui exploitent les palmeraies de la région depuis des générations.",
]


def _edited(paragraphs: list[str]) -> str:
    """The same story reposted: a web prefix, a new headline, paragraphs in another order."""
    return ("Accueil > Régions > Souss-Massa Publié le 04/03/2022 à 10:12\nTaroudant : douze centres de santé équipés\n"
            + "\n\n".join([paragraphs[0], paragraphs[2], paragraphs[1]]))


def _jaccard(a: bytes, b: bytes) -> float:
    return sum(x == y for x, y in zip(a[::4], b[::4], strict=True)) / (len(a) // 4)


def test_an_edited_repost_has_a_close_signature_and_another_story_a_distant_one():
    a, b, c = signature("\n\n".join(STORY)), signature(_edited(STORY)), signature("\n\n".join(OTHER))
    assert _jaccard(a, b) >= 0.6
    assert _jaccard(a, c) <= 0.2
    assert signature("\n\n".join(STORY)) == a  # deterministic


def test_groups_point_at_the_first_document_by_date_then_id():
    sigs = {"b-site": signature(_edited(STORY)), "a-map": signature("\n\n".join(STORY)),
            "c-site": signature("\n\n".join(STORY) + "\nLire aussi"), "other": signature("\n\n".join(OTHER))}
    dates = {"b-site": "2022-03-03", "a-map": "2022-03-04", "c-site": None, "other": "2022-03-01"}
    assert find_groups(sigs, dates) == {"a-map": "b-site", "c-site": "b-site"}
    assert find_groups({"x": sigs["a-map"]}, {"x": None}) == {}


def _info(rid: str, date: str | None, *allocs: tuple[str | None, float, list[str]]) -> DocInfo:
    return DocInfo.of({"id": rid, "date": date, "allocations": [
        {"funder": f, "amount": {"value": v, "currency": "MAD"}, "places": p} for f, v, p in allocs]})


def test_the_same_allocation_in_two_documents_within_the_window_is_linked_to_the_earliest():
    infos = [_info("late", "2022-03-20", ("INDH", 4.2e6, ["Taroudant"]), ("INDH", 1e6, ["Taroudant"])),
             _info("early", "2022-03-03", ("INDH", 4.2e6, ["taroudant", "Igli"])),
             _info("later", "2022-03-25", ("INDH", 4.2e6, ["Taroudant"])),
             _info("far", "2022-09-01", ("INDH", 4.2e6, ["Taroudant"])),
             _info("elsewhere", "2022-03-04", ("INDH", 4.2e6, ["Tiznit"])),
             _info("nofunder", "2022-03-04", (None, 4.2e6, ["Taroudant"]))]
    assert link_allocations(infos, {}) == {("late", 0): ("early", 0), ("later", 0): ("early", 0)}


def test_within_a_duplicate_group_allocations_link_whatever_the_dates_places_and_a_missing_funder():
    infos = [_info("a", None, (None, 5e5, ["Igli"])), _info("b", "2020-01-01", (None, 5e5, ["Taroudant"]), (None, 5e5, []))]
    assert link_allocations(infos, {"a": "b"}) == {("a", 0): ("b", 0)}  # one earlier allocation each


def _line(rid: str, date: str, funder: str = "INDH") -> bytes:
    rec = {"schema_version": "1.1", "id": rid, "source": f"{rid}.txt", "text_sha256": "0" * 64, "date": date,
           "amounts": [{"text": "4,2 MDH", "start": 0, "end": 7, "value": 4.2e6, "currency": "MAD"}],
           "allocations": [{"amount": {"text": "4,2 MDH", "start": 0, "end": 7, "value": 4.2e6, "currency": "MAD"},
                            "amount_index": 0, "funder": funder, "places": ["Taroudant"],
                            "evidence": {"text": "4,2 MDH", "start": 0, "end": 7}}],
           "extractor": {"version": "t", "model": "m", "patterns_sha256": "p"}}
    from extractor.records import Communique

    return Communique.model_validate(rec).model_dump_json().encode() + b"\n"


def test_plan_stamps_duplicates_and_leaves_other_lines_byte_for_byte():
    lines = {"a": _line("a", "2022-03-03"), "b": _line("b", "2022-03-04"), "c": _line("c", "2022-03-04", "AFD")}
    sigs = {"a": signature("\n\n".join(STORY)), "b": signature(_edited(STORY)), "c": signature("\n\n".join(OTHER))}
    plan = Plan.build(lines.items(), sigs)
    assert (plan.n_groups, plan.groups, plan.links) == (1, {"b": "a"}, {("b", 0): ("a", 0)})
    assert plan.line("a", lines["a"]) == lines["a"] and plan.line("c", lines["c"]) == lines["c"]
    b = json.loads(plan.line("b", lines["b"]))
    assert b["duplicate_of"] == "a" and b["allocations"][0]["duplicate_of"] == {"id": "a", "index": 0}
    assert {"duplicate_story", "duplicate_allocation"} <= set(b["allocations"][0]["flags"])
    # a stamped line read back needs no change; a stale one is cleared
    again = Plan.build([("a", lines["a"]), ("b", plan.line("b", lines["b"]))], {"a": sigs["a"], "b": sigs["b"]})
    assert again.line("b", plan.line("b", lines["b"])) == plan.line("b", lines["b"])
    alone = Plan.build([("b", plan.line("b", lines["b"]))], {"b": sigs["b"]})
    assert alone.line("b", plan.line("b", lines["b"])) == lines["b"]


def test_a_batch_marks_reposts_counts_groups_and_reruns_byte_identical(tmp_path: Path):
    from extractor.batch import run_batch

    src = tmp_path / "in"
    src.mkdir()
    (src / "map-taroudant.txt").write_text("\n\n".join(STORY), encoding="utf-8")
    (src / "site-taroudant.txt").write_text(_edited(STORY), encoding="utf-8")
    (src / "ouarzazate.txt").write_text("\n\n".join(OTHER), encoding="utf-8")
    out = tmp_path / "out"
    summary = run_batch([src], out, workers=1)
    recs = {r["id"]: r for r in map(json.loads, (out / "records.jsonl").read_text().splitlines())}
    assert list(recs) == sorted(recs)
    assert recs["site-taroudant"]["duplicate_of"] == "map-taroudant"
    assert recs["map-taroudant"]["duplicate_of"] is None and recs["ouarzazate"]["duplicate_of"] is None
    linked = [a for a in recs["site-taroudant"]["allocations"] if a["duplicate_of"]]
    assert linked and all(a["duplicate_of"]["id"] == "map-taroudant" for a in linked)
    saved = json.loads((out / "summary.json").read_text())
    assert (saved["duplicate_groups"], saved["duplicate_records"]) == (1, 1) == (summary.duplicate_groups, 1)
    assert saved["linked_allocations"] == len(linked)
    first = (out / "records.jsonl").read_bytes()
    run_batch([src], out, workers=1)
    assert (out / "records.jsonl").read_bytes() == first
    run_batch([src], out, workers=1, force=True)
    assert (out / "records.jsonl").read_bytes() == first


def test_tables_carry_duplicate_links_and_flags_so_totals_can_skip_repeats():
    from extractor.api import to_frames

    lines = {"a": _line("a", "2022-03-03"), "b": _line("b", "2022-03-04")}
    sigs = {"a": signature("\n\n".join(STORY)), "b": signature(_edited(STORY))}
    plan = Plan.build(lines.items(), sigs)
    frames = to_frames([json.loads(plan.line(r, raw)) for r, raw in lines.items()])
    docs, allocs = frames["documents"].set_index("doc_id"), frames["allocations"].set_index("doc_id")
    assert docs.loc["b", "duplicate_of"] == "a" and docs["duplicate_of"].isna()["a"]
    assert (allocs.loc["b", "duplicate_of_id"], allocs.loc["b", "duplicate_of_index"]) == ("a", 0)
    assert "duplicate_allocation" in allocs.loc["b", "flags"]
    counted = frames["allocations"][frames["allocations"]["duplicate_of_id"].isna()]
    assert counted["value"].sum() == 4.2e6


def _lsh_groups(signatures: dict[str, bytes]) -> set[frozenset[str]]:
    """The groups datasketch's MinHashLSH finds (the reference `find_groups` must agree with)."""
    import numpy as np
    from datasketch import MinHash, MinHashLSH

    from extractor.dupes import NUM_PERM, THRESHOLD

    scheme = MinHash(num_perm=NUM_PERM, seed=1).scheme

    class Lean:  # what MinHashLSH reads of a MinHash
        def __init__(self, values: np.ndarray) -> None:
            self.hashvalues, self.seed, self.scheme = values, 1, scheme

        def __len__(self) -> int:
            return len(self.hashvalues)

    ids = sorted(signatures)
    sigs = {i: np.frombuffer(signatures[i], dtype="<u4") for i in ids}
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    for i in ids:
        lsh.insert(i, Lean(sigs[i]))
    parent = {i: i for i in ids}

    def root(i: str) -> str:
        while parent[i] != i:
            i = parent[i]
        return i

    for i in ids:
        for j in lsh.query(Lean(sigs[i])):
            if j != i and float(np.mean(sigs[i] == sigs[j])) >= THRESHOLD:
                a, b = sorted((root(i), root(j)))
                parent[b] = a
    groups: dict[str, set[str]] = {}
    for i in ids:
        groups.setdefault(root(i), set()).add(i)
    return {frozenset(g) for g in groups.values() if len(g) > 1}


def test_groups_are_the_ones_datasketch_lsh_finds_on_stories_of_many_near_copies():
    import numpy as np

    rng = np.random.default_rng(7)
    signatures: dict[str, bytes] = {}
    for story in range(60):
        base = rng.integers(0, 2**32, 64, dtype=np.uint64)
        for copy in range(int(rng.integers(1, 8))):
            sig = base.copy()
            edited = rng.random(64) < rng.uniform(0.1, 0.7)  # how much of the story this copy rewrote
            sig[edited] = rng.integers(0, 2**32, int(edited.sum()), dtype=np.uint64)
            signatures[f"s{story:02d}-{copy}"] = sig.astype("<u4").tobytes()
    found = find_groups(signatures, dict.fromkeys(signatures))
    ours: dict[str, set[str]] = {}
    for member, first in found.items():
        ours.setdefault(first, {first}).add(member)
    assert {frozenset(g) for g in ours.values()} == _lsh_groups(signatures)
    assert len(ours) > 10
