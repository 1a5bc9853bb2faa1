"""Streaming documents through the pipeline, in this process or in worker processes.

Each worker loads the pipeline once (process initializer) and turns a chunk of inputs into
record JSON lines or failures; the parent keeps a bounded number of chunks in flight, so memory
stays flat however many documents there are, and yields results in input order. JSONL files are
read line by line in the parent, so one big JSONL file is spread over every worker too.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

from spacy.tokens import Doc

from .build import _patterns_digest, build_record, text_sha256
from .dupes import signature
from .io import DEFAULT_MAX_BYTES, Document, Failure, doc_id, read_path
from .pipeline import COMPONENTS, DEFAULT_MODEL, load_pipeline
from .text import TEXT_KEY
from .workers import stop_workers, watch_parent

Item = Document | Failure | Path

MODEL_CHUNK_CHARS = 100_000
"""Texts longer than this go through the spaCy model in pieces (`MODEL_PIECE_CHARS`) cut at
paragraph ends (then at spaces, then anywhere), re-joined into one Doc before the project's
components run: the model's memory and time stay bounded and every offset still points into the
full text. Shorter texts are parsed whole."""

MODEL_PIECE_CHARS = 20_000
"""Size of the pieces a long text is cut into for the model. The model's working memory follows the
piece (about 400 MB over a 100 000-character piece, 80 MB over 20 000), and a piece ends at a line
end where it can, so the parse barely notices the cut."""

MAX_RUN_CHARS = 2_000
"""A whitespace-free stretch longer than this is cut before the tokenizer sees it: spaCy strips
prefixes and suffixes one at a time, re-searching the rest each time (quadratic on `((((...`)."""
_RUN = re.compile(r"\S+")


@dataclass(frozen=True)
class Options:
    model: str = DEFAULT_MODEL
    fast: bool = False
    batch_size: int = 16
    max_bytes: int = DEFAULT_MAX_BYTES
    store_text: bool = False
    fingerprint: str | None = None
    """Set by the parent so every worker stamps the same value, even if files change mid-run."""


@dataclass
class Result:
    """What became of one document: a record (as a JSON line), a failure, or `unchanged`."""

    id: str | None
    source: str
    record_json: str | None = None
    failure: Failure | None = None
    unchanged: bool = False
    signature: bytes | None = None
    """MinHash of the text (`dupes.signature`), for near-duplicate stories in the batch."""


def default_workers() -> int:
    """Use the machine: one worker per core available to this process."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - non-Linux
        return max(1, os.cpu_count() or 1)


