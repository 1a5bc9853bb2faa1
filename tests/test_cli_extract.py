"""`communique extract`: defaults, exit statuses, formats and options, in-process through main()."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from extractor.cli import main

TEXT = ("OUJDA, 9 juin 2025 (MAP) - L'Agence de l'Oriental a mobilisé 3,2 millions de dirhams pour "
        "raccorder 14 douars au réseau d'eau potable.\n")


def test_cli_extract_no_path_runs_corpus_into_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "oujda-eau.txt").write_text(TEXT)
    monkeypatch.chdir(tmp_path)
    assert main(["extract", "-q", "--workers", "1"]) == 0
    rec = json.loads((tmp_path / "output" / "records.jsonl").read_text())
    assert rec["id"] == "oujda-eau"
    assert (tmp_path / "output" / "errors.jsonl").read_text() == ""


def test_cli_extract_some_failed_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "ok.txt").write_text(TEXT)
    (tmp_path / "vide.txt").write_text("")
    assert main(["extract", str(tmp_path), "-o", str(tmp_path / "out"), "-q", "--workers", "1"]) == 1
    err = capsys.readouterr().err
    assert "2 inputs: 1 records" in err and "1 errors" in err
    line = json.loads((tmp_path / "out" / "errors.jsonl").read_text())
    assert line["error"] == "EmptyDocument" and line["source"].endswith("vide.txt")


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["--workers", "0"], id="workers-zero"),
        pytest.param(["--max-bytes", "0"], id="max-bytes-zero"),
        pytest.param(["--batch-size", "-3"], id="batch-size-negative"),
        pytest.param(["--format", "xlsx"], id="unknown-format"),
        pytest.param(["--nope"], id="unknown-option"),
    ],
)
def test_cli_extract_bad_usage_exits_2(tmp_path: Path, args: list[str]) -> None:
    (tmp_path / "ok.txt").write_text(TEXT)
    try:
        rc = main(["extract", str(tmp_path / "ok.txt"), "-o", str(tmp_path / "out"), "-q", *args])
    except SystemExit as e:  # argparse's own usage errors
        rc = e.code
    assert rc == 2
    assert not (tmp_path / "out" / "records.jsonl").exists()


def test_cli_extract_missing_path_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", str(tmp_path / "absent"), "-o", str(tmp_path / "out"), "-q"]) == 2
    assert "no such file or folder" in capsys.readouterr().err


def test_cli_extract_formats_and_store_text(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(TEXT)
    out = tmp_path / "out"
    assert main(["extract", str(tmp_path / "a.txt"), "-o", str(out), "-q", "--workers", "1",
                 "--format", "jsonl,csv", "--store-text"]) == 0
    assert (out / "amounts.csv").read_text().splitlines()[0].startswith("doc_id,index,text,start,end,value")
    assert not (out / "amounts.parquet").exists()
    rec = json.loads((out / "records.jsonl").read_text())
    assert rec["metadata"]["text"] == TEXT
    assert json.loads((out / "summary.json").read_text())["formats"] == ["jsonl", "csv"]


def test_cli_extract_quiet_or_no_terminal_prints_no_bar(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    (tmp_path / "a.txt").write_text(TEXT)
    assert main(["extract", str(tmp_path / "a.txt"), "-o", str(tmp_path / "out"), "--workers", "1"]) == 0
    err = capsys.readouterr().err
    assert "doc/s" not in err and "it/s" not in err
    assert err.count("\n") == 1


# Issue 10, findings 2 and 8: OUTDIR problems are one line and exit 2, never a traceback nor blame on the input.

def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    rc = main(["extract", "-q", "--workers", "1", *args])
    return rc, capsys.readouterr().err


def test_cli_extract_outdir_is_a_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.txt").write_text(TEXT)
    (tmp_path / "out").write_text("mon fichier\n")
    rc, err = _run([str(tmp_path / "a.txt"), "-o", str(tmp_path / "out")], capsys)
    assert rc == 2
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "output folder" in err and "not a folder" in err
    assert (tmp_path / "out").read_text() == "mon fichier\n"


@pytest.mark.parametrize("outdir", ["/proc/x", "/proc/self"], ids=["cannot-create", "cannot-write"])
def test_cli_extract_unusable_outdir_is_blamed_not_the_input(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                             outdir: str) -> None:
    if not Path("/proc/self").is_dir():
        pytest.skip("needs Linux /proc")
    (tmp_path / "a.txt").write_text(TEXT)
    rc, err = _run([str(tmp_path / "a.txt"), "-o", outdir], capsys)
    assert rc == 2
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "output folder" in err and outdir in err and "no such file or folder" not in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes in read-only folders")
def test_cli_extract_read_only_outdir_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.txt").write_text(TEXT)
    (tmp_path / "out").mkdir(mode=0o555)
    rc, err = _run([str(tmp_path / "a.txt"), "-o", str(tmp_path / "out")], capsys)
    assert rc == 2 and "cannot write in the output folder" in err


def test_cli_extract_missing_input_creates_no_outdir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, err = _run([str(tmp_path / "absent"), "-o", str(tmp_path / "out" / "sous")], capsys)
    assert rc == 2 and "no such file or folder" in err and str(tmp_path / "absent") in err
    assert not (tmp_path / "out").exists()


def test_cli_extract_busy_outdir_exits_2_naming_the_other_run(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    import fcntl
    import socket

    (tmp_path / "a.txt").write_text(TEXT)
    out = tmp_path / "out"
    out.mkdir()
    with (out / ".communique.lock").open("w") as lock:  # another run holding the folder
        fcntl.flock(lock, fcntl.LOCK_EX)
        lock.write(json.dumps({"pid": 4242, "host": socket.gethostname(), "started": "2026-12-03T18:00:00Z"}))
        lock.flush()
        rc, err = _run([str(tmp_path / "a.txt"), "-o", str(out)], capsys)
    assert rc == 2 and err.count("\n") == 1
    assert "in use by another run" in err and "pid 4242" in err and socket.gethostname() in err
    assert not (out / "records.jsonl").exists()
    rc, _ = _run([str(tmp_path / "a.txt"), "-o", str(out)], capsys)  # free again: the lock died with its holder
    assert rc == 0 and json.loads((out / "records.jsonl").read_text())["id"] == "a"
