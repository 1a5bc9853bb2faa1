"""Readers and writers: input files into Documents (or Failures), records and errors out.

Nothing here holds a whole corpus: inputs are listed as paths and read one at a time (a JSONL
file line by line), and outputs are streamed to temporary files renamed into place when complete.
Every reader returns the exact text that is analysed, so record offsets point into it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

from .decoding import _CONTROL, _looks_binary, decode, repair, utf16_without_bom

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
"""Files (and JSONL lines) larger than this become `TooLarge` errors: 20 MB is ~100 long dispatches."""
SKIP_SUFFIXES = (".gold.json",)
JSONL_METADATA = ("id", "title", "date", "url")
"""JSONL keys besides `text` that describe a document (all non-text keys go into `metadata`)."""

HTML_DROP = ("script", "style", "noscript", "template", "nav", "aside", "footer", "form", "iframe", "svg",
             "button", "select", "menu")
"""HTML elements whose content is never communiqué text (navigation, code, widgets)."""
HTML_DROP_ROLES = {"navigation", "menu", "menubar", "banner", "contentinfo", "complementary", "search"}
HTML_BLOCKS = ("p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "td", "th", "dt", "dd",
               "blockquote", "pre", "section", "article", "main", "header", "table", "ul", "ol", "figcaption",
               "address", "hr")
"""HTML elements that end a line: paragraphs stay lines so a title stays the first line."""
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u3000]+")


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


class InputTooLarge(ValueError):
    """The file (or JSONL line) is over the --max-bytes limit."""


class NoText(ValueError):
    """The input holds no text to analyse (empty file, PDF without a text layer...)."""

    def __init__(self, message: str, kind: str = "EmptyDocument") -> None:
        super().__init__(message)
        self.kind = kind


def suffixes() -> tuple[str, ...]:
    """File endings read as documents (the readers registry decides)."""
    return tuple(READERS)


def is_input(path: Path) -> bool:
    name = path.name.lower()
    return not name.endswith(SKIP_SUFFIXES) and not name.startswith(".") and path.suffix.lower() in READERS


def list_inputs(paths: Iterable[str | Path], exclude: Iterable[str | Path] = ()
                ) -> tuple[list[Path | Failure], int]:
    """Files to read under `paths` (folders recursively, sorted) and the count of files skipped.

    A path given by name is always an input (an unknown suffix becomes an error line); inside
    folders only known suffixes are read, and folders in `exclude` (the output folder) are not
    entered. A subfolder that cannot be listed is a Failure in the list, never silently empty.
    A path that does not exist raises FileNotFoundError: that is a usage error, not an input.
    """
    skip_dirs = {_inode(Path(x)) for x in exclude} - {None}
    files: list[Path | Failure] = []
    skipped = 0
    for p in map(Path, paths):
        if p.is_dir() and not is_input(p):
            found: list[tuple[Path, Path | Failure]] = []
            skipped += _walk(p, skip_dirs, found)
            files.extend(item for _path, item in sorted(found, key=lambda x: x[0]))
        elif p.exists() or p.is_symlink():
            files.append(p)
        else:
            raise FileNotFoundError(str(p))
    return files, skipped


def _inode(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _walk(folder: Path, skip_dirs: set[tuple[int, int] | None], found: list[tuple[Path, Path | Failure]]) -> int:
    """Add the inputs under `folder` to `found` (links to folders are not entered); files skipped."""
    if _inode(folder) in skip_dirs:
        return 0
    try:
        with os.scandir(folder) as it:
            entries = list(it)
    except OSError as e:
        why = "permission denied" if isinstance(e, PermissionError) else (e.strerror or str(e))
        found.append((folder, Failure(str(folder), "Unreadable", f"cannot list the folder: {why}")))
        return 0
    skipped = 0
    for e in entries:
        if e.name.startswith("."):
            continue
        path = Path(e.path)
        if e.is_dir(follow_symlinks=False):
            skipped += _walk(path, skip_dirs, found)
        if is_input(path):
            found.append((path, path))
        elif not e.is_dir():
            skipped += 1
    return skipped


def doc_id(path: Path) -> str:
    """The record id of a file: its name less a known suffix (`khouribga-indh.txt` -> `khouribga-indh`)."""
    name = path.name
    for suf in READERS:
        if name.lower().endswith(suf):
            return name[: -len(suf)]
    return path.stem


def read_bytes(path: Path, max_bytes: int) -> bytes:
    size = path.stat().st_size
    if size > max_bytes:
        raise InputTooLarge(f"file is {size} bytes, over the --max-bytes limit of {max_bytes}")
    with path.open("rb") as fh:
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputTooLarge(f"file is over the --max-bytes limit of {max_bytes}")
    return data


def _one(path: Path, source: str, text: str, enc: str | None, metadata: dict[str, Any] | None = None
         ) -> Iterator[Document | Failure]:
    if not text.strip():
        raise NoText("no text in the file")
    yield Document(doc_id(path), source, text, enc, metadata or {})


def _read_text(path: Path, source: str, max_bytes: int) -> Iterator[Document | Failure]:
    text, enc = decode(read_bytes(path, max_bytes))
    yield from _one(path, source, text, enc)


def html_text(data: bytes) -> tuple[str, str, dict[str, Any]]:
    """Visible text of an HTML page, one line per paragraph, with its encoding and `<title>`.

    Scripts, styles, navigation, menus, asides and footers are dropped, and so is a page header
    outside the article; spaces are collapsed inside lines and empty lines removed.
    """
    from bs4 import BeautifulSoup

    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ValueError("binary content (NUL bytes)")
    soup = BeautifulSoup(data, "lxml")
    enc = soup.original_encoding or "utf-8"
    meta: dict[str, Any] = {}
    if soup.title and soup.title.string and soup.title.string.strip():
        meta["title"] = _SPACES.sub(" ", soup.title.string).strip()
    for tag in soup.find_all(HTML_DROP):
        tag.decompose()
    for tag in soup.find_all(attrs={"role": True}):
        if not tag.decomposed and str(tag.get("role", "")).lower() in HTML_DROP_ROLES:
            tag.decompose()
    for tag in soup.find_all("header"):
        if not tag.decomposed and tag.find_parent(("article", "main")) is None:
            tag.decompose()
    for tag in soup.find_all(HTML_BLOCKS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    root = soup.body or soup
    lines = (_SPACES.sub(" ", ln).strip() for ln in root.get_text("").splitlines())
    text = "\n".join(ln for ln in lines if ln)
    if text:
        text += "\n"
    text, enc = repair(text, enc)
    return text, enc, meta


def _read_html(path: Path, source: str, max_bytes: int) -> Iterator[Document | Failure]:
    text, enc, meta = html_text(read_bytes(path, max_bytes))
    yield from _one(path, source, text, enc, meta)


def pdf_text(data: bytes) -> str:
    """The text layer of a PDF, pages separated by a blank line (no OCR: a scan has no text)."""
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValueError("encrypted PDF")
        pages = [(page.extract_text() or "").strip() for page in reader.pages]
    except PdfReadError as e:
        raise ValueError(f"not a readable PDF: {e}") from e
    return "\n\n".join(p for p in pages if p) + "\n"


def _read_pdf(path: Path, source: str, max_bytes: int) -> Iterator[Document | Failure]:
    text = pdf_text(read_bytes(path, max_bytes))
    if not text.strip():
        raise NoText("PDF has no text layer (scanned pages need OCR first)", kind="NoTextLayer")
    text, enc = repair(_CONTROL.sub(" ", text), "pdf")
    yield from _one(path, source, text, enc)


def read_jsonl(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Document | Failure]:
    """One Document per line (`text`, optional `id`, `title`, `date`, `url`...); a bad line is one Failure.

    A line without `id` gets `<file stem>-<line number>`; the other keys go into `metadata`. A file
    that is not JSONL text at all (binary, UTF-16) or holds no line is one Failure, not one per line.
    """
    source = str(path)
    stem = doc_id(path)
    with path.open("rb") as fh:
        why = _not_jsonl(fh.read(4096))
        if why:
            yield Failure(source, "Undecodable", why, id=stem)
            return
        fh.seek(0)
        lines = 0
        for n, raw in enumerate(iter(lambda: fh.readline(max_bytes + 1), b""), start=1):
            if len(raw) > max_bytes and not raw.endswith(b"\n"):
                for rest in iter(lambda: fh.readline(max_bytes + 1), b""):  # skip the rest of the line
                    if rest.endswith(b"\n"):
                        break
                lines += 1
                yield Failure(source, "TooLarge", f"line is over the --max-bytes limit of {max_bytes}",
                              id=f"{stem}-{n}", line=n)
                continue
            if not raw.strip():
                continue
            lines += 1
            yield _jsonl_line(raw, source, stem, n)
    if not lines:
        yield Failure(source, "EmptyDocument", "no document in the file (empty or blank lines only)", id=stem)


def _not_jsonl(head: bytes) -> str | None:
    """Why a file starting with `head` cannot be JSONL (UTF-8 text), or None."""
    even = head[: len(head) // 2 * 2]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or (b"\x00" in head and utf16_without_bom(even)):
        return "JSONL must be UTF-8; this file is UTF-16: convert it"
    if b"\x00" in head:
        return "binary content (NUL bytes), not JSONL"
    text = head.decode("utf-8", errors="ignore")
    if _looks_binary(text):
        return "binary content (control characters), not JSONL"
    return None


def _jsonl_line(raw: bytes, source: str, stem: str, n: int) -> Document | Failure:
    fallback = f"{stem}-{n}"
    try:
        line, enc = decode(raw.rstrip(b"\r\n").removeprefix(b"\xef\xbb\xbf"))
        obj = json.loads(line)
    except (ValueError, UnicodeDecodeError, LookupError) as e:
        return Failure(source, "MalformedLine", f"not a JSON object: {e}", id=fallback, line=n)
    if not isinstance(obj, dict):
        return Failure(source, "MalformedLine", f"a line must be a JSON object, not {type(obj).__name__}",
                       id=fallback, line=n)
    text = obj.get("text")
    rid = obj.get("id")
    rid = str(rid).strip() if isinstance(rid, str | int) and not isinstance(rid, bool) else ""
    rid = rid or fallback
    if not isinstance(text, str):
        return Failure(source, "MalformedLine", "no string `text` field", id=rid, line=n)
    if _looks_binary(text):
        return Failure(source, "Undecodable", "binary content (control characters)", id=rid, line=n)
    text, tenc = repair(text, enc)
    if not text.strip():
        return Failure(source, "EmptyDocument", "empty `text`", id=rid, line=n)
    meta = {k: v for k, v in obj.items() if k != "text"}
    meta["line"] = n
    return Document(rid, source, text, tenc, meta)


def _read_jsonl(path: Path, source: str, max_bytes: int) -> Iterator[Document | Failure]:
    yield from read_jsonl(path, max_bytes)


Reader = Callable[[Path, str, int], Iterator[Document | Failure]]
READERS: dict[str, Reader] = {".txt": _read_text, ".md": _read_text, ".html": _read_html, ".htm": _read_html,
                              ".pdf": _read_pdf, ".jsonl": _read_jsonl}
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
            raise IsADirectoryError("is a directory, not a file")
        if path.exists() and not path.is_file():  # reading a FIFO would block the batch for ever
            raise IsADirectoryError("not a regular file (a FIFO, socket or device)")
        yield from reader(path, source, max_bytes)
    except InputTooLarge as e:
        yield Failure(source, "TooLarge", str(e), id=doc_id(path))
    except NoText as e:
        yield Failure(source, e.kind, str(e), id=doc_id(path))
    except PermissionError as e:
        yield Failure(source, "Unreadable", f"permission denied: {e.strerror or e}", id=doc_id(path))
    except FileNotFoundError:
        yield Failure(source, "Unreadable", "file vanished or is a broken link", id=doc_id(path))
    except IsADirectoryError as e:
        yield Failure(source, "Unreadable", str(e), id=doc_id(path))
    except (UnicodeDecodeError, LookupError) as e:
        yield Failure(source, "Undecodable", f"cannot decode the bytes: {e}", id=doc_id(path))
    except ValueError as e:
        yield Failure(source, "Undecodable", str(e), id=doc_id(path))
    except OSError as e:
        yield Failure(source, "Unreadable", f"{type(e).__name__}: {e}", id=doc_id(path))
    except Exception as e:  # a parser library failing on a hostile file must not stop the batch
        yield Failure(source, "Unreadable", f"{type(e).__name__}: {e}", id=doc_id(path))


@contextlib.contextmanager
def atomic_writer(path: Path, mode: str = "w") -> Iterator[IO[Any]]:
    """Write to a new temporary file beside `path` and rename it into place only on success (a link at
    `path` is replaced, its target never written)."""
    from .outdir import create_new

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp, fh = create_new(path.parent, f".{path.name}.", ".tmp", mode)  # new file, never through a link
    try:
        with fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs get the usual permissions
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
