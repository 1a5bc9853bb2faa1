"""The rule lemmatizer with its word index as sets (`extractor.lemmas`) gives spaCy's own lemmas."""

from __future__ import annotations

from pathlib import Path

from extractor.lemmas import INDEX_TABLE

ROOT = Path(__file__).resolve().parent.parent


def test_set_index_lemmatizer_gives_spacys_lemma_for_every_word_of_the_corpus(nlp) -> None:
    """Word by word over corpus/ (each distinct word and part of speech once): the lemmas of the
    patched method equal those of spaCy's method over the shipped list index, cache emptied between."""
    lem = nlp.get_pipe("lemmatizer")
    original = type(lem).rule_lemmatize
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus").rglob("*.txt"))]
    seen: dict[tuple[int, int], object] = {}
    with nlp.select_pipes(disable=[n for n in nlp.pipe_names if n.startswith("communique_")]):
        for doc in nlp.pipe(texts):
            for tok in doc:
                seen.setdefault((tok.orth, tok.pos), tok)
    saved = dict(lem.cache)
    try:
        for tok in seen.values():
            lem.cache.clear()
            ours = lem.lemmatize(tok)
            lem.cache.clear()
            assert ours == original(lem, tok), tok.text
    finally:
        lem.cache.clear()
        lem.cache.update(saved)
    assert len(seen) > 1000


def test_set_index_lemmatizer_is_in_use_and_leaves_the_shipped_tables_as_lists(nlp) -> None:
    """The full pipeline uses the set view (not spaCy's bound method), and the lemmatizer's own
    `lemma_index` keeps its lists, so `nlp.to_disk` writes the tables the model shipped."""
    lem = nlp.get_pipe("lemmatizer")
    assert getattr(lem.lemmatize, "func", None) is type(lem).rule_lemmatize
    table = lem.lookups.get_table(INDEX_TABLE)
    assert all(isinstance(words, list) for words in table.values())
    assert lem.lookups.to_bytes()
