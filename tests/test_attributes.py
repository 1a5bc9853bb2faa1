"""The attribute ruler's POS -> TAG copy by lookup (`extractor/attributes.py`) annotates as spaCy's ruler does."""

from __future__ import annotations

from pathlib import Path

import numpy
import pytest
import spacy
from spacy.attrs import IDS

from extractor.attributes import copy_patterns, speed_up_attribute_ruler
from extractor.lemmas import index_as_sets
from extractor.pipeline import _split_final_period

ROOT = Path(__file__).resolve().parent.parent
_ATTRS = ("ORTH", "TAG", "POS", "MORPH", "LEMMA", "DEP", "HEAD", "SENT_START", "SPACY")
_EDGES = ["", " ", "\n\n  \n", "a  b\n\n c", "Rabat,\n\n\n 12 mai 2021 (MAP) -  3 MDH \t pour 12 écoles.",
          "(" * 300, "\x00\x01 3 MDH \x02"]


def _model(fast: bool):
    nlp = spacy.load("fr_core_news_md", exclude=["ner"])
    _split_final_period(nlp)
    index_as_sets(nlp)
    if fast:
        assert speed_up_attribute_ruler(nlp)
    return nlp


@pytest.fixture(scope="module")
def models():
    return _model(False), _model(True)


def test_attribute_ruler_by_lookup_annotates_every_token_as_spacys_ruler(models) -> None:
    """Tags, POS, morphology, lemmas, dependencies and sentence starts equal, token for token, over corpus/
    and white-space and control-character edge cases (the ruler's own patterns handle spaces)."""
    plain, fast = models
    texts = [f.read_text(encoding="utf-8") for f in sorted((ROOT / "corpus").rglob("*.txt"))] + _EDGES
    ids = [IDS[a] for a in _ATTRS]
    for text, a, b in zip(texts, plain.pipe(texts), fast.pipe(texts), strict=True):
        assert numpy.array_equal(a.to_array(ids), b.to_array(ids)), text[:80]
        assert [(t.tag_, str(t.morph)) for t in a] == [(t.tag_, str(t.morph)) for t in b], text[:80]


def test_attribute_ruler_by_lookup_leaves_the_ruler_and_its_patterns_as_shipped(models) -> None:
    """Only the matching step is replaced: the ruler keeps its patterns (so `to_disk` writes the same)."""
    plain, fast = models
    assert fast.get_pipe("attribute_ruler").patterns == plain.get_pipe("attribute_ruler").patterns
    assert copy_patterns(plain.get_pipe("attribute_ruler").patterns) == 20


def test_attribute_ruler_by_lookup_copies_only_a_leading_run_of_pos_to_tag_patterns() -> None:
    """A pattern that reads more than POS, or sets more than TAG, ends the run the lookup replaces."""
    copy = {"patterns": [[{"POS": "ADJ"}]], "attrs": {"TAG": "ADJ"}, "index": 0}
    more = {"patterns": [[{"POS": "SPACE", "IS_SPACE": False}]], "attrs": {"TAG": "X"}, "index": 0}
    sets = {"patterns": [[{"POS": "NOUN"}]], "attrs": {"TAG": "NOUN", "POS": "X"}, "index": 0}
    assert copy_patterns([copy, copy, more, copy]) == 2
    assert copy_patterns([sets, copy]) == 0
    assert copy_patterns([]) == 0
