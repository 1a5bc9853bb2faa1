"""Review flags: the data file is validated, detectors mark what a reviewer should check, eval measures them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor.errors import PatternError
from extractor.flag_eval import flag_precision, flag_table
from extractor.flags import FlagDef, add_flag, apply_flags, explain, load_flags
from extractor.records import Communique

TEXT = ("Tiznit, 12 mai 2021 (MAP) - L'INDH a débloqué 3 MDH à Tiznit. "
        "Une enveloppe de 2 MDH est prévue. Le ministère a aussi participé.")


def _record(**over) -> Communique:
    """A hand-made record of TEXT: the INDH pays 3 MDH in its sentence, and 2 MDH in a sentence naming nobody."""
    base = {
        "id": "doc", "source": "doc.txt", "text_sha256": "0" * 64,
        "extractor": {"version": "t", "model": "m", "patterns_sha256": "p"},
        "amounts": [
            {"text": "3 MDH", "start": 46, "end": 51, "value": 3e6, "currency": "MAD", "rule": "currency.mdh"},
            {"text": "2 MDH", "start": 79, "end": 84, "value": 2e6, "currency": "MAD", "rule": "bare.after"},
        ],
        "places": [{"name": "Tiznit", "type": "city", "mentions": [{"text": "Tiznit", "start": 54, "end": 60}]},
                   {"name": "Souss", "type": "other", "mentions": []}],
        "organizations": [
            {"name": "Initiative nationale pour le développement humain", "acronym": "INDH", "kind": "programme",
             "roles": ["funder", "implementer"], "mentions": [{"text": "INDH", "start": 30, "end": 34}],
             "rule": "known.indh"},
            {"name": "ministère", "kind": "public_body", "roles": ["mentioned"],
             "mentions": [{"text": "ministère", "start": 100, "end": 109}], "rule": "org.ministere.bare"},
        ],
        "allocations": [
            {"amount": {"text": "3 MDH", "start": 46, "end": 51, "value": 3e6, "currency": "MAD"}, "amount_index": 0,
             "funder": "INDH", "places": ["Tiznit"], "evidence": {"text": TEXT[28:61], "start": 28, "end": 61}},
            {"amount": {"text": "2 MDH", "start": 79, "end": 84, "value": 2e6, "currency": "MAD"}, "amount_index": 1,
             "funder": "INDH", "places": ["Tiznit"], "part_of": 0,
             "evidence": {"text": TEXT[62:96], "start": 62, "end": 96}},
        ],
    }
    base.update(over)
    return Communique.model_validate(base)


def _all_on() -> tuple[FlagDef, ...]:
    return tuple(d.model_copy(update={"enabled": True}) for d in load_flags())


def test_every_flag_in_the_data_file_has_one_line_of_explanation_and_a_known_kind():
    defs = load_flags()
    assert len({d.code for d in defs}) == len(defs) >= 10
    assert explain("funder_inherited").startswith("funder taken from the document")


@pytest.mark.parametrize("line, message", [
    ('{"code": "funder_inherited", "applies_to": "allocation", "text": "x", "colour": "red"}', "unknown key 'colour'"),
    ('{"code": "no_such_flag", "applies_to": "allocation", "text": "x"}', "unknown flag code 'no_such_flag'"),
    ('{"code": "funder_inherited", "applies_to": "place", "text": "x"}', "applies to allocation, not place"),
    ('{"code": "funder_inherited", "applies_to": "allocation", "text": ""}', "one non-empty line"),
])
def test_a_bad_flag_line_fails_with_file_and_line(tmp_path: Path, line: str, message: str):
    f = tmp_path / "flags.jsonl"
    f.write_text('// comment\n{"code": "generic_head", "applies_to": "organization", "text": "ok"}\n' + line + "\n")
    with pytest.raises(PatternError) as e:
        load_flags(str(f))
    assert f"{f}:3" in str(e.value) and message in str(e.value)


def test_a_flag_code_listed_twice_is_rejected(tmp_path: Path):
    f = tmp_path / "flags.jsonl"
    row = '{"code": "generic_head", "applies_to": "organization", "text": "ok"}\n'
    f.write_text(row + row)
    with pytest.raises(PatternError, match="duplicate id 'generic_head'"):
        load_flags(str(f))


def test_allocation_flags_mark_a_funder_the_sentence_does_not_name():
    rec = apply_flags(_record(), defs=_all_on())
    first, second = rec.allocations
    assert "funder_inherited" not in first.flags and "place_inherited" not in first.flags
    assert {"funder_inherited", "place_inherited", "funder_also_implementer"} <= set(second.flags)


def test_shares_that_do_not_add_up_to_their_total_are_flagged_on_total_and_share():
    rec = apply_flags(_record(), defs=_all_on())
    assert all("shares_mismatch" in a.flags for a in rec.allocations)  # 2 MDH of a 3 MDH total
    rec = _record()
    rec.allocations[1].amount.value = rec.amounts[1].value = 3e6
    apply_flags(rec, defs=_all_on())
    assert not any("shares_mismatch" in a.flags for a in rec.allocations)


def test_amount_org_place_flags_and_the_allocation_amount_carries_its_amount_flags():
    rec = apply_flags(_record(), defs=_all_on())
    assert rec.amounts[1].flags == ["currency_from_context"] and rec.amounts[0].flags == []
    assert rec.allocations[1].amount.flags == ["currency_from_context"]
    assert rec.organizations[1].flags == ["generic_head"] and rec.organizations[0].flags == []
    assert rec.places[1].flags == ["place_type_other"] and rec.places[0].flags == []


def test_disabled_flags_are_not_written_unless_asked_for():
    defs = tuple(d.model_copy(update={"enabled": d.code != "funder_inherited"}) for d in load_flags())
    rec = apply_flags(_record(), defs=defs)
    assert "funder_inherited" not in rec.allocations[1].flags
    rec = apply_flags(_record(), defs=defs, include_disabled=True)
    assert "funder_inherited" in rec.allocations[1].flags


def test_batch_flags_survive_recomputation_and_follow_the_data_file_order():
    rec = _record()
    assert add_flag(rec.allocations[1], "duplicate_allocation")
    assert not add_flag(rec.allocations[1], "duplicate_allocation")
    apply_flags(rec, defs=_all_on())
    flags = rec.allocations[1].flags
    assert "duplicate_allocation" in flags and flags.index("funder_inherited") < flags.index("duplicate_allocation")


def test_flag_precision_tells_a_flag_that_marks_wrong_values_from_one_that_does_not():
    rec = _record().model_dump(mode="json")
    gold = {"allocations": [
        {"amount": {"value": 3e6, "currency": "MAD"}, "funder": "INDH", "places": ["Tiznit"]},
        {"amount": {"value": 2e6, "currency": "MAD"}, "funder": "ministère", "places": ["Tiznit"]},
    ], "amounts": [{"value": 3e6, "currency": "MAD"}, {"value": 2e6, "currency": "MAD"}]}
    stats = flag_precision({"doc": gold}, {"doc": rec})
    fi = stats["funder_inherited"]
    assert (fi.flagged, fi.flagged_ok, fi.unflagged, fi.unflagged_ok) == (1, 0, 1, 1)
    assert fi.verdict == "says something"
    assert stats["place_inherited"].verdict == "says nothing"  # flagged place is right too
    assert stats["currency_from_context"].verdict == "says nothing"
    assert stats["acronym_only"].verdict == "never fired"
    assert "funder_inherited" in flag_table(stats).splitlines()[1]


def test_eval_per_doc_prints_flag_precision(tmp_path: Path, capsys):
    from extractor.cli import main

    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    (gold_dir / "doc.txt").write_text(TEXT)
    (gold_dir / "doc.gold.json").write_text(json.dumps({"allocations": [
        {"amount": {"value": 3e6, "currency": "MAD"}, "funder": "INDH", "places": ["Tiznit"]}]}))
    recs = tmp_path / "records.jsonl"
    recs.write_text(_record().model_dump_json() + "\n")
    assert main(["eval", str(gold_dir), "--records", str(recs), "--per-doc"]) == 0
    out = capsys.readouterr().out
    assert "P flagged" in out and "funder_inherited" in out
