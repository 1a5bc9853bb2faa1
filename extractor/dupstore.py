"""The batch's per-document data and duplicate pass on disk, so the parent's memory does not grow with
the number of documents.

`run_batch` keeps, per document of a run, its id (to refuse a second input with the same id), where
its record line is in the partial file, its text's MinHash signature and, on a re-run, where the
reusable record of an earlier run is; the duplicate pass then needs every record's date and allocation
keys, the groups of near-duplicates and the allocation links. All of it lives in a SQLite database
(standard library) in a new file of OUTDIR, created like the run's other temporary files
(`outdir.create_new`: random name, mode 600, never through a link) and removed when the run ends (a
killed run's is removed by the next one, `outdir.remove_leftovers`).

The passes are the in-memory ones of `extractor.dupes` (`find_groups`, `link_allocations`,
`Plan.line`) done as SQL look-ups and streaming scans: band equality is a GROUP BY over band
columns, earlier allocations are found through indexes by key and story or by key and day. The
records written are the same, byte for byte (tests/test_dupstore.py compares them on seeded batches).
What stays in memory per document is the union-find of the groups, 17 bytes a document (170 KB at
10 000 documents); SQLite's page cache is bounded (`CACHE_KIB`).
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import sqlite3
from array import array
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from .dupes import DATE_WINDOW_DAYS, THRESHOLD, DocInfo, State, bands, stamped, state_of
from .outdir import create_new

STORE_PREFIX, STORE_SUFFIX = ".dupes.", ".sqlite"
"""The database's name in OUTDIR: `.dupes.<random hex>.sqlite` (see `outdir.remove_leftovers`)."""
CACHE_KIB = 4096
"""SQLite's page cache, in KiB: what the database may hold in memory whatever its size."""
COMMIT_EVERY = 2048
"""Documents noted per transaction while results stream in."""

_SCHEMA = """
CREATE TABLE prev(id BLOB PRIMARY KEY, key TEXT, file INTEGER, pos INTEGER, length INTEGER) WITHOUT ROWID;
CREATE TABLE doc(id BLOB PRIMARY KEY, pos INTEGER, length INTEGER, sig BLOB) WITHOUT ROWID;
CREATE TABLE rec(row INTEGER PRIMARY KEY, id BLOB, undated INTEGER, dkey TEXT, day INTEGER,
                 pos INTEGER, length INTEGER, sig BLOB, state TEXT);
CREATE TABLE info(row INTEGER, idx INTEGER, funder BLOB, value TEXT, currency BLOB, places TEXT,
                  PRIMARY KEY (row, idx)) WITHOUT ROWID;
CREATE TABLE band(b INTEGER, key BLOB, row INTEGER);
CREATE TABLE grp(row INTEGER PRIMARY KEY, first INTEGER);
CREATE TABLE al(seq INTEGER PRIMARY KEY, row INTEGER, idx INTEGER, story INTEGER, day INTEGER, funder BLOB,
                value TEXT, currency BLOB, places TEXT, to_row INTEGER, to_idx INTEGER);
CREATE INDEX al_story ON al(funder, value, currency, story);
CREATE INDEX al_day ON al(funder, value, currency, day);
CREATE INDEX al_row ON al(row);
"""
_BY_DATE = "ORDER BY r.undated, r.dkey, r.id"
"""Documents first by date (undated last), then id: `dupes._order`, in SQL (UTF-8 bytes sort as code points)."""


def _b(s: str) -> bytes:
    """A string as stored: UTF-8 bytes (a file name's undecodable bytes kept), ordered as Python orders str."""
    return s.encode("utf-8", "surrogatepass")


def _s(b: bytes) -> str:
    return b.decode("utf-8", "surrogatepass")


class Known(NamedTuple):
    """Where a reusable record is: its reuse key (see `runner.reuse_key`) and its line's place in one
    of the old files."""

    key: str
    file: int
    pos: int
    length: int


