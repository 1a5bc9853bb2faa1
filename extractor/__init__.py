"""communique-extractor: French communiqués into validated, structured JSON records."""

from __future__ import annotations

__version__ = "0.1.0"

from .api import extract, extract_many, to_frames
from .errors import ExtractorError, InputError, PatternError, RecordError
from .records import Communique

__all__ = [
    "Communique",
    "ExtractorError",
    "InputError",
    "PatternError",
    "RecordError",
    "__version__",
    "extract",
    "extract_many",
    "to_frames",
]
