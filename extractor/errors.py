"""Error hierarchy: one root, a few subclasses, messages that name the file, line or key."""

from __future__ import annotations


class ExtractorError(Exception):
    """Root of every error the extractor raises on purpose."""


class PatternError(ExtractorError):
    """A pattern or lexicon file under patterns/ is malformed (names file, line and key)."""

    def __init__(self, path: object, message: str, line: int | None = None) -> None:
        where = f"{path}:{line}" if line is not None else f"{path}"
        super().__init__(f"{where}: {message}")
        self.path = str(path)
        self.line = line


class InputError(ExtractorError):
    """An input document cannot be read or decoded (names the path)."""

    def __init__(self, path: object, message: str, kind: str = "InputError") -> None:
        super().__init__(f"{path}: {message}")
        self.path = str(path)
        self.kind = kind


class RecordError(ExtractorError):
    """A record does not satisfy the contract (offsets, values, vocabularies)."""