@lru_cache(maxsize=8)
def fingerprint(model: str = DEFAULT_MODEL, fast: bool = False) -> str:
    """Digest of everything that shapes a record: extractor code, patterns, model (and its version), fast flag.

    Computed without loading the model, so the parent can decide what to skip before any work.
    """
    from importlib.metadata import PackageNotFoundError, version

    h = hashlib.sha256()
    pkg = Path(__file__).resolve().parent
    for f in sorted(pkg.rglob("*.py")):
        h.update(f.relative_to(pkg).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    h.update(_patterns_digest().encode())
    try:
        model_version = version(model.replace("_", "-"))
    except (PackageNotFoundError, ValueError):
        p = Path(model)
        model_version = str(p.stat().st_mtime_ns) if p.exists() else "?"
    h.update(f"\0{model}\0{model_version}\0spacy={version('spacy')}\0fast={fast}".encode())
    return h.hexdigest()[:16]


def reuse_key(d: Document) -> str:
    """What a record depends on besides the extractor: text digest, source, encoding and metadata.

    A record is reused only when this key is unchanged, so a moved file or an edited JSONL
    `title` is redone, not served stale.
    """
    return _key(text_sha256(d.text), d.source, d.encoding, d.metadata)


def record_key(record: dict[str, Any], store_text: bool) -> str:
    """`reuse_key` of the document a record (as parsed JSON) was made from."""
    meta = dict(record.get("metadata") or {})
    if store_text:
        meta.pop("text", None)
    return _key(record.get("text_sha256", ""), record.get("source"), record.get("encoding"), meta)


def _key(digest: str, source: Any, encoding: Any, metadata: dict[str, Any]) -> str:
    blob = json.dumps([digest, source, encoding, metadata], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def item_id(item: Item) -> str | None:
    """The record id an input will get, known before reading it (None for a Failure)."""
    if isinstance(item, Document):
        return item.id
    if isinstance(item, Path):
        return doc_id(item)
    return None


def expand_jsonl(items: Iterable[Item], max_bytes: int) -> Iterator[Item]:
    """JSONL files opened here, one Document (or Failure) per line; other inputs passed on as they are."""
    for it in items:
        if isinstance(it, Path) and it.suffix.lower() == ".jsonl":
            yield from read_path(it, max_bytes)
        else:
            yield it


def _expand(item: Item, max_bytes: int) -> Iterator[Document | Failure]:
    if isinstance(item, Document | Failure):
        yield item
    else:
        yield from read_path(item, max_bytes)


def process_chunk(items: list[Item | Result], options: Options, known: dict[str, str] | None = None
                  ) -> list[Result]:
    """Read, analyse and build the records of a chunk of inputs, in this process.

    `known` maps ids to the `reuse_key` of a record already made by this very extractor: such a
    document comes back `unchanged`, not analysed. Results already decided pass through.
    """
    nlp = load_pipeline(options.model, options.fast)
    results: list[Result] = []
    docs: list[Document] = []
    for item in items:
        if isinstance(item, Result):
            results.append(item)
            continue
        for d in _expand(item, options.max_bytes):
            if isinstance(d, Failure):
                results.append(Result(d.id, d.source, failure=d))
            elif known and known.get(d.id) == reuse_key(d):
                results.append(Result(d.id, d.source, unchanged=True, signature=signature(d.text)))
            else:
                results.append(Result(d.id, d.source, signature=signature(d.text)))
                docs.append(d)
    built = iter(_analyse(nlp, docs, options))
    for r in results:
        if r.failure is None and not r.unchanged:
            r.record_json, r.failure = next(built)
    return results


def longest_run(text: str) -> int:
    """Length of the longest stretch without whitespace (C-level split, no Python loop over tokens)."""
    return len(max(text.split(), key=len, default=""))


def split_text(text: str, limit: int = MODEL_CHUNK_CHARS, max_run: int = MAX_RUN_CHARS) -> list[str]:
    """Consecutive pieces of `text`, each at most `limit` characters and holding no whitespace-free
    stretch longer than `max_run`; cut after a newline when possible, else after a space, else
    anywhere. `"".join(pieces) == text`."""
    return list(iter_pieces(text, limit, max_run)) or [text]


def iter_pieces(text: str, limit: int = MODEL_CHUNK_CHARS, max_run: int = MAX_RUN_CHARS) -> Iterator[str]:
    """`split_text`, one piece at a time (the text is not copied whole)."""
    forced: list[int] = []
    if longest_run(text) > max_run:
        for m in _RUN.finditer(text):
            if m.end() - m.start() > max_run:
                forced.extend(range(m.start() + max_run, m.end(), max_run))
    start, n, f = 0, len(text), 0
    while start < n:
        while f < len(forced) and forced[f] <= start:
            f += 1
        end = min(start + limit, n)
        if f < len(forced) and forced[f] <= end:
            cut = forced[f]
        elif end == n:
            cut = n
        else:
            cut = text.rfind("\n", start + limit // 2, end)
            if cut < 0:
                cut = text.rfind(" ", start + limit // 2, end)
            cut = cut + 1 if cut >= 0 else end
        yield text[start:cut]
        start = cut


def needs_pieces(text: str, limit: int = MODEL_CHUNK_CHARS, max_run: int = MAX_RUN_CHARS) -> bool:
    """Whether `text` must go through the model in pieces (too long, or a stretch the tokenizer
    would split character by character in quadratic time, e.g. 20 000 parentheses)."""
    return len(text) > limit or longest_run(text) > max_run


def _own_components(nlp: Any) -> list[tuple[str, Any]]:
    return [(name, proc) for name, proc in nlp.pipeline if name in COMPONENTS]


MODEL_GROUP = 1
"""Pieces of a long text run through the model per `nlp.pipe` batch: the model's working memory
(tok2vec and parser activations) is that of one 100 000-character piece, whatever the text's size."""

_KEPT = ("SPACY", "POS", "MORPH", "LEMMA", "SENT_START", "DEP", "HEAD")
"""What the project's components read of a piece once the model has run (with the words; the
entities too when the pipeline has its NER). Not kept: `doc.tensor` (384 bytes a token), tags,
norms, knowledge-base ids, per-piece user data."""
_ENTS = ("ENT_IOB", "ENT_TYPE")
_DTYPES = {"SPACY": "uint8", "POS": "uint8", "SENT_START": "int8", "ENT_IOB": "uint8", "HEAD": "int32"}
_SET_LAST = ("HEAD", "DEP")
"""Set together and last: spaCy rebuilds the parse tree and sentence starts from them."""


class _Columns:
    """Token attributes of the pieces, appended piece by piece in compact arrays (no Doc kept);
    the words as one list of shared strings (8 bytes a token)."""

    def __init__(self, ents: bool = False) -> None:
        self.attrs = (*_KEPT, *(_ENTS if ents else ()))
        self.parts: dict[str, list[Any]] = {a: [] for a in self.attrs}
        self.words: list[str] = []
        self._strings: dict[str, str] = {}

    def add(self, part: Doc) -> None:
        from spacy.attrs import IDS

        arr = part.to_array([IDS[a] for a in self.attrs])
        for j, a in enumerate(self.attrs):
            col = arr[:, j]
            self.parts[a].append(col.astype(_DTYPES[a]) if a in _DTYPES else col.copy())
        strings = self._strings
        self.words.extend([strings.setdefault(w, w) for w in (t.text for t in part)])

    def doc(self, vocab: Any) -> Doc:
        """One Doc holding every piece's tokens and kept attributes; the columns are freed on the way."""
        import numpy as np
        from spacy.attrs import IDS

        words, self.words, self._strings = self.words, [], {}
        spaces = np.concatenate(self.parts.pop("SPACY")).astype(bool).tolist()
        doc = Doc(vocab, words=words, spaces=spaces)
        del words, spaces
        for a in [a for a in self.attrs if a in self.parts and a not in _SET_LAST]:
            col = np.concatenate(self.parts.pop(a)).astype("uint64")
            if col.any():
                doc.from_array([IDS[a]], col.reshape(-1, 1))
        head = np.concatenate(self.parts.pop("HEAD")).astype("int64").astype("uint64")
        dep = np.concatenate(self.parts.pop("DEP"))
        if dep.any():
            doc.from_array([IDS["HEAD"], IDS["DEP"]], np.stack([head, dep], axis=1))
        return doc


def analyse_long(nlp: Any, text: str, limit: int = MODEL_PIECE_CHARS, max_run: int = MAX_RUN_CHARS) -> Doc:
    """A long text as one Doc: the model runs piece by piece, the project's components on the whole.

    Memory stays bounded: the model sees `MODEL_GROUP` pieces at a time, and of each piece only the
    token attributes the components read are kept (compact columns), not the piece's Doc.
    """
    cols = _Columns(ents="ner" in nlp.pipe_names)
    with nlp.select_pipes(disable=[name for name, _ in _own_components(nlp)]):
        for part in nlp.pipe(iter_pieces(text, limit, max_run), batch_size=MODEL_GROUP):
            cols.add(part)
    doc = cols.doc(nlp.vocab)
    if doc.text != text:  # pragma: no cover - guards the offsets contract
        raise ValueError("re-joined pieces differ from the text")
    doc.user_data[TEXT_KEY] = text  # spares the components rebuilding it from every token
    for _name, proc in _own_components(nlp):
        doc = proc(doc)
    return doc


def analyse(nlp: Any, text: str) -> Doc:
    """The one safe way from a text to a processed Doc (CLI, `extract` and `extract_many`): pieces when
    the text is long or holds a stretch the tokenizer would take quadratic time over."""
    return analyse_long(nlp, text) if needs_pieces(text) else nlp(text)


def _parse(nlp: Any, docs: list[Document], batch_size: int) -> list[Doc | Exception]:
    long = [needs_pieces(d.text) for d in docs]
    short = [d.text for d, is_long in zip(docs, long, strict=True) if not is_long]
    try:
        parsed: Iterator[Doc] = iter(list(nlp.pipe(short, batch_size=batch_size)))
    except Exception:  # one bad document must not sink the batch: redo them one by one below
        parsed = iter(())
        short = []
    out: list[Doc | Exception] = []
    for d, is_long in zip(docs, long, strict=True):
        try:
            if is_long:
                out.append(analyse_long(nlp, d.text))
            elif short:
                out.append(next(parsed))
            else:
                out.append(nlp(d.text))
        except Exception as e:
            out.append(e)
    return out


def _analyse(nlp: Any, docs: list[Document], options: Options) -> Iterator[tuple[str | None, Failure | None]]:
    if not docs:
        return
    fp = options.fingerprint or fingerprint(options.model, options.fast)
    for d, sd in zip(docs, _parse(nlp, docs, options.batch_size), strict=True):
        if isinstance(sd, Exception):
            yield None, Failure(d.source, "ExtractionError", f"{type(sd).__name__}: {sd}"[:500], id=d.id)
            continue
        meta = {**d.metadata, "text": d.text} if options.store_text else d.metadata
        try:
            rec = build_record(sd, nlp, id=d.id, source=d.source, encoding=d.encoding, metadata=meta)
            rec.extractor.fingerprint = fp
            yield rec.model_dump_json(), None
        except Exception as e:  # a record that breaks the contract is that document's error only
            msg = (str(e).splitlines() or [""])[0][:500]
            yield None, Failure(d.source, "RecordError", f"{type(e).__name__}: {msg}", id=d.id)


def _init_worker(options: Options, parent_pid: int | None = None) -> None:
    """Worker start: leave Ctrl-C to the parent (it stops its workers), die with the parent, load the pipeline."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if parent_pid is not None:
        watch_parent(parent_pid)
    load_pipeline(options.model, options.fast)
    fingerprint(options.model, options.fast)


def iter_results(items: Iterable[Item], options: Options | None = None, workers: int = 1,
                 known: dict[str, str] | None = None,
                 executor: Callable[..., Iterator[Result]] | None = None) -> Iterator[Result]:
    """Results for every input, in input order; `workers > 1` or an `executor` (`extractor.cluster`) runs them.

    `known` maps record ids to `reuse_key`s already extracted with this extractor: those inputs
    are read here and, when their text is unchanged, come back `unchanged` without reaching a
    worker (workers start only when some document needs the model).
    """
    options = options or Options()
    chunk_size = max(1, options.batch_size)

    def prepared() -> Iterator[Item | Result]:
        for it in expand_jsonl(items, options.max_bytes):
            rid = item_id(it)
            if not known or rid is None or rid not in known:
                yield it
                continue
            for d in _expand(it, options.max_bytes):
                if isinstance(d, Document) and known.get(d.id) == reuse_key(d):
                    yield Result(d.id, d.source, unchanged=True, signature=signature(d.text))
                else:
                    yield d

    def chunks() -> Iterator[list[Item | Result]]:
        buf: list[Item | Result] = []
        todo = 0
        for it in prepared():
            buf.append(it)
            todo += not isinstance(it, Result)
            if todo >= chunk_size or len(buf) >= 8 * chunk_size:
                yield buf
                buf, todo = [], 0
        if buf:
            yield buf

    if executor is not None or workers > 1:
        yield from (executor or _in_workers)(chunks(), options, workers)
    else:
        for chunk in chunks():
            yield from process_chunk(chunk, options)


def _in_workers(chunks: Iterator[list[Item | Result]], options: Options, workers: int) -> Iterator[Result]:
    """Chunks analysed by `workers` processes, a bounded window of them in flight, results in order.

    The pool starts at the first chunk that needs the model. Its workers die with this process
    (they watch it) and are stopped at once on an interrupt or when the consumer stops reading.
    """
    import multiprocessing as mp

    ctx = mp.get_context("spawn" if os.name == "nt" else "forkserver")
    pool: ProcessPoolExecutor | None = None
    try:
        pending: deque[Future[list[Result]] | list[Result]] = deque()
        limit = workers * 2
        for chunk in chunks:
            if all(isinstance(x, Result) for x in chunk):
                pending.append(cast(list[Result], chunk))
            else:
                if pool is None:
                    pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker,
                                               initargs=(options, os.getpid()))
                pending.append(pool.submit(process_chunk, chunk, options))
            while len(pending) >= limit or (pending and isinstance(pending[0], list)):
                yield from _done(pending.popleft())
        while pending:
            yield from _done(pending.popleft())
    except BaseException:  # Ctrl-C, TERM (raised as KeyboardInterrupt by the CLI), a consumer that stops
        if pool is not None:
            stop_workers(pool)
        raise
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _done(p: Future[list[Result]] | list[Result]) -> list[Result]:
    return p if isinstance(p, list) else p.result()
