"""The duplicate pass on disk (`extractor.dupstore`) finds what the in-memory one finds, and leaves no file."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from extractor.dupes import NUM_PERM, DocInfo, Plan, find_groups, link_allocations
from extractor.dupstore import STORE_PREFIX, DupStore

FUNDERS = ["INDH", "Agence du Sud", None, "AFD"]
PLACES = ["Taroudant", "Igli", "Tiznit", "Ouarzazate"]


def _batch(seed: int, n: int) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """`n` record lines (only the fields the duplicate pass reads) and signatures: stories of near-copies,
    few funders, amounts, places and dates, so that links by story and by date window both happen."""
    rng = np.random.default_rng(seed)
    lines: dict[str, bytes] = {}
    sigs: dict[str, bytes] = {}
    bases = [rng.integers(0, 2**32, NUM_PERM, dtype=np.uint64) for _ in range(n // 3)]
    for k in range(n):
        rid = f"{'é' if k % 7 == 0 else 'd'}{int(rng.integers(0, 10**6)):06d}-{k}"
        sig = bases[int(rng.integers(0, len(bases)))].copy()
        edited = rng.random(NUM_PERM) < rng.uniform(0.0, 0.8)
        sig[edited] = rng.integers(0, 2**32, int(edited.sum()), dtype=np.uint64)
        date = None if rng.random() < 0.15 else f"2022-{int(rng.integers(1, 4)):02d}-{int(rng.integers(1, 29)):02d}"
        allocs = [{"funder": FUNDERS[int(rng.integers(0, 4))],
                   "amount": {"value": float(rng.choice([5e5, 1e6, 4.2e6])), "currency": "MAD"},
                   "places": [p for p in PLACES if rng.random() < 0.3]} for _ in range(int(rng.integers(0, 4)))]
        lines[rid] = json.dumps({"id": rid, "date": date, "allocations": allocs}).encode() + b"\n"
        if rng.random() < 0.95:  # a few records without a signature: linked, never grouped
            sigs[rid] = sig.astype("<u4").tobytes()
    return lines, sigs


def _stored(tmp_path: Path, lines: dict[str, bytes], sigs: dict[str, bytes]) -> tuple[DupStore, list[bytes]]:
    blob = bytearray()
    store = DupStore(tmp_path)
    for rid, raw in lines.items():  # in input order, as results arrive
        assert store.claim(rid)
        store.place(rid, len(blob), len(raw), sigs.get(rid))
        blob += raw
    store.build(lambda pos, length: bytes(blob[pos:pos + length]))
    return store, [bytes(blob)]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_disk_pass_gives_the_groups_and_links_of_the_in_memory_functions(tmp_path: Path, seed: int):
    lines, sigs = _batch(seed, 300)
    infos = [DocInfo.of(json.loads(raw)) for raw in lines.values()]
    groups = find_groups(sigs, {d.id: d.date for d in infos})
    links = link_allocations(infos, groups)
    assert len(set(groups.values())) > 10 and len(links) > 50  # the batch exercises both passes
    same_story = [groups.get(a, a) == groups.get(b, b) for (a, _i), (b, _j) in links.items()]
    assert any(same_story) and not all(same_story)  # links by story and by date window
    store, _ = _stored(tmp_path, lines, sigs)
    with store:
        assert store.groups() == groups
        assert store.links() == links
        assert store.counts() == (len(set(groups.values())), len(groups), len(links))


def _line(rid: str, date: str | None, funder: str, value: float) -> bytes:
    from extractor.records import Communique

    amount = {"text": "4,2 MDH", "start": 0, "end": 7, "value": value, "currency": "MAD"}
    rec = {"schema_version": "1.1", "id": rid, "source": f"{rid}.txt", "text_sha256": "0" * 64, "date": date,
           "amounts": [amount], "allocations": [{"amount": amount, "amount_index": 0, "funder": funder,
                                                 "places": ["Taroudant"], "evidence": {"text": "4,2 MDH", "start": 0,
                                                                                       "end": 7}}],
           "extractor": {"version": "t", "model": "m", "patterns_sha256": "p"}}
    return Communique.model_validate(rec).model_dump_json().encode() + b"\n"


def test_disk_pass_writes_the_lines_the_in_memory_plan_writes_byte_for_byte(tmp_path: Path):
    from extractor.flags import load_flags

    batch, sigs = _batch(5, 120)
    lines = {}
    for rid, raw in batch.items():
        r = json.loads(raw)
        first = (r["allocations"] or [{"funder": "INDH", "amount": {"value": 1e6}}])[0]
        lines[rid] = _line(rid, r["date"], first["funder"] or "INDH", first["amount"]["value"])
    plan = Plan.build(sorted(lines.items()), sigs)
    want = [plan.line(rid, lines[rid]) for rid in sorted(lines)]
    assert sum(w != lines[rid] for w, rid in zip(want, sorted(lines), strict=True)) > 20  # many restamped
    store, (blob,) = _stored(tmp_path, lines, sigs)
    with store:
        got = list(store.lines(lambda pos, length: blob[pos:pos + length], load_flags()))
    assert got == want


def test_a_second_claim_of_an_id_is_refused(tmp_path: Path):
    with DupStore(tmp_path) as store:
        assert store.claim("a") and not store.claim("a") and store.claim("b")


def _dbs(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(STORE_PREFIX))


def test_the_database_is_in_outdir_during_the_run_and_gone_after_it(tmp_path: Path):
    with DupStore(tmp_path) as store:
        assert _dbs(tmp_path) == [store.path.name] and store.path.parent == tmp_path
        assert (store.path.stat().st_mode & 0o777) == 0o600
    assert _dbs(tmp_path) == []


def test_a_batch_leaves_no_database_after_a_run_an_interrupted_run_or_a_killed_one(tmp_path: Path, monkeypatch):
    from extractor.batch import run_batch

    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "a.txt").write_text("Tiznit, 12 mai 2021 (MAP) - L'INDH a débloqué 3,5 MDH.", encoding="utf-8")
    (src / "b.txt").write_text("Tiznit, 12 mai 2021 - L'INDH a débloqué 3,5 MDH pour les femmes.", encoding="utf-8")
    run_batch([src], out, workers=1, fast=True)
    assert _dbs(out) == []
    first = (out / "records.jsonl").read_bytes()

    def interrupted(self: DupStore, read: object) -> None:
        assert _dbs(out) == [self.path.name]
        raise KeyboardInterrupt

    with monkeypatch.context() as m:
        m.setattr(DupStore, "build", interrupted)
        with pytest.raises(KeyboardInterrupt):
            run_batch([src], out, workers=1, fast=True, force=True)
    assert _dbs(out) == []
    killed = out / f"{STORE_PREFIX}0123456789abcdef0123456789abcdef.sqlite"  # what a SIGKILL leaves
    killed.write_bytes(b"SQLite format 3\0")
    (out / f"{killed.name}-journal").write_bytes(b"")
    run_batch([src], out, workers=1, fast=True)
    assert _dbs(out) == [] and (out / "records.jsonl").read_bytes() == first


def test_reusable_records_of_earlier_runs_are_looked_up_on_disk_the_later_note_winning(tmp_path: Path):
    from extractor.dupstore import Known

    with DupStore(tmp_path) as store:
        store.remember("a", Known("k1", 0, 0, 10))
        store.remember("b", Known("k2", 0, 10, 5))
        store.remember("a", Known("k3", 1, 40, 12))  # the same id in a later partial file
        known = store.known()
        assert (len(known), bool(known), dict(known)) == (2, True, {"a": "k3", "b": "k2"})
        assert "c" not in known and known.get("c") is None and known.get("a") == "k3"
        assert store.previous("a") == Known("k3", 1, 40, 12) and store.previous("c") is None
    with DupStore(tmp_path) as store:
        assert not store.known()


def test_a_database_that_cannot_be_written_is_an_outdir_error_and_leaves_records_whole(tmp_path: Path, monkeypatch):
    import sqlite3

    from extractor.batch import run_batch
    from extractor.outdir import OutputError

    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "a.txt").write_text("Tiznit, 12 mai 2021 (MAP) - L'INDH a débloqué 3,5 MDH.", encoding="utf-8")
    run_batch([src], out, workers=1, fast=True)
    before = (out / "records.jsonl").read_bytes()

    def full(self: DupStore, *args: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(DupStore, "place", full)
    with pytest.raises(OutputError, match=r"cannot write the outputs .*database or disk is full"):
        run_batch([src], out, workers=1, fast=True, force=True)
    assert (out / "records.jsonl").read_bytes() == before and _dbs(out) == []
