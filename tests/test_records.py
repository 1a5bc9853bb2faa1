"""Record models: invariants, JSON Schema, and every record of a run validating against it."""

from __future__ import annotations

import json
import subprocess
import sys

import jsonschema
import pytest
from pydantic import ValidationError

from extractor.records import Amount, Communique, Mention, record_schema


def test_records_mention_offsets_must_agree() -> None:
    with pytest.raises(ValidationError):
        Mention(text="abc", start=3, end=4)
    with pytest.raises(ValidationError):
        Mention(text="", start=5, end=2)


@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param({"value": 0}, id="zero-value"),
        pytest.param({"value": -3}, id="negative-value"),
        pytest.param({"currency": "DH"}, id="not-iso-currency"),
        pytest.param({"currency": "XYZ"}, id="unknown-iso-currency"),
        pytest.param({"value": 5, "value_max": 4}, id="max-below-min"),
        pytest.param({"qualifier": "roughly"}, id="unknown-qualifier"),
    ],
)
def test_records_amount_invariants(kwargs: dict) -> None:
    base = {"text": "3 MDH", "start": 0, "end": 5, "value": 3e6, "currency": "MAD", "qualifier": "exact"}
    with pytest.raises(ValidationError):
        Amount(**{**base, **kwargs})


def test_records_check_offsets_against_text(nlp) -> None:
    from extractor.build import build_record
    from extractor.errors import RecordError

    text = "Ifrane, 2 mai 2022 (MAP) - Un budget de 2 MDH."
    rec = build_record(nlp(text), nlp, id="x", source="x")
    rec.check_offsets(text)
    with pytest.raises(RecordError, match="does not match"):
        rec.check_offsets(text.replace("2 MDH", "9 MDH"))


def test_records_schema_command_prints_the_schema() -> None:
    out = subprocess.run([sys.executable, "-m", "extractor", "schema"], capture_output=True, text=True, check=True)
    schema = json.loads(out.stdout)
    assert schema == json.loads(json.dumps(record_schema()))
    assert {"id", "amounts", "allocations", "schema_version", "extractor"} <= set(schema["properties"])


def test_records_every_dev_record_validates_against_schema(shared_dev, tmp_path) -> None:
    from extractor.batch import run_batch

    summary = run_batch([shared_dev], tmp_path, workers=1)
    n_inputs = len(list(shared_dev.glob("*.txt")))
    assert summary.inputs == n_inputs == summary.records + summary.errors
    validator = jsonschema.Draft202012Validator(record_schema())
    lines = (tmp_path / "records.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == summary.records
    for line in lines:
        data = json.loads(line)
        validator.validate(data)
        rec = Communique.model_validate(data)
        text = (shared_dev / f"{rec.id}.txt").read_text(encoding="utf-8")
        rec.check_offsets(text)
