"""Duplicate stories counted once: near-duplicate documents and the same allocation in two documents.

A dispatch is reposted by several sites and re-published with small edits (another headline, a
web-page prefix, paragraphs in another order). Each text gets a MinHash signature of its word
shingles (`datasketch`), computed where the text is read; `find_groups` puts documents whose
signatures agree on at least `THRESHOLD` of their slots in one group (LSH for candidates, then
the signatures compared), and every member but the first by date then id gets `duplicate_of`.
An allocation with the same funder and amount as one of an earlier document, in the same group of
duplicates or with a shared place within `DATE_WINDOW_DAYS`, is linked to it (`duplicate_of`
`{id, index}`) so that totals count it once. Everything is a pure function of the batch's texts
and records: a re-run gives the same links, byte for byte.
"""

from __future__ import annotations

import datetime as _dt
import re
import zlib
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np

from .text import fold

NUM_PERM = 64
"""MinHash slots per document (256 bytes a signature)."""
SHINGLE = 4
"""Words per shingle."""
THRESHOLD = 0.5
"""Estimated Jaccard similarity of shingle sets from which two texts are one story."""
DATE_WINDOW_DAYS = 31
"""Two documents of different stories report the same allocation only within this many days."""
_WORD = re.compile(r"\w+")
HASH_SLICE = 16_384
"""Shingle hashes given to the MinHash at a time: datasketch makes a (hashes x `NUM_PERM`) array of
8-byte values per call (1.8 GB for the 3.5 million distinct shingles of 20 MB of text; 8 MB a slice).
The minimum over slices is the minimum over all: the signature is the same."""


@cache
def _template() -> Any:
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=1)


def _identity(x: int) -> int:
    return x


_MIX = (np.uint64(0x9E3779B1), np.uint64(0x85EBCA77), np.uint64(0xC2B2AE3D))


def shingle_hashes(text: str) -> list[int]:
    """32-bit hashes of the text's lower-cased `SHINGLE`-word shingles, unique and sorted.

    Words are hashed once (crc32, stable across processes) and combined with numpy, so the cost
    is a few microseconds a word (accents are kept: reposts copy them as they are).
    """
    words = _WORD.findall(text.lower())
    wh = np.fromiter((zlib.crc32(w.encode("utf-8")) for w in words), dtype=np.uint64, count=len(words))
    if len(wh) < SHINGLE:
        return [zlib.crc32(" ".join(words).encode("utf-8"))]
    n = len(wh) - SHINGLE + 1
    sh = wh[SHINGLE - 1:SHINGLE - 1 + n].copy()
    for k, mix in enumerate(_MIX[: SHINGLE - 1]):
        sh ^= wh[k:k + n] * mix
    return np.unique(sh & np.uint64(0xFFFFFFFF)).tolist()


def signature(text: str) -> bytes:
    """MinHash signature (`datasketch`, `NUM_PERM` uint32 little-endian) of the text's word shingles."""
    from datasketch import MinHash

    t = _template()
    m = MinHash(num_perm=NUM_PERM, permutations=t.permutations, scheme=t.scheme, hashfunc=_identity)
    hashes = shingle_hashes(text)
    for i in range(0, len(hashes), HASH_SLICE):
        m.update_batch(hashes[i:i + HASH_SLICE])
    return m.hashvalues.astype("<u4").tobytes()


def _order(date: str | None, rid: str) -> tuple[bool, str, str]:
    """First by date (undated last), then id."""
    return date is None, date or "", rid


