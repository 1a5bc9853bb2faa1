"""Pattern files stay readable: a long regex is a verbose `(?x: ...)` pattern, one commented part a line."""

from __future__ import annotations

import json
import re
from pathlib import Path

from extractor.patterns import patterns_dir

LONGEST_SINGLE_LINE = 200
# word lists split on '|' by their loader, not regexes: a line break is allowed, a `(?x:` group is not
_WORD_LIST_LABELS = {"PLACE_VERB"}


def _patterns(path: Path) -> list[tuple[int, dict]]:
    """(line number, rule) for every JSON rule line of a pattern file (comment lines skipped)."""
    out = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.lstrip().startswith("{"):
            out.append((lineno, json.loads(line)))
    return out


def _long_single_lines(root: Path) -> list[str]:
    """`file:line id` of every string pattern longer than the limit and written on one line."""
    return [f"{path.relative_to(root)}:{lineno} {rule.get('id')}"
            for path in sorted(root.rglob("*.jsonl")) for lineno, rule in _patterns(path)
            if isinstance(rule.get("pattern"), str) and "\n" not in rule["pattern"]
            and len(rule["pattern"]) > LONGEST_SINGLE_LINE]


def test_patterns_no_single_line_pattern_over_200_characters() -> None:
    assert _long_single_lines(patterns_dir()) == []


def test_patterns_shape_check_finds_a_long_single_line(tmp_path: Path) -> None:
    long = "|".join(f"mot{i}" for i in range(60))
    (tmp_path / "x.jsonl").write_text(
        "// header\n" + json.dumps({"id": "a.long", "label": "X", "pattern": long}) + "\n"
        + json.dumps({"id": "a.verbose", "label": "X", "pattern": "(?x:\n  " + long + "  # words\n)"}) + "\n",
        encoding="utf-8")
    assert _long_single_lines(tmp_path) == ["x.jsonl:2 a.long"]


def test_patterns_multiline_regexes_are_self_contained_verbose_groups() -> None:
    for path in sorted(patterns_dir().rglob("*.jsonl")):
        for lineno, rule in _patterns(path):
            pattern = rule.get("pattern")
            if not isinstance(pattern, str) or "\n" not in pattern or rule.get("label") in _WORD_LIST_LABELS:
                continue
            where = f"{path.name}:{lineno} {rule.get('id')}"
            assert pattern.startswith("(?x:\n") and pattern.endswith("\n)"), where
            # compiles alone and inside a non-verbose union, as every loader uses it
            plain = re.sub(r"\{[A-Z0-9_]+(?::[^{}]+)?\}", "x", pattern)
            re.compile(plain, re.IGNORECASE)
            assert re.compile(rf"^(?:a b|{plain})$", re.IGNORECASE).match("a b"), where


def test_patterns_macros_read_the_same_inside_verbose_and_plain_patterns() -> None:
    # a macro is pasted into role patterns, verbose or not: a blank or `#` in it must not change meaning
    from re import _parser as sre  # type: ignore[attr-defined]

    grammar = patterns_dir() / "organizations" / "grammar.jsonl"
    macros = [rule for _, rule in _patterns(grammar) if rule.get("label") == "MACRO"]
    assert macros
    for rule in macros:
        piece = rule["pattern"]
        plain = sre.parse(f"(?:{piece})", re.IGNORECASE)
        verbose = sre.parse(f"(?x:(?:{piece}))", re.IGNORECASE)
        assert str(verbose.data[0][1][3].data) == str(plain.data), rule["id"]
