"""Building the spaCy pipeline once per process: the French model plus the project's components."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import spacy
from spacy.language import Language
from spacy.util import compile_suffix_regex

from . import components  # noqa: F401  (registers the factories)
from .attributes import speed_up_attribute_ruler
from .errors import ExtractorError
from .lemmas import index_as_sets

DEFAULT_MODEL = "fr_core_news_md"

COMPONENTS: tuple[str, ...] = (
    "communique_header",
    "communique_amounts",
    "communique_dates",
    "communique_organizations",
    "communique_places",
    "communique_beneficiaries",
    "communique_quantities",
    "communique_allocations",
)
"""The project's components, in pipeline order (later ones read earlier ones' span groups)."""

MODEL_EXCLUDED = ("ner",)
"""Model components never loaded by default. The statistical NER is the model's dearest part (its
own tok2vec, about 40% of the bare model's time) and adds nothing measurable: the project's
components find places and organisations from lexicons and rules (dev, corpus and a held-out set
score the same with and without it). `load_pipeline(ner=True)` brings it back, and with it the
places component's gap-filling from LOC entities (type `other`)."""

FAST_DISABLED = ("tok2vec", "morphologizer", "parser", "senter", "attribute_ruler", "lemmatizer", "ner")
"""Model components `fast=True` leaves out: every statistical one. The fast pipeline is the model's
tokenizer, a rule-based sentencizer and a lookup lemmatizer (tables from spacy-lookups-data, an
installed package) in front of the project's components, which need no parse. Measured with
bench/run.py: about 2.3x the full pipeline's throughput for a core F1 about 0.01 lower on the dev set
(README, `--fast` help; the organisation name boundaries and roles are where POS tags help)."""


def load_pipeline(model: str = DEFAULT_MODEL, fast: bool = False, ner: bool = False,
                  config: tuple[tuple[str, tuple[tuple[str, Any], ...]], ...] = ()) -> Language:
    """The `nlp` object: model + components, built once per process for each argument set.

    `config` overrides component options as ((component, ((key, value), ...)), ...).
    """
    return _load_pipeline(model, bool(fast), bool(ner), tuple(config))


@lru_cache(maxsize=4)
def _load_pipeline(model: str, fast: bool, ner: bool,
                   config: tuple[tuple[str, tuple[tuple[str, Any], ...]], ...]) -> Language:
    exclude = sorted({*(() if ner else MODEL_EXCLUDED), *(FAST_DISABLED if fast else ())})
    try:
        nlp = spacy.load(model, exclude=exclude)
    except OSError as e:
        raise ExtractorError(
            f"spaCy model {model!r} is not installed; install the project (pip install -e .) "
            f"which declares it as a dependency"
        ) from e
    _split_final_period(nlp)
    index_as_sets(nlp)  # same lemmas, no scan of a 66 000-word list per new word
    speed_up_attribute_ruler(nlp)  # same tags, the POS -> TAG copy by lookup instead of one match a token
    if fast:
        nlp.add_pipe("sentencizer")
        lemmatizer = nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        try:
            lemmatizer.initialize(nlp=nlp)  # type: ignore[attr-defined]
        except (ValueError, OSError) as e:
            raise ExtractorError(f"--fast needs the lookup tables of spacy-lookups-data: {e}") from e
    overrides = {name: dict(opts) for name, opts in config}
    for name in COMPONENTS:
        nlp.add_pipe(name, config=overrides.get(name, {}))
    return nlp


_INNER_CAPITAL_PERIOD = re.compile(r"\w+[A-Z]\w*\.")
"""A word with a capital after its first letter, then a period: a name (`KfW.`, `GiZ.`), no abbreviation."""


def _split_final_period(nlp: Language) -> None:
    """Split the sentence's final period off a name with an inner capital (`accordés par la KfW.`).

    The French tokenizer's `token_match` keeps `KfW.` whole (it reads it as an abbreviation like
    `Mme.`), so the name is not found; abbreviations have no inner capital and keep their period."""
    match = nlp.tokenizer.token_match
    if match is not None:  # a compiled regex's `match`, which `to_disk` saves as its pattern: keep it one
        pattern = match.__self__.pattern
        flags = re.match(r"\(\?[a-zA-Z]+\)", pattern)
        head = flags.group(0) if flags else ""
        guard = rf"(?-i:(?!{_INNER_CAPITAL_PERIOD.pattern}$))"
        nlp.tokenizer.token_match = re.compile(head + guard + pattern[len(head):]).match
    suffixes = [*nlp.Defaults.suffixes, r"(?<=[a-zà-ÿ][A-Z])\."]  # `KfW.`: the French suffixes keep it
    nlp.tokenizer.suffix_search = compile_suffix_regex(suffixes).search


def model_name(nlp: Language) -> str:
    return f"{nlp.meta.get('lang', 'fr')}_{nlp.meta.get('name', '?')}-{nlp.meta.get('version', '?')}"
