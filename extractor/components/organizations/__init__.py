"""Organisations component (`communique_organizations`): one module per step of reading a text.

- `candidates`: known names, generic heads and their complements, named actors;
- `resolution`: overlapping candidates to mentions;
- `aliases`: acronyms and glosses the text defines;
- `linking`: mentions to organisations;
- `roles`: role cues around mentions, enumerations, sums of money, letterheads;
- `component`: the spaCy factory and the pipe that runs the steps and writes the results;
- `model`: the data the steps pass on.
"""

from __future__ import annotations

from .component import OrganizationsComponent, make_organizations
from .model import SPAN_KEY, OrgMention, _Cand, _Mention, _Org
from .roles import _first_amount_after, _first_at_or_after, _last_amount_before

__all__ = [
           "SPAN_KEY",
           "OrgMention",
           "OrganizationsComponent",
           "_Cand",
           "_Mention",
           "_Org",
           "_first_amount_after",
           "_first_at_or_after",
           "_last_amount_before",
           "make_organizations",
]
