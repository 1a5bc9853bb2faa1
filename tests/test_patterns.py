"""Pattern files: every JSONL/CSV under patterns/ loads; malformed lines fail with file, line and key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ConfigDict

from extractor.errors import PatternError
from extractor.normalizers.amounts import AmountGrammar, AmountRule
from extractor.normalizers.dates import DateRule
from extractor.patterns import Rule, load_csv, load_jsonl, parse_jsonl, patterns_dir, patterns_sha256


def test_patterns_amounts_and_dates_files_load() -> None:
    amounts = load_jsonl("amounts.jsonl", AmountRule)
    dates = load_jsonl("dates.jsonl", DateRule)
    assert {r.label for r in amounts} >= {"CURRENCY", "SCALE", "QUALIFIER", "RANGE"}
    assert sum(r.label == "MONTH" for r in dates) == 12
    assert len({r.id for r in amounts}) == len(amounts)


class _Loose(Rule):
    """Accept any extra key: this test checks the common rule shape only."""

    model_config = ConfigDict(extra="allow", frozen=True)


def test_patterns_every_jsonl_file_has_the_rule_shape() -> None:
    from extractor.flags import FlagDef

    own_shape = {"flags.jsonl": FlagDef}  # review flags: {code, applies_to, text, enabled}, not rules
    for path in sorted(patterns_dir().rglob("*.jsonl")):
        assert load_jsonl(path, own_shape.get(path.name, _Loose)), path


def test_patterns_unknown_key_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "label": "SCALE", "pattern": "x", "scale": 2}\n'
                   '{"id": "b", "label": "SCALE", "pattern": "y", "scael": 3}\n', encoding="utf-8")
    with pytest.raises(PatternError) as exc:
        load_jsonl(bad, AmountRule)
    msg = str(exc.value)
    assert "bad.jsonl:2" in msg and "scael" in msg


@pytest.mark.parametrize(
    "content,needle",
    [
        pytest.param('{"id": "a", "label": "X"}\n', "pattern", id="missing-key"),
        pytest.param('{"id": "a", "label": "X", "pattern": "p"\n', "not JSON", id="broken-json"),
        pytest.param('["a"]\n', "JSON object", id="not-an-object"),
        pytest.param('{"id": "a", "label": "X", "pattern": "p"}\n{"id": "a", "label": "X", "pattern": "q"}\n',
                     "duplicate id", id="duplicate-id"),
    ],
)
def test_patterns_malformed_lines_rejected(content: str, needle: str) -> None:
    with pytest.raises(PatternError) as exc:
        parse_jsonl(Path("rules.jsonl"), Rule, content.splitlines())
    assert needle in str(exc.value) and "rules.jsonl:" in str(exc.value)


def test_patterns_bad_regex_and_label_rejected() -> None:
    rules = (AmountRule(id="c", label="CURRENCY", pattern="(", currency="MAD"),)
    with pytest.raises(PatternError, match="bad regex"):
        AmountGrammar(rules, "t.jsonl")
    with pytest.raises(PatternError, match="unknown label"):
        AmountGrammar((AmountRule(id="z", label="NOPE", pattern="x"),), "t.jsonl")
    with pytest.raises(PatternError, match="needs 'currency'"):
        AmountGrammar((AmountRule(id="z", label="CURRENCY", pattern="x"),), "t.jsonl")


def test_patterns_csv_columns_checked(tmp_path: Path) -> None:
    f = tmp_path / "lex.csv"
    f.write_text("name,variants,colour\nA,a,red\n", encoding="utf-8")
    with pytest.raises(PatternError, match="unknown column"):
        load_csv(f, ["name"], ["variants"])
    g = tmp_path / "lex2.csv"
    g.write_text("name,variants\n,a\n", encoding="utf-8")
    with pytest.raises(PatternError, match=r"lex2.csv:2: empty required column 'name'"):
        load_csv(g, ["name"], ["variants"])


def test_patterns_digest_changes_with_content(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text("{}\n", encoding="utf-8")
    first = patterns_sha256(tmp_path)
    (tmp_path / "a.jsonl").write_text("{} \n", encoding="utf-8")
    assert patterns_sha256(tmp_path) != first


def test_patterns_amounts_lexicon_extends_without_code(tmp_path: Path) -> None:
    src = (patterns_dir() / "amounts.jsonl").read_text(encoding="utf-8")
    extra = '{"id": "currency.mru", "label": "CURRENCY", "pattern": "ouguiyas?", "currency": "MRU"}\n'
    f = tmp_path / "amounts.jsonl"
    f.write_text(extra + src, encoding="utf-8")
    g = AmountGrammar(load_jsonl(f, AmountRule), str(f))
    [a] = g.find("un don de 40.000 ouguiyas")
    assert (a.value, a.currency, a.rule) == (40_000, "MRU", "currency.mru")


def test_patterns_csv_errors_count_comment_lines(tmp_path: Path) -> None:
    f = tmp_path / "lex3.csv"
    f.write_text("# a comment\n# another\nname,variants\nA,a\n,b\n", encoding="utf-8")
    with pytest.raises(PatternError, match=r"lex3.csv:5: empty required column 'name'"):
        load_csv(f, ["name"], ["variants"])
    g = tmp_path / "lex4.csv"
    g.write_text("# comment\nname,colour\nA,red\n", encoding="utf-8")
    with pytest.raises(PatternError, match=r"lex4.csv:2: unknown column"):
        load_csv(g, ["name"], [])


def test_patterns_union_of_no_rule_matches_nothing_and_wraps_on_request() -> None:
    from extractor.patterns import NEVER, union

    assert union([]) == NEVER and re.search(union([]), "x (?!x)x anything") is None
    assert union(["a|b", "c"]) == "a|b|c"
    assert union(["^a|b", Rule(id="r", label="L", pattern="c$")], wrap=True) == "(?:^a|b)|(?:c$)"
    assert re.fullmatch(union(["^a|b", "c"], wrap=True) + "d", "cd")
