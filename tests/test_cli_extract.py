"""`communique extract`: defaults, exit statuses, formats and options, in-process through main()."""

from __future__ import annotations

import json
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
