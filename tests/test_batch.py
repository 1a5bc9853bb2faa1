"""The batch path: every input kind and bad input in one folder, parallel, incremental, safe, bounded."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_io import make_pdf

from extractor.batch import PARTIAL_GLOB, run_batch
from extractor.io import Document
from extractor.pieces import MODEL_CHUNK_CHARS, analyse_long, longest_run, needs_pieces, split_text
from extractor.records import Communique
from extractor.runner import Options, process_chunk

ROOT = Path(__file__).resolve().parent.parent
DISPATCH = (
    "AGADIR, 3 avril 2025 (MAP) - Le conseil régional a approuvé une enveloppe de 12 millions de dirhams "
    "destinée à l'équipement de 25 écoles rurales, au profit de 4.000 élèves.\n"
    "Cette opération s'inscrit dans le programme régional de réduction des disparités.\n"
)


def mixed_folder(root: Path) -> tuple[Path, int]:
    """One input of each kind and each bad input; returns the folder and its document count."""
    d = root / "inputs"
    (d / "sous").mkdir(parents=True)
    (d / "a-texte.txt").write_text("Écoles rurales\n" + DISPATCH, encoding="utf-8")
    (d / "b-bom.txt").write_bytes(b"\xef\xbb\xbf" + DISPATCH.encode("utf-8"))
    (d / "c-ancien.txt").write_bytes(DISPATCH.encode("cp1252"))
    (d / "d-note.md").write_text("# Note\n\n" + DISPATCH, encoding="utf-8")
    (d / "sous" / "e-page.html").write_text(
        f"<html><body><nav>Accueil</nav><article><h1>Écoles</h1><p>{DISPATCH}</p></article></body></html>")
    (d / "f-arrete.pdf").write_bytes(make_pdf(DISPATCH.splitlines()))
    (d / "g-lot.jsonl").write_text("\n".join([
        json.dumps({"id": "lot-a", "text": DISPATCH, "url": "https://exemple.ma/a"}),
        json.dumps({"text": DISPATCH.replace("12", "15")}),
        "{cassé",
    ]) + "\n")
    (d / "h-vide.txt").write_bytes(b"")
    (d / "i-binaire.txt").write_bytes(bytes(range(256)) * 16)
    (d / "j-cp1252-invalide.txt").write_bytes(b"\x81\x8d\x8f\x90\x9d" * 40)
    os.symlink(d / "manquant.txt", d / "k-lien.txt")
    (d / "l-dossier.txt").mkdir()
    (d / "m-gros.txt").write_text("mot " * 3000)
    (d / "n-scan.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    return d, 16


@pytest.fixture(scope="module")
def mixed_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("batch")
    folder, n = mixed_folder(root)
    out = root / "out"
    first = run_batch([folder], out, workers=2, max_bytes=10_000, formats=["jsonl", "csv", "parquet"])
    records_1 = (out / "records.jsonl").read_bytes()
    second = run_batch([folder], out, workers=2, max_bytes=10_000)
    return {"folder": folder, "n": n, "out": out, "first": first, "second": second, "records_1": records_1}


def test_batch_inputs_equal_records_plus_errors(mixed_run: dict) -> None:
    s, out = mixed_run["first"], mixed_run["out"]
    assert s.inputs == mixed_run["n"] == s.records + s.errors
    assert (s.records, s.errors) == (8, 8)
    records = [json.loads(x) for x in (out / "records.jsonl").read_text().splitlines()]
    errors = [json.loads(x) for x in (out / "errors.jsonl").read_text().splitlines()]
    assert len(records) == s.records and len(errors) == s.errors
    assert [r["id"] for r in records] == sorted(r["id"] for r in records)
    assert {r["id"] for r in records} >= {"a-texte", "b-bom", "c-ancien", "d-note", "e-page", "f-arrete",
                                          "lot-a", "g-lot-2"}
    for e in errors:
        assert set(e) >= {"source", "error", "message"} and e["message"]
    kinds = {Path(e["source"]).name: e["error"] for e in errors if "line" not in e}
    assert kinds == {"h-vide.txt": "EmptyDocument", "i-binaire.txt": "Undecodable",
                     "j-cp1252-invalide.txt": "Undecodable", "k-lien.txt": "Unreadable",
                     "l-dossier.txt": "Unreadable", "m-gros.txt": "TooLarge", "n-scan.pdf": "Undecodable"}
    assert [(e["line"], e["error"]) for e in errors if "line" in e] == [(3, "MalformedLine")]


def test_batch_records_are_valid_with_fingerprint(mixed_run: dict) -> None:
    for line in (mixed_run["out"] / "records.jsonl").read_text().splitlines():
        rec = Communique.model_validate_json(line)
        assert rec.extractor.fingerprint and len(rec.extractor.fingerprint) == 16
        assert rec.amounts, rec.id  # each of these texts announces an amount


def test_batch_rerun_skips_unchanged_byte_identical(mixed_run: dict) -> None:
    s = mixed_run["second"]
    assert (s.inputs, s.records, s.unchanged, s.errors) == (16, 8, 8, 8)
    assert (mixed_run["out"] / "records.jsonl").read_bytes() == mixed_run["records_1"]
    assert not list(mixed_run["out"].glob(PARTIAL_GLOB))


def test_batch_tables_and_summary(mixed_run: dict) -> None:
    import pandas as pd

    out = mixed_run["out"]
    for name in ("documents", "amounts", "allocations", "places"):
        assert (out / f"{name}.csv").is_file() and (out / f"{name}.parquet").is_file()
    docs = pd.read_parquet(out / "documents.parquet")
    assert len(docs) == 8
    summary = json.loads((out / "summary.json").read_text())
    assert summary["inputs"] == summary["records"] + summary["errors"] == 16
    assert summary["unchanged"] == 8 and summary["extractor_version"] and summary["fingerprint"]
    assert {"seconds", "docs_per_second", "skipped", "error_types"} <= set(summary)


def test_batch_changed_text_is_redone(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(DISPATCH)
    (tmp_path / "b.txt").write_text(DISPATCH.replace("25", "30"))
    out = tmp_path / "out"
    run_batch([tmp_path / "a.txt", tmp_path / "b.txt"], out, workers=1)
    (tmp_path / "b.txt").write_text(DISPATCH.replace("25", "35"))
    s = run_batch([tmp_path / "a.txt", tmp_path / "b.txt"], out, workers=1)
    assert (s.records, s.unchanged) == (2, 1)
    s = run_batch([tmp_path / "a.txt", tmp_path / "b.txt"], out, workers=1, force=True)
    assert (s.records, s.unchanged) == (2, 0)


def test_batch_other_fingerprint_is_not_reused(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(DISPATCH)
    out = tmp_path / "out"
    run_batch([tmp_path / "a.txt"], out, workers=1)
    rec = json.loads((out / "records.jsonl").read_text())
    rec["extractor"]["fingerprint"] = "0" * 16  # as if made by an earlier version of the code
    (out / "records.jsonl").write_text(json.dumps(rec) + "\n")
    s = run_batch([tmp_path / "a.txt"], out, workers=1)
    assert s.unchanged == 0
    assert json.loads((out / "records.jsonl").read_text())["extractor"]["fingerprint"] != "0" * 16


def test_batch_store_text_lets_offsets_be_checked(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"\xef\xbb\xbf" + DISPATCH.encode())
    run_batch([tmp_path], tmp_path / "out", workers=1, store_text=True)
    rec = Communique.model_validate_json((tmp_path / "out" / "records.jsonl").read_text())
    text = rec.metadata["text"]
    rec.check_offsets(text)
    assert rec.amounts and all(text[a.start:a.end] == a.text for a in rec.amounts)


@pytest.mark.parametrize(("limit", "max_run"), [(50, 30), (137, 1000), (10_000, 300), (10_000, 2000)])
def test_batch_split_text_rejoins_exactly(limit: int, max_run: int) -> None:
    text = (DISPATCH * 40) + "x" * 1000 + " fin\n" + "(" * 700 + "\n"
    pieces = split_text(text, limit, max_run)
    assert "".join(pieces) == text
    assert all(0 < len(p) <= limit and longest_run(p) <= max_run for p in pieces)
    assert needs_pieces(text, limit, max_run) == (len(text) > limit or max_run < 1000)


def test_batch_long_text_offsets_exact(nlp) -> None:
    from extractor.build import build_record

    text = (DISPATCH + "\n") * 40
    short = build_record(nlp(DISPATCH + "\n"), nlp, id="s", source="s")
    doc = analyse_long(nlp, text, limit=2000)
    assert doc.text == text
    rec = build_record(doc, nlp, id="l", source="l")
    rec.check_offsets(text)
    assert len(rec.amounts) == 40 * len(short.amounts)


PATHOLOGICAL = {
    "digits-100k": "Montant : " + "9" * 100_000 + " dirhams.\n",
    "mdh-10000": "Une aide de 5 " + "MDH " * 10_000 + "\n",
    "line-1mb-no-space": "é" * (1_000_000 // 2),
    "control-characters": ("Un budget\x01 de 4\x02 millions\x03 de dirhams\x1b pour la commune.\x07\n" * 500),
    "arabic-mixed": "تم رصد غلاف مالي قدره 20 مليون درهم، soit 20 millions de dirhams (MDH), لفائدة 500 أسرة.\n" * 300,
    "numbers-and-separators": "1 234 567,89 " * 8000 + "DH\n",
    "parentheses": "(" * 20_000 + "3 millions de dirhams" + ")" * 20_000,
}


@pytest.mark.parametrize("name", list(PATHOLOGICAL))
def test_batch_pathological_text_bounded(name: str) -> None:
    text = PATHOLOGICAL[name]
    t0 = time.monotonic()
    [res] = process_chunk([Document(name, name, text)], Options())
    assert time.monotonic() - t0 < 60, f"{name} took too long"
    assert res.failure is None, res.failure
    rec = Communique.model_validate_json(res.record_json or "")
    rec.check_offsets(text)
    assert needs_pieces(text) == (name in {"digits-100k", "line-1mb-no-space", "numbers-and-separators",
                                           "parentheses"})
    assert len(text) <= MODEL_CHUNK_CHARS or needs_pieces(text)


def _cli(args: list[str], **kw: object) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "extractor", "extract", "-q", *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["kill", "ctrl-c"])
def test_batch_interrupted_run_leaves_old_records_and_resumes(tmp_path: Path, sig: int) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(3):
        (folder / f"doc-{i:02d}.txt").write_text(DISPATCH.replace("25", str(100 + i)))
    out = tmp_path / "out"
    assert _cli([str(folder), "-o", str(out), "--workers", "1"]).wait(timeout=300) == 0
    old = (out / "records.jsonl").read_bytes()
    for i in range(3, 60):
        (folder / f"doc-{i:02d}.txt").write_text(DISPATCH.replace("25", str(100 + i)) * 3)
    proc = _cli([str(folder), "-o", str(out), "--workers", "1", "--batch-size", "1"])
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None:
        partial = list(out.glob(PARTIAL_GLOB))
        if partial and partial[0].read_bytes().count(b"\n") >= 8:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the run ended before it could be interrupted"
    proc.send_signal(sig)
    rc = proc.wait(timeout=120)
    assert rc != 0
    assert (out / "records.jsonl").read_bytes() == old
    if sig == signal.SIGINT:
        assert rc == 130 and not list(out.glob(".*.tmp"))
    done = _cli([str(folder), "-o", str(out), "--workers", "1"])
    assert done.wait(timeout=600) == 0, done.stderr.read() if done.stderr else ""
    summary = json.loads((out / "summary.json").read_text())
    assert summary["records"] == 60 and summary["errors"] == 0
    first_fp = json.loads(old.splitlines()[0])["extractor"]["fingerprint"]
    if summary["fingerprint"] == first_fp:  # (unless someone edited the code meanwhile: then all is redone)
        assert summary["unchanged"] >= 8  # the first run's records, copied, and the killed run's new ones
    lines = (out / "records.jsonl").read_text().splitlines()
    assert [json.loads(x)["id"] for x in lines] == [f"doc-{i:02d}" for i in range(60)]
    assert not list(out.glob(PARTIAL_GLOB))


def test_batch_progress_bar_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    from extractor.batch import stderr_progress

    monkeypatch.setattr(sys.stderr, "isatty", lambda: False)
    assert stderr_progress(False) is None
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert stderr_progress(True) is None
    update = stderr_progress(False)
    assert update is not None
    for done in range(1, 4):
        update(done, 3)
    update(4, 4)  # a short estimate after the end is ignored, not an error
    err = capsys.readouterr().err
    assert "3/3" in err and "doc/s" in err


# Issue 10, finding 8: the batch never reads its own outputs, never serves a stale record, cleans up.

def test_batch_outdir_inside_input_folder_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(DISPATCH)
    out = tmp_path / "out"
    first = run_batch([tmp_path], out, workers=1)
    second = run_batch([tmp_path], out, workers=1)
    assert (first.inputs, first.records, first.errors) == (1, 1, 0)
    assert (second.inputs, second.records, second.errors, second.unchanged) == (1, 1, 0, 1)
    assert [json.loads(x)["id"] for x in (out / "records.jsonl").read_text().splitlines()] == ["a"]


def test_batch_changed_metadata_or_source_is_redone(tmp_path: Path) -> None:
    lot = tmp_path / "lot.jsonl"
    lot.write_text(json.dumps({"id": "x", "text": DISPATCH, "title": "Premier titre"}) + "\n")
    (tmp_path / "ici").mkdir()
    (tmp_path / "ici" / "a.txt").write_text(DISPATCH)
    out = tmp_path / "out"
    run_batch([lot, tmp_path / "ici"], out, workers=1)
    lot.write_text(json.dumps({"id": "x", "text": DISPATCH, "title": "Titre corrigé"}) + "\n")
    (tmp_path / "ici").rename(tmp_path / "la")
    s = run_batch([lot, tmp_path / "la"], out, workers=1)
    assert (s.records, s.unchanged) == (2, 0)
    recs = {r["id"]: r for r in map(json.loads, (out / "records.jsonl").read_text().splitlines())}
    assert recs["x"]["metadata"]["title"] == "Titre corrigé"
    assert recs["a"]["source"] == str(tmp_path / "la" / "a.txt")
    s = run_batch([lot, tmp_path / "la"], out, workers=1)
    assert s.unchanged == 2


def test_batch_leftovers_of_killed_runs_are_removed(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(DISPATCH)
    out = tmp_path / "out"
    out.mkdir()
    leftovers = [".records.jsonl.k1ll3d.tmp", ".errors.jsonl.x8.tmp", ".summary.json.abc.tmp",
                 ".amounts.csv.z.tmp", ".documents.parquet.q.tmp"]
    for name in leftovers:
        (out / name).write_text("à moitié")
    (out / "mes-notes.tmp").write_text("à moi")  # not ours: kept
    run_batch([tmp_path / "a.txt"], out, workers=1)
    assert sorted(p.name for p in out.iterdir()) == [".communique.lock", "errors.jsonl", "mes-notes.tmp",
                                                     "records.jsonl", "summary.json"]


def test_batch_unreadable_subfolder_is_an_error_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "ferme").mkdir()
    (tmp_path / "a.txt").write_text(DISPATCH)
    real_scandir = os.scandir

    def scandir(path: object = ".") -> object:
        if Path(os.fsdecode(path)).name == "ferme":
            raise PermissionError(13, "Permission denied", os.fsdecode(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    s = run_batch([tmp_path], tmp_path / "out", workers=1)
    assert (s.inputs, s.records, s.errors) == (2, 1, 1)
    err = json.loads((tmp_path / "out" / "errors.jsonl").read_text())
    assert (err["source"], err["error"]) == (str(tmp_path / "ferme"), "Unreadable")
