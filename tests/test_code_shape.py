"""The code stays easy to change: modules of one screenful of ideas, short functions (issue 11 §3).

Modules over 400 lines and functions over 50 lines are allowed only where `tests/code_shape.json`
lists them, at most at the size it records. The list only shrinks: splitting a module or a function
means lowering or removing its line; a new offender, or one that grew, fails here.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "extractor"
ALLOW = json.loads((Path(__file__).parent / "code_shape.json").read_text(encoding="utf-8"))
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 50


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _rel(p: Path) -> str:
    return p.relative_to(ROOT).as_posix()


def test_code_shape_no_module_over_its_allowance() -> None:
    over = {}
    for p in _modules():
        n = len(p.read_text(encoding="utf-8").splitlines())
        if n > ALLOW["modules"].get(_rel(p), MAX_MODULE_LINES):
            over[_rel(p)] = n
    assert not over, f"modules over {MAX_MODULE_LINES} lines (or over their allowance): {over}"


def test_code_shape_no_function_over_its_allowance() -> None:
    over = {}
    for p in _modules():
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = node.end_lineno - node.lineno + 1
                key = f"{_rel(p)}:{node.name}"
                if n > ALLOW["functions"].get(key, MAX_FUNCTION_LINES):
                    over[key] = n
    assert not over, f"functions over {MAX_FUNCTION_LINES} lines (or over their allowance): {over}"


@pytest.mark.parametrize("kind", ["modules", "functions"])
def test_code_shape_allowances_name_real_offenders_only(kind: str) -> None:
    """An allowance whose module or function shrank under the limit (or vanished) must be removed."""
    sizes: dict[str, int] = {}
    for p in _modules():
        src = p.read_text(encoding="utf-8")
        sizes[_rel(p)] = len(src.splitlines())
        for node in ast.walk(ast.parse(src)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                key = f"{_rel(p)}:{node.name}"
                sizes[key] = max(sizes.get(key, 0), node.end_lineno - node.lineno + 1)
    limit = MAX_MODULE_LINES if kind == "modules" else MAX_FUNCTION_LINES
    stale = [k for k in ALLOW[kind] if sizes.get(k, 0) <= limit]
    assert not stale, f"remove these {kind} from tests/code_shape.json: {stale}"
