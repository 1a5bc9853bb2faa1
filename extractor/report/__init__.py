"""The corpus report: honest totals over records (`totals`) and an offline HTML site (`build_report`)."""

from __future__ import annotations

from .aggregate import KEYS, ReportError, iter_rows, load_rates, load_records, totals
from .site import ReportResult, build_report

__all__ = ["KEYS", "ReportError", "ReportResult", "build_report", "iter_rows", "load_rates", "load_records",
           "totals"]
