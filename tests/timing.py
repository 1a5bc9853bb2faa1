"""Timing helpers for the tests that catch a quadratic return (ratios, never absolute times)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def seconds(fn: Callable[[], Any]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def ratio(fn: Callable[[int], Any], n: int) -> float:
    """Time of `fn(4n)` over time of `fn(n)`, each the best of two runs (linear ~4, quadratic ~16)."""
    small = min(seconds(lambda: fn(n)) for _ in range(2))
    big = min(seconds(lambda: fn(4 * n)) for _ in range(2))
    return big / max(small, 1e-3)
