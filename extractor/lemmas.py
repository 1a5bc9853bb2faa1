"""The model's rule lemmatizer, with its word index as sets: the same lemmas, without list scans.

spaCy's rule lemmatizer (`FrenchLemmatizer.rule_lemmatize`) tests `word in index` where the index of a
part of speech is the list read from spacy-lookups-data (66 000 nouns): about 1 ms for each
(word, POS) pair it has not cached yet. On one long report that is most of a second per 1 000
distinct words, about as long as the whole parser. `index_as_sets` runs spaCy's own method
unchanged over a view of the lemmatizer whose `lemma_index` holds sets: membership is all the
method asks of it, so the lemmas are the same (`tests/test_lemmas.py` checks them word by word).
The lemmatizer's own tables are left as they are, so `nlp.to_disk` writes what the model shipped.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from spacy.lookups import Lookups, Table

INDEX_TABLE = "lemma_index"


class _SetIndexView:
    """What `rule_lemmatize` reads of `self`: the lemmatizer, except `lookups`, whose `lemma_index`
    has a set per part of speech. Everything else (cache, other tables, methods) is the lemmatizer's."""

    def __init__(self, lemmatizer: Any, lookups: Lookups) -> None:
        self._lemmatizer = lemmatizer
        self.lookups = lookups

    def __getattr__(self, name: str) -> Any:
        return getattr(self._lemmatizer, name)


def _with_set_index(lookups: Lookups) -> Lookups:
    """A copy of `lookups` sharing every table but `lemma_index`, rebuilt with sets instead of lists."""
    out = Lookups()
    for name in lookups.tables:
        table = lookups.get_table(name)
        if name == INDEX_TABLE:
            table = Table(name=name, data={key: frozenset(words) for key, words in table.items()})
        out.set_table(name, table)
    return out


def index_as_sets(nlp: Any) -> bool:
    """Make the pipeline's rule lemmatizer look words up in sets. Returns whether it applied (a rule
    lemmatizer with a `lemma_index` table; lookup mode and other pipelines are left alone)."""
    if "lemmatizer" not in nlp.pipe_names:
        return False
    lem = nlp.get_pipe("lemmatizer")
    if getattr(lem, "mode", None) != "rule" or not lem.lookups.has_table(INDEX_TABLE):
        return False
    view = _SetIndexView(lem, _with_set_index(lem.lookups))
    lem.lemmatize = partial(type(lem).rule_lemmatize, view)
    return True