class KnownKeys(Mapping[str, str]):
    """`id -> reuse key` of the reusable records noted in a store (`runner.iter_results`' `known`)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        self._len = db.execute("SELECT count(*) FROM prev").fetchone()[0]

    def __getitem__(self, rid: str) -> str:
        row = self._db.execute("SELECT key FROM prev WHERE id = ?", (_b(rid),)).fetchone()
        if row is None:
            raise KeyError(rid)
        return row[0]

    def __iter__(self) -> Iterator[str]:
        return (_s(b) for (b,) in self._db.execute("SELECT id FROM prev ORDER BY id"))

    def __len__(self) -> int:
        return self._len


Read = Callable[[int, int], bytes]
"""The record line at (position, length) of the run's partial file."""


class DupStore:
    """The run's per-document data and duplicate pass, in a temporary SQLite file of `folder`.

    Use as a context manager: the file is removed on exit, whatever happened. Streaming phase:
    `claim(id)` then `place(id, pos, length, signature)` per record line written; then `build(read)`
    once, and `lines(read, defs)` gives the record lines sorted by id with their duplicate fields set.
    """

    def __init__(self, folder: Path) -> None:
        self.path, fh = create_new(folder, STORE_PREFIX, STORE_SUFFIX)
        fh.close()
        try:
            self.db = sqlite3.connect(self.path.absolute().as_uri() + "?mode=rw", uri=True, isolation_level=None)
            for pragma in ("journal_mode=OFF", "synchronous=OFF", "temp_store=FILE", f"cache_size=-{CACHE_KIB}"):
                self.db.execute(f"PRAGMA {pragma}")
            self.db.executescript(_SCHEMA)
        except BaseException:
            self.close()
            raise
        self._pending = 0
        self.db.execute("BEGIN")

    def __enter__(self) -> DupStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the database and remove its file (a link planted in its place is removed, never followed)."""
        with contextlib.suppress(AttributeError, sqlite3.Error):
            self.db.close()
        for suffix in ("", "-journal"):
            with contextlib.suppress(OSError):
                os.unlink(f"{self.path}{suffix}")

    def remember(self, rid: str, known: Known) -> None:
        """Note a reusable record of an earlier run (a later note of the same id wins)."""
        self.db.execute("INSERT OR REPLACE INTO prev VALUES (?, ?, ?, ?, ?)", (_b(rid), *known))

    def previous(self, rid: str) -> Known | None:
        row = self.db.execute("SELECT key, file, pos, length FROM prev WHERE id = ?", (_b(rid),)).fetchone()
        return None if row is None else Known(*row)

    def known(self) -> KnownKeys:
        """The reusable records noted, as `id -> reuse key` (read once they are all noted)."""
        return KnownKeys(self.db)

    def claim(self, rid: str) -> bool:
        """Note that a result has id `rid`; False when an earlier result of the run already had it."""
        taken = self.db.execute("INSERT OR IGNORE INTO doc VALUES (?, NULL, NULL, NULL)", (_b(rid),)).rowcount == 0
        self._pending += 1
        if self._pending >= COMMIT_EVERY:
            self.db.execute("COMMIT")
            self.db.execute("BEGIN")
            self._pending = 0
        return not taken

    def place(self, rid: str, pos: int, length: int, sig: bytes | None) -> None:
        """Where the record line of `rid` (claimed) is in the partial file, and its text's signature."""
        self.db.execute("UPDATE doc SET pos = ?, length = ?, sig = ? WHERE id = ?", (pos, length, sig, _b(rid)))

    def build(self, read: Read) -> None:
        """The duplicate pass: records' dates, states and allocation keys, groups, allocation links."""
        self._records(read)
        self._groups()
        self._links()
        self.db.execute("COMMIT")
        self.db.execute("BEGIN")

    def _records(self, read: Read) -> None:
        """One scan of the record lines by id: what `DocInfo` and `state_of` read of each, and its bands."""
        n_bands, rows = bands()
        width = rows * 4
        cur = self.db.execute("SELECT id, pos, length, sig FROM doc WHERE pos IS NOT NULL ORDER BY id")
        for row, (bid, pos, length, sig) in enumerate(cur):
            rec = json.loads(read(pos, length))
            info = DocInfo.of(rec)
            day = _dt.date.fromisoformat(info.date).toordinal() if info.date else 0
            self.db.execute("INSERT INTO rec VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            (row, bid, info.date is None, info.date or "", day, pos, length, sig,
                             json.dumps(state_of(rec))))
            self.db.executemany("INSERT INTO info VALUES (?, ?, ?, ?, ?, ?)",
                                [(row, i, _b(k[0]), str(k[1]), _b(k[2]), json.dumps(sorted(p)))
                                 for i, (k, p) in enumerate(info.allocations)])
            if sig is not None:
                self.db.executemany("INSERT INTO band VALUES (?, ?, ?)",
                                    [(b, sig[b * width:(b + 1) * width], row) for b in range(n_bands)])
        self.db.execute("CREATE INDEX rec_order ON rec(undated, dkey, id)")
        self.db.execute("CREATE INDEX band_key ON band(b, key)")

    def _groups(self) -> None:
        """`dupes.find_groups` on disk: rows equal on a band are candidates, joined when their signatures
        agree on `THRESHOLD` of their slots; every member but the first by date then id goes into `grp`."""
        n = self.db.execute("SELECT count(*) FROM rec").fetchone()[0]
        parent = array("q", range(n))

        def root(k: int) -> int:
            while parent[k] != k:
                parent[k] = parent[parent[k]]
                k = parent[k]
            return k

        for (members,) in self.db.execute("SELECT group_concat(row) FROM band GROUP BY b, key HAVING count(*) > 1"):
            rows = [int(x) for x in members.split(",")]
            sigs: dict[int, np.ndarray] = {}
            for x, k in enumerate(rows):
                for j in rows[x + 1:]:
                    a, b = root(k), root(j)
                    if a != b and float(np.mean(self._sig(k, sigs) == self._sig(j, sigs))) >= THRESHOLD:
                        parent[max(a, b)] = min(a, b)
        self._firsts(n, root)

    def _sig(self, row: int, cache: dict[int, np.ndarray]) -> np.ndarray:
        if row not in cache:
            (sig,) = self.db.execute("SELECT sig FROM rec WHERE row = ?", (row,)).fetchone()
            cache[row] = np.frombuffer(sig, dtype="<u4")
        return cache[row]

    def _firsts(self, n: int, root: Callable[[int], int]) -> None:
        size = array("q", bytes(8 * n))
        for k in range(n):
            size[root(k)] += 1
        first = size  # reused: a root's size is read before its first member is written in its place
        seen = array("b", bytes(n))
        for (row,) in self.db.execute(f"SELECT r.row FROM rec r {_BY_DATE}"):
            r = root(row)
            if not seen[r]:
                seen[r], lone = 1, first[r] < 2
                first[r] = -1 if lone else row
            elif first[r] >= 0:
                self.db.execute("INSERT INTO grp VALUES (?, ?)", (row, first[r]))

    def _links(self) -> None:
        """`dupes.link_allocations` on disk: documents by date then id, each allocation linked to the first
        unclaimed earlier one of its key in its story, else in its date window with a shared place."""
        cur = self.db.execute(f"SELECT r.row, r.day, g.first FROM rec r LEFT JOIN grp g ON g.row = r.row {_BY_DATE}")
        for row, day, first in cur:
            story = row if first is None else first
            allocs = self.db.execute("SELECT idx, funder, value, currency, places FROM info WHERE row = ? "
                                     "ORDER BY idx", (row,)).fetchall()
            claimed: set[tuple[int, int]] = set()
            done = []
            for idx, funder, value, currency, places in allocs:
                key = (funder, value, currency)
                found = self._earlier(key, story, day, places, claimed)
                target: tuple[int | None, int | None] = (None, None)
                if found is not None:
                    claimed.add(found[:2])
                    target = found[:2] if found[2] is None else found[2:]
                done.append((row, idx, story, day, *key, places, *target))
            self.db.executemany("INSERT INTO al (row, idx, story, day, funder, value, currency, places, to_row, "
                                "to_idx) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", done)

    def _earlier(self, key: tuple[bytes, str, str], story: int, day: int, places: str,
                 claimed: set[tuple[int, int]]) -> tuple[Any, ...] | None:
        """The first unclaimed earlier allocation this one repeats: (row, idx, its target row, idx)."""
        cur = self.db.execute("SELECT row, idx, to_row, to_idx FROM al WHERE funder = ? AND value = ? AND "
                              "currency = ? AND story = ? ORDER BY seq", (*key, story))
        found = next((e for e in cur if (e[0], e[1]) not in claimed), None)
        cur.close()
        if found is not None or not key[0] or not day:
            return found
        mine = frozenset(json.loads(places))
        cur = self.db.execute("SELECT row, idx, to_row, to_idx, places FROM al WHERE funder = ? AND value = ? AND "
                              "currency = ? AND day >= ? AND day > 0 ORDER BY day, seq",
                              (*key, day - DATE_WINDOW_DAYS))
        for e in cur:
            theirs = frozenset(json.loads(e[4]))
            if (e[0], e[1]) not in claimed and (bool(mine & theirs) or not (mine or theirs)):
                found = e[:4]
                break
        cur.close()
        return found

    def lines(self, read: Read, defs: tuple[Any, ...]) -> Iterator[bytes]:
        """Every record line, sorted by id, with its duplicate fields set (`dupes.stamped`)."""
        cur = self.db.execute("SELECT r.row, r.pos, r.length, r.state, f.id FROM rec r "
                              "LEFT JOIN grp g ON g.row = r.row LEFT JOIN rec f ON f.row = g.first ORDER BY r.row")
        for row, pos, length, state, first in cur:
            links = {idx: (_s(tid), tidx) for idx, tid, tidx in self.db.execute(
                "SELECT a.idx, t.id, a.to_idx FROM al a JOIN rec t ON t.row = a.to_row WHERE a.row = ?", (row,))}
            yield stamped(read(pos, length), _state(state), None if first is None else _s(first), links, defs)

    def counts(self) -> tuple[int, int, int]:
        """Groups of duplicates, records with `duplicate_of`, linked allocations."""
        groups, members = self.db.execute("SELECT count(DISTINCT first), count(*) FROM grp").fetchone()
        (links,) = self.db.execute("SELECT count(*) FROM al WHERE to_row IS NOT NULL").fetchone()
        return groups, members, links

    def groups(self) -> dict[str, str]:
        """`id -> its group's first id`, as `dupes.find_groups` gives it (for tests and benchmarks)."""
        q = "SELECT r.id, f.id FROM grp g JOIN rec r ON r.row = g.row JOIN rec f ON f.row = g.first"
        return {_s(a): _s(b) for a, b in self.db.execute(q)}

    def links(self) -> dict[tuple[str, int], tuple[str, int]]:
        """`(id, index) -> (id, index)`, as `dupes.link_allocations` gives it (for tests and benchmarks)."""
        q = ("SELECT r.id, a.idx, t.id, a.to_idx FROM al a JOIN rec r ON r.row = a.row "
             "JOIN rec t ON t.row = a.to_row")
        return {(_s(a), i): (_s(b), j) for a, i, b, j in self.db.execute(q)}


def _state(text: str) -> State:
    """A `dupes.State` from its JSON (lists back into tuples)."""
    dup, allocs = json.loads(text)
    return dup, tuple((None if ref is None else (ref[0], ref[1]), tuple(flags)) for ref, flags in allocs)
