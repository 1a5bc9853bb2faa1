"""Helpers of the phrase tests: find an extracted organisation by a piece of its name or its acronym, an
allocation by its sum."""

from __future__ import annotations

from typing import Any

from extractor.text import fold


def org_named(rec: Any, name: str) -> Any | None:
    """The first organisation of `rec` whose name holds `name` (folded) or whose acronym is `name`."""
    f = fold(name)
    return next((o for o in rec.organizations if f in fold(o.name) or f == fold(o.acronym or "")), None)


def alloc_of(rec: Any, value: float) -> Any:
    """The first allocation of `rec` whose sum is `value`."""
    return next(a for a in rec.allocations if a.amount.value == value)
