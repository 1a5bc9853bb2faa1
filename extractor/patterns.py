"""Loading and validating the data files under `patterns/`.

Every rule and lexicon lives there as JSONL or CSV. Files are read once per process through a
cached loader; each line is validated by a pydantic model that forbids unknown keys, so a typo
in a rule file fails loudly with the file, the line and the key.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from .errors import PatternError

ENV_VAR = "COMMUNIQUE_PATTERNS"
_PACKAGED_PATTERNS = Path(__file__).resolve().parent / "patterns_data"
"""Where a wheel or `pip install .` puts the repository's `patterns/` (setup.py maps it there)."""
_REPO_PATTERNS = Path(__file__).resolve().parent.parent / "patterns"
"""The repository's own folder, used by an editable install (which has no `patterns_data/`)."""


def patterns_dir() -> Path:
    """The folder holding the rule files.

    $COMMUNIQUE_PATTERNS when set; else the rules installed with the package (a wheel); else the
    repository's `patterns/` (an editable install or a checkout on `sys.path`).
    """
    env = os.environ.get(ENV_VAR)
    if env:
        path = Path(env)
    else:
        path = _PACKAGED_PATTERNS if _PACKAGED_PATTERNS.is_dir() else _REPO_PATTERNS
    if not path.is_dir():
        raise PatternError(path, f"patterns folder not found (set {ENV_VAR} to point at it)")
    return path


def resolve(name: str | Path) -> Path:
    """A pattern file path: absolute paths as given, others relative to `patterns_dir()`."""
    p = Path(name)
    return p if p.is_absolute() else patterns_dir() / p


class Rule(BaseModel):
    """One line of a JSONL rule file, in spaCy's `{"label", "pattern", "id"}` shape."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    label: str
    pattern: str | list[dict[str, Any]]
    comment: str | None = None


R = TypeVar("R", bound=BaseModel)

NEVER = r"(?!x)x"
"""A regex that matches nothing: what a union of no rules compiles to (a label left empty)."""


def union(patterns: Iterable[str | Rule], *, wrap: bool = False) -> str:
    """The alternation `a|b|c` of regexes or of rules' patterns, or `NEVER` when there are none.

    `wrap=True` puts each pattern in its own `(?:...)` group, for patterns that are themselves
    alternations or carry a top-level anchor. An empty alternation would match everywhere.
    """
    texts = (p if isinstance(p, str) else str(p.pattern) for p in patterns)
    return "|".join(f"(?:{t})" if wrap else t for t in texts) or NEVER


def _format_validation(err: ValidationError) -> str:
    parts = []
    for e in err.errors():
        loc = ".".join(str(x) for x in e["loc"]) or "(line)"
        if e["type"] == "extra_forbidden":
            parts.append(f"unknown key {loc!r}")
        else:
            parts.append(f"key {loc!r}: {e['msg']}")
    return "; ".join(parts)


def jsonl_objects(path: Path, lines: Iterable[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for each rule line; blank lines and `//` comments are skipped."""
    for lineno, line in enumerate(lines, start=1):
        line = line.strip()
        if not line or line.startswith("//"):
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as e:
            raise PatternError(path, f"not JSON: {e.msg}", lineno) from None
        if not isinstance(raw, dict):
            raise PatternError(path, "a rule line must be a JSON object", lineno)
        yield lineno, raw


def parse_jsonl(path: Path, model: type[R], lines: Iterable[str]) -> tuple[R, ...]:
    """Validate JSONL lines against `model`; blank lines and `//` comments are skipped."""
    out: list[R] = []
    seen: set[str] = set()
    for lineno, raw in jsonl_objects(path, lines):
        try:
            item = model.model_validate(raw)
        except ValidationError as e:
            raise PatternError(path, _format_validation(e), lineno) from None
        rid = getattr(item, "id", None)
        if rid is not None:
            if rid in seen:
                raise PatternError(path, f"duplicate id {rid!r}", lineno)
            seen.add(rid)
        out.append(item)
    return tuple(out)


@cache
def _load_jsonl_cached(path: Path, model: type[R], mtime: float) -> tuple[R, ...]:
    with path.open(encoding="utf-8") as fh:
        return parse_jsonl(path, model, fh)


def load_jsonl(name: str | Path, model: type[R] = Rule) -> tuple[R, ...]:  # type: ignore[assignment]
    """Load and validate a JSONL rule file once per process (reloaded if the file changed)."""
    path = resolve(name)
    if not path.is_file():
        raise PatternError(path, "pattern file not found")
    return _load_jsonl_cached(path, model, path.stat().st_mtime)


@cache
def _load_csv_cached(path: Path, required: tuple[str, ...], optional: tuple[str, ...], mtime: float
                     ) -> tuple[dict[str, str], ...]:
    rows: list[dict[str, str]] = []
    with path.open(encoding="utf-8", newline="") as fh:
        physical = [(n, line) for n, line in enumerate(fh, start=1) if not line.startswith("#")]
    # reader.line_num counts the lines fed to it; map it back to the file's own line numbers
    reader = csv.DictReader(line for _n, line in physical)
    header = reader.fieldnames or []
    header_line = physical[0][0] if physical else 1
    missing = [c for c in required if c not in header]
    if missing:
        raise PatternError(path, f"missing column(s) {missing}", header_line)
    unknown = [c for c in header if c not in required and c not in optional]
    if unknown:
        raise PatternError(path, f"unknown column(s) {unknown}", header_line)
    for row in reader:
        lineno = physical[reader.line_num - 1][0]
        if None in row:
            raise PatternError(path, "more fields than columns", lineno)
        for c in required:
            if not (row.get(c) or "").strip():
                raise PatternError(path, f"empty required column {c!r}", lineno)
        rows.append({k: (v or "").strip() for k, v in row.items()})
    return tuple(rows)


def load_csv(name: str | Path, required: Iterable[str], optional: Iterable[str] = ()
             ) -> tuple[dict[str, str], ...]:
    """Load a CSV lexicon once per process, checking its columns (lines starting with # skipped)."""
    path = resolve(name)
    if not path.is_file():
        raise PatternError(path, "lexicon file not found")
    return _load_csv_cached(path, tuple(required), tuple(optional), path.stat().st_mtime)


def patterns_sha256(directory: Path | None = None) -> str:
    """Digest of every file under the patterns folder, so a record names the rules that made it."""
    root = directory or patterns_dir()
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file() and not p.name.startswith("."):
            h.update(p.relative_to(root).as_posix().encode())
            h.update(b"\0")
            h.update(p.read_bytes())
    return h.hexdigest()


def by_label(rules: Iterable[R], labels: Iterable[str], source: str | Path,
             required: dict[str, str] | None = None, regex_key: str | None = "pattern") -> dict[str, list[R]]:
    """Rules grouped by label, each checked: a known label, its required key, a regex that compiles.

    `required` maps a label to the key its rules must set (`{"CURRENCY": "currency"}`). Errors name
    the file and the rule id, as every pattern error does.
    """
    import re

    out: dict[str, list[R]] = {label: [] for label in labels}
    for r in rules:
        rid = getattr(r, "id", "?")
        label = getattr(r, "label", None)
        if label not in out:
            raise PatternError(source, f"rule {rid!r}: unknown label {label!r}")
        key = (required or {}).get(label)
        if key and not getattr(r, key, None):
            raise PatternError(source, f"rule {rid!r}: a {label} rule needs {key!r}")
        if regex_key:
            try:
                re.compile(getattr(r, regex_key))
            except re.error as e:
                raise PatternError(source, f"rule {rid!r}: bad regex: {e}") from None
        out[label].append(r)
    return out
