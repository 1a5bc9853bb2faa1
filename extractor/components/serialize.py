"""`to_disk` / `from_disk` for the project's components, so `nlp.to_disk` + `spacy.load` round-trips.

A component's settings (rule file names, span keys, windows) are its factory config, which spaCy
writes to `config.cfg` itself. Its rules are the installed ones (or `$COMMUNIQUE_PATTERNS`): the
saved pipeline references them, and records the digest of the rules it was saved with, so loading
it over different rules warns instead of silently giving other records.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

from ..patterns import patterns_dir, patterns_sha256

Later = Callable[[], dict[str, Any]]
"""A component's `export`, with what it reads of a Doc already taken (`detach(doc)`): called once the
Doc is gone, it gives the same fields (a long text's Doc and its exported values are never together)."""

RULES_FILE = "rules.json"
_warned: set[tuple[str, str]] = set()
"""(saved digest, active digest) pairs already warned about: one warning per pipeline, not per component."""


@cache
def _digest(directory: Path, stamp: tuple[tuple[str, int], ...]) -> str:
    return patterns_sha256(directory)


def current_rules() -> dict[str, str]:
    """The active rules folder and its digest (recomputed only when a file in it changes)."""
    root = patterns_dir()
    stamp = tuple(sorted((p.as_posix(), p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file()))
    return {"patterns_sha256": _digest(root, stamp), "patterns_dir": str(root)}


class InstalledRules:
    """Mixin: saves which rules a component ran with; warns on load when the active rules differ."""

    name: str

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / RULES_FILE).write_text(json.dumps(current_rules(), indent=2) + "\n", encoding="utf-8")

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> InstalledRules:
        saved_file = Path(path) / RULES_FILE
        if saved_file.is_file():
            saved = json.loads(saved_file.read_text(encoding="utf-8"))
            now = current_rules()
            pair = (str(saved.get("patterns_sha256")), now["patterns_sha256"])
            if pair[0] != pair[1] and pair not in _warned:
                _warned.add(pair)
                warnings.warn(f"{self.name}: the pipeline was saved with other rules ({saved.get('patterns_dir')}) "
                              f"than the active ones ({now['patterns_dir']}): records may differ",
                              UserWarning, stacklevel=2)
        return self
