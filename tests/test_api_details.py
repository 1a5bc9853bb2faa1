"""The notebook API and the CLI as a new user tries them: paths, scripts, tables, JSONL metadata, help."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from extractor import extract, extract_many, to_frames
from extractor.api import looks_like_path
from extractor.cli import FAST_HELP, build_parser
from extractor.errors import ExtractorError

ROOT = Path(__file__).resolve().parent.parent
BODY = ("L'Initiative nationale pour le développement humain (INDH) a débloqué 3 MDH pour équiper "
        "le centre de santé de Tiznit.\n")


@pytest.mark.parametrize("s", ["autre.txt", "dossier/", "lot.JSONL", "a/b/page.html", "scan.pdf", "notes.md"])
def test_a_string_that_looks_like_a_path_and_does_not_exist_raises_file_not_found(s: str, tmp_path: Path,
                                                                                  monkeypatch: pytest.MonkeyPatch
                                                                                  ) -> None:
    monkeypatch.chdir(tmp_path)
    assert looks_like_path(s)
    with pytest.raises(FileNotFoundError, match=re.escape(s)):
        list(extract_many([s]))


@pytest.mark.parametrize("s", ["Bonjour", "3 MDH.", "autre fichier.txt", "INDH", "fin.\n"])
def test_a_string_with_spaces_or_no_known_suffix_is_a_text(s: str) -> None:
    assert not looks_like_path(s)


def test_an_existing_path_string_is_read_as_a_file(tmp_path: Path) -> None:
    (tmp_path / "tiznit.txt").write_text(BODY, encoding="utf-8")
    (rec,) = list(extract_many([str(tmp_path / "tiznit.txt")]))
    assert rec.id == "tiznit" and rec.amounts[0].value == 3_000_000


def test_an_unguarded_script_with_n_process_2_fails_with_a_clear_message(tmp_path: Path) -> None:
    script = tmp_path / "sans_garde.py"
    script.write_text("from extractor import extract_many\n"
                      "print(len(list(extract_many(['Un budget de 2 MDH.', 'Un autre de 3 MDH.'], n_process=2))))\n")
    proc = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("extractor.errors.ExtractorError:") and 'if __name__ == "__main__":' in last


def test_a_guarded_script_with_n_process_2_works(tmp_path: Path) -> None:
    script = tmp_path / "avec_garde.py"
    script.write_text("from extractor import extract_many\n"
                      "if __name__ == '__main__':\n"
                      "    print(len(list(extract_many(['Un budget de 2 MDH.', 'Un autre de 3 MDH.'], n_process=2))))\n")
    proc = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "2"


def _allocation(part_of: int | None, start: int) -> dict:
    amount = {"text": "1 MDH", "start": start, "end": start + 5, "value": 1e6, "currency": "MAD"}
    return {"amount": amount, "amount_index": 0, "part_of": part_of,
            "evidence": {"text": "1 MDH", "start": start, "end": start + 5}}


def test_to_frames_integer_columns_are_nullable_integers_not_floats() -> None:
    rec = {"id": "d", "amounts": [{"text": "1 MDH", "start": 0, "end": 5, "value": 1e6, "currency": "MAD"}],
           "allocations": [_allocation(None, 0), _allocation(0, 10)]}
    frames = to_frames([rec])
    al = frames["allocations"]
    assert str(al["part_of"].dtype) == "Int64" and al["part_of"].isna().tolist() == [True, False]
    assert al["part_of"].iloc[1] == 0
    for col in ("index", "amount_index", "evidence_start", "evidence_end"):
        assert str(al[col].dtype) == "Int64", col
    assert str(frames["amounts"]["start"].dtype) == "Int64"
    assert str(frames["documents"]["n_amounts"].dtype) == "Int64"
    assert pd.api.types.is_float_dtype(frames["amounts"]["value"])


def test_a_jsonl_title_and_date_fill_a_record_whose_text_gives_none(tmp_path: Path) -> None:
    lot = tmp_path / "lot.jsonl"
    lot.write_text(json.dumps({"id": "a", "text": BODY, "title": "Santé à Tiznit", "date": "2024-05-02"}) + "\n",
                   encoding="utf-8")
    (rec,) = list(extract_many([lot]))
    assert rec.title == "Santé à Tiznit"
    assert rec.date is not None and rec.date.isoformat() == "2024-05-02"


def test_the_text_own_date_wins_over_the_jsonl_date(tmp_path: Path) -> None:
    lot = tmp_path / "lot.jsonl"
    text = "Tiznit, 12 mai 2021 (MAP) - " + BODY
    lot.write_text(json.dumps({"id": "a", "text": text, "date": "02/05/2024"}) + "\n", encoding="utf-8")
    (rec,) = list(extract_many([lot]))
    assert rec.date is not None and rec.date.isoformat() == "2021-05-12"


def test_a_plain_text_record_has_no_title_or_date_from_nowhere() -> None:
    rec = extract(BODY)
    assert rec.title is None and rec.date is None


def _extract_help() -> str:
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    return sub.choices["extract"].format_help()  # type: ignore[union-attr]


def test_cli_help_shows_the_defaults() -> None:
    text = " ".join(_extract_help().split())
    assert "documents per nlp.pipe batch (default: 16)" in text
    assert "(default: 20971520, 20 MB)" in text
    assert "(default: fr_core_news_md)" in text


def test_fast_figures_agree_between_help_readme_and_benchmark_table() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    fast, full = map(float, re.search(r"`--fast` / full \| ([\d.]+) / ([\d.]+) docs/s", readme).groups())
    lost = float(re.search(r"core F1 lost with `--fast` \(dev\) \| ([\d.]+)", readme).group(1))
    ratio = f"{fast / full:.1f}"
    assert f"about {ratio}x the throughput" in FAST_HELP and f"about {ratio}× the throughput" in readme
    assert f"core F1 {lost:.2f} lower" in FAST_HELP and f"F1 {lost} lower" in readme
    assert "2.5" not in FAST_HELP


def test_an_unusable_extract_many_call_is_an_extractor_error() -> None:
    with pytest.raises(ExtractorError):
        list(extract_many([3.5]))
