"""Beneficiary categories come from the data file: schema enum, record check, errors with file and line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest
import spacy
from pydantic import ValidationError

from extractor.categories import beneficiary_categories
from extractor.errors import PatternError
from extractor.patterns import patterns_dir
from extractor.records import Beneficiary, record_schema

NEW_CATEGORY = '{"id": "cat.widows", "label": "CATEGORY", "pattern": "widows"}\n'


def _category_enum(schema: dict) -> list[str]:
    return schema["$defs"]["Beneficiary"]["properties"]["category"]["enum"]


def _codes_in_file(path: Path) -> list[str]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip().startswith("{") and json.loads(line)["label"] == "CATEGORY":
            out.append(json.loads(line)["pattern"])
    return out


@pytest.fixture
def own_patterns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the shipped rules, made the active patterns folder."""
    pat = tmp_path / "patterns"
    shutil.copytree(patterns_dir(), pat)
    monkeypatch.setenv("COMMUNIQUE_PATTERNS", str(pat))
    return pat


def test_schema_lists_the_categories_of_the_data_file_in_order() -> None:
    enum = _category_enum(record_schema())
    assert enum == _codes_in_file(patterns_dir() / "beneficiaries.jsonl")
    assert {"women", "prisoners", "other", "disaster_victims"} <= set(enum)


def test_a_category_added_to_the_data_file_enters_schema_and_records(own_patterns: Path) -> None:
    with (own_patterns / "beneficiaries.jsonl").open("a", encoding="utf-8") as fh:
        fh.write(NEW_CATEGORY)
    assert "widows" in _category_enum(record_schema())
    assert Beneficiary(category="widows").category == "widows"
    jsonschema.validate({"category": "widows"}, record_schema()["$defs"]["Beneficiary"])


def test_a_record_with_a_category_not_in_the_data_file_is_rejected() -> None:
    with pytest.raises(ValidationError, match="'widows' is not a beneficiary category"):
        Beneficiary(category="widows")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"category": "widows"}, record_schema()["$defs"]["Beneficiary"])


def _lines_with(path: Path, line: str) -> int:
    """Append `line` to a copy's rule file; return its line number."""
    text = path.read_text(encoding="utf-8")
    path.write_text(text + line, encoding="utf-8")
    return len((text + line).splitlines())


def test_a_phrase_of_an_unknown_category_fails_at_load_with_file_and_line(own_patterns: Path) -> None:
    path = own_patterns / "beneficiaries.jsonl"
    lineno = _lines_with(path, '{"id": "widows.veuves", "label": "widows", "pattern": "veuves"}\n')
    with pytest.raises(PatternError, match=rf"beneficiaries.jsonl:{lineno}: .*unknown category 'widows'") as err:
        spacy.blank("fr").add_pipe("communique_beneficiaries", config={"patterns": str(path)})
    assert err.value.line == lineno and err.value.path == str(path)


def test_an_unknown_category_in_also_fails_at_load_with_file_and_line(own_patterns: Path) -> None:
    path = own_patterns / "beneficiaries.jsonl"
    lineno = _lines_with(path, '{"id": "women.veuves", "label": "women", "pattern": "veuves", "also": ["widows"]}\n')
    with pytest.raises(PatternError, match=rf"beneficiaries.jsonl:{lineno}: .*unknown category 'widows' in 'also'"):
        spacy.blank("fr").add_pipe("communique_beneficiaries", config={"patterns": str(path)})


def test_a_category_code_that_is_no_snake_case_word_fails_with_its_line(own_patterns: Path) -> None:
    path = own_patterns / "beneficiaries.jsonl"
    lineno = _lines_with(path, '{"id": "cat.bad", "label": "CATEGORY", "pattern": "Veuves âgées"}\n')
    with pytest.raises(PatternError, match=rf"beneficiaries.jsonl:{lineno}: a CATEGORY code"):
        beneficiary_categories()
