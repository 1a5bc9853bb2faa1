"""Shared French function words (`patterns/words.jsonl`): one list once, checked on load."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from extractor.errors import PatternError
from extractor.normalizers.words import REGEX_LABELS, WORD_LABELS, WORDS_FILE, function_words
from extractor.patterns import patterns_dir


def test_words_file_gives_every_list_and_cue() -> None:
    w = function_words()
    assert w.de == {"de", "du", "des", "d'", "d’"} and w.det == {"la", "l'", "l’", "le", "les"}
    assert w.locative.search("au profit de la ") and not w.locative.search("le programme de la ")
    assert w.genitive.search("l'engagement de la ") and w.relative.match(" (ONEE), qui finance")
    assert w.who.match(" qui a financé") and not w.relative.match(" qui a financé")
    assert w.list_close.match(" ainsi que ")


def test_words_components_read_the_one_list(nlp: Any) -> None:
    """The organisations and places components read the same `de` words, from the data file."""
    orgs, places = nlp.get_pipe("communique_organizations"), nlp.get_pipe("communique_places")
    assert orgs.w.de is places.w.de is function_words().de
    assert places.determiners == function_words().det | function_words().det_other


def _variant(tmp_path: Path, old: str, new: str) -> str:
    text = (patterns_dir() / WORDS_FILE).read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "words.jsonl"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("old,new,needle", [
    ('"pattern": "la|l\'|l’|le|les"', '"pattern": "la|L\'|le"', "lower case"),
    ('"pattern": "à|au|aux"', '"pattern": "à|au|au"', "repeated"),
    ('{"id": "words.a", "label": "A"', '{"id": "words.a", "label": "À"', "unknown label"),
    ('{"id": "words.a", "label": "A"', '{"id": "words.a", "label": "DE"', "exactly one"),
    ('"label": "WHO", "pattern": "', '"label": "WHO", "pattern": "(', "bad regex"),
], ids=["upper-case", "repeated-word", "unknown-label", "label-twice", "bad-regex"])
def test_words_malformed_file_fails_on_load_naming_it(tmp_path: Path, old: str, new: str, needle: str) -> None:
    with pytest.raises(PatternError, match=needle) as exc:
        function_words(_variant(tmp_path, old, new))
    assert "words.jsonl" in str(exc.value)


def test_words_labels_are_documented_in_the_file_header() -> None:
    header = [line for line in (patterns_dir() / WORDS_FILE).read_text(encoding="utf-8").splitlines()
              if line.startswith("//")]
    for label in (*WORD_LABELS, *REGEX_LABELS):
        assert any(f"//   {label} " in line for line in header), label
