"""Gold sets on disk: gold files and records read, floors raised and checked, gold texts extracted.

A gold set is a folder of `NAME.txt` + `NAME.gold.json`; its F1 floors live in a thresholds file
(`tests/thresholds.json`) under the folder's path from the project root, and only move up.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from pathlib import Path

from .compare import Json
from .document import FIELDS, Report


def gold_files(dirs: Iterable[str | Path]) -> dict[str, Path]:
    """`NAME -> NAME.gold.json` for every gold file in the folders (not recursive), later folders winning."""
    out: dict[str, Path] = {}
    for d in dirs:
        for f in sorted(Path(d).glob("*.gold.json")):
            out[f.name[: -len(".gold.json")]] = f
    return out


def load_gold(dirs: Iterable[str | Path]) -> dict[str, Json]:
    """Gold annotations by file stem."""
    return {name: json.loads(path.read_text(encoding="utf-8")) for name, path in gold_files(dirs).items()}


def load_records(path: str | Path) -> dict[str, Json]:
    """Records of a `records.jsonl`, by id."""
    out: dict[str, Json] = {}
    with Path(path).open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                r = json.loads(line)
                out[str(r.get("id"))] = r
    return out


# --- floors -------------------------------------------------------------------------------------

def floor2(x: float) -> float:
    """Round down to 2 decimals (0.987 -> 0.98), robust to float noise (0.29 stays 0.29)."""
    return math.floor(round(x * 100, 6)) / 100


def raise_floors(floors: Mapping[str, float], report: Report) -> dict[str, float]:
    """New floors: today's scored F1s rounded down, never below the old floors; unscored fields unset."""
    out = dict(floors)
    for f in FIELDS:
        c = report.totals[f]
        if c.scored:
            out[f] = max(out.get(f, 0.0), floor2(c.f1))
    out["_core_macro_f1"] = max(out.get("_core_macro_f1", 0.0), floor2(report.core_macro_f1))
    return {f: out[f] for f in (*FIELDS, "_core_macro_f1") if f in out}


def broken_floors(floors: Mapping[str, float], report: Report) -> list[str]:
    """`field: F1 0.812 < floor 0.85` for each field below its floor."""
    got = {f: report.totals[f].f1 for f in FIELDS} | {"_core_macro_f1": report.core_macro_f1}
    return [f"{f}: F1 {got[f]:.4f} < floor {floor:.2f}" for f, floor in floors.items()
            if f in got and got[f] + 1e-9 < floor]


# --- extracting a gold set ----------------------------------------------------------------------

def gold_texts(dirs: Iterable[str | Path]) -> tuple[list[Path], list[str]]:
    """The text beside each gold file (`NAME.txt`, or another readable suffix), and the names without one."""
    from ..io import suffixes

    texts: list[Path] = []
    orphans: list[str] = []
    for name, gold in gold_files(dirs).items():
        text = next((gold.with_name(name + s) for s in suffixes() if gold.with_name(name + s).is_file()), None)
        if text is None:
            orphans.append(name)
        else:
            texts.append(text)
    return texts, orphans


def extract_gold_set(dirs: Iterable[str | Path], *, workers: int = 1, model: str | None = None,
                     fast: bool = False) -> tuple[dict[str, Json], list[str]]:
    """Records (by id) of the texts of the gold folders, and the failures as `id: message` lines."""
    from ..pipeline import DEFAULT_MODEL
    from ..runner import Options, iter_results

    texts, _ = gold_texts(dirs)
    records: dict[str, Json] = {}
    failures: list[str] = []
    options = Options(model=model or DEFAULT_MODEL, fast=fast)
    for res in iter_results(texts, options, workers=max(1, min(workers, len(texts) or 1))):
        if res.record_json is not None:
            records[res.id or ""] = json.loads(res.record_json)
        else:
            failures.append(f"{res.id or res.source}: {res.failure.message if res.failure else 'no record'}")
    return records, failures


def threshold_set_name(gold_dir: str | Path, thresholds: str | Path) -> str:
    """How a gold folder is named in a thresholds file: its path from the project root (the file's grandparent)."""
    import os

    root = Path(thresholds).resolve().parent.parent
    return Path(os.path.relpath(Path(gold_dir).resolve(), root)).as_posix()


def load_thresholds(path: str | Path) -> Json:
    p = Path(path)
    return json.loads(p.read_text(encoding="utf-8")) if p.is_file() else {"sets": {}}


def update_thresholds(path: str | Path, set_name: str, report: Report) -> dict[str, float]:
    """Raise (never lower) the floors of one gold set in a thresholds file; returns the new floors."""
    data = load_thresholds(path)
    sets = data.setdefault("sets", {})
    sets[set_name] = raise_floors(sets.get(set_name, {}), report)
    Path(path).write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return sets[set_name]