def find_groups(signatures: Mapping[str, bytes], dates: Mapping[str, str | None]) -> dict[str, str]:
    """`id -> id of its group's first document` for every document that is a near-duplicate of another.

    Candidates are the pairs whose signatures agree on a whole band (the banding `datasketch`'s
    MinHashLSH uses for `THRESHOLD`), found band by band by sorting the signature matrix: a few bytes
    a document, where the LSH's hash tables kept thousands (about 45 MB at 10 000 documents).
    """
    ids = sorted(signatures)
    if len(ids) < 2:
        return {}
    sigs = np.frombuffer(b"".join(signatures[i] for i in ids), dtype="<u4").reshape(len(ids), NUM_PERM)
    parent = list(range(len(ids)))

    def root(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for members in _band_groups(sigs):
        for x, k in enumerate(members):
            for j in members[x + 1:]:
                a, b = root(k), root(j)
                if a != b and float(np.mean(sigs[k] == sigs[j])) >= THRESHOLD:
                    parent[max(a, b)] = min(a, b)
    groups: dict[int, list[str]] = defaultdict(list)
    for k in range(len(ids)):
        groups[root(k)].append(ids[k])
    out: dict[str, str] = {}
    for group in groups.values():
        if len(group) > 1:
            first = min(group, key=lambda i: _order(dates.get(i), i))
            out.update({i: first for i in group if i != first})
    return out


@cache
def bands() -> tuple[int, int]:
    """(bands, rows per band) that `datasketch` picks for `THRESHOLD` and `NUM_PERM`."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    return lsh.b, lsh.r


def _band_groups(sigs: np.ndarray) -> Iterable[list[int]]:
    """For each band, the rows (in order) of every set of two or more signatures equal on that band."""
    b, r = bands()
    for band in range(b):
        _values, inverse = np.unique(sigs[:, band * r:(band + 1) * r], axis=0, return_inverse=True)
        inverse = inverse.ravel()
        order = np.argsort(inverse, kind="stable")
        cuts = np.flatnonzero(np.diff(inverse[order])) + 1
        for run in np.split(order, cuts):
            if len(run) > 1:
                yield run.tolist()


@dataclass
class DocInfo:
    """What duplicate detection reads of a record: its date and each allocation's key and places."""

    id: str
    date: str | None
    allocations: list[tuple[tuple[str, int, str], frozenset[str]]] = field(default_factory=list)

    @classmethod
    def of(cls, record: Mapping[str, Any]) -> DocInfo:
        info = cls(str(record.get("id")), record.get("date"))
        for a in record.get("allocations") or []:
            amount = a.get("amount") or {}
            key = (fold(a.get("funder")), round(float(amount.get("value") or 0)), str(amount.get("currency")))
            info.allocations.append((key, frozenset(fold(p) for p in a.get("places") or [])))
        return info


Entry = tuple[int, str, int, frozenset[str]]
"""An earlier allocation: its document's day number (0 undated), document id, index, places."""


def link_allocations(infos: Iterable[DocInfo], groups: Mapping[str, str]) -> dict[tuple[str, int], tuple[str, int]]:
    """`(id, index) -> (id, index)` of the earliest allocation it repeats: same funder and amount, and
    either the same group of duplicates (where a place inherited from the document may differ) or a
    shared place within `DATE_WINDOW_DAYS` (a named funder needed).

    Documents are taken by date then id; earlier allocations are kept per key and story, and per key
    by day, so a document looks only at its own story and at its date window (no quadratic scan)."""
    docs = sorted(infos, key=lambda d: _order(d.date, d.id))
    by_story: dict[tuple[tuple[str, int, str], str], list[Entry]] = defaultdict(list)
    by_day: dict[tuple[str, int, str], list[Entry]] = defaultdict(list)
    links: dict[tuple[str, int], tuple[str, int]] = {}
    for d in docs:
        story = groups.get(d.id, d.id)
        day = _dt.date.fromisoformat(d.date).toordinal() if d.date else 0
        claimed: set[tuple[str, int]] = set()  # one earlier allocation per allocation of this document
        for index, (key, places) in enumerate(d.allocations):
            found = _first_free(by_story[(key, story)], claimed, lambda e: True)
            if found is None and key[0] and day:
                window = by_day[key]
                lo = bisect_left(window, (day - DATE_WINDOW_DAYS,))
                found = _first_free(window[lo:], claimed,
                                    lambda e, p=places: bool(p & e[3]) or not (p or e[3]))
            if found is not None:
                claimed.add(found)
                links[(d.id, index)] = links.get(found, found)
        for index, (key, places) in enumerate(d.allocations):
            entry = (day, d.id, index, places)
            by_story[(key, story)].append(entry)
            if key[0] and day:
                by_day[key].append(entry)
    return links


def _first_free(entries: Iterable[Entry], claimed: set[tuple[str, int]],
                fits: Callable[[Entry], bool]) -> tuple[str, int] | None:
    for e in entries:
        if (e[1], e[2]) not in claimed and fits(e):
            return e[1], e[2]
    return None


BATCH_FLAGS = ("duplicate_story", "duplicate_allocation")
State = tuple[str | None, tuple[tuple[tuple[str, int] | None, tuple[str, ...]], ...]]


def state_of(record: Mapping[str, Any]) -> State:
    """A record's duplicate fields as they are: duplicate_of, and each allocation's link and batch flags."""
    allocs = []
    for a in record.get("allocations") or []:
        ref = a.get("duplicate_of")
        allocs.append(((ref["id"], ref["index"]) if ref else None,
                       tuple(c for c in a.get("flags") or [] if c in BATCH_FLAGS)))
    return record.get("duplicate_of"), tuple(allocs)


@dataclass
class Plan:
    """Duplicate fields for every record of a batch, and the record lines that carry them."""

    groups: dict[str, str]
    links: dict[tuple[str, int], tuple[str, int]]
    states: dict[str, State]
    defs: tuple[Any, ...] = ()
    """The flag definitions (`flags.load_flags()`), read once for the whole batch."""

    @classmethod
    def build(cls, lines: Iterable[tuple[str, bytes]], signatures: Mapping[str, bytes]) -> Plan:
        """From the batch's (id, record line) pairs and the texts' signatures (ids without one are left out
        of the groups but still linked by allocation)."""
        import json

        infos, states = [], {}
        for rid, raw in lines:
            rec = json.loads(raw)
            infos.append(DocInfo.of(rec))
            states[rid] = state_of(rec)
        dates = {d.id: d.date for d in infos}
        groups = find_groups({i: s for i, s in signatures.items() if i in dates}, dates)
        from .flags import load_flags

        return cls(groups, link_allocations(infos, groups), states, load_flags())

    @property
    def n_groups(self) -> int:
        return len(set(self.groups.values()))

    def wanted(self, rid: str) -> State:
        links = {i: ref for i in range(len(self.states[rid][1])) if (ref := self.links.get((rid, i))) is not None}
        return wanted_state(self.groups.get(rid), links, len(self.states[rid][1]), self.defs)

    def line(self, rid: str, raw: bytes) -> bytes:
        """The record line with its duplicate fields set: `raw` itself when they already are."""
        links = {i: ref for i in range(len(self.states[rid][1])) if (ref := self.links.get((rid, i))) is not None}
        return stamped(raw, self.states[rid], self.groups.get(rid), links, self.defs)


def wanted_state(dup: str | None, links: Mapping[int, tuple[str, int]], n: int, defs: tuple[Any, ...]) -> State:
    """The duplicate fields a record of `n` allocations should have: its group's first, links and batch flags."""
    on = {d.code for d in defs if d.enabled}
    allocs = []
    for i in range(n):
        ref = links.get(i)
        marks = zip(BATCH_FLAGS, (dup is not None, ref is not None), strict=True)
        allocs.append((ref, tuple(c for c, yes in marks if yes and c in on)))
    return dup, tuple(allocs)


def stamped(raw: bytes, state: State, dup: str | None, links: Mapping[int, tuple[str, int]],
            defs: tuple[Any, ...]) -> bytes:
    """The record line (whose duplicate fields are `state`) with them set: `raw` itself when they already are."""
    want = wanted_state(dup, links, len(state[1]), defs)
    if want == state:
        return raw
    return restamp(raw, want[0], {i: ref for i, (ref, _f) in enumerate(want[1]) if ref is not None}, defs)


def restamp(raw: bytes, duplicate_of: str | None, links: Mapping[int, tuple[str, int]],
            defs: tuple[Any, ...] | None = None) -> bytes:
    """A record line with `duplicate_of`, allocation links and batch flags replaced (validated again)."""
    from .flags import add_flag
    from .records import AllocationRef, Communique

    rec = Communique.model_validate_json(raw)
    rec.duplicate_of = duplicate_of
    for i, a in enumerate(rec.allocations):
        a.flags = [c for c in a.flags if c not in BATCH_FLAGS]
        ref = links.get(i)
        a.duplicate_of = AllocationRef(id=ref[0], index=ref[1]) if ref else None
        if duplicate_of is not None:
            add_flag(a, "duplicate_story", defs)
        if ref is not None:
            add_flag(a, "duplicate_allocation", defs)
    return rec.model_dump_json().encode("utf-8") + b"\n"
