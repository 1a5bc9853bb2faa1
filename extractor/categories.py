"""The beneficiary categories, read from the data file (`CATEGORY` lines of beneficiaries.jsonl).

The contract's category list "lives in a data file and grows without code changes": the record
model checks `Beneficiary.category` against it and the JSON Schema lists it as an enum, as it
lists place types and organisation kinds.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from .errors import PatternError
from .patterns import jsonl_objects, resolve

BENEFICIARIES_FILE = "beneficiaries.jsonl"
_CODE = re.compile(r"[a-z][a-z0-9_]*")


@cache
def _read(path: Path, mtime: float) -> tuple[tuple[str, ...], dict[str, int]]:
    codes: list[str] = []
    lines: dict[str, int] = {}
    with path.open(encoding="utf-8") as fh:
        for lineno, rule in jsonl_objects(path, fh):
            if isinstance(rule.get("id"), str):
                lines.setdefault(rule["id"], lineno)
            if rule.get("label") == "CATEGORY":
                code = rule.get("pattern")
                if not isinstance(code, str) or not _CODE.fullmatch(code):
                    raise PatternError(path, f"a CATEGORY code must be a snake_case word, not {code!r}", lineno)
                codes.append(code)
    return tuple(codes), lines


def _load(name: str | Path) -> tuple[tuple[str, ...], dict[str, int]]:
    path = resolve(name)
    if not path.is_file():
        raise PatternError(path, "pattern file not found")
    return _read(path, path.stat().st_mtime)


def beneficiary_categories(name: str | Path = BENEFICIARIES_FILE) -> tuple[str, ...]:
    """The category codes, in file order (read once per process, again if the file changes)."""
    return _load(name)[0]


def rule_line(name: str | Path, rule_id: str) -> int | None:
    """The line of the rule `rule_id` in a beneficiaries file, for error messages."""
    return _load(name)[1].get(rule_id)
