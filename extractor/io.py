"""Readers and writers: input files into Documents (or Failures), records and errors out.

Nothing here holds a whole corpus: inputs are listed as paths and read one at a time, and
outputs are streamed to temporary files that are renamed into place when complete.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
TEXT_SUFFIXES = (".txt", ".md")
SKIP_SUFFIXES = (".gold.json",)


@dataclass
class Document:
    """One text to analyse, with where it came from and how its bytes were decoded."""

    id: str
    source: str
    text: str
    encoding: str | None = "utf-8"
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass
class Failure:
    """One input that could not become a record: a line of errors.jsonl."""

    source: str
    error: str
    message: str
    id: str | None = None
    line: int | None = None

    def to_json(self) -> str:
        return json.dumps({k: v for k, v in asdict(self).items() if v is not None}, ensure_ascii=False)


def suffixes() -> tuple[str, ...]:
    """File endings read as documents (the readers registry decides)."""
    return tuple(READERS)


def is_input(path: Path) -> bool:
    name = path.name.lower()
    return not name.endswith(SKIP_SUFFIXES) and not name.startswith(".") and path.suffix.lower() in READERS


def list_inputs(paths: Iterable[str | Path]) -> tuple[list[Path], int]:
    """Files to read under `paths` (folders recursively, sorted) and the count of files skipped.

    A path that does not exist raises FileNotFoundError: that is a usage error, not an input.
    """
    files: list[Path] = []
    skipped = 0
    for p in map(Path, paths):
        if p.is_dir():
            for f in sorted(x for x in p.rglob("*") if x.is_file() or x.is_symlink()):
                if any(part.startswith(".") for part in f.relative_to(p).parts):
                    continue
                if is_input(f):
                    files.append(f)
                else:
                    skipped += 1
        elif p.exists() or p.is_symlink():
            files.append(p)
        else:
            raise FileNotFoundError(str(p))
    return files, skipped


def doc_id(path: Path) -> str:
    """The record id of a file: its stem (`khouribga-indh.txt` -> `khouribga-indh`)."""
    name = path.name
    for suf in (".txt", ".md", ".html", ".htm", ".pdf", ".jsonl"):
        if name.lower().endswith(suf):
            return name[: -len(suf)]
    return path.stem


def decode(data: bytes) -> tuple[str, str]:
    """Bytes to text: UTF-8 (with or without BOM), else cp1252/latin-1 as detected; mojibake repaired.

    Raises ValueError for binary data.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        text, enc = data[3:].decode("utf-8"), "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text, enc = data.decode("utf-16"), "utf-16"
    else:
        if b"\x00" in data:
            raise ValueError("binary content (NUL bytes)")
        try:
            text, enc = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, enc = _decode_legacy(data)
    if _looks_binary(text):
        raise ValueError("binary content (control characters)")
    import ftfy
    from ftfy.badness import is_bad

    if is_bad(text):
        fixed = ftfy.fix_text(text, uncurl_quotes=False, fix_latin_ligatures=False,
                              fix_character_width=False, normalization=None)
        if fixed != text:
            text, enc = fixed, enc + "+ftfy"
    return text, enc


def _decode_legacy(data: bytes) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=["cp1252", "latin_1", "iso8859_15", "mac_roman"]).best()
    if best is not None and best.encoding:
        enc = best.encoding
        try:
            return data.decode(enc), enc
        except (UnicodeDecodeError, LookupError):
            pass
    return data.decode("cp1252", errors="strict"), "cp1252"


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    if not sample:
        return False
    bad = sum(1 for c in sample if ord(c) < 32 and c not in "\n\r\t\f\v")
    return bad / len(sample) > 0.05


def read_bytes(path: Path, max_bytes: int) -> bytes:
    size = path.stat().st_size
    if size > max_bytes:
        raise InputTooLarge(f"file is {size} bytes, over the --max-bytes limit of {max_bytes}")
    with path.open("rb") as fh:
        return fh.read(max_bytes + 1)


class InputTooLarge(ValueError):
    pass


def _read_text(path: Path, source: str, max_bytes: int) -> Iterator[Document | Failure]:
    data = read_bytes(path, max_bytes)
    text, enc = decode(data)
    if not text.strip():
        yield Failure(source, "EmptyDocument", "no text in the file", id=doc_id(path))
        return
    yield Document(doc_id(path), source, text, enc)


READERS: dict[str, Any] = {".txt": _read_text, ".md": _read_text}
"""Suffix -> reader(path, source, max_bytes) yielding Documents or Failures."""


def read_path(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Document | Failure]:
    """Documents in one file (a JSONL file holds many); every problem becomes a Failure, never raised."""
    source = str(path)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        yield Failure(source, "UnsupportedFormat", f"no reader for {path.suffix or 'files without suffix'}",
                      id=doc_id(path))
        return
    try:
        if path.is_dir():
            raise IsADirectoryError("is a directory")
        yield from reader(path, source, max_bytes)
    except InputTooLarge as e:
        yield Failure(source, "TooLarge", str(e), id=doc_id(path))
    except PermissionError as e:
        yield Failure(source, "Unreadable", f"permission denied: {e.strerror or e}", id=doc_id(path))
    except FileNotFoundError:
        yield Failure(source, "Unreadable", "file vanished or is a broken link", id=doc_id(path))
    except (UnicodeDecodeError, LookupError) as e:
        yield Failure(source, "Undecodable", f"cannot decode the bytes: {e}", id=doc_id(path))
    except ValueError as e:
        yield Failure(source, "Undecodable", str(e), id=doc_id(path))
    except OSError as e:
        yield Failure(source, "Unreadable", f"{type(e).__name__}: {e}", id=doc_id(path))


@contextlib.contextmanager
def atomic_writer(path: Path, mode: str = "w") -> Iterator[IO[Any]]:
    """Write to a temporary file beside `path` and rename it into place only on success."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, mode, encoding=None if "b" in mode else "utf-8") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
