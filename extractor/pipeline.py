"""Building the spaCy pipeline once per process: the French model plus the project's components."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import spacy
from spacy.language import Language

from . import components  # noqa: F401  (registers the factories)
from .errors import ExtractorError

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

FAST_DISABLED = ("parser",)
"""Model components `fast=True` also leaves out; the sentence recogniser takes the parser's place.
The lemmatizer stays: LEMMA matcher patterns need it."""


def load_pipeline(model: str = DEFAULT_MODEL, fast: bool = False, ner: bool = False,
                  config: tuple[tuple[str, tuple[tuple[str, Any], ...]], ...] = ()) -> Language:
    """The `nlp` object: model + components, built once per process for each argument set.

    `config` overrides component options as ((component, ((key, value), ...)), ...).
    """
    return _load_pipeline(model, bool(fast), bool(ner), tuple(config))


@lru_cache(maxsize=4)
def _load_pipeline(model: str, fast: bool, ner: bool,
                   config: tuple[tuple[str, tuple[tuple[str, Any], ...]], ...]) -> Language:
    exclude = [*(() if ner else MODEL_EXCLUDED), *(FAST_DISABLED if fast else ())]
    try:
        nlp = spacy.load(model, exclude=exclude)
    except OSError as e:
        raise ExtractorError(
            f"spaCy model {model!r} is not installed; install the project (pip install -e .) "
            f"which declares it as a dependency"
        ) from e
    if fast and "senter" in nlp.disabled:
        nlp.enable_pipe("senter")
    overrides = {name: dict(opts) for name, opts in config}
    for name in COMPONENTS:
        nlp.add_pipe(name, config=overrides.get(name, {}))
    return nlp


def model_name(nlp: Language) -> str:
    return f"{nlp.meta.get('lang', 'fr')}_{nlp.meta.get('name', '?')}-{nlp.meta.get('version', '?')}"
