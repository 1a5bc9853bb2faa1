"""The long-text path: a text the model cannot take whole goes through it in bounded pieces.

A text longer than `MODEL_CHUNK_CHARS`, or holding a whitespace-free stretch the tokenizer would take
quadratic time over, is cut into pieces (`iter_pieces`); the model runs one piece at a time and of
each piece only the token attributes the project's components read are kept (`_Columns`), then one
Doc is rebuilt over the whole text so that every offset points into it and the components see the
whole document, as they do a short one. Used by the CLI, `extract` and `extract_many` alike
(`analyse`).
"""

from __future__ import annotations

import ctypes
import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from spacy.tokens import Doc

from .components.allocations.component import give_roles
from .pipeline import COMPONENTS
from .text import TEXT_KEY

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


def own_components(nlp: Any) -> list[tuple[str, Any]]:
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

    def add(self, part: Doc, piece: str | None = None) -> None:
        """Keep `part`'s columns; with `piece`, the text it was made from, check the kept words and
        spaces give that text back (what `Doc.text` would check later, without a Python object per token)."""
        from spacy.attrs import IDS

        arr = part.to_array([IDS[a] for a in self.attrs])
        for j, a in enumerate(self.attrs):
            col = arr[:, j]
            self.parts[a].append(col.astype(_DTYPES[a]) if a in _DTYPES else col.copy())
        strings = self._strings
        words = [strings.setdefault(w, w) for w in (t.text for t in part)]
        if piece is not None and _joined(words, self.parts["SPACY"][-1]) != piece:
            raise ValueError("a piece's tokens do not give its text back")
        self.words.extend(words)

    def doc(self, vocab: Any) -> Doc:
        """One Doc holding every piece's tokens and kept attributes; the columns are freed on the way."""
        import numpy as np
        from spacy.attrs import IDS

        words, self.words, self._strings = self.words, [], {}
        spaces = np.concatenate(self.parts.pop("SPACY")).astype(bool).tolist()
        doc = Doc(vocab, words=words, spaces=spaces)
        del words, spaces
        for a in [a for a in self.attrs if a in self.parts and a not in _SET_LAST]:
            col = np.concatenate(self.parts.pop(a)).astype("uint64", copy=False)
            if col.any():
                doc.from_array([IDS[a]], col.reshape(-1, 1))
            del col
        # heads and labels in one (2, n) buffer passed transposed: spaCy's `from_array` makes its
        # columns contiguous, which is then no copy (a stacked (n, 2) array was copied whole; with the
        # int64 and uint64 steps of the heads, 0.24 GB over the Doc at 20 MB, now 0.06 GB)
        both = np.empty((2, len(doc)), dtype="uint64")
        np.concatenate(self.parts.pop("HEAD"), out=both[0], casting="unsafe")  # -k -> 2**64 - k, as int64 did
        np.concatenate(self.parts.pop("DEP"), out=both[1])
        if both[1].any():
            doc.from_array([IDS["HEAD"], IDS["DEP"]], both.T)
        return doc


@lru_cache(maxsize=1)
def _malloc_trim() -> Any:
    """glibc's `malloc_trim`, or None where the C library has none (macOS, musl)."""
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # pragma: no cover - not glibc
        return None


def release_freed_memory() -> bool:
    """Hand memory the process has freed back to the system (glibc `malloc_trim`); whether it could.

    The pieces' columns are thousands of small arrays on the C heap, freed together once the joined
    Doc is built (0.15 GB at 20 MB, with the model's working memory); Python objects the components
    make next live in arenas of their own, so without a trim that freed heap stays resident."""
    trim = _malloc_trim()
    if trim is None:  # pragma: no cover - not glibc
        return False
    trim(0)
    return True


def _joined(words: list[str], spaces: Any) -> str:
    """The text `words` and their trailing-space flags make, as `Doc(words=, spaces=)` lays it out."""
    return "".join([w + " " if sp else w for w, sp in zip(words, spaces.tolist(), strict=True)])


def _doc_length(doc: Doc) -> int:
    """Characters of `doc`'s text, from its last token (no join)."""
    if not len(doc):
        return 0
    last = doc[-1]
    return last.idx + len(last.text_with_ws)


def analyse_long(nlp: Any, text: str, limit: int = MODEL_PIECE_CHARS, max_run: int = MAX_RUN_CHARS,
                 until: str | None = None) -> Doc:
    """A long text as one Doc: the model runs piece by piece, the project's components on the whole
    (those before `until` only, when given).

    Memory stays bounded: the model sees `MODEL_GROUP` pieces at a time, and of each piece only the
    token attributes the components read are kept (compact columns), not the piece's Doc.
    """
    cols = _Columns(ents="ner" in nlp.pipe_names)
    with nlp.select_pipes(disable=[name for name, _ in own_components(nlp)]):
        pairs = ((piece, piece) for piece in iter_pieces(text, limit, max_run))
        for part, piece in nlp.pipe(pairs, batch_size=MODEL_GROUP, as_tuples=True):
            cols.add(part, piece)
    doc = cols.doc(nlp.vocab)
    del cols
    release_freed_memory()
    # each piece gave its text back (`_Columns.add`) and the pieces are consecutive slices of the text,
    # so the joined Doc's text is `text`; its length is checked here, `doc.text` (a join over a Python
    # object per token: 1.5 s and 0.25 GB at 1 MB and 20 MB) is not built
    if _doc_length(doc) != len(text):  # pragma: no cover - guards the offsets contract
        raise ValueError("re-joined pieces differ from the text")
    doc.user_data[TEXT_KEY] = text  # spares the components rebuilding it from every token
    for name, proc in own_components(nlp):
        if name == until:
            break
        doc = proc(doc)
        # what a component freed (its working lists and arrays) goes back before the next one runs:
        # glibc keeps freed heap resident, and the next component's objects do not all reuse it
        release_freed_memory()
    return doc


LINKER = "communique_allocations"
"""The last component, which reads the others' values and, of the Doc, only what `capture` takes."""


def analyse_fields(nlp: Any, text: str) -> dict[str, Any]:
    """Every component's exported fields (`build.export_fields`) of `text`, the way `analyse` goes.

    A long text's Doc goes before the allocations component links the sums and before any field is
    exported: that component reads the Doc once (`capture`: sums, mentions, each sum's governing verb)
    and links without it, and every export is a function of the values read off it (`detach`), so the
    Doc (120 bytes a token, 0.47 GB at 20 MB) is never beside the allocation records or the fields."""
    from .build import detached_exports, export_fields, merged

    names = [name for name, _ in own_components(nlp)]
    linker = nlp.get_pipe(LINKER) if names and names[-1] == LINKER else None
    if not needs_pieces(text) or not hasattr(linker, "capture"):
        return export_fields(analyse(nlp, text), nlp)
    doc = analyse_long(nlp, text, until=LINKER)
    exports = detached_exports(doc, nlp)  # the linker's own gives no records here: they come below
    captured = linker.capture(doc)
    del doc  # nothing else holds it: what the exports and the capture read of it is plain values
    release_freed_memory()
    fields = merged(exports)
    orgs = fields.get("organizations", [])
    records = linker.link_captured(captured)
    del captured
    give_roles(orgs, records)  # the organisations' exported records are the component's own dicts
    fields["allocations"] = [dict(r) for r in records]
    return fields


def analyse(nlp: Any, text: str) -> Doc:
    """The one safe way from a text to a processed Doc (CLI, `extract` and `extract_many`): pieces when
    the text is long or holds a stretch the tokenizer would take quadratic time over."""
    return analyse_long(nlp, text) if needs_pieces(text) else nlp(text)
