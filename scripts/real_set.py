"""The real-news evaluation set: a facts-only manifest, texts pulled again into a git-ignored folder.

Third-party text never enters the repository: `eval/real/manifest.jsonl` holds, per excerpt, its
url, the `pages` query and rank that found it, the first and last words of the part kept, the
SHA-256 of the kept text and the gold annotations (spec §2). The texts live in
`eval/real/texts/<split>/` (git-ignored). This script checks pulled texts against the manifest and
writes each gold file beside its text, so that `communique eval eval/real/texts/tune` scores them.

usage:
  python scripts/real_set.py status              # which texts are there, which differ or are missing
  python scripts/real_set.py materialize         # write <id>.gold.json beside every pulled text
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "eval" / "real"
MANIFEST = ROOT / "manifest.jsonl"
TEXTS = ROOT / "texts"


def entries(manifest: Path = MANIFEST) -> list[dict]:
    """The manifest's rows, checked for the keys every row must have."""
    out = []
    for n, line in enumerate(manifest.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        missing = {"id", "split", "url", "query", "rank", "text_sha256", "gold"} - row.keys()
        if missing:
            raise SystemExit(f"{manifest}:{n}: missing keys {sorted(missing)}")
        if row["split"] not in ("tune", "held"):
            raise SystemExit(f"{manifest}:{n}: split must be tune or held, not {row['split']!r}")
        out.append(row)
    return out


def text_path(row: dict, texts: Path = TEXTS) -> Path:
    return texts / row["split"] / f"{row['id']}.txt"


def status(rows: list[dict], texts: Path = TEXTS) -> dict[str, list[str]]:
    """Ids whose text is present and identical, present but different, or missing."""
    out: dict[str, list[str]] = {"ok": [], "differs": [], "missing": []}
    for row in rows:
        p = text_path(row, texts)
        if not p.is_file():
            out["missing"].append(row["id"])
        elif hashlib.sha256(p.read_bytes()).hexdigest() != row["text_sha256"]:
            out["differs"].append(row["id"])
        else:
            out["ok"].append(row["id"])
    return out


def materialize(rows: list[dict], texts: Path = TEXTS) -> int:
    """Write the gold file beside each pulled text; returns how many were written."""
    n = 0
    for row in rows:
        p = text_path(row, texts)
        if p.is_file():
            gold = {"id": row["id"], **{k: v for k, v in row["gold"].items() if k != "id"}}
            p.with_name(f"{row['id']}.gold.json").write_text(
                json.dumps(gold, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            n += 1
    return n


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=["status", "materialize"])
    ap.add_argument("--manifest", type=Path, default=MANIFEST)
    ap.add_argument("--texts", type=Path, default=TEXTS)
    a = ap.parse_args(argv)
    rows = entries(a.manifest)
    if a.command == "status":
        st = status(rows, a.texts)
        for k, ids in st.items():
            print(f"{k}: {len(ids)}" + (f"  {' '.join(ids)}" if ids and k != "ok" else ""))
        return 0 if not st["missing"] else 1
    print(f"{materialize(rows, a.texts)} gold files written under {a.texts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
