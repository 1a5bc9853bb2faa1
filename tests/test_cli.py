"""The `communique` command: extract over a folder with a bad file, exit codes, default paths."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from extractor.cli import main

GOOD = "Taza, 3 mai 2022 (MAP) - Le conseil provincial a alloué 2,5 MDH aux coopératives."


def _folder(tmp_path: Path) -> Path:
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_text(GOOD, encoding="utf-8")
    (src / "sub" / "b.md").write_text("# Titre\n\nUne aide de 300 000 dirhams a été versée.\n", encoding="utf-8")
    (src / "empty.txt").write_text("   \n", encoding="utf-8")
    (src / "binary.txt").write_bytes(b"\x00\x01\x02PK\x03\x04" * 50)
    (src / "a.gold.json").write_text("{}", encoding="utf-8")
    (src / "notes.csv").write_text("x,y\n", encoding="utf-8")
    return src


def test_cli_extract_folder_with_bad_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _folder(tmp_path)
    out = tmp_path / "out"
    code = main(["extract", str(src), "-o", str(out), "--workers", "1", "-q"])
    assert code == 1
    records = [json.loads(x) for x in (out / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    errors = [json.loads(x) for x in (out / "errors.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == ["a", "b"]
    assert sorted(e["error"] for e in errors) == ["EmptyDocument", "Undecodable"]
    assert all(e["source"] and e["message"] for e in errors)
    assert len(records) + len(errors) == 4
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert (summary["inputs"], summary["records"], summary["errors"], summary["skipped"]) == (4, 2, 2, 2)
    assert "4 inputs: 2 records" in capsys.readouterr().err
    assert records[0]["amounts"][0]["value"] == 2_500_000


def test_cli_extract_rerun_is_byte_identical(tmp_path: Path) -> None:
    src = _folder(tmp_path)
    out = tmp_path / "out"
    main(["extract", str(src), "-o", str(out), "--workers", "1", "-q"])
    first = (out / "records.jsonl").read_bytes()
    main(["extract", str(src), "-o", str(out), "--workers", "1", "-q", "--force"])
    assert (out / "records.jsonl").read_bytes() == first


def test_cli_extract_all_good_exits_zero(tmp_path: Path) -> None:
    f = tmp_path / "one.txt"
    f.write_text(GOOD, encoding="utf-8")
    assert main(["extract", str(f), "-o", str(tmp_path / "o"), "--workers", "1", "-q"]) == 0


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["extract", "/no/such/path"], id="missing-path"),
        pytest.param(["extract", "--workers", "0", "x"], id="zero-workers"),
        pytest.param(["extract", "--format", "xml"], id="unknown-format"),
        pytest.param(["frobnicate"], id="unknown-command"),
        pytest.param([], id="no-command"),
    ],
)
def test_cli_bad_usage_exits_two(argv: list[str], tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        raise SystemExit(main(argv + (["-o", str(tmp_path / "o")] if argv[:1] == ["extract"] else [])))
    assert exc.value.code == 2


def test_cli_default_paths_run_corpus_into_output(tmp_path: Path) -> None:
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "c1.txt").write_text(GOOD, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "extractor", "extract", "--workers", "1", "-q"], cwd=tmp_path,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert json.loads((tmp_path / "output" / "records.jsonl").read_text(encoding="utf-8"))["id"] == "c1"
